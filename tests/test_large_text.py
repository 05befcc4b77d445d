"""A text too large to hold is streamed in parts: same documents, memory bounded by the part."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

from extractors.parts import text_parts
from flows.catalog import SourceFile
from flows.ingest import parse
from tests.conftest import SAMPLES

GAZETTE = SAMPLES / "beijing-gazette-2025-27.txt"


def big_issue(tmp_path: Path, copies: int) -> Path:
    """The gazette with its eight documents printed `copies` times (a very long issue)."""
    text = GAZETTE.read_text(encoding="utf-8")
    body_start = text.index("北京市商务局关于进一步扩围 2025 年消费品以旧换新补贴商品的公告\n\n京商消二字")
    body_end = text.index("政府公报查询方式")
    path = tmp_path / "big-issue.txt"
    path.write_text(text[:body_end] + text[body_start:body_end] * (copies - 1) + text[body_end:], encoding="utf-8")
    return path


def test_parts_are_cut_before_document_titles_and_lose_nothing():
    text = GAZETTE.read_text(encoding="utf-8")
    blocks = [text[i:i + 1000] for i in range(0, len(text), 1000)]
    parts = list(text_parts(blocks, 30000))
    assert "".join(parts) == text
    # the first title past 15,000 characters is that of 京技管发〔2025〕4号
    assert [len(p) for p in parts] == [15208, 26487]
    assert parts[1].splitlines()[:2] == ["北京经济技术开发区管理委员会", "印发《北京经济技术开发区关于进一步"]


def test_a_text_without_titles_is_cut_at_line_breaks_within_four_times_the_target():
    text = "第一条 总则。\n" * 20000
    parts = list(text_parts([text], 10000))
    assert "".join(parts) == text
    assert all(len(p) <= 40000 and p.endswith("\n") for p in parts)


def test_streamed_issue_gives_the_same_documents_as_a_whole_read(tmp_path):
    path = GAZETTE
    staging = tmp_path / "staging"
    whole = parse.parse_and_stage(path, SourceFile("a" * 64, path.name, "text", path.stat().st_size), staging)
    streamed = parse.parse_large_text(path, SourceFile("b" * 64, path.name, "text", 1), staging, part_chars=40000)
    assert (streamed.documents, streamed.error) == (whole.documents, None) == (8, None)
    import duckdb
    con = duckdb.connect()
    texts = [con.execute(f"select d.seq, d.doc_number, d.text from (select unnest(documents) as d "
                         f"from read_parquet('{s.staged}/rows-*.parquet')) order by d.seq").fetchall()
             for s in (whole, streamed)]
    assert texts[0] == texts[1]


def test_large_files_take_the_streamed_path_with_bounded_memory(tmp_path, monkeypatch):
    path = big_issue(tmp_path, copies=12)
    size = path.stat().st_size
    assert size > 1_000_000
    monkeypatch.setattr(parse, "LARGE_TEXT_BYTES", 500_000)
    monkeypatch.setattr(parse, "PART_CHARS", 100_000)
    tracemalloc.start()
    try:
        result = parse.parse_and_stage(path, SourceFile("c" * 64, path.name, "text", size), tmp_path / "staging")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (result.documents, result.error) == (8 * 12, None)
    assert len(list(result.staged.glob("rows-*.parquet"))) > 5
    # the whole file is ~1.2 MB of UTF-8 (~0.4 M characters); parsing it whole peaks near 60 MB
    assert peak < 45_000_000, peak


def test_a_source_larger_than_a_staging_part_is_staged_in_parts_and_loads_whole(tmp_path, monkeypatch):
    """DuckDB's memory for writing a part grows with it, so a big source is staged in parts of
    STAGE_PART_CHARS; the catalog gets the same rows as from a single part."""
    from flows import catalog
    from flows.ingest import loader, stager

    path = big_issue(tmp_path, copies=3)
    source = SourceFile("d" * 64, path.name, "text", path.stat().st_size)
    parsed, _ = parse.parse_source(path)
    monkeypatch.setattr(stager, "STAGE_PART_CHARS", 10_000_000)
    single = stager.stage_source(source, parsed, tmp_path / "one")
    monkeypatch.setattr(stager, "STAGE_PART_CHARS", 20_000)
    parted = stager.stage_source(source, parsed, tmp_path / "many")
    assert len(list(single.glob("rows-*.parquet"))) == 1
    assert len(list(parted.glob("rows-*.parquet"))) >= 5
    tables = {}
    # "streamed": every part read straight by each table's insert (a long text's parts), not
    # through the temporary table small parts go through
    for name, staged, streamed_from in (("one", single, loader.STREAMED_PART_BYTES),
                                        ("many", parted, loader.STREAMED_PART_BYTES), ("streamed", parted, 0)):
        monkeypatch.setattr(loader, "STREAMED_PART_BYTES", streamed_from)
        with catalog.writing(tmp_path / f"{name}.duckdb") as con:
            loader.load_staged(con, staged)
            tables[name] = [con.execute(f"select * exclude (ingested_at) from {t} order by all").fetchall()
                            if t == "sources" else con.execute(f"select * from {t} order by all").fetchall()
                            for t in ("documents", "articles", "facts", "policy_terms", "issue_toc", "sources")]
    assert tables["one"] == tables["many"] == tables["streamed"]
    assert len(tables["one"][0]) == 24


def test_sources_load_in_transactions_of_whole_sources_by_staged_size(tmp_path, monkeypatch):
    """Many inserts into one table in one transaction stay in memory until the commit, so the
    loader commits every ~LOAD_CHUNK_BYTES of staged Parquet, never inside a source."""
    from flows.ingest import loader

    folders = []
    for k, size in enumerate((10, 30, 25, 5, 70)):
        folder = tmp_path / f"s{k}"
        folder.mkdir()
        (folder / "rows-00000.parquet").write_bytes(b"x" * size)
        if k == 4:
            (folder / "rows-00001.parquet").write_bytes(b"x" * size)
        folders.append(folder)
    monkeypatch.setattr(loader, "LOAD_CHUNK_BYTES", 60)
    groups = loader._transactions([(folder, loader.staged_parts(folder)) for folder in folders])
    assert [[f.name for f, _ in g] for g in groups] == [["s0", "s1"], ["s2", "s3"], ["s4"]]


def test_document_batches_keep_order_and_put_an_oversized_document_alone():
    from types import SimpleNamespace

    from flows.ingest.stager import document_batches

    docs = tuple(SimpleNamespace(span=SimpleNamespace(text="字" * n)) for n in (30, 50, 200, 10, 10))
    assert [[len(d.span.text) for d in b] for b in document_batches(docs, 100)] == [[30, 50], [200], [10, 10]]
    assert document_batches((), 100) == [()]
