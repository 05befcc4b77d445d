"""No figure sinks its document: values up to 10^32 yuan are stored exactly (migration 008), and
a fact the catalog cannot hold is left out alone with a fact_warnings row, its source kept."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import orjson
import pytest

from flows import catalog
from flows.catalog import SourceFile
from flows.cli.main import main
from flows.ingest import loader
from flows.ingest.parse import parse_source
from flows.ingest.rows import FactRow, PolicyTermRow
from flows.ingest.source_rows import SourceRows
from flows.ingest.stager import stage_source
from schemas.ddl import migrations
from schemas.errors import StagingError

FORTY_DIGITS = "1234567890123456789012345678901234567890"
BIG_TEXT = f"""关于支持重大项目的若干措施

第一条 对符合条件的企业，给予最高不超过8062357亿元奖励。

第二条 对新认定的企业给予一次性500万元奖励，由市科委负责。

第三条 单个项目支持金额{FORTY_DIGITS}元。

第四条 对贡献突出的项目给予12345678901234567890123456.1234567元支持。

第五条 本措施自2025年1月1日起施行。
"""
MONEY_KEPT = [("8062357亿元", Decimal("806235700000000")), ("500万元", Decimal("5000000")),
              ("12345678901234567890123456.1234567元", Decimal("12345678901234567890123456.123457"))]
TOO_LARGE = (f"value_num: {FORTY_DIGITS} has 40 digits before the point; DECIMAL(38, 6) holds 32")


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "big.txt").write_text(BIG_TEXT, encoding="utf-8")
    return raw


def _rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _assert_only_the_huge_fact_left_out(db: Path) -> None:
    con = catalog.connect(db, read_only=True)
    try:
        assert _rows(con, "select path, status, error from sources") == [("big.txt", "ok", None)]
        assert _rows(con, "select text, value_num from facts where kind = 'money' order by char_start") == MONEY_KEPT
        assert _rows(con, "select kind, value_text from facts where kind <> 'money' order by char_start") == [
            ("bureau", "市科委"), ("date", "2025-01-01")]
        assert _rows(con, "select w.kind, w.text, w.value, w.reason, d.text[w.char_start + 1:w.char_end] "
                          "from fact_warnings w join documents d using (doc_id)") == [
            ("money", f"{FORTY_DIGITS}元", FORTY_DIGITS, TOO_LARGE, f"{FORTY_DIGITS}元")]
        assert _rows(con, "select count(*) from fact_warnings w join sources s using (source_id) "
                          "join facts f on f.doc_id = w.doc_id and f.fact_id = w.fact_id") == [(0,)]
    finally:
        con.close()


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_keeps_the_source_stores_8062357yi_exactly_and_leaves_out_only_the_40_digit_fact(tmp_path, capsys):
    """Before migration 008, 8062357亿元 overflowed DECIMAL(20, 6) and quarantined the source with
    every fact; now it is stored exactly, and only the 40-digit amount (beyond DECIMAL(38, 6)) is
    left out, with a warning naming its text and why. Summary and doctor count it; --force
    replaces the warning, not doubles it."""
    raw, db = _raw(tmp_path), tmp_path / "catalog.duckdb"
    assert main(["--db", str(db), "ingest", str(raw), "--no-progress"]) == 0
    _assert_only_the_huge_fact_left_out(db)
    assert main(["--db", str(db), "ingest", str(raw), "--no-progress", "--force"]) == 0
    _assert_only_the_huge_fact_left_out(db)
    capsys.readouterr()
    assert main(["--db", str(db), "summary"]) == 0
    summary = capsys.readouterr().out.splitlines()
    header = summary.index("articles and facts") + 1
    assert summary[header].split() == ["articles", "facts", "relations", "document_warnings", "facts_left_out"]
    assert summary[header + 2].split()[-1] == "1"
    assert main(["--db", str(db), "doctor"]) == 0
    report = capsys.readouterr().out
    assert "warn  every fact found fits the catalog (those that do not are left out) (1)" in report
    assert f"big.txt | {FORTY_DIGITS}元 | {TOO_LARGE}" in report


def test_a_source_staged_alone_leaves_out_only_the_fact_that_does_not_fit(tmp_path):
    """The same for a source staged in a folder of its own (stager.stage_source, a large source's
    path) as for one in a worker's batch (the ingest above)."""
    path = _raw(tmp_path) / "big.txt"
    data = path.read_bytes()
    source = SourceFile(hashlib.sha256(data).hexdigest(), "big.txt", "text", len(data))
    staged = stage_source(source, parse_source(path)[0], tmp_path / "staging")
    db = tmp_path / "catalog.duckdb"
    with catalog.writing(db) as con:
        loader.load_staged(con, staged)
    _assert_only_the_huge_fact_left_out(db)


def _fact(value, char_start=0) -> FactRow:
    return FactRow(fact_id="d-01/f0", doc_id="d-01", article_id=None, kind="money", text="x元", value_num=value,
                   value_text=None, role="cap", scope=None, condition=None, basis=None, inferred=False,
                   sentence="x元", char_start=char_start, char_end=2, printed_page=None, paragraph=None)


@pytest.mark.parametrize("value, char_start, reason", [
    (Decimal("1E+32"), 0, "value_num: 1E+32 has 33 digits before the point; DECIMAL(38, 6) holds 32"),
    (Decimal("-99999999999999999999999999999999.9999995"), 0,
     "value_num: -100000000000000000000000000000000.000000 has 33 digits before the point"),
    (Decimal("NaN"), 0, "value_num: NaN is not a number decimal128(38, 6) can hold"),
    (Decimal(5), "seven", "char_start (int32): "),
])
def test_any_fact_row_the_catalog_cannot_hold_is_left_out_with_its_reason(value, char_start, reason):
    """StagingError no longer fails a source for one fact: the fact alone is set aside, whatever
    its column (a value too large once rounded, not a number, an offset of the wrong type)."""
    rows = SourceRows("s1")
    rows.add(_fact(Decimal("99999999999999999999999999999999.999999"), 0))
    rows.add(_fact(value, char_start))
    part = rows.typed().to_pylist()[0]
    assert [f["value_num"] for f in part["facts"]] == [Decimal("99999999999999999999999999999999.999999")]
    (warning,) = orjson.loads(part["header_rows"])["fact_warnings"]
    assert warning["source_id"] == "s1" and warning["value"] == str(value) and warning["text"] == "x元"
    assert warning["reason"].startswith(reason), warning["reason"]
    assert warning["char_start"] == (None if char_start == "seven" else 0)


def test_a_row_of_another_table_that_does_not_fit_still_fails_its_source():
    rows = SourceRows("s1")
    rows.add(_fact(Decimal("1E+40")))
    rows.add(PolicyTermRow(doc_id="d-01", article_id=None, term="CRO", category="service_org", text="CRO",
                           char_start=2 ** 40, char_end=3))
    with pytest.raises(StagingError, match=r"a policy_terms row does not fit the catalog: char_start \(int32\)"):
        rows.typed()


def _catalog_at_007(db: Path) -> None:
    con = duckdb.connect(str(db))
    for mg in migrations()[:7]:
        con.execute(mg.sql)
        con.execute("insert into schema_migrations values (?, ?, now())", [mg.version, mg.name])
    con.execute("insert into sources values ('s', 'a.txt', 'text', 'ok', null, null, 1, [], now())")
    con.execute("insert into documents (doc_id, doc_key, policy_key, source_id, seq, title, is_draft, text) "
                "values ('d', 'k', 'p', 's', 1, 't', false, '最高1万元')")
    for i, value in enumerate(("99999999999999.999999", "0.333333", "-5", "10000")):
        con.execute("insert into facts (fact_id, doc_id, kind, text, value_num, role, char_start, char_end) "
                    "values (?, 'd', 'money', '1万元', ?, 'cap', 2, 5)", [f"d/f{i}", value])
    con.execute("insert into revision_changes (revision_id, seq, subject, kind, summary, old_value_num, "
                "new_value_num) values ('a..b', 0, 'fact', 'changed', 'cap 1万元 → 2万元', 10000, 20000)")
    con.close()


def test_a_catalog_at_migration_7_widens_to_38_digits_with_its_values_intact(tmp_path):
    db = tmp_path / "old.duckdb"
    _catalog_at_007(db)
    with catalog.writing(db):
        pass
    con = duckdb.connect(str(db))
    try:
        assert (8, "wide_values") in _rows(con, "select version, name from schema_migrations")
        assert _rows(con, "select fact_id, value_num from facts order by fact_id") == [
            ("d/f0", Decimal("99999999999999.999999")), ("d/f1", Decimal("0.333333")),
            ("d/f2", Decimal("-5")), ("d/f3", Decimal("10000"))]
        assert _rows(con, "select old_value_num, new_value_num, summary from revision_changes") == [
            (Decimal(10000), Decimal(20000), "cap 1万元 → 2万元")]
        assert _rows(con, "select table_name, column_name, data_type from information_schema.columns "
                          "where column_name in ('value_num', 'old_value_num', 'new_value_num') "
                          "and table_name in ('facts', 'revision_changes') order by all") == [
            ("facts", "value_num", "DECIMAL(38,6)"), ("revision_changes", "new_value_num", "DECIMAL(38,6)"),
            ("revision_changes", "old_value_num", "DECIMAL(38,6)")]
        con.execute("update facts set value_num = 806235700000000 where fact_id = 'd/f3'")
        assert _rows(con, "select cap_yuan from v_money_caps where fact_id = 'd/f3'") == [(Decimal(806235700000000),)]
        assert _rows(con, "select count(*) from fact_warnings") == [(0,)]
    finally:
        con.close()


def test_bureau_workload_sums_the_largest_caps_without_overflow(tmp_path):
    """Two caps just under 10^32 yuan: their DECIMAL(38, 6) sum overflows DuckDB's HUGEINT; the
    view sums to the 分 and answers."""
    db = tmp_path / "c.duckdb"
    largest = Decimal("99999999999999999999999999999999.999999")
    with catalog.writing(db) as con:
        con.execute("insert into sources values ('s', 'a.txt', 'text', 'ok', null, null, 1, [], now(), null, 0)")
        con.execute("insert into documents (doc_id, doc_key, policy_key, source_id, seq, title, is_draft, text) "
                    "values ('d', 'k', 'p', 's', 1, 't', false, 'x')")
        con.execute("insert into articles values ('d/0', 'd', null, 0, 1, 'article', '第一条', '第一条', 1, "
                    "null, 'x', 0, 1, null)")
        for i, (kind, value, text) in enumerate((("money", largest, None), ("money", largest, None),
                                                  ("bureau", None, "市科委"))):
            con.execute("insert into facts (fact_id, doc_id, article_id, kind, text, value_num, value_text, "
                        "role, char_start, char_end) values (?, 'd', 'd/0', ?, 'x', ?, ?, ?, 0, 1)",
                        [f"d/f{i}", kind, value, text, "cap" if kind == "money" else None])
        assert _rows(con, "select bureau, caps, largest_cap_yuan, money_caps_and_awards_yuan "
                          "from v_bureau_workload") == [
            ("市科委", 2, largest, Decimal("200000000000000000000000000000000.00"))]
