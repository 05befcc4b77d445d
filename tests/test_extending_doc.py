"""docs/extending.md's examples run as printed: each registers its entry at runtime in a fresh
process, and the entry works there (a fact kind found with its offsets and allowed by the
migration the page gives, a command in `gazette --help`, a channel receiving an alert)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "extending.md"
BLOCK = re.compile(r"^( *)```(\w+) (extending-[\w-]+)\n(.*?)^\1```", re.M | re.S)


def blocks() -> dict[tuple[str, str], str]:
    """(marker, language) → the code of that fenced block of docs/extending.md."""
    found = {}
    for m in BLOCK.finditer(DOC.read_text(encoding="utf-8")):
        assert (m.group(3), m.group(2)) not in found, f"two {m.group(2)} blocks marked {m.group(3)}"
        found[(m.group(3), m.group(2))] = textwrap.dedent(m.group(4))
    return found


def run_example(code: str, check: str, tmp_path: Path) -> str:
    """Run an example and then `check` in one fresh interpreter; returns what it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_HOME": str(tmp_path / "prefect")}
    done = subprocess.run([sys.executable, "-c", code + "\n\n" + textwrap.dedent(check)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_page_has_an_example_of_each_extension():
    assert sorted(blocks()) == [("extending-alert-channel", "python"), ("extending-cli-command", "python"),
                                ("extending-fact-kind", "python")]


FACT_KIND_CHECK = """
    from decimal import Decimal

    import duckdb

    from extractors.diff.facts import describe, fact_role
    from extractors.facts import extract_facts
    from flows import catalog

    text = "新建厂房建筑面积不低于5000平方米、用地面积3.5万平方米，由科技和产业促进局负责。"
    facts = extract_facts(text)
    assert [(f.kind, f.text, f.value_num) for f in facts if f.kind == "area"] == [
        ("area", "5000平方米", Decimal(5000)), ("area", "3.5万平方米", Decimal("35000.0"))], facts
    assert [f.kind for f in facts] == ["area", "area", "bureau"]
    assert all(text[f.char_start:f.char_end] == f.text for f in facts)
    assert (fact_role(facts[0], text, facts[0].char_start), describe(facts[0])) == ("area", "5000平方米")

    # The catalog needs no migration: a writer copies the registry into fact_kinds, and doctor
    # checks each fact's kind against it.
    from flows.cli.doctor import CHECKS
    from flows.ingest import loader

    con = duckdb.connect()
    catalog.migrate(con)
    loader.sync_fact_kinds(con)
    assert con.execute("select noun from fact_kinds where kind = 'area'").fetchall() == [("area",)]
    con.execute("insert into facts (fact_id, doc_id, kind, text, char_start, char_end) "
                "values ('d/f1', 'd', 'area', '5000平方米', 0, 7)")
    [kinds_check] = [c for c in CHECKS if "registered kind" in c.name]
    assert con.execute(kinds_check.sql).fetchall() == []
    con.execute("insert into facts (fact_id, doc_id, kind, text, char_start, char_end) "
                "values ('d/f2', 'd', 'areas', '5000平方米', 0, 7)")
    print(con.execute(kinds_check.sql).fetchall())
"""


def test_a_new_fact_kind_is_found_with_offsets_and_the_catalog_takes_it_without_a_migration(tmp_path):
    out = run_example(blocks()[("extending-fact-kind", "python")], FACT_KIND_CHECK, tmp_path)
    assert out == "[('areas', 1)]\n"  # a kind nobody registered is what doctor reports


COMMAND_CHECK = """
    import contextlib
    import io
    import json

    from flows.cli.main import main

    def printed(argv):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                code = main(argv)
            except SystemExit as exit_:
                code = exit_.code
        return code, out.getvalue()

    code, top = printed(["--help"])
    assert code == 0 and "kinds     list the kinds of fact the extractors find" in top, top
    code, own = printed(["kinds", "--help"])
    assert code == 0 and "order facts at the same offsets" in own and "--format" in own, own
    code, listed = printed(["kinds", "--format", "json"])
    assert code == 0 and json.loads(listed) == {"doc_number": "文号", "date": "date", "bureau": "bureau",
                                                "money": "amount", "percent": "rate"}, listed
"""


def test_a_new_command_is_in_the_help_and_runs(tmp_path):
    run_example(blocks()[("extending-cli-command", "python")], COMMAND_CHECK, tmp_path)


CHANNEL_CHECK = """
    from datetime import datetime
    from pathlib import Path

    from flows import catalog
    from flows.alerts.delivery import deliver_pending
    from flows.channels import alert_token
    from flows.settings import SettingsError, parse_settings

    settings = parse_settings({"channels": {"folder": {"folder": "out"}, "jsonl": {"path": "alerts.jsonl"}}})
    assert list(settings.channels) == ["jsonl", "folder"]
    for wrong, message in (({}, "`folder` is required"), ({"folder": "x", "dir": "y"}, "unknown key")):
        try:
            parse_settings({"channels": {"folder": wrong}}, "s.toml")
        except SettingsError as exc:
            assert str(exc).startswith("s.toml [channels.folder]: ") and message in str(exc), exc
        else:
            raise AssertionError(wrong)

    db = Path("catalog.duckdb")
    alert_id = "document:京技管发〔2025〕9号"
    with catalog.writing(db) as con:
        con.execute("insert into alerts values (?, ?, 'document', null, null, ?, ?, null)",
                    [alert_id, datetime(2025, 7, 24, 2), "京技管发〔2025〕9号 若干意见", "最高 1亿元"])
    report = deliver_pending(db, settings.channels)
    assert (report.sent, report.failed, report.pending) == ({"jsonl": [alert_id], "folder": [alert_id]}, {}, 0)
    page = Path("out") / f"{alert_token(alert_id)}.md"
    assert page.read_text(encoding="utf-8") == "# 京技管发〔2025〕9号 若干意见\\n\\n最高 1亿元\\n"
    assert deliver_pending(db, settings.channels).sent == {}
"""


def test_a_new_channel_reads_its_table_and_receives_an_alert(tmp_path):
    run_example(blocks()[("extending-alert-channel", "python")], CHANNEL_CHECK, tmp_path)


def test_the_readme_links_the_page():
    assert "(docs/extending.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
