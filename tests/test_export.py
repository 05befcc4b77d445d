"""`gazette export`: a query's or a view's rows written to a file, whole or not at all, never onto
the catalog, by SQL that still cannot write anything itself."""
from __future__ import annotations

import csv
import hashlib
import json
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
import pytest

from flows.cli.main import main

CAPS_SQL = ("select fact_id, cap_yuan, scope, is_draft, terms from v_money_caps "
            "where fact_id in ('41ec1b749d30-08/f22', '41ec1b749d30-08/f32', '41ec1b749d30-08/f43') order by fact_id")
CAPS = [
    ("41ec1b749d30-08/f22", Decimal("100000000"), "per_enterprise_per_year", False, ["临床试验", "细胞与基因治疗"]),
    ("41ec1b749d30-08/f32", Decimal("500000"), None, False, ["中试"]),
    ("41ec1b749d30-08/f43", Decimal("2000000"), "per_enterprise_per_year", False,
     ["CDMO", "CMO", "CRO", "中试", "临床试验"]),
]


def export(db, *args) -> int:
    return main(["--db", str(db), "export", *map(str, args)])


def digest(path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_parquet_keeps_the_values_and_their_types(corpus_catalog, tmp_path, capsys):
    target = tmp_path / "caps.parquet"
    assert export(corpus_catalog[0], CAPS_SQL, "--to", target) == 0
    assert capsys.readouterr().out == f"exported 3 rows to {target}\n"
    table = pq.read_table(target)
    assert str(table.schema.field("cap_yuan").type) == "decimal128(38, 6)"
    assert [tuple(r.values()) for r in table.to_pylist()] == CAPS


def test_csv_and_json_hold_what_query_prints(corpus_catalog, tmp_path, capsys):
    db = corpus_catalog[0]
    for fmt in ("csv", "json"):
        assert main(["--db", str(db), "query", CAPS_SQL, "--format", fmt]) == 0
        printed = capsys.readouterr().out
        assert export(db, CAPS_SQL, "--to", tmp_path / f"caps.{fmt}") == 0
        assert capsys.readouterr().out == f"exported 3 rows to {tmp_path / f'caps.{fmt}'}\n"
        assert (tmp_path / f"caps.{fmt}").read_bytes().decode("utf-8") == printed
    with open(tmp_path / "caps.csv", newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh))[:2] == [
            ["fact_id", "cap_yuan", "scope", "is_draft", "terms"],
            ["41ec1b749d30-08/f22", "100000000", "per_enterprise_per_year", "False", "['临床试验', '细胞与基因治疗']"]]
    assert json.loads((tmp_path / "caps.json").read_text(encoding="utf-8"))[1] == {
        "fact_id": "41ec1b749d30-08/f32", "cap_yuan": "500000", "scope": None, "is_draft": False, "terms": ["中试"]}


def test_a_view_named_alone_is_exported_whole_and_format_can_be_given(corpus_catalog, tmp_path, capsys):
    db = corpus_catalog[0]
    target = tmp_path / "caps.data"
    assert export(db, "v_money_caps", "--to", target, "--format", "parquet") == 0
    with duckdb.connect(str(db), read_only=True) as con:
        expected = con.execute("select count(*) from v_money_caps").fetchone()[0]
    assert expected == 73 and pq.read_table(target).num_rows == expected
    assert capsys.readouterr().out == f"exported 73 rows to {target}\n"


@pytest.mark.parametrize("suffix", ["", ".wal", ".lock", ".next"])
def test_export_onto_the_catalog_or_its_files_is_refused(corpus_catalog, tmp_path, suffix, capsys):
    db = tmp_path / "catalog.duckdb"
    db.write_bytes(corpus_catalog[0].read_bytes())
    before = digest(db)
    assert export(db, "v_money_caps", "--to", f"{db}{suffix}", "--format", "csv", "--force") == 2
    err = capsys.readouterr().err
    assert err == (f"gazette: export refused: {db}{suffix} is the catalog {db} or one of its files "
                   "(.wal, .lock, .next); write to another path\n")
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.duckdb"]


def test_export_through_a_link_to_the_catalog_is_refused(corpus_catalog, tmp_path, capsys):
    db = tmp_path / "catalog.duckdb"
    db.write_bytes(corpus_catalog[0].read_bytes())
    before = digest(db)
    (tmp_path / "soft.csv").symlink_to(db)
    (tmp_path / "hard.csv").hardlink_to(db)
    for name in ("soft.csv", "hard.csv"):
        assert export(db, "v_money_caps", "--to", tmp_path / name, "--force") == 2
        assert "export refused:" in capsys.readouterr().err
    assert digest(db) == before


def test_an_existing_file_is_replaced_only_with_force(corpus_catalog, tmp_path, capsys):
    target = tmp_path / "caps.csv"
    target.write_text("keep\n")
    assert export(corpus_catalog[0], CAPS_SQL, "--to", target) == 2
    assert capsys.readouterr().err == f"gazette: {target} exists: pass --force to replace it\n"
    assert target.read_text() == "keep\n"
    assert export(corpus_catalog[0], CAPS_SQL, "--to", target, "--force") == 0
    assert target.read_text(encoding="utf-8").splitlines()[0] == "fact_id,cap_yuan,scope,is_draft,terms"


def test_sql_that_writes_is_refused_and_leaves_no_file(corpus_catalog, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere.csv"
    assert export(corpus_catalog[0], f"copy facts to '{elsewhere}'", "--to", tmp_path / "out.csv") == 2
    assert capsys.readouterr().err.startswith("gazette: query refused: the query is read-only (COPY ")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing_and_the_old_file_whole(corpus_catalog, tmp_path, monkeypatch, capsys):
    target = tmp_path / "caps.json"
    target.write_text("old\n")

    def half_written(columns, rows_, fmt, out):
        out.write("[\n")
        raise OSError("disk full")
    monkeypatch.setattr("flows.cli.export.write_rows", half_written)
    assert export(corpus_catalog[0], CAPS_SQL, "--to", target, "--force") == 2
    assert capsys.readouterr().err == f"gazette: could not write {target} (disk full); it is unchanged\n"
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["caps.json"]


@pytest.mark.parametrize("target, message", [
    ("caps.txt", "cannot tell the format of {tmp}/caps.txt from its suffix: name it .csv, .parquet or "
                 ".json, or pass --format csv|parquet|json"),
    ("missing/caps.csv", "folder {tmp}/missing does not exist: create it first"),
    ("out", "{tmp}/out is a folder: name the file to write, e.g. {tmp}/out/result.csv"),
])
def test_a_target_it_cannot_write_is_named_in_one_line(corpus_catalog, tmp_path, target, message, capsys):
    (tmp_path / "out").mkdir()
    assert export(corpus_catalog[0], "v_money_caps", "--to", f"{tmp_path}/{target}") == 2
    assert capsys.readouterr().err == f"gazette: {message.format(tmp=tmp_path)}\n"
