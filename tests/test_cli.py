"""The command line: help for every command, query formats, read-only access, exit codes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli.main import COMMANDS, EXIT_BROKEN_PIPE, build_parser, main
from schemas.ddl import migrations

ROOT = Path(__file__).resolve().parent.parent


def commands() -> list[str]:
    return sorted(COMMANDS)


def test_the_parser_has_exactly_the_registrys_commands():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert list(sub.choices) == list(COMMANDS)


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help(command, capsys):
    assert COMMANDS[command].help.strip() and COMMANDS[command].description.strip()
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert len(out) > 80 and out.startswith(f"usage: gazette {command}")


def test_readme_describes_every_command_and_the_docs_every_table_and_view():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docs = readme + (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    ddl = "\n".join(m.sql for m in migrations())
    names = re.findall(r"CREATE (?:TABLE|VIEW|MACRO) (\w+)", ddl)
    assert names, "no tables found in the migrations"
    assert [n for n in names if f"`{n}" not in docs] == []
    assert [c for c in commands() if f"`gazette {c}" not in readme] == []


def test_query_formats(corpus_catalog, capsys):
    db = str(corpus_catalog[0])
    sql = "select doc_number, issue_id is not null as in_issue from v_documents where doc_number like '京技管发%' order by doc_number"
    assert main(["--db", db, "query", sql, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {"doc_number": "京技管发〔2025〕1号", "in_issue": True}
    assert main(["--db", db, "query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["doc_number,in_issue", "京技管发〔2025〕1号,True"]
    assert main(["--db", db, "query", sql]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["doc_number", "in_issue"] and "(6 rows)" in table


def test_query_connection_is_read_only(corpus_catalog, capsys):
    assert main(["--db", str(corpus_catalog[0]), "query", "delete from facts"]) == 2
    assert "read-only" in capsys.readouterr().err


def test_query_without_catalog_says_what_to_do(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.duckdb"), "query", "select 1"]) == 2
    assert "gazette ingest" in capsys.readouterr().err


def test_ingest_exit_code_is_partial_when_a_source_fails(prefect_harness, tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["--db", str(tmp_path / "c.duckdb"), "ingest", str(tmp_path), "--no-progress"]) == 3
    err = capsys.readouterr().err
    assert "empty.txt" in err and "partial" in err


@pytest.mark.parametrize("command", [["query", "select count(*) as n from documents"], ["summary"]])
def test_global_options_go_before_or_after_the_command(command, corpus_catalog, capsys):
    db = str(corpus_catalog[0])
    assert main(["--db", db, *command]) == 0
    before = capsys.readouterr().out
    assert main([*command, "--db", db]) == 0
    assert capsys.readouterr().out == before and "(1 row)" in before


def test_an_option_after_the_command_is_the_one_given(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "a.duckdb"), "query", "select 1", "--db", str(tmp_path / "b.duckdb")]) == 2
    assert "b.duckdb" in capsys.readouterr().err


def test_a_reader_that_closes_early_ends_the_command_quietly(corpus_catalog):
    # Far more rows than a pipe's buffer holds, so the command is still writing when `head` leaves.
    command = [sys.executable, "-m", "flows.cli", "--db", str(corpus_catalog[0]), "query",
               "select * from range(200000)"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout.readline().split() == [b"range"]
    process.stdout.close()
    assert process.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert process.stderr.read() == b""


def test_summary_lists_each_revision_and_the_facts_it_changed(corpus_catalog, capsys):
    assert main(["--db", str(corpus_catalog[0]), "summary"]) == 0
    out = capsys.readouterr().out
    revisions = out.split("\nrevisions\n")[1].split("\n\n")[0].splitlines()
    assert [line.split() for line in revisions[:1] + revisions[2:]] == [
        ["policy", "old", "new", "modified", "added", "removed", "moved", "fact_changes"],
        ["中华人民共和国统计法", "nat-statistics-law-2009.txt", "nat-statistics-law-2024.txt", "22", "3", "0", "27", "5"],
        ["(1", "row)"]]
    changes = out.split("\nfact changes\n")[1].split("\n\n")[0].splitlines()[2:-1]
    assert [line.split(None, 1) for line in changes] == [
        ["中华人民共和国统计法", "preamble new date 2024-09-13"],
        ["中华人民共和国统计法", "第四十四条 amount: 5万元 → 10万元"],
        ["中华人民共和国统计法", "第四十四条 amount: 5万元 → 10万元"],
        ["中华人民共和国统计法", "第四十四条 amount: 20万元 → 50万元"],
        ["中华人民共和国统计法", "第四十五条 amount: 1万元 → 5万元"]]
