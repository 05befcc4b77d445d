"""`gazette query` reaches only the catalog and writes nothing anywhere; a damaged catalog file is
reported in one line by query, summary and doctor."""
from __future__ import annotations

import hashlib
import os
import shutil

import duckdb
import pytest

from flows import catalog
from flows.cli.main import main


@pytest.fixture()
def catalog_copy(corpus_catalog, tmp_path):
    """A private copy of the corpus catalog, an outside database beside it, and a folder for files."""
    db = tmp_path / "catalog.duckdb"
    shutil.copyfile(corpus_catalog[0], db)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    (tmp_path / "out").mkdir()
    return db


def state(folder) -> dict:
    """Every file under `folder` with its sha256 and mtime: what a refused statement must not change."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


REFUSED = [
    ("copy-onto-catalog", "COPY (select 'gone' as x) TO '{db}' (FORMAT csv)", "(COPY writes or reads files"),
    ("copy-to-file", "COPY documents TO '{out}/documents.csv'", "(COPY writes or reads files"),
    ("copy-from-file", "COPY documents FROM '{out}/documents.csv'", "(COPY writes or reads files"),
    ("export-database", "EXPORT DATABASE '{out}/dump'", "(EXPORT writes or reads files"),
    ("attach-read-write", "ATTACH '{other}' AS o (READ_WRITE)", "(ATTACH opens another database)"),
    ("attach-then-write", "ATTACH '{other}' AS o (READ_WRITE); CREATE TABLE o.t AS SELECT 1 AS x",
     "(ATTACH opens another database)"),
    ("attach-new-file", "ATTACH '{out}/new.duckdb'", "(ATTACH opens another database)"),
    ("install", "INSTALL fts", "(INSTALL installs or loads an extension)"),
    ("load", "LOAD fts", "(LOAD installs or loads an extension)"),
    ("set-external-access", "SET enable_external_access = true", "(SET changes a setting)"),
    ("reset-lock", "RESET lock_configuration", "(RESET changes a setting)"),
    ("set-temp-directory", "SET temp_directory = '{out}'", "(SET changes a setting)"),
    ("create-table", "CREATE TABLE t AS SELECT 1 AS x", "(CREATE changes the catalog)"),
    ("create-temp-table", "CREATE TEMP TABLE t AS SELECT 1 AS x", "(CREATE changes the catalog)"),
    ("insert", "INSERT INTO sources (source_id) VALUES ('x')", "(INSERT changes the catalog)"),
    ("update", "UPDATE documents SET title = 'x'", "(UPDATE changes the catalog)"),
    ("delete", "DELETE FROM facts", "(DELETE changes the catalog)"),
    ("drop", "DROP TABLE facts", "(DROP changes the catalog)"),
    ("with-insert", "WITH s AS (SELECT * FROM sources) INSERT INTO sources SELECT * FROM s",
     "(INSERT changes the catalog)"),
    ("checkpoint", "CHECKPOINT", "(CHECKPOINT writes the catalog file)"),
    ("force-checkpoint", "FORCE CHECKPOINT", "(FORCE writes the catalog file)"),
    ("vacuum", "VACUUM", "(VACUUM writes the catalog file)"),
    ("pragma-force-checkpoint", "PRAGMA force_checkpoint", "(PRAGMA changes a setting"),
    ("pragma-profiling-output", "PRAGMA profiling_output = '{out}/profile.json'", "(PRAGMA changes a setting"),
    ("begin", "BEGIN TRANSACTION", "(BEGIN begins or ends a transaction"),
    ("select-then-drop", "select 1; drop table documents", "(DROP changes the catalog)"),
    ("select-then-copy", "select 1; copy facts to '{out}/facts.csv'", "(COPY writes or reads files"),
    ("read-csv", "select * from read_csv('/etc/passwd')", "a query reaches only the catalog"),
    ("read-text", "select * from read_text('/etc/hostname')", "a query reaches only the catalog"),
    ("read-other-database", "select * from read_blob('{other}')", "a query reaches only the catalog"),
    ("copy-onto-catalog-in-place", "COPY (select 'gone' as x) TO '{db}' (FORMAT csv, USE_TMP_FILE false)",
     "(COPY writes or reads files"),
    ("copy-onto-wal", "COPY (select 'gone' as x) TO '{db}.wal' (FORMAT csv)", "(COPY writes or reads files"),
    ("explain-analyze-delete", "EXPLAIN ANALYZE DELETE FROM facts", "(EXPLAIN of anything but one SELECT)"),
    ("explain-analyze-copy-onto-catalog",
     "EXPLAIN ANALYZE COPY (select 'gone' as x) TO '{db}' (FORMAT csv, USE_TMP_FILE false)",
     "(EXPLAIN of anything but one SELECT)"),
    ("select-enable-logging", "select * from \"enable_logging\"/**/(storage := 'file', storage_path := '{out}')",
     "(enable_logging() changes the connection"),
    ("select-checkpoint", "select * from facts where fact_id in (select * from checkpoint())",
     "(checkpoint() changes the connection"),
    ("select-query-string", "select * from query('select 1')", "(query() changes the connection or runs other SQL)"),
    ("pivot-without-values", "PIVOT facts ON kind USING count(*)", "as it does a PIVOT without ON column IN"),
]


@pytest.mark.parametrize("sql, reason", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_a_statement_that_writes_or_reaches_outside_is_refused_and_changes_no_file(
        catalog_copy, sql, reason, capsys):
    folder = catalog_copy.parent
    before = state(folder)
    sql = sql.format(db=catalog_copy, out=folder / "out", other=folder / "other.duckdb")
    assert main(["--db", str(catalog_copy), "query", sql]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("gazette: query refused: ") and reason in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert state(folder) == before
    assert main(["--db", str(catalog_copy), "query", "select count(*) as n from documents", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "24"]


FILE_STATEMENTS = [
    "COPY documents TO '{out}/documents.csv'",
    "EXPORT DATABASE '{out}/dump'",
    "ATTACH '{other}' AS o (READ_WRITE)",
    "INSTALL fts",
    "LOAD fts",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET temp_directory = '{out}'",
    "select * from read_csv('/etc/passwd')",
    "DELETE FROM facts",
]


@pytest.mark.parametrize("sql", FILE_STATEMENTS)
def test_the_reader_connection_itself_refuses_them_without_the_statement_check(catalog_copy, sql):
    """The statement check only words the refusal; DuckDB's read-only, locked configuration is the guarantee."""
    folder = catalog_copy.parent
    before = state(folder)
    con = catalog.connect(catalog_copy, read_only=True)
    try:
        with pytest.raises((duckdb.PermissionException, duckdb.InvalidInputException)):
            con.execute(sql.format(db=catalog_copy, out=folder / "out", other=folder / "other.duckdb"))
        assert con.execute("select current_setting('enable_external_access'), "
                           "current_setting('lock_configuration')").fetchone() == (False, True)
    finally:
        con.close()
    assert state(folder) == before


def test_duckdb_alone_lets_a_reader_copy_onto_the_catalog_hence_the_statement_check(catalog_copy):
    """DuckDB with external access disabled still lets a connection write its own database's
    paths: this is what the statement check (COPY refused) guards the catalog from."""
    con = catalog.connect(catalog_copy, read_only=True)
    try:
        con.execute(f"COPY (select 'gone' as x) TO '{catalog_copy}' (FORMAT csv, USE_TMP_FILE false)")
    finally:
        con.close()
    assert catalog_copy.read_bytes() == b"x\ngone\n"


READS = [
    ("show-tables", "show tables"),
    ("describe", "describe facts"),
    ("summarize", "summarize sources"),
    ("pragma-table-function", "select * from pragma_table_info('facts')"),
    ("explain", "explain select * from facts"),
    ("from-first", "from documents select doc_id limit 1"),
    ("two-selects", "select 1 as a; select 2 as b"),
    ("macro", "select count(*) from policies_in_force(as_of := date '2025-06-01')"),
    ("explain-analyze", "explain analyze select kind, count(*) from facts group by kind"),
    ("pivot-with-values", "pivot facts on kind in ('money', 'date') using count(*) group by doc_id"),
]


@pytest.mark.parametrize("sql", [c[1] for c in READS], ids=[c[0] for c in READS])
def test_reads_of_the_catalog_still_answer(corpus_catalog, sql, capsys):
    assert main(["--db", str(corpus_catalog[0]), "query", sql, "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


def test_every_view_answers_as_on_a_plain_connection(corpus_catalog, capsys):
    """No view needs external access: each counts the same rows through `gazette query` as
    through an unlocked connection."""
    db = str(corpus_catalog[0])
    with duckdb.connect(db, read_only=True) as con:
        expected = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for (name,) in
                    con.execute("select view_name from duckdb_views() where not internal order by 1").fetchall()}
    assert {"v_deadlines", "v_measure_bureaus", "policies", "v_fact_citations", "v_measure_eligibility"} < set(expected)
    assert len(expected) == 24 and (expected["v_documents"], expected["v_documents_all_versions"]) == (12, 13)
    counted = {}
    for name in expected:
        assert main(["--db", db, "query", f"select count(*) as n from {name}", "--format", "csv"]) == 0
        counted[name] = int(capsys.readouterr().out.splitlines()[1])
    assert counted == expected


def test_a_refused_statement_is_not_run_even_when_another_reads(catalog_copy, capsys):
    assert main(["--db", str(catalog_copy), "query", "select 1; delete from facts; select 2"]) == 2
    capsys.readouterr()
    with duckdb.connect(str(catalog_copy), read_only=True) as con:
        assert con.execute("select count(*) from facts").fetchone()[0] > 0


def _random_bytes(db, source):
    db.write_bytes(os.urandom(300_000))


def _truncated(db, source):
    db.write_bytes(source.read_bytes()[:300_000])


def _csv_over_it(db, source):
    db.write_text("x\ngone\n")


def _empty(db, source):
    db.write_bytes(b"")


@pytest.mark.parametrize("damage", [_random_bytes, _truncated, _csv_over_it, _empty],
                         ids=["random-bytes", "truncated", "csv-written-over-it", "empty"])
@pytest.mark.parametrize("command", [["summary"], ["doctor"], ["query", "select 1"]],
                         ids=["summary", "doctor", "query"])
def test_a_file_that_is_no_catalog_is_reported_in_one_line(corpus_catalog, tmp_path, damage, command, capsys):
    db = tmp_path / "catalog.duckdb"
    damage(db, corpus_catalog[0])
    assert main(["--db", str(db)] + command) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(f"gazette: {db} is not a DuckDB catalog, or is damaged (")
    assert captured.err.endswith("; move it aside and run `gazette rebuild` (or `gazette ingest`) "
                                 "to recreate it from data/raw/\n")


def test_a_damaged_block_found_mid_check_is_reported_in_one_line(corpus_catalog, tmp_path, capsys):
    """A catalog that opens, with a damaged block of document text: doctor reads it and says so."""
    db = tmp_path / "catalog.duckdb"
    shutil.copyfile(corpus_catalog[0], db)
    with duckdb.connect(str(db), read_only=True) as con:
        block_id, offset = con.execute(
            "select block_id, block_offset from pragma_storage_info('documents') "
            "where column_name = 'text' and segment_type = 'VARCHAR' order by block_id desc limit 1").fetchone()
    header, block_size = 3 * 4096, 262_144  # DuckDB's file: three header pages, then blocks
    with open(db, "r+b") as fh:
        fh.seek(header + block_id * block_size + offset)
        fh.write(b"\0" * 1024)
    assert main(["--db", str(db), "doctor"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gazette: {db} is not a DuckDB catalog, or is damaged (Corrupt database file: ")
    assert err.count("\n") == 1
