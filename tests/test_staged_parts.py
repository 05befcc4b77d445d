"""Staged parts written with pyarrow (flows/ingest/staged_parts.py): every catalog type has its staged
type, the rows of a corpus source come out of the loader as they went in, decimals round as
DuckDB rounds, and a value that does not fit its column fails the part with nothing written."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from flows import catalog
from flows.catalog import SourceFile
from flows.ingest import loader, stager
from flows.ingest import rows as catalog_rows
from flows.ingest.parse import parse_source
from flows.ingest.rows import ArticleRow, FactRow, SourceRow
from flows.ingest.source_rows import SourceRows, source_rows
from flows.ingest.staged_parts import arrow_type, part_writer
from schemas.errors import StagingError
from tests.conftest import SAMPLES
from tests.staging import load_rows, stage_rows


def test_every_column_of_the_source_tables_has_a_staged_type():
    for table in catalog_rows.SOURCE_TABLES:
        for name, kind in catalog_rows.columns(table):
            assert arrow_type(kind) is not None, (table, name, kind)


def test_a_catalog_type_without_a_staged_type_is_named():
    with pytest.raises(StagingError, match="INTERVAL"):
        arrow_type("INTERVAL")


def _corpus_rows(name: str) -> SourceRows:
    path = SAMPLES / name
    data = path.read_bytes()
    source = SourceFile(hashlib.sha256(data).hexdigest(), str(path), "text", len(data))
    return source_rows(source, parse_source(path)[0])


@pytest.mark.parametrize("name", ["beijing-gazette-2025-27.txt", "jjgf-2025-9.txt"])
def test_a_corpus_sources_rows_load_as_they_were_staged(tmp_path, name):
    """Every table, every column: what the loader reads back from the staged part is the row
    the loader built, in DuckDB's types (decimals compare by value)."""
    rows = _corpus_rows(name)
    assert rows.tables["facts"] and rows.tables["articles"] and rows.tables["policy_terms"]
    with catalog.writing(tmp_path / "catalog.duckdb") as con:
        load_rows(con, rows, tmp_path)
        for table in catalog_rows.SOURCE_TABLES:
            names = ", ".join(f'"{n}"' for n in catalog_rows.SOURCE_ROWS[table]._fields)
            loaded = con.execute(f"select {names} from {table}").fetchall()
            assert sorted(map(repr, loaded)) == sorted(repr(tuple(r)) for r in _as_loaded(table, rows.tables[table])), table


def _as_loaded(table: str, rows: list) -> list[list]:
    """The built rows with their decimals at the column's scale, as DuckDB returns them."""
    kinds = [kind for _, kind in catalog_rows.columns(table)]
    return [[v.quantize(Decimal("0.000001")) if kind.startswith("DECIMAL") and v is not None else v
             for v, kind in zip(row, kinds)] for row in rows]


@pytest.mark.parametrize("value", ["1", "0.5", "-0.0000005", "0.0000005", "0.0000015", "-2.3456785",
                                   "12345678901234.1234564"])
def test_decimals_round_to_the_columns_scale_as_duckdb_rounds_a_cast(tmp_path, value):
    expected = duckdb.sql(f"select '{value}'::DECIMAL(20,6)").fetchone()[0]
    ratio = Decimal(value)
    rows = SourceRows("s1")
    rows.add(_fact("x", ratio, 0, 1))
    with catalog.writing(tmp_path / "catalog.duckdb") as con:
        load_rows(con, rows, tmp_path)
        assert con.execute("select value_num from facts").fetchone()[0] == expected


def _fact(text: str, value: Decimal, start: int, end: int) -> FactRow:
    return FactRow(fact_id="d-01/f0", doc_id="d-01", article_id=None, kind="percent", text=text, value_num=value,
                   value_text=None, role="ratio", scope=None, condition=None, basis=None, inferred=False,
                   sentence=text, char_start=start, char_end=end, printed_page=None, paragraph=None)


def test_a_third_keeps_six_places():
    """percent.py divides (Decimal(b) / Decimal(a)): 28 digits that the column cannot hold."""
    rows = SourceRows("s1")
    rows.add(_fact("1:3", Decimal(1) / Decimal(3), 0, 3))
    layout = part_writer().typed["facts"]
    assert layout.structs(rows.tables["facts"]).field("value_num").to_pylist() == [Decimal("0.333333")]


def test_a_value_that_does_not_fit_its_column_fails_the_part_and_names_the_column(tmp_path):
    rows = SourceRows("s1")
    rows.add(SourceRow(source_id="s1", path="a.txt", media_type="text", status="ok", error=None, pages=None,
                       bytes=10, warnings=[], ingested_at=datetime(2026, 11, 30), failure=None, attempts=0))
    rows.add(ArticleRow(article_id="d-01/0", doc_id="d-01", parent_id=None, seq=0, level=1, kind="article",
                        label="第一条", path_label="第一条", number=1, heading=None, text="x", char_start="seven",
                        char_end=1, printed_page=None))
    with pytest.raises(StagingError, match=r"a articles row does not fit the catalog: char_start \(int32\)"):
        stage_rows(rows, tmp_path / "s1")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("setting, backend", [(None, "system"), ("mimalloc", "mimalloc")])
def test_workers_write_parts_with_the_system_allocator_unless_told_otherwise(setting, backend):
    """Arrow's mimalloc kept ~17 MB more per worker (flows/ingest/staged_parts.py); a user's
    ARROW_DEFAULT_MEMORY_POOL still wins."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if setting:
        env["ARROW_DEFAULT_MEMORY_POOL"] = setting
    code = ("from flows.ingest.parse import warm_up; warm_up(staging=False); import pyarrow; "
            "print(pyarrow.default_memory_pool().backend_name)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == backend


def _parsed_sample(name: str):
    path = SAMPLES / name
    data = path.read_bytes()
    return path, SourceFile(hashlib.sha256(data).hexdigest(), str(path), "text", len(data)), parse_source(path)[0]


def _catalog_tables(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select * exclude (ingested_at) from {t} order by all").fetchall() if t == "sources"
                else con.execute(f"select * from {t} order by all").fetchall() for t in catalog_rows.SOURCE_TABLES
                if t != "source_paths"}
    finally:
        con.close()


def test_small_sources_staged_together_load_as_each_staged_alone(tmp_path):
    """A worker's small sources go into one part, a row per source (stager.StagingBatch): one
    file to write and to read instead of one each. The catalog is the one that per-source
    staging gives, and the part appears only when the batch is flushed."""
    names = ["jjgf-2025-9.txt", "yizhuang-pharma-service-guide-2026.txt", "beijing-tech-services-2025-draft.txt"]
    samples = [_parsed_sample(name) for name in names]
    batch = stager.StagingBatch()
    for _, source, parsed in samples:
        batch.add(source, parsed)
    assert len(batch) == 3 and not list((tmp_path / "together").glob("*"))
    folder, ids = batch.flush(tmp_path / "together")
    assert ids == tuple(source.source_id for _, source, _ in samples) and len(batch) == 0
    assert [p.name for p in folder.iterdir()] == ["rows-00000.parquet"]
    assert duckdb.sql(f"select count(*) from read_parquet('{folder}/*.parquet')").fetchone() == (3,)
    alone = [stager.stage_source(source, parsed, tmp_path / "alone") for _, source, parsed in samples]
    for db, staged in ((tmp_path / "together.duckdb", [folder]), (tmp_path / "alone.duckdb", alone)):
        with catalog.writing(db) as con:
            loader.load_staged(con, staged)
    together, each = _catalog_tables(tmp_path / "together.duckdb"), _catalog_tables(tmp_path / "alone.duckdb")
    assert together == each and len(together["facts"]) > 100


def test_a_source_that_does_not_fit_fails_as_it_joins_a_batch_and_leaves_the_batch_whole(tmp_path):
    _, good, parsed = _parsed_sample("jjgf-2025-9.txt")
    bad = SourceFile("f" * 64, "bad.txt", "text", 2 ** 40)  # sources.bytes is a BIGINT: fits
    batch = stager.StagingBatch()
    batch.add(good, parsed)
    with pytest.raises(StagingError, match="sources row does not fit the catalog: pages"):
        batch.add(bad, replace(parsed, pages=2 ** 40))
    folder, ids = batch.flush(tmp_path)
    assert ids == (good.source_id,)
    assert duckdb.sql(f"select count(*) from read_parquet('{folder}/*.parquet')").fetchone() == (1,)


def test_a_flush_with_nothing_waiting_writes_nothing(tmp_path):
    assert stager.StagingBatch().flush(tmp_path) is None
    assert not list(tmp_path.iterdir())


def test_a_batch_that_cannot_be_written_leaves_nothing_and_empties(tmp_path, monkeypatch):
    """A failed write (a full disk) leaves no folder, not even a partial one, and the batch is
    empty afterwards: its sources are the flow's to quarantine (ingest.parse_in_worker)."""
    _, source, parsed = _parsed_sample("jjgf-2025-9.txt")
    batch = stager.StagingBatch()
    batch.add(source, parsed)

    def full_disk(self, tables, target):
        raise OSError("No space left on device")

    monkeypatch.setattr(type(part_writer()), "write_tables", full_disk)
    with pytest.raises(OSError, match="No space left"):
        batch.flush(tmp_path)
    assert not list(tmp_path.iterdir()) and len(batch) == 0


def test_a_dask_task_drops_what_a_failed_task_left_in_its_process(tmp_path):
    """Under Dask a batch is parsed in the worker's own process (ingest.parse_here); sources a
    failed task left waiting there are dropped, not written into the staging as a part no run
    loads or removes."""
    from flows.ingest import parse
    from flows.ingest.flow import parse_here

    path, source, parsed = _parsed_sample("jjgf-2025-9.txt")
    _, left, left_parsed = _parsed_sample("yizhuang-pharma-service-guide-2026.txt")
    parse._BATCH.add(left, left_parsed)
    staged = parse_here.fn([(path, source)], tmp_path, "one")
    assert [p.name for p in tmp_path.iterdir()] == [f"batch-{source.source_id}"]
    assert staged[0].staged == tmp_path / f"batch-{source.source_id}" and len(parse._BATCH) == 0
