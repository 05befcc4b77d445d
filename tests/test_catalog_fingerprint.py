"""The bundled corpus's catalog, table by table, is what tests/golden/catalog_tables.json records.

A refactor must leave every row of every table as it was; a change that means to alter rows
regenerates the file with UPDATE_GOLDEN=1 and shows the difference in review. Columns that hold the
time of a run, and text naming the run's temporary folders, are left out: they differ every run.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "catalog_tables.json"
TIME_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE_TIME")


def table_fingerprints(con, tmp_roots: list[str]) -> dict[str, dict]:
    """Row count and sha256 of the sorted rows of each base table, per table name."""
    tables = [t for (t,) in con.execute(
        "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
        "and table_name <> 'schema_migrations' order by table_name").fetchall()]
    found = {}
    for table in tables:
        columns = [c for c, kind in con.execute(
            "select column_name, data_type from information_schema.columns where table_name = ? "
            "order by ordinal_position", [table]).fetchall() if not kind.startswith(TIME_TYPES)]
        rows = con.execute(f"select {', '.join(columns)} from {table}").fetchall()
        lines = sorted(_stable(repr(row), tmp_roots) for row in rows)
        digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        found[table] = {"rows": len(rows), "columns": columns, "sha256": digest}
    return found


def _stable(text: str, tmp_roots: list[str]) -> str:
    for root in tmp_roots:
        text = text.replace(root, "<tmp>")
    return text


def test_the_catalog_of_the_bundled_corpus_is_unchanged_table_by_table(corpus_con, corpus_catalog):
    db, raw, _ = corpus_catalog
    found = table_fingerprints(corpus_con, [str(raw), str(db.parent)])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing: run this test once with UPDATE_GOLDEN=1")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(found) == sorted(expected)
    changed = {t: (expected[t]["rows"], found[t]["rows"]) for t in expected if found[t] != expected[t]}
    assert not changed, f"tables whose rows changed (rows before, after): {changed}"
    assert found["facts"]["rows"] > 1000 and found["articles"]["rows"] > 500
