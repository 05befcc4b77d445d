"""The README's questions return what the README shows: each ```sql block of "Questions analysts ask"
is run with `gazette query` on the bundled corpus's catalog (what `make demo` builds), and its
output must be the block printed under it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.cli.main import main

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = re.compile(r"## Questions analysts ask.*?(?=\n## )", re.S)
EXAMPLE = re.compile(r"```sql\n(?P<sql>.*?)```\n```\n(?P<shown>.*?)```", re.S)


def readme_examples() -> list[tuple[str, str]]:
    section = SECTION.search(README.read_text(encoding="utf-8")).group(0)
    return [(m.group("sql").strip(), m.group("shown")) for m in EXAMPLE.finditer(section)]


def test_the_readme_shows_its_questions():
    assert len(readme_examples()) >= 3


@pytest.mark.parametrize("sql,shown", readme_examples(), ids=lambda v: v.split("\n")[0][:40])
def test_a_readme_question_returns_what_the_readme_shows(corpus_catalog, capsys, sql, shown):
    assert main(["--db", str(corpus_catalog[0]), "query", " ".join(sql.split())]) == 0
    printed = capsys.readouterr().out
    # The README leaves out the row count line the command ends with.
    printed = re.sub(r"\(\d+ rows?\)\n?$", "", printed)
    assert [line.rstrip() for line in printed.rstrip("\n").split("\n")] == \
        [line.rstrip() for line in shown.rstrip("\n").split("\n")]
