"""Bad input, runaway parsers, crashes, concurrent runs and old catalogs lose nothing."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from flows import catalog
from flows.cli import doctor
from flows.cli.main import main
from flows.ingest import loader
from flows.ingest.flow import ingest
from flows.ingest.workers import JobFailure, WorkerPool
from schemas.errors import CatalogBusyError, CatalogVersionError, StagingError
from tests.conftest import ROOT, SAMPLES
from tests.jobs import act, allocate, die, sleep_forever
from tests.staging import stage_rows
from tests.test_read import encrypted_pdf

GUIDE = "yizhuang-pharma-service-guide-2026.txt"
TABLES = ("sources", "source_paths", "issues", "issue_toc", "documents", "document_warnings",
          "articles", "facts", "relations", "policy_terms")


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every source table, timestamps left out, in a stable order."""
    con = catalog.connect(db, read_only=True)
    try:
        out = {}
        for table in TABLES:
            cols = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = ? "
                "and data_type not like 'TIMESTAMP%' order by ordinal_position", [table]).fetchall()]
            out[table] = sorted(con.execute(f"select {', '.join(cols)} from {table}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def image_only_pdf() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (200, 280), 255).save(buf, format="PDF")
    return buf.getvalue()


BAD_FILES = {
    "empty.txt": (lambda: b"", "empty file"),
    "page.txt": (lambda: b"<!DOCTYPE html><html><body>\xe5\x85\xac\xe6\x8a\xa5</body></html>", "HTML page"),
    "junk.txt": (lambda: bytes(range(256)) * 40, "binary data"),
    "latin.txt": (lambda: b"caf\xe9 au lait \x80\x81 " * 10, "encoding not detected"),
    "truncated.pdf": (lambda: (SAMPLES / "jjgf-2025-9.pdf").read_bytes()[:150_000], "truncated PDF"),
    "corrupt.pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "damaged PDF"),
    "locked.pdf": (encrypted_pdf, "encrypted PDF"),
    "scan.pdf": (image_only_pdf, "no text layer"),
}


@pytest.mark.usefixtures("prefect_harness")
def test_each_bad_file_is_quarantined_with_its_reason_and_the_batch_goes_on(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / GUIDE, raw)
    for name, (make, _) in BAD_FILES.items():
        (raw / name).write_bytes(make())
    db = tmp_path / "catalog.duckdb"
    assert main(["--db", str(db), "ingest", str(raw), "--no-progress"]) == 3
    assert "partial: 8 source(s) quarantined" in capsys.readouterr().err
    con = catalog.connect(db, read_only=True)
    try:
        status = dict(con.execute("select path, status from sources").fetchall())
        errors = dict(con.execute("select path, error from sources").fetchall())
        docs = con.execute("select count(*) from documents").fetchone()[0]
    finally:
        con.close()
    assert status == {GUIDE: "ok", **{name: "quarantined" for name in BAD_FILES}}
    for name, (_, reason) in BAD_FILES.items():
        assert errors[name].startswith(f"{name}: ") and reason in errors[name], errors[name]
    assert docs == 1


@pytest.mark.usefixtures("prefect_harness")
def _header_rows(issue_no: int):
    from datetime import datetime

    from flows.ingest.rows import IssueRow, RelationRow, SourceRow
    from flows.ingest.source_rows import SourceRows

    rows = SourceRows("s1")
    rows.add(SourceRow(source_id="s1", path="a.txt", media_type="text", status="ok", error=None, pages=None,
                       bytes=10, warnings=["w"], ingested_at=datetime(2026, 11, 30, 9, 30), failure=None,
                       attempts=0))
    rows.add(IssueRow(issue_id="i1", issue_key="北京市人民政府公报/2025/27", source_id="s1",
                      publication="北京市人民政府公报", year=2025, issue_no=issue_no, total_no=903, issue_date=None))
    rows.add(RelationRow(from_doc_id="s1-01", kind="cites", to_doc_number="京政发〔2025〕1号", to_title=None,
                         to_doc_id=None, to_article_label="第三条", quoted_text=None, quote_matches=None,
                         evidence="依据", char_start=3, char_end=9))
    return rows


def test_a_sources_few_rows_travel_as_json_and_load_typed(tmp_path):
    """sources, issues, relations… are staged in one JSON column (staged_parts.HEADER_TABLES) and come
    out of the loader with the schema's types, dates and lists included."""
    from datetime import datetime

    from tests.staging import load_rows

    with catalog.writing(tmp_path / "catalog.duckdb") as con:
        load_rows(con, _header_rows(27), tmp_path)
        assert con.execute("select pages, bytes, warnings, ingested_at from sources").fetchall() == [
            (None, 10, ["w"], datetime(2026, 11, 30, 9, 30))]
        assert con.execute("select year, issue_no, total_no from issues").fetchall() == [(2025, 27, 903)]
        assert con.execute("select kind, to_article_label, char_end from relations").fetchall() == [
            ("cites", "第三条", 9)]


def test_a_staged_row_that_does_not_fit_the_schema_fails_its_source_as_it_is_staged(tmp_path):
    """The JSON column is checked against the DDL's types as the part is written, as the typed
    columns are: an INTEGER out of range fails the source in its worker (quarantined there),
    not the load of every source in its transaction. The error names the column."""
    with pytest.raises(StagingError, match=r"issues row does not fit the catalog: issue_no \(int32\)"):
        stage_rows(_header_rows(2 ** 40), tmp_path / "s1")
    assert not list(tmp_path.iterdir())


def test_a_fact_row_too_short_fails_as_it_is_built_naming_what_it_lacks():
    """Facts have a decimal column, rounded before the row is typed: a row too short to hold it
    cannot be built, since a row is built by column name (flows/ingest/rows.py)."""
    from flows.ingest.rows import FactRow

    with pytest.raises(TypeError, match=r"FactRow.*missing 14 required .*'article_id'"):
        FactRow(fact_id="f1", doc_id="d1", kind="money")


def test_a_file_over_the_time_limit_is_quarantined(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / "beijing-gazette-2025-27.pdf", raw)
    report = ingest([raw], db_path=tmp_path / "c.duckdb", timeout=0.5)
    assert report.quarantined == {
        "beijing-gazette-2025-27.pdf": "beijing-gazette-2025-27.pdf: gave up after 0.5 s (per-file timeout)"}


@pytest.mark.parametrize("preload", [None, "tests.jobs"], ids=["spawned", "forked"])
def test_worker_pool_survives_timeouts_memory_blowups_and_crashes(preload):
    with WorkerPool(1, timeout=2, memory_bytes=1 << 30, preload=preload) as pool:
        assert pool.run(allocate, 1) == 1 << 20
        assert pool.run(sleep_forever) == JobFailure("gave up after 2 s (per-file timeout)")
        assert pool.run(allocate, 4096) == JobFailure("ran out of memory (limit 1024 MiB)")
        assert pool.run(die).reason.startswith("the parser process died (exit code 9")
        assert pool.run(allocate, 2) == 2 << 20


@pytest.mark.parametrize("preload", [None, "tests.jobs"], ids=["spawned", "forked"])
def test_a_batch_in_one_worker_keeps_each_jobs_timeout_and_goes_on_past_a_dead_worker(preload):
    """Sources reach a worker in batches; a runaway or a crash still costs only its own job."""
    jobs = [("allocate", 1), ("sleep", 0), ("allocate", 4096), ("die", 0), ("allocate", 2)]
    with WorkerPool(1, timeout=2, memory_bytes=1 << 30, preload=preload) as pool:
        results = pool.run_each(act, jobs)
        assert pool.size == 1
    assert results[0] == 1 << 20
    assert results[1] == JobFailure("gave up after 2 s (per-file timeout)")
    assert results[2] == JobFailure("ran out of memory (limit 1024 MiB)")
    assert results[3].reason.startswith("the parser process died (exit code 9")
    assert results[4] == 2 << 20


def test_a_forked_worker_replaced_while_another_parses_leaves_that_one_alone():
    """Replacing a forked worker that died forks a new one while the other worker goes on with
    its job and stays usable."""
    import threading

    from tests.jobs import pause

    with WorkerPool(2, timeout=20, memory_bytes=1 << 30, preload="tests.jobs") as pool:
        pool._starter.join()
        first = {w.pid for w in pool._all}
        slow: list = []
        other = threading.Thread(target=lambda: slow.append(pool.run(pause, 1.5)))
        other.start()
        assert pool.run(die).reason.startswith("the parser process died (exit code 9")
        other.join()
        assert slow[0] in first  # the job ran to its end in a worker forked before the death
        assert pool.size == 2 and len({w.pid for w in pool._all} & first) == 1
        assert {pool.run(pause, 0) for _ in range(2)} == {w.pid for w in pool._all}


def test_a_worker_that_cannot_start_fails_the_jobs_that_wait_for_it_with_the_reason(monkeypatch):
    """Workers start in the background; a start that fails (no processes left, a fork server
    that cannot run) is raised to every job waiting for a worker, not swallowed."""
    from flows.ingest import workers

    def cannot_start(self, *args):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(workers._Worker, "__init__", cannot_start)
    with WorkerPool(2, timeout=2) as pool:
        for _ in range(2):
            with pytest.raises(RuntimeError, match="could not start a parsing worker: Resource temporarily"):
                pool.run(allocate, 1)


def test_a_fork_server_that_cannot_start_fails_the_jobs_that_wait_for_it_with_the_reason(monkeypatch):
    from flows.ingest import workers

    def cannot_start():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(workers, "_ensure_fork_server", cannot_start)
    with WorkerPool(2, timeout=2, preload="tests.jobs") as pool:
        if not pool._forked:
            pytest.skip("no fork server here")
        with pytest.raises(RuntimeError, match="could not start a parsing worker: .*Resource temporarily"):
            pool.run(allocate, 1)


def test_parsing_workers_forked_from_one_warm_server_parse_as_spawned_ones(tmp_path):
    """Two or more parsing workers are forked from a fork server that warmed up once
    (flows/ingest/worker_preload.py); a lone worker is spawned. Both stage the same rows as this
    process, without importing DuckDB (the flow hands them the staged tables' columns)."""
    from flows.catalog import SourceFile
    from flows.ingest.parse import parse_and_stage, parsing_workers
    from tests.jobs import imported

    path = SAMPLES / "jjgf-2025-9.txt"
    source = SourceFile("0" * 64, str(path), "text", path.stat().st_size)
    staged = {0: _staged_rows(parse_and_stage(path, source, tmp_path / "here").staged)}
    for workers in (1, 2):
        with parsing_workers(2, workers, timeout=60) as pool:
            result = pool.run(parse_and_stage, path, source, tmp_path / str(workers))
            # each worker in turn: the pool hands out its idle workers first in, first out
            assert [pool.run(imported, "duckdb") for _ in range(workers)] == [False] * workers
            assert pool.run(imported, "pyarrow") is True
            pool._starter.join()
            started_by = {_started_by(w.pid) for w in pool._all}
            parents = {_parent_pid(w.pid) for w in pool._all}
        assert started_by == ({"forkserver"} if workers == 2 else {"spawn"})
        # a forked worker's parent is the fork server, a spawned one's this process
        assert len(parents) == 1 and (parents == {os.getpid()}) == (workers == 1)
        staged[workers] = _staged_rows(result.staged)
    assert staged[0] == staged[1] == staged[2] and len(staged[1][0][2]) > 20  # its facts


class _NotesTheServer:
    """A warm-up whose pickling (for each worker, in the pool's starter thread) notes whether
    the fork server was running by then; the worker gets no warm-up."""
    seen: list[bool] = []

    def __reduce__(self):
        from multiprocessing import forkserver

        self.seen.append(forkserver._forkserver._forkserver_pid is not None)
        return (type(None), ())


def test_the_fork_server_starts_before_the_first_workers_warm_up_is_pickled():
    # Pickling parse.parsing_workers' warm-up reads the staged tables' columns (an in-memory
    # catalog, ~0.08 s): the server's warm-up, the longer wait, must not start after it.
    from tests.jobs import imported

    _NotesTheServer.seen.clear()
    with WorkerPool(2, timeout=30, warm_up=_NotesTheServer(), preload="tests.jobs") as pool:
        assert pool.run(imported, "tests.jobs") is True
        pool._starter.join()
    assert _NotesTheServer.seen == [True, True]


def _started_by(pid: int) -> str:
    """How multiprocessing started a process, read from its command line."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    return "forkserver" if "forkserver" in command else "spawn" if "spawn" in command else command


def _staged_rows(folder: Path) -> list[tuple]:
    """A staged source's typed rows (its header rows hold the time it was staged)."""
    with duckdb.connect() as con:
        return con.execute(f"select * exclude (header_rows) from read_parquet('{folder}/*.parquet')").fetchall()


def _parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.usefixtures("prefect_harness")
def test_same_bytes_under_a_new_name_are_one_source_with_two_paths(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / GUIDE, raw / GUIDE)
    db = tmp_path / "c.duckdb"
    ingest([raw], db_path=db)
    shutil.copy(SAMPLES / GUIDE, raw / "guide-copy.txt")
    report = ingest([raw], db_path=db)
    assert report.added == [] and sorted(report.skipped) == ["guide-copy.txt", GUIDE]
    con = catalog.connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from sources").fetchone()[0] == 1
        assert sorted(r[0] for r in con.execute("select path from source_paths").fetchall()) == [
            "guide-copy.txt", GUIDE]
    finally:
        con.close()


KILL_DURING_LOAD = textwrap.dedent("""
    import contextlib, os, signal, sys
    from pathlib import Path
    from flows import catalog
    from flows.ingest import loader
    from flows.ingest.flow import ingest

    loader.LOAD_CHUNK_BYTES = 1  # a transaction per source, so the kill falls between two of them

    real_transaction, committed = catalog.transaction, []

    @contextlib.contextmanager
    def transaction_then_die(con):
        with real_transaction(con):
            yield
        committed.append(con)
        if len(committed) == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)

    catalog.transaction = transaction_then_die
    ingest([Path(sys.argv[1])], db_path=Path(sys.argv[2]))
""")


def run_script(script: str, *args: str, tmp_path: Path) -> int:
    """Run a script in its own session; afterwards kill what it left behind (its Prefect API)."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)
    with open(tmp_path / "script.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return proc.wait(timeout=300)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.usefixtures("prefect_harness")
def test_sigkill_while_loading_leaves_the_catalog_as_it_was_and_a_rerun_completes_it(tmp_path):
    raw, db, clean_db = tmp_path / "raw", tmp_path / "c.duckdb", tmp_path / "clean.duckdb"
    raw.mkdir()
    for name in (GUIDE, "changping-pharma-2025-draft.txt"):
        shutil.copy(SAMPLES / name, raw)
    ingest([raw], db_path=db)
    before = snapshot(db)
    for name in ("jjgf-2025-9.txt", "beijing-tech-services-2025-draft.txt", "jjgf-2025-9.pdf"):
        shutil.copy(SAMPLES / name, raw)
    code = run_script(KILL_DURING_LOAD, str(raw), str(db), "2", tmp_path=tmp_path)
    assert code == -9, (tmp_path / "script.log").read_text()[-2000:]
    assert snapshot(db) == before  # nothing half-written, nothing lost
    assert doctor.render(*doctor.examine(db))[1]
    ingest([raw], db_path=db)
    ingest([raw], db_path=clean_db)
    assert snapshot(db) == snapshot(clean_db)


@pytest.mark.usefixtures("prefect_harness")
def test_one_worker_loads_batches_while_parsing_and_a_failure_after_some_publishes_nothing(tmp_path, monkeypatch):
    """Beside one worker the writer loads each batch as it is staged (loads_while_parsing). The
    catalog is the one two workers write (loaded after the parsing); and a run that fails after
    some batches were loaded leaves the published catalog as it was."""
    from flows.ingest import loader

    raw, db = tmp_path / "raw", tmp_path / "c.duckdb"
    raw.mkdir()
    shutil.copy(SAMPLES / GUIDE, raw)
    ingest([raw], db_path=db)
    before = snapshot(db)
    for name in ("jjgf-2025-9.txt", "beijing-tech-services-2025-draft.txt", "changping-pharma-2025-draft.txt",
                 "beijing-gazette-2025-27.txt"):
        shutil.copy(SAMPLES / name, raw)
    real_load, loads = loader.load_staged, []

    def failing_load(con, staged, replacing=()):
        loads.append(len(staged))
        if len(loads) == 2:
            raise RuntimeError("the disk filled up")
        return real_load(con, staged, replacing)

    monkeypatch.setattr(loader, "load_staged", failing_load)
    with pytest.raises(RuntimeError, match="the disk filled up"):
        ingest([raw], db_path=db, workers=1)
    assert snapshot(db) == before  # the first batch was loaded into the copy, never published
    monkeypatch.setattr(loader, "load_staged", real_load)
    ingest([raw], db_path=db, workers=1)
    ingest([raw], db_path=tmp_path / "two.duckdb", workers=2)
    assert snapshot(db) == snapshot(tmp_path / "two.duckdb")


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("workers", [1, 2])
def test_force_parses_known_files_again_and_replaces_their_rows(tmp_path, workers):
    """--force: the sources staged again (small ones together in a batch folder, whose name is
    no source's id) replace their rows; nothing is doubled and nothing else changes."""
    raw, db = tmp_path / "raw", tmp_path / "c.duckdb"
    raw.mkdir()
    for name in (GUIDE, "jjgf-2025-9.txt", "beijing-gazette-2025-27.txt"):
        shutil.copy(SAMPLES / name, raw)
    ingest([raw], db_path=db, workers=workers)
    before = snapshot(db)
    report = ingest([raw], db_path=db, workers=workers, force=True)
    assert len(report.added) == 3
    assert snapshot(db) == before


def test_two_runs_stage_apart_and_a_killed_runs_folder_is_removed_by_the_next(tmp_path):
    """Runs that parse at the same time stage under folders of their own: a folder is removed
    with its run, a killed run's by the next run to start, and a live run's never."""
    from flows.ingest.staging import run_staging

    root = tmp_path / "staging"
    held = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from flows.ingest.staging import run_staging
        with run_staging(Path(sys.argv[1])) as folder:
            print(folder.name, flush=True)
            time.sleep(120)
    """), str(root)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        other = held.stdout.readline().strip()
        with run_staging(root) as mine:
            assert mine.name != other and (root / other).is_dir()  # a live run's folder stays
            (mine / "part").write_text("x")
        assert sorted(p.name for p in root.iterdir()) == [other, other + ".lock"]
        held.send_signal(signal.SIGKILL)
        held.wait(10)
        (root / "run-0123456789ab.lock").touch()  # a lock whose run folder is already gone
        (root / ("b" * 64)).mkdir()  # the layout from before run folders: staging/<source id>/
        (root / f"batch-{'c' * 64}").mkdir()
        with run_staging(root) as mine:
            assert sorted(p.name for p in root.iterdir()) == [mine.name, mine.name + ".lock"]
        assert not list(root.iterdir())
    finally:
        held.kill()


def test_sources_another_run_loaded_meanwhile_are_replaced_not_a_key_error(tmp_path):
    """Two runs that planned before either published both parse the same new file; the second
    to load finds its rows there already and replaces them (the same bytes, parsed alike)."""
    from flows.catalog import SourceFile
    from flows.ingest.flow import IngestOptions, load_and_publish
    from flows.ingest.parse import parse_and_stage
    from flows.ingest.staging import run_staging

    path = SAMPLES / GUIDE
    source = SourceFile(catalog.sha256_file(path), str(path), "text", path.stat().st_size)
    db = tmp_path / "c.duckdb"
    root = tmp_path / "staging"
    with run_staging(root) as first, run_staging(root) as second:
        staged = [parse_and_stage(path, source, folder) for folder in (first, second)]
        load_and_publish.fn(db, [staged[0]], [], IngestOptions())
        once = snapshot(db)
        load_and_publish.fn(db, [staged[1]], [], IngestOptions())
    assert snapshot(db) == once and once["documents"]


@pytest.mark.usefixtures("prefect_harness")
def test_second_writer_waits_then_says_catalog_busy(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / GUIDE, raw)
    db = tmp_path / "c.duckdb"
    with catalog.writer_lock(db, timeout=1):
        started = time.monotonic()
        code = main(["--db", str(db), "ingest", str(raw), "--no-progress", "--lock-timeout", "1.5"])
        waited = time.monotonic() - started
    assert code == 2 and waited >= 1.5
    err = capsys.readouterr().err
    assert "catalog busy" in err and f"PID {os.getpid()}" in err
    with pytest.raises(CatalogBusyError):
        with catalog.writer_lock(db, timeout=0):
            with catalog.writer_lock(db, timeout=0.2):
                pass


FREEZE_CHECK = textwrap.dedent("""
    import gc, sys
    from pathlib import Path
    from flows import catalog
    folder = Path(sys.argv[1])
    assert gc.get_freeze_count() == 0
    with catalog.writing(folder / "a.duckdb") as con:
        held = gc.get_freeze_count()
        assert held > 1000, held  # this process's modules, DuckDB's Python objects …
        with catalog.writing(folder / "b.duckdb"):
            assert gc.get_freeze_count() == held
        assert gc.get_freeze_count() == held  # the inner writer leaves the outer's freeze alone
        con.execute("select 1")
    assert gc.get_freeze_count() == 0
    try:
        with catalog.writing(folder / "a.duckdb"):
            raise RuntimeError("a failed load")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0
    gc.freeze()  # as a parsing worker's warm-up does, for the process's life
    kept = gc.get_freeze_count()
    with catalog.writing(folder / "a.duckdb"):
        assert gc.get_freeze_count() == kept
    assert gc.get_freeze_count() == kept
    print("ok")
""")


def test_a_writer_hides_older_objects_from_the_collector_and_gives_them_back(tmp_path):
    # In a fresh process: what this one has frozen depends on the tests before.
    out = subprocess.run([sys.executable, "-c", FREEZE_CHECK, str(tmp_path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


HOLD_READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    for _ in sys.stdin:
        print(con.execute(sys.argv[2]).fetchone()[0], flush=True)
""")


@contextlib.contextmanager
def held_reader(db: Path, sql: str) -> Iterator[Callable[[], str]]:
    """Another process holding the catalog open read-only for the whole block, as an analyst's
    `duckdb -readonly` shell does; yields `ask()`, which runs `sql` there and returns the answer."""
    with subprocess.Popen([sys.executable, "-c", HOLD_READER, str(db), sql], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as proc:
        def ask() -> str:
            proc.stdin.write("\n")
            proc.stdin.flush()
            return proc.stdout.readline().strip()

        try:
            yield ask
        finally:
            proc.kill()


@pytest.mark.usefixtures("prefect_harness")
def test_a_reader_holding_the_catalog_does_not_block_ingest_and_keeps_its_snapshot(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / GUIDE, raw)
    db = tmp_path / "c.duckdb"
    ingest([raw], db_path=db)
    with held_reader(db, "select count(*) from documents") as ask:
        assert ask() == "1"
        shutil.copy(SAMPLES / "changping-pharma-2025-draft.txt", raw)
        report = ingest([raw], db_path=db, lock_timeout=5)
        assert report.added == ["changping-pharma-2025-draft.txt"]
        assert ask() == "1"  # its snapshot, consistent
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 2
    con.close()


@pytest.mark.usefixtures("prefect_harness")
def test_doctor_passes_on_the_corpus_and_rebuild_gives_the_same_rows(corpus_catalog, tmp_path, capsys):
    db, raw, _ = corpus_catalog
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    assert main(["--db", str(copy), "doctor"]) == 0
    report = capsys.readouterr().out
    assert "healthy" in report and "FAIL" not in report
    assert "section 4 is printed with an Arabic numeral" in report
    assert main(["--db", str(copy), "rebuild", str(raw), "--no-progress"]) == 0
    assert snapshot(copy) == snapshot(db)


def test_doctor_finds_broken_offsets_and_orphans(corpus_catalog, tmp_path):
    broken = tmp_path / "broken.duckdb"
    shutil.copy(corpus_catalog[0], broken)
    con = duckdb.connect(str(broken))
    con.execute("update facts set char_start = char_start + 1 where fact_id = (select min(fact_id) from facts)")
    con.execute("delete from documents where doc_id = (select max(doc_id) from documents)")
    con.close()
    report, healthy = doctor.render(*doctor.examine(broken))
    assert not healthy
    assert "FAIL  fact offsets slice the document text (1)" in report
    assert "FAIL  no orphan articles, facts, relations or warnings" in report


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_into_a_catalog_of_older_code_migrates_it_first(tmp_path):
    """Planning reads the catalog read-only; for an older catalog that must not stop the very
    command that migrates it (the CLI plans before Prefect, the flow plans again)."""
    from schemas.ddl import latest_version, migrations

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(migrations()[0].sql)
    con.execute("insert into schema_migrations values (1, ?, now())", [migrations()[0].name])
    con.close()
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / GUIDE, raw)
    assert main(["--db", str(db), "ingest", str(raw), "--no-progress"]) == 0
    con = catalog.connect(db, read_only=True)
    assert catalog.schema_version(con) == latest_version()
    assert con.execute("select count(*) from sources").fetchone()[0] == 1
    con.close()


def test_old_catalog_is_migrated_by_a_writer_and_explained_to_a_reader(tmp_path):
    from schemas.ddl import latest_version, migrations

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    first = migrations()[0]
    con.execute(first.sql)
    con.execute("insert into schema_migrations values (1, ?, now())", [first.name])
    con.close()
    with pytest.raises(CatalogVersionError, match="schema version 1, this code needs .* run any writing command"):
        catalog.connect(db, read_only=True)
    with catalog.writing(db):
        pass
    con = catalog.connect(db, read_only=True)
    assert catalog.schema_version(con) == latest_version()
    con.close()
    con = duckdb.connect(str(db))
    con.execute("insert into schema_migrations values (999, 'from the future', now())")
    con.close()
    with pytest.raises(CatalogVersionError, match="newer than this code"):
        catalog.connect(db, read_only=True)


def test_sources_waiting_in_a_worker_that_died_are_parsed_again_and_the_rest_go_on(tmp_path):
    """Small sources wait in their worker until its batch is written (parse.batch_step). A
    source that kills its worker (here, a PDF over the time limit) is quarantined; those that
    waited in the dead worker are parsed again in the next one, once; those after it are written
    by the next worker. Nothing is lost and each source is staged once."""
    from flows.catalog import SourceFile
    from flows.ingest.flow import parse_in_worker
    from flows.ingest.parse import parsing_workers

    def source(name):
        path = SAMPLES / name
        return path, SourceFile(catalog.sha256_file(path), str(path), "pdf" if name.endswith(".pdf") else "text",
                                path.stat().st_size)

    batch = [source("jjgf-2025-9.txt"), source("beijing-gazette-2025-27.pdf"),
             source("yizhuang-pharma-service-guide-2026.txt")]
    staging = tmp_path / "staging"
    with parsing_workers(3, 1, timeout=0.5) as pool:
        staged = parse_in_worker.fn(pool, batch, staging, "three")
    assert [s.source.path for s in staged] == [str(path) for path, _ in batch]
    assert staged[1].error == "beijing-gazette-2025-27.pdf: gave up after 0.5 s (per-file timeout)"
    assert staged[0].error is None and staged[2].error is None
    # the next worker wrote the guide's batch; the text that waited in the dead one, a batch of its own
    assert [s.staged.name for s in (staged[0], staged[2])] == [f"batch-{s.source.source_id}" for s in (staged[0], staged[2])]
    with catalog.writing(tmp_path / "c.duckdb") as con:
        loader.load_staged(con, [s.staged for s in staged])
        assert con.execute("select path, status from sources order by path").fetchall() == [
            (str(path), status) for (path, _), status in zip(sorted(batch), ["quarantined", "ok", "ok"])]
        assert con.execute("select count(distinct source_id) from documents").fetchone() == (2,)


def test_a_batch_that_cannot_be_written_quarantines_its_sources_with_the_reason(tmp_path):
    """When the batch's write itself fails (twice: the sources are parsed once more first), its
    sources are quarantined with the reason, not lost."""
    from flows.catalog import SourceFile
    from flows.ingest.flow import parse_in_worker
    from flows.ingest.parse import StagedSource

    calls = []

    class FailingFlushPool:
        def run_each(self, fn, jobs):
            calls.append([job[0] for job in jobs])
            return [StagedSource(job[2], None, 1, None, {}) for job in jobs[:-1]] + [JobFailure("OSError: disk full")]

    batch = [(SAMPLES / "a.txt", SourceFile("a" * 64, "a.txt", "text", 1)),
             (SAMPLES / "b.txt", SourceFile("b" * 64, "b.txt", "text", 1))]
    staged = parse_in_worker.fn(FailingFlushPool(), batch, tmp_path, "two")
    assert calls == [["parse", "parse", "flush"]] * 2
    assert [s.error for s in staged] == ["a.txt: could not be staged (OSError: disk full)",
                                         "b.txt: could not be staged (OSError: disk full)"]
    assert all(s.staged is not None and s.staged.is_dir() for s in staged)


def test_revision_changes_kept_from_before_migration_7_survive_its_rebuild(tmp_path):
    """Migration 007 rebuilds revision_changes to allow not_in_newer: the rows a catalog already
    holds stay, and the new kind and columns can be written."""
    from schemas.ddl import migrations

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    for mg in migrations()[:6]:
        con.execute(mg.sql)
        con.execute("insert into schema_migrations values (?, ?, now())", [mg.version, mg.name])
    con.execute("insert into revision_changes (revision_id, seq, subject, kind, summary) "
                "values ('a..b', 0, 'article', 'removed', '第十三条 removed')")
    con.close()
    with catalog.writing(db):
        pass
    con = duckdb.connect(str(db))
    assert con.execute("select kind, summary from revision_changes").fetchall() == [("removed", "第十三条 removed")]
    con.execute("insert into revision_changes (revision_id, seq, subject, kind, summary) "
                "values ('a..b', 1, 'article', 'not_in_newer', '第十四条 not in the newer text')")
    assert con.execute("select not_in_newer, ends_at from revisions").fetchall() == []
    assert con.execute("select count(*) from revision_changes").fetchone()[0] == 2
    con.close()
