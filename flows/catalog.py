"""Opening, migrating and publishing the catalog: the only module that opens DuckDB.

Writers never touch the published file. `writing()` copies it beside itself, lets the caller
write the copy (one transaction per source), checkpoints it and publishes it with an atomic
rename, under a writer lock. Readers (`gazette query`, an analyst's `duckdb -readonly` shell)
keep the snapshot they opened and are never blocked by a write; a crash mid-write leaves the
published catalog untouched and only a stale copy, removed by the next writer.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flows import query_guard
from schemas.ddl import latest_version, migrations
from schemas.errors import CatalogBusyError, CatalogVersionError, seconds_text
from schemas.records import MAX_TRANSIENT_ATTEMPTS

# duckdb is imported by the functions that open a database, not here: parsing workers import
# this module (SourceFile, now_utc) and never open one, and importing it costs each of them memory.
if TYPE_CHECKING:
    import duckdb

DEFAULT_DB = Path("data/warehouse/catalog.duckdb")
LOCK_MESSAGE = "Could not set lock"
# A writer's DuckDB: a bounded buffer pool (it spills to `<catalog>.tmp` beyond it) on one thread,
# so that loading a very long text stays within a small machine's memory; a run's loads are small
# batches, so one thread costs little. FSST compression is left out: on Chinese text it saves
# almost nothing of the file and costs a good part of each commit.
WRITER_SETTINGS = ("set memory_limit = '256MB'", "set threads = 1", "set enable_progress_bar = false",
                   "set disabled_compression_methods = 'fsst'")
# Every read-only connection: no file but the catalog's own (DuckDB still lets COPY write those:
# query_guard refuses COPY), no extension installed or loaded, no Python object scanned, no
# setting changed afterwards. Given at connect time, so no statement runs before the lock; the
# same for every reader, as DuckDB refuses a second connection to a file open in the process
# under another configuration.
READER_CONFIG = {"enable_external_access": False, "autoinstall_known_extensions": False,
                 "autoload_known_extensions": False, "allow_community_extensions": False,
                 "python_enable_replacements": False, "lock_configuration": True}


@dataclass(frozen=True)
class SourceFile:
    """A raw file as the catalog knows it: its content hash, where it was found and its size."""
    source_id: str
    path: str
    media_type: str
    size: int


def connect(db_path: Path, read_only: bool = False, lock_timeout: float = 30.0):
    """Open a catalog file, waiting up to `lock_timeout` s for another process's DuckDB lock.

    A writable connection is migrated to the latest schema; a read-only one must already be.
    Writers of the published catalog use `writing()`, which calls this on a private copy.
    """
    import duckdb

    db_path = Path(db_path)
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"no catalog at {db_path}: run `gazette ingest` first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only, config=READER_CONFIG if read_only else {})
            break
        except duckdb.IOException as exc:
            if query_guard.is_damage(exc):
                raise query_guard.damaged(db_path, exc) from exc
            if LOCK_MESSAGE not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise CatalogBusyError(
                    f"catalog busy: {db_path} is held by another process ({exc}). "
                    "Wait for it to finish or close the other connection, then retry."
                ) from exc
            time.sleep(0.2)
    try:
        if read_only:
            _check_version(con, db_path)
        else:
            for setting in WRITER_SETTINGS:
                con.execute(setting)
            migrate(con)
    except Exception:
        con.close()  # else this process keeps the file open and a later connect sees it unchanged
        raise
    return con


def connect_current(db_path: Path, lock_timeout: float = 600.0):
    """A read-only connection to the published catalog, for a command that writes it: a catalog
    of older code is migrated first, in one publish, as that command's writer would anyway (a
    catalog newer than the code still raises, saying so)."""
    try:
        return connect(db_path, read_only=True)
    except CatalogVersionError:
        with writing(Path(db_path), lock_timeout):
            pass
        return connect(db_path, read_only=True)


def schema_version(con) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()[0]


def _check_version(con, db_path: Path) -> None:
    have, want = schema_version(con), latest_version()
    if have > want:
        raise CatalogVersionError(
            f"{db_path} has schema version {have}, newer than this code's {want}: upgrade the code"
        )
    if have < want:
        raise CatalogVersionError(
            f"{db_path} has schema version {have}, this code needs {want}: "
            "run any writing command (e.g. `gazette ingest`) once to migrate it"
        )


def migrate(con) -> list[int]:
    """Apply each shipped migration the catalog has not recorded, in order, each in its own
    transaction; returns the versions applied."""
    have = schema_version(con)
    if have > latest_version():
        raise CatalogVersionError(
            f"catalog schema version {have} is newer than this code's {latest_version()}: upgrade the code"
        )
    recorded = set()
    if have:
        recorded = {v for (v,) in con.execute("select version from schema_migrations").fetchall()}
    applied = []
    for mg in migrations():
        if mg.version in recorded:
            continue
        with transaction(con):
            con.execute(mg.sql)
            con.execute("insert into schema_migrations (version, name, applied_at) values (?, ?, ?)", [mg.version, mg.name, now_utc()])
        applied.append(mg.version)
    return applied


def in_ids(column: str) -> str:
    """A condition `column` is one of a list of ids, bound as one string (see `ids_param`):
    DuckDB's Python binding probes every element of a list parameter for pandas types, two
    failed imports an element, which adds up over a run's document ids."""
    return f"list_contains(string_split(?, chr(31)), {column})"


def ids_param(ids) -> str:
    """The parameter of `in_ids`: catalog ids (hashes, doc, fact and revision ids) never hold
    the unit separator."""
    return "\x1f".join(ids)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def sha256_file(path: Path) -> str:
    """Content hash of a raw file, read in chunks so that large files stay out of memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def wal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".wal")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextlib.contextmanager
def transaction(con) -> Iterator[None]:
    """The block's statements in one transaction: committed when it ends, rolled back (and the
    exception raised again) when it fails."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


@contextlib.contextmanager
def writer_lock(db_path: Path, timeout: float) -> Iterator[None]:
    """One writer at a time: an advisory lock beside the catalog, waited for up to `timeout` s."""
    path = lock_path(Path(db_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise CatalogBusyError(
                        f"catalog busy: {db_path} is being written by {holder}; waited {seconds_text(timeout)}. "
                        "Run again when it has finished, or raise --lock-timeout.") from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"PID {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def writing(db_path: Path, lock_timeout: float = 600.0, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a copy of the catalog (an empty catalog when `fresh`), published
    atomically when the block ends without an exception; on an exception (or a crash) the
    published catalog is unchanged.
    """
    db_path = Path(db_path)
    with writer_lock(db_path, lock_timeout), older_objects_frozen():
        draft = db_path.with_name(db_path.name + ".next")
        for stale in (draft, wal_path(draft)):
            stale.unlink(missing_ok=True)
        _settle_wal(db_path)
        if db_path.exists() and not fresh:
            shutil.copyfile(db_path, draft)
        con = connect(draft, lock_timeout=0)
        try:
            yield con
            con.execute("checkpoint")
        except BaseException:
            con.close()
            draft.unlink(missing_ok=True)
            wal_path(draft).unlink(missing_ok=True)
            raise
        con.close()
        wal_path(draft).unlink(missing_ok=True)
        os.replace(draft, db_path)
        _fsync_dir(db_path.parent)


_frozen_lock = threading.Lock()
_frozen_depth = 0
_froze = False


@contextlib.contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Keep the objects the process held before the block out of the garbage collector's sight
    while it runs (gc.freeze), and give them back after.

    A writer's process holds ~300,000 long-lived objects (Prefect, its client, our modules)
    when the load starts, and loading and diffing allocate enough for one to three full
    collections, each walking all of them: 0.2–0.5 s of a 1.7 s revision stage on 500 texts.
    Cycles among the frozen objects wait for the block's end to be collected; nested blocks
    (two writers in one process) unfreeze at the outermost one. A process that froze objects
    itself for its life (a parsing worker's warm-up, parse.warm_up) is left as it is: unfreezing
    would give them back to the collector, and freezing more would keep transient objects out
    of its sight for good."""
    global _frozen_depth, _froze
    with _frozen_lock:
        if _frozen_depth == 0:
            _froze = gc.get_freeze_count() == 0
            if _froze:
                gc.freeze()
        _frozen_depth += 1
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen_depth -= 1
            if _frozen_depth == 0 and _froze:
                gc.unfreeze()


def _settle_wal(db_path: Path) -> None:
    """Fold a write-ahead log left beside the published file (a writer from before publishing
    existed, or an analyst's read-write shell) into it, so the copy misses nothing."""
    if wal_path(db_path).exists() and db_path.exists():
        con = connect(db_path, lock_timeout=5)
        con.execute("checkpoint")
        con.close()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def memory():
    """A cursor on this process's in-memory catalog (full schema), for staging rows."""
    return _memory_catalog().cursor()


@functools.lru_cache(maxsize=1)
def _memory_catalog():
    import duckdb

    # One thread: DuckDB's memory for writing a staged part grows with its threads' buffers.
    con = duckdb.connect(":memory:", config={"threads": 1})
    migrate(con)
    return con


@contextlib.contextmanager
def reading(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the catalog for the block, closed after it; DuckDB's errors in
    the block become the user's (a refused statement, a damaged file, a failed query)."""
    import duckdb

    con = connect(db_path, read_only=True)
    try:
        yield con
    except duckdb.Error as exc:
        raise query_guard.reader_error(exc, Path(db_path)) from exc
    finally:
        con.close()


def query(con, sql: str) -> tuple[list[str], Iterator[tuple]]:
    """Run an analyst's SQL (refused unless every statement reads); returns column names and rows."""
    query_guard.check(con, sql)
    rel = con.execute(sql)
    columns = [d[0] for d in rel.description] if rel.description else []
    return columns, iter(rel.fetchall())


def query_arrow(con, sql: str):
    """Run an analyst's SQL like `query`; returns its result as an Arrow table (types kept)."""
    query_guard.check(con, sql)
    return con.execute(sql).to_arrow_table()


SUMMARY_QUERIES = (
    ("sources", "select media_type, status, count(*) as sources, sum(pages) as pages "
                "from sources group by all order by all"),
    ("issues", "select publication, year, issue_no, total_no, issue_date, count(*) as renditions "
               "from issues group by all order by all"),
    # One row per policy: its current version's 文号 and title, and the documents of all its versions.
    ("policies", "select p.doc_number, p.title, p.versions, p.status, count(*) as documents "
                 "from policies p join v_documents_all_versions v using (family_id) "
                 "join documents d on d.doc_key = v.doc_key group by all order by 1, 2"),
    ("articles and facts", "select (select count(*) from articles) as articles, "
                           "(select count(*) from facts) as facts, "
                           "(select count(*) from relations) as relations, "
                           "(select count(*) from document_warnings) as document_warnings, "
                           "(select count(*) from fact_warnings) as facts_left_out"),
    ("facts by kind", "select kind, count(*) as facts from facts group by all order by all"),
    # Each side by its file: the two versions of one 文号 differ there, not in their titles.
    ("revisions", "select r.family_id as policy, os.path as old, ns.path as new, r.modified, "
                  "r.added, r.removed, r.renumbered + r.moved as moved, r.fact_changes "
                  "from revisions r join documents o on o.doc_id = r.old_doc_id "
                  "join sources os on os.source_id = o.source_id "
                  "join documents n on n.doc_id = r.new_doc_id "
                  "join sources ns on ns.source_id = n.source_id order by r.family_id, r.new_version_no"),
    ("fact changes", "select family_id as policy, summary as change from v_revision_changes "
                     "where subject = 'fact' order by family_id, revision_id, seq"),
    # A transient quarantine's tries out of those it gets; a permanent one's tries alone.
    ("quarantined", "select path, failure, attempts || case when failure = 'transient' "
                    f"then '/{MAX_TRANSIENT_ATTEMPTS}' else '' end as tries, error, "
                    f"case when failure = 'transient' and attempts < {MAX_TRANSIENT_ATTEMPTS} "
                    "then 'by the next gazette ingest' "
                    "when failure = 'transient' then 'gave up: gazette ingest --retry-quarantined' "
                    "else 'fix the file, then gazette ingest --retry-quarantined' end as retried "
                    "from sources where status = 'quarantined' order by path"),
)
