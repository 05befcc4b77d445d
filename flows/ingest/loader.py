"""The single catalog writer's loads: staged sources (flows/ingest/stager.py) into the catalog in
transactions of whole sources, and the other tables' rows in bulk (`insert_rows`).
"""
from __future__ import annotations

import functools
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import orjson

from extractors.facts import FACT_KINDS
from extractors.facts.bureaus import bureau_alias_rows, gazetteer_rows
from flows import catalog
from flows.catalog import now_utc
from flows.ingest.rows import SOURCE_TABLES, BureauAliasRow, BureauRow, FactKindRow, check_row_type, columns
from flows.ingest.staged_parts import HEADER_TABLES, TYPED_TABLES, json_value

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
    con.execute("insert into source_paths (source_id, path, first_seen) values (?, ?, ?)",
                [source_id, path, now_utc()])
    return True


def sync_bureaus(con) -> None:
    """Make the `bureaus` table the gazetteer's canonical bureaus with aliases and jurisdiction."""
    con.execute("delete from bureaus")
    insert_rows(con, "bureaus", [BureauRow(*row) for row in gazetteer_rows()])


def sync_bureau_aliases(con) -> None:
    """Make the `bureau_aliases` table the gazetteer's other names of each bureau (abbreviations too)."""
    con.execute("delete from bureau_aliases")
    insert_rows(con, "bureau_aliases", [BureauAliasRow(*row) for row in bureau_alias_rows()])


def sync_fact_kinds(con) -> None:
    """Make the `fact_kinds` table the extractors' registry of fact kinds."""
    con.execute("delete from fact_kinds")
    insert_rows(con, "fact_kinds", [FactKindRow(s.kind, s.noun, s.value_unit) for s in FACT_KINDS.values()])


def insert_rows(con, table: str, rows: list[NamedTuple]) -> None:
    """Insert many rows (a NamedTuple per row, its fields the table's columns) into `table`, typed
    as the DDL says, a statement per INSERT_CHUNK_BYTES of JSON lines. DuckDB's `executemany`
    probes for pandas and numpy types value by value, so it costs per row about what a bulk read
    of JSON lines costs per statement."""
    with tempfile.TemporaryDirectory(prefix="gazette-rows-") as tmp:
        lines = Path(tmp) / f"{table}.jsonl"
        fh, written, longest = None, 0, 0
        for row in rows:
            if fh is None:
                check_row_type(table, type(row), _column_names(table))
                fh, written, longest = open(lines, "wb"), 0, 0
            size = fh.write(_json_line(row))
            written, longest = written + size, max(longest, size)
            if written >= INSERT_CHUNK_BYTES:
                fh.close()
                con.execute(f"insert into {table} {_typed_select(table, lines, longest)}")
                fh = None
        if fh is not None:
            fh.close()
            con.execute(f"insert into {table} {_typed_select(table, lines, longest)}")


def _json_line(row: NamedTuple) -> bytes:
    """A row as a JSON object keyed by column name (DuckDB reads those straight into typed
    columns; arrays read as one JSON value and cast element by element need ~70× the memory)."""
    return orjson.dumps(dict(zip(row._fields, row)), default=json_value) + b"\n"


def delete_source(con, source_id: str) -> None:
    """Remove every row derived from a source (used by --force before it is written again)."""
    doc_ids = "select doc_id from documents where source_id = ?"
    issue_ids = "select issue_id from issues where source_id = ?"
    for table, column, sub in (
        ("facts", "doc_id", doc_ids), ("relations", "from_doc_id", doc_ids), ("policy_terms", "doc_id", doc_ids),
        ("eligibility_conditions", "doc_id", doc_ids),
        ("articles", "doc_id", doc_ids), ("document_warnings", "doc_id", doc_ids),
        ("issue_toc", "issue_id", issue_ids),
    ):
        con.execute(f"delete from {table} where {column} in ({sub})", [source_id])
    for table in ("fact_warnings", "documents", "issues", "sources"):
        con.execute(f"delete from {table} where source_id = ?", [source_id])


def _typed_select(table: str, lines: Path, longest: int) -> str:
    """SELECT of a JSON-lines file of `table`'s rows, typed as the DDL says, in column order."""
    return _read_json(lines, ", ".join(f"'{name}': '{kind}'" for name, kind in columns(table)), longest)


def _read_json(path: Path, typed_columns: str, longest: int) -> str:
    escaped = str(path).replace("'", "''")
    return (f"select * from read_json('{escaped}', format = 'newline_delimited', "
            f"maximum_object_size = {max(MIN_OBJECT_BYTES, longest + 1)}, columns = {{{typed_columns}}})")


@functools.lru_cache(maxsize=1)
def _header_structure() -> str:
    """from_json's structure of `header_rows`: each header table's rows as a list of objects
    typed as the DDL says."""
    return orjson.dumps({t: [{name: kind for name, kind in columns(t)}] for t in HEADER_TABLES}).decode()


def _typed_parts(parts: str) -> str:
    """The rows of staged parts with `header_rows` typed once, as the struct `header`."""
    return (f"(select * exclude (header_rows), from_json(header_rows, '{_header_structure()}') as header "
            f"from read_parquet([{parts}]))")


@functools.cache
def _column_names(table: str) -> tuple[str, ...]:
    return tuple(name for name, _ in columns(table))


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
    list of structs, the others' in `header_rows`: see flows/ingest/staged_parts.py), table by table in load
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
