"""Rows of the catalog from parsed records: one source written in one transaction, or staged
to Parquet by a worker and loaded later by the single catalog writer.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import orjson

from extractors.article_locator import ArticleLocator
from extractors.facts.bureaus import gazetteer_rows
from extractors.sentences import Sentences
from extractors.textnorm import normalize_for_compare
from flows import catalog
from flows.catalog import SourceFile, now_utc
from flows.ingest.fact_warnings import fact_set_aside
from flows.ingest.staged_parts import PartWriter, json_value
from schemas.records import ArticleNode, ParsedDocument, ParsedSource

# A large source is staged in parts of about this many characters of document text, so that
# the rows held for a part, and DuckDB's memory for writing it, stay small whatever the source.
STAGE_PART_CHARS = 100_000
# JSON lines per bulk insert statement, so that neither the file nor DuckDB's read of it grows
# with the number of rows (a run's revisions can hold every changed article's text).
INSERT_CHUNK_BYTES = 2 << 20
# Staged Parquet loaded per transaction, whole sources only; its small parts are read into memory
# at once (a temporary table, spilled beyond the writer's buffer pool). Reading each part once,
# not once per table, halves the load of many small sources. Transactions are large because
# every commit but a run's only one leaves WAL for the publish's checkpoint to replay.
LOAD_CHUNK_BYTES = 64 << 20
# Parts at least this large (a long text's) are not worth materialising: each table's insert
# reads them straight, which is faster than copying them through a temporary table.
STREAMED_PART_BYTES = 256 << 10
# DuckDB's JSON reader allocates twice its object size limit up front, under the writer's memory
# limit: the limit is sized to the longest object of each file, and at least its default.
MIN_OBJECT_BYTES = 16 << 20
# Tables a source's rows live in, in the order they are loaded.
SOURCE_TABLES = ("sources", "source_paths", "issues", "documents", "document_warnings", "articles",
                 "facts", "fact_warnings", "relations", "policy_terms", "issue_toc")
# Staged as typed columns: the tables that hold nearly all of a source's rows. The others (a few
# rows a source, but 42 of the 97 leaf columns) travel as one JSON column, `header_rows`, checked
# against the DDL's types as they are staged and typed by the loader, because a Parquet file
# costs DuckDB per leaf column whatever its rows.
TYPED_TABLES = ("documents", "articles", "facts", "policy_terms")
HEADER_TABLES = tuple(t for t in SOURCE_TABLES if t not in TYPED_TABLES)


def source_status(con, source_id: str) -> str | None:
    row = con.execute("select status from sources where source_id = ?", [source_id]).fetchone()
    return row[0] if row else None


def known_source_ids(con, source_ids: Sequence[str]) -> list[str]:
    """Those of `source_ids` the catalog holds."""
    if not source_ids:
        return []
    return [r[0] for r in con.execute(
        f"select source_id from sources where {catalog.in_ids('source_id')} order by source_id",
        [catalog.ids_param(sorted(set(source_ids)))]).fetchall()]


def record_path(con, source_id: str, path: str) -> bool:
    """Remember another name of known bytes; True when the path is new."""
    seen = con.execute(
        "select count(*) from source_paths where source_id = ? and path = ?", [source_id, path]
    ).fetchone()[0]
    if seen:
        return False
    con.execute("insert into source_paths values (?, ?, ?)", [source_id, path, now_utc()])
    return True


def sync_bureaus(con) -> None:
    """Make the `bureaus` table the gazetteer's canonical bureaus with aliases and jurisdiction."""
    con.execute("delete from bureaus")
    insert_rows(con, "bureaus", [list(row) for row in gazetteer_rows()])


def insert_rows(con, table: str, rows: list[list]) -> None:
    """Insert many rows into `table`, typed as the DDL says, a statement per INSERT_CHUNK_BYTES
    of JSON lines: DuckDB's `executemany` probes for pandas and numpy types value by value, so
    it costs per row about what a bulk read of JSON lines costs per statement."""
    with tempfile.TemporaryDirectory(prefix="gazette-rows-") as tmp:
        lines = Path(tmp) / f"{table}.jsonl"
        fh, written, longest = None, 0, 0
        for values in rows:
            if fh is None:
                fh, written, longest = open(lines, "wb"), 0, 0
            size = fh.write(_json_line(table, values))
            written, longest = written + size, max(longest, size)
            if written >= INSERT_CHUNK_BYTES:
                fh.close()
                con.execute(f"insert into {table} {_typed_select(table, lines, longest)}")
                fh = None
        if fh is not None:
            fh.close()
            con.execute(f"insert into {table} {_typed_select(table, lines, longest)}")


def _json_line(table: str, values: list) -> bytes:
    """A row as a JSON object keyed by column name (DuckDB reads those straight into typed
    columns; arrays read as one JSON value and cast element by element need far more memory)."""
    return orjson.dumps(_row_object(table, values), default=json_value) + b"\n"


def _row_object(table: str, values: list) -> dict:
    return dict(zip(_column_names(table), values))


def delete_source(con, source_id: str) -> None:
    """Remove every row derived from a source (used by --force before it is written again)."""
    doc_ids = "select doc_id from documents where source_id = ?"
    issue_ids = "select issue_id from issues where source_id = ?"
    for table, column, sub in (
        ("facts", "doc_id", doc_ids), ("relations", "from_doc_id", doc_ids), ("policy_terms", "doc_id", doc_ids),
        ("articles", "doc_id", doc_ids), ("document_warnings", "doc_id", doc_ids),
        ("issue_toc", "issue_id", issue_ids),
    ):
        con.execute(f"delete from {table} where {column} in ({sub})", [source_id])
    for table in ("fact_warnings", "documents", "issues", "sources"):
        con.execute(f"delete from {table} where source_id = ?", [source_id])


class SourceRows:
    """A source's catalog rows, collected per table and written out in bulk (DuckDB's Python
    API inserts row by row far more slowly than it reads JSON lines in bulk)."""

    def __init__(self, source_id: str):
        self.source_id = source_id
        self.tables: dict[str, list[list]] = {t: [] for t in SOURCE_TABLES}

    def add(self, table: str, values: list) -> None:
        self.tables[table].append(values)

    def export(self, folder: Path, part: int) -> None:
        """Write the rows as `rows-<part>.parquet` in `folder` (flows/ingest/staged_parts.py): one row
        with a column per typed table holding its rows as a list of structs typed as the DDL
        says, and `header_rows`, the other tables' rows as JSON. See `typed`."""
        part_writer().write_tables([self.typed()], folder / f"rows-{part:05d}.parquet")

    def typed(self):
        """The rows as one Arrow row typed as the DDL says. A fact that does not fit is left out
        with a fact_warnings row (flows/ingest/fact_warnings.py); any other row that does not fit
        fails them all (StagingError)."""
        return part_writer().table(self.tables, fact_set_aside(self.source_id))

    def insert_into(self, con) -> None:
        """Insert the rows straight into a catalog connection (inside the caller's transaction)."""
        with tempfile.TemporaryDirectory(prefix="gazette-rows-") as tmp:
            self.export(Path(tmp), 0)
            _insert_staged(con, staged_parts(Path(tmp)))


Columns = dict[str, tuple[tuple[str, str], ...]]
# The staged tables' columns, handed to a parsing worker by the flow (`use_staging_columns`),
# so that the worker needs no DuckDB of its own to stage (flows/catalog.py).
_GIVEN_COLUMNS: Columns = {}


def staging_columns() -> Columns:
    """Each source table's (column, DuckDB type) pairs in DDL order, for `use_staging_columns`."""
    return {table: _columns(table) for table in SOURCE_TABLES}


def use_staging_columns(columns: Columns) -> None:
    """Stage with these columns (from `staging_columns` in another process) instead of reading
    them from an in-memory catalog of this process's own."""
    _GIVEN_COLUMNS.update(columns)


@functools.cache
def _columns(table: str) -> tuple[tuple[str, str], ...]:
    if table in _GIVEN_COLUMNS:
        return tuple(tuple(column) for column in _GIVEN_COLUMNS[table])
    con = catalog.memory()
    return tuple(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_name = ? order by ordinal_position", [table]).fetchall())


@functools.lru_cache(maxsize=1)
def part_writer() -> PartWriter:
    """The writer of staged parts, built once per process."""
    return PartWriter(_columns, TYPED_TABLES, HEADER_TABLES)


def _typed_select(table: str, lines: Path, longest: int) -> str:
    """SELECT of a JSON-lines file of `table`'s rows, typed as the DDL says, in column order."""
    return _read_json(lines, ", ".join(f"'{name}': '{kind}'" for name, kind in _columns(table)), longest)


def _read_json(path: Path, columns: str, longest: int) -> str:
    escaped = str(path).replace("'", "''")
    return (f"select * from read_json('{escaped}', format = 'newline_delimited', "
            f"maximum_object_size = {max(MIN_OBJECT_BYTES, longest + 1)}, columns = {{{columns}}})")


@functools.lru_cache(maxsize=1)
def _header_structure() -> str:
    """from_json's structure of `header_rows`: each header table's rows as a list of objects
    typed as the DDL says."""
    return orjson.dumps({t: [{name: kind for name, kind in _columns(t)}] for t in HEADER_TABLES}).decode()


def _typed_parts(parts: str) -> str:
    """The rows of staged parts with `header_rows` typed once, as the struct `header`."""
    return (f"(select * exclude (header_rows), from_json(header_rows, '{_header_structure()}') as header "
            f"from read_parquet([{parts}]))")


@functools.cache
def _column_names(table: str) -> tuple[str, ...]:
    return tuple(name for name, _ in _columns(table))


def write_source(con, source: SourceFile, parsed: ParsedSource, force: bool = False) -> None:
    """Write one parsed (or quarantined) source and everything derived from it, atomically."""
    rows = source_rows(source, parsed)
    with catalog.transaction(con):
        if force:
            delete_source(con, source.source_id)
        rows.insert_into(con)


def build_header(rows: SourceRows, source: SourceFile, parsed: ParsedSource) -> str | None:
    """The source row, its path and its issue; returns the issue id (None for standalone)."""
    status = "ok" if parsed.error is None else "quarantined"
    # One failed try here; the loader adds the tries of the row this one replaces (load_staged).
    failure = None if parsed.error is None else parsed.failure or "permanent"
    rows.add("sources", [source.source_id, source.path, source.media_type, status, parsed.error,
                         parsed.pages, source.size, list(parsed.warnings), now_utc(), failure,
                         0 if parsed.error is None else 1])
    rows.add("source_paths", [source.source_id, source.path, now_utc()])
    meta, issue_id = parsed.issue, source_issue_id(source, parsed)
    if issue_id is None:
        return None
    rows.add("issues", [issue_id, issue_key(parsed), source.source_id, meta.publication, meta.year,
                        meta.issue_no, meta.total_no, meta.issue_date])
    return issue_id


def build_documents(rows: SourceRows, source: SourceFile, issue_id: str | None,
                    docs: tuple[ParsedDocument, ...]) -> dict[int, str]:
    """Documents with their articles, facts and relations; returns TOC entry seq → doc id."""
    found = {}
    for doc in docs:
        doc_id = _document_rows(rows, source, issue_id, doc)
        if doc.span.toc_entry is not None:
            found[doc.span.toc_entry.seq] = doc_id
    return found


def build_toc(rows: SourceRows, issue_id: str | None, parsed: ParsedSource, found: dict[int, str]) -> None:
    if issue_id is None or parsed.issue is None:
        return
    for entry in parsed.issue.toc:
        rows.add("issue_toc", [issue_id, entry.seq, entry.section, entry.title_zh, entry.title_en,
                               entry.doc_number, entry.printed_page, found.get(entry.seq)])


def issue_key(parsed: ParsedSource) -> str | None:
    meta = parsed.issue
    return None if meta is None else f"{meta.publication}/{meta.year}/{meta.issue_no}"


def document_key(text: str) -> str:
    """Renditions of one text (PDF and text file) share this key; any content change alters it."""
    return hashlib.sha256(normalize_for_compare(text).encode("utf-8")).hexdigest()[:16]


def policy_key(doc: ParsedDocument) -> str:
    if doc.span.doc_number:
        return doc.span.doc_number
    return normalize_for_compare(doc.span.title)


def _document_rows(rows: SourceRows, source: SourceFile, issue_id: str | None, doc: ParsedDocument) -> str:
    span = doc.span
    doc_id = f"{source.source_id[:12]}-{span.seq:02d}"
    toc = span.toc_entry
    rows.add("documents", [
        doc_id, document_key(span.text), policy_key(doc), source.source_id, issue_id, span.seq,
        span.doc_number, span.title, span.notice_title, span.issuer, span.doc_type, span.is_draft,
        span.issued_date, doc.effective_date, doc.expiry_date, span.text, doc.page_start,
        doc.page_end, toc.title_en if toc else None, toc.printed_page if toc else None])
    for warning in doc.tree.warnings:
        rows.add("document_warnings", [doc_id, warning.article_label, warning.message])
    article_ids = _article_rows(rows, doc_id, doc.tree.nodes)
    sentences, locator = Sentences(span.text), ArticleLocator(doc.tree.nodes)
    for i, fact in enumerate(doc.facts):
        seq = locator.seq_at(fact.char_start, fact.char_end)
        rows.add("facts", [
            f"{doc_id}/f{i}", doc_id, article_ids.get(seq) if seq is not None else None, fact.kind,
            fact.text, fact.value_num, fact.value_text, fact.role, fact.scope, fact.condition,
            fact.basis, fact.inferred, sentences.around(fact.char_start, fact.char_end),
            fact.char_start, fact.char_end])
    for t in doc.terms:
        seq = locator.seq_at(t.char_start, t.char_end)
        rows.add("policy_terms", [doc_id, article_ids.get(seq) if seq is not None else None, t.term,
                                  t.category, t.text, t.char_start, t.char_end])
    for r in doc.relations:
        rows.add("relations", [doc_id, r.kind, r.to_doc_number, r.to_title, None, r.to_article_label,
                               r.quoted_text, None, r.evidence, r.char_start, r.char_end])
    return doc_id


def path_labels(nodes: tuple[ArticleNode, ...]) -> dict[int, str]:
    """Each node's label prefixed by its ancestors' labels: 二/（一）/3, 第五条/（一）."""
    by_seq = {n.seq: n for n in nodes}
    out = {}
    for node in nodes:
        parts, cur = [], node
        while cur is not None:
            parts.append(cur.label)
            cur = by_seq.get(cur.parent_seq) if cur.parent_seq is not None else None
        out[node.seq] = "/".join(reversed(parts))
    return out


def _article_rows(rows: SourceRows, doc_id: str, nodes: tuple[ArticleNode, ...]) -> dict[int, str]:
    ids = {n.seq: f"{doc_id}/{n.seq}" for n in nodes}
    paths = path_labels(nodes)
    for n in nodes:
        rows.add("articles", [ids[n.seq], doc_id, ids.get(n.parent_seq) if n.parent_seq is not None else None,
                              n.seq, n.level, n.kind, n.label, paths[n.seq], n.number, n.heading, n.text,
                              n.char_start, n.char_end])
    return ids


class Stager:
    """Stages a source's rows to Parquet in parts (one per `add`) under staging_root/<source_id>;
    the folder appears, whole, only at `finish`, so a worker that dies leaves nothing to load."""

    def __init__(self, source: SourceFile, staging_root: Path):
        self.source = source
        self.final = Path(staging_root) / source.source_id
        self.partial = self.final.with_name(self.final.name + ".partial")
        shutil.rmtree(self.partial, ignore_errors=True)
        self.partial.mkdir(parents=True)
        self.parts = 0
        self.found: dict[int, str] = {}

    def issue_id(self, parsed: ParsedSource) -> str | None:
        return source_issue_id(self.source, parsed)

    def add(self, issue_id: str | None, docs: tuple[ParsedDocument, ...]) -> None:
        """Stage documents, a part per STAGE_PART_CHARS of their text."""
        for batch in document_batches(docs, STAGE_PART_CHARS):
            if batch:
                self._export(self._document_rows(issue_id, batch))

    def finish(self, parsed: ParsedSource, issue_id: str | None = None,
               docs: tuple[ParsedDocument, ...] = ()) -> Path:
        """Stage the source row, its issue and TOC, with `docs` in the same part; publish the
        staged folder."""
        rows = self._document_rows(issue_id, docs)
        build_toc(rows, build_header(rows, self.source, parsed), parsed, self.found)
        self._export(rows)
        shutil.rmtree(self.final, ignore_errors=True)
        os.replace(self.partial, self.final)
        return self.final

    def _document_rows(self, issue_id: str | None, docs: tuple[ParsedDocument, ...]) -> SourceRows:
        rows = SourceRows(self.source.source_id)
        self.found.update(build_documents(rows, self.source, issue_id, docs))
        return rows

    def _export(self, rows: SourceRows) -> None:
        rows.export(self.partial, self.parts)
        self.parts += 1


def source_issue_id(source: SourceFile, parsed: ParsedSource) -> str | None:
    """The id of the issue a parsed source is (None for a standalone file or a failed one)."""
    key = issue_key(parsed)
    return None if key is None or parsed.error else f"{key}@{source.source_id[:12]}"


def source_rows(source: SourceFile, parsed: ParsedSource) -> SourceRows:
    """A whole source's catalog rows (its header, documents and TOC) in one SourceRows."""
    rows = SourceRows(source.source_id)
    issue_id = build_header(rows, source, parsed)
    build_toc(rows, issue_id, parsed, build_documents(rows, source, issue_id, parsed.documents))
    return rows


class StagingBatch:
    """Small sources staged together: one part under staging_root/batch-<first source id>/, a
    row per source (the loader reads rows, not files, so it loads them as it loads parts).

    A staged file costs pyarrow and DuckDB about the same to write and read whatever its rows,
    a sizeable share of parsing a small text, so small sources share one. Each source's rows
    are still converted to the catalog's types as it is added, so a row that does not fit fails
    that source alone;
    the part appears, whole, only at `flush`."""

    def __init__(self):
        self.rows: list = []
        self.source_ids: list[str] = []

    def __len__(self) -> int:
        return len(self.source_ids)

    def add(self, source: SourceFile, parsed: ParsedSource) -> None:
        self.rows.append(source_rows(source, parsed).typed())
        self.source_ids.append(source.source_id)

    def clear(self) -> None:
        """Drop the sources waiting here unwritten (left by a task that failed in this process)."""
        self.rows, self.source_ids = [], []

    def flush(self, staging_root: Path) -> tuple[Path, tuple[str, ...]] | None:
        """Write the sources added since the last flush as one staged part; returns its folder
        and their source ids (None when there were none). The batch is empty afterwards, written
        or not."""
        rows, ids = self.rows, tuple(self.source_ids)
        self.clear()
        if not rows:
            return None
        final = Path(staging_root) / f"batch-{ids[0]}"
        partial = final.with_name(final.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            part_writer().write_tables(rows, partial / "rows-00000.parquet")
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)
        return final, ids


def stage_source(source: SourceFile, parsed: ParsedSource, staging_root: Path) -> Path:
    """Stage one whole parsed source (see Stager): a small source in a single part."""
    stager = Stager(source, staging_root)
    issue_id = stager.issue_id(parsed)
    *parts, last = document_batches(parsed.documents, STAGE_PART_CHARS)
    stager.add(issue_id, tuple(doc for part in parts for doc in part))
    return stager.finish(parsed, issue_id, last)


def document_batches(docs: tuple[ParsedDocument, ...], limit: int) -> list[tuple[ParsedDocument, ...]]:
    """Consecutive documents in batches of at most `limit` characters of text (a longer document
    alone); at least one batch, maybe empty."""
    batches, batch, size = [], [], 0
    for doc in docs:
        if batch and size + len(doc.span.text) > limit:
            batches.append(tuple(batch))
            batch, size = [], 0
        batch.append(doc)
        size += len(doc.span.text)
    return batches + [tuple(batch)]


def load_staged(con, staged: Path | list[Path], replacing: Sequence[str] = ()) -> None:
    """Load staged sources (a folder, or a batch of them: a folder holds one source, or several
    staged together, see StagingBatch) into the catalog, in transactions of whole folders
    holding about LOAD_CHUNK_BYTES of staged Parquet each (a larger folder alone). A transaction
    costs a few statements per table whatever its number of sources, and those statements are
    most of a small source's load. A transaction's inserts are bounded so that what the writer
    holds until a commit stays within its buffer pool, however long one source's text is.
    `replacing`: the sources whose catalog rows the staged ones replace (with
    --force, or loaded meanwhile by a run that parsed them at the same time), deleted in the
    first transaction; the writer's copy of the catalog is published whole, so no reader sees
    them missing. A replaced source keeps its count of failed tries (`sources.attempts`), the
    staged row's own try added."""
    folders = [Path(staged)] if isinstance(staged, (str, Path)) else list(dict.fromkeys(Path(f) for f in staged))
    failed_before = failed_attempts(con, replacing)
    for k, group in enumerate(_transactions([(folder, staged_parts(folder)) for folder in folders])):
        with catalog.transaction(con):
            if k == 0:
                for source_id in replacing:
                    delete_source(con, source_id)
            _insert_staged(con, [part for _, parts in group for part in parts])
    if not failed_before:
        return
    with catalog.transaction(con):
        for attempts, source_ids in failed_before.items():
            con.execute(f"update sources set attempts = attempts + ? where {catalog.in_ids('source_id')}",
                        [attempts, catalog.ids_param(source_ids)])


def failed_attempts(con, source_ids: Sequence[str]) -> dict[int, list[str]]:
    """Of `source_ids`, those the catalog holds with failed tries, by their number of tries."""
    found: dict[int, list[str]] = {}
    if source_ids:
        for source_id, attempts in con.execute(
                f"select source_id, attempts from sources where attempts > 0 and {catalog.in_ids('source_id')} "
                "order by source_id", [catalog.ids_param(sorted(set(source_ids)))]).fetchall():
            found.setdefault(attempts, []).append(source_id)
    return found


StagedPart = tuple[Path, int]


def staged_parts(folder: Path) -> list[StagedPart]:
    """A staged source's parts in order, with their sizes in bytes."""
    return [(part, part.stat().st_size) for part in sorted(folder.glob("rows-*.parquet"))]


def _transactions(staged: list[tuple[Path, list[StagedPart]]]) -> list[list[tuple[Path, list[StagedPart]]]]:
    """Consecutive staged sources, about LOAD_CHUNK_BYTES of Parquet a group."""
    groups: list[list[tuple[Path, list[StagedPart]]]] = []
    group: list[tuple[Path, list[StagedPart]]] = []
    size = 0
    for folder, parts in staged:
        folder_size = sum(n for _, n in parts)
        if group and size + folder_size > LOAD_CHUNK_BYTES:
            groups.append(group)
            group, size = [], 0
        group.append((folder, parts))
        size += folder_size
    return groups + [group] if group else groups


def _insert_staged(con, parts: list[StagedPart]) -> None:
    """Insert every table's rows from staged parts (a part holds each typed table's rows as a
    list of structs, the others' in `header_rows`: see SourceRows.export), table by table in load
    order. Reading a file costs the same whatever its rows, so small parts (most sources are one)
    are read once into a temporary table and each table's rows taken from it; large parts (a long
    text's) are read by each table's insert straight from the files, which spares materialising
    them."""
    small = _listed([part for part, n in parts if n < STREAMED_PART_BYTES])
    large = _listed([part for part, n in parts if n >= STREAMED_PART_BYTES])
    sources = (["staged_rows"] if small else []) + ([_typed_parts(large)] if large else [])
    if small:
        con.execute(f"create or replace temp table staged_rows as select * from {_typed_parts(small)}")
    for table in SOURCE_TABLES:
        verb = "insert or ignore" if table == "source_paths" else "insert"
        rows = table if table in TYPED_TABLES else f"header.{table}"
        for source in sources:
            con.execute(f"{verb} into {table} select unnest(rows, max_depth := 2) from "
                        f"(select {rows} as rows from {source}) where rows is not null")
    if small:
        con.execute("drop table staged_rows")


def _listed(parts: list[Path]) -> str:
    return ", ".join("'" + str(part).replace("'", "''") + "'" for part in parts)
