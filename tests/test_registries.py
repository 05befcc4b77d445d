"""Each extension point has one registry, and everything else that names its entries agrees with it:
fact kinds (FACT_KINDS), alert channels (CHANNELS). Commands: tests/test_cli.py."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from extractors.diff.facts import describe, fact_role
from extractors.facts import FACT_KINDS, extract_facts
from flows import catalog
from flows.channels import CHANNELS

ROOT = Path(__file__).resolve().parent.parent
# One of each kind, as 京技管发〔2025〕9号 prints them.
EVERY_KIND = ("根据《北京经济技术开发区关于促进医药健康产业高质量发展的若干意见》（京技管发〔2025〕9号），"
              "由生物技术和大健康产业局负责，按照年度实际服务金额的20%给予支持，单个企业每年最高1000万元，"
              "申报截止时间为2025年6月30日。")


def catalog_kinds() -> list[tuple]:
    """The fact kinds a catalog written by this code holds, with their nouns and units."""
    from flows.ingest import loader

    con = catalog.memory()
    loader.sync_fact_kinds(con)
    return con.execute("select kind, noun, value_unit from fact_kinds order by kind").fetchall()


def case_files() -> set[str]:
    return {p.stem for p in (ROOT / "tests" / "cases").glob("*.yaml")}


def extractor_module(kind: str) -> str:
    """The module that finds the kind: extractors/facts/dates.py → dates. Its cases are
    tests/cases/dates.yaml and its test tests/test_dates.py."""
    return FACT_KINDS[kind].extract.__module__.rsplit(".", 1)[-1]


def readme_quality_kinds() -> list[str]:
    """The kinds of the README's table of fact quality: its header's columns after `docs`, up to
    the first `… role`."""
    header = next(line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                  if line.startswith("| gold / rendition |"))
    cells = [c.strip() for c in header.strip("|").split("|")]
    after_docs = cells[cells.index("docs") + 1:]
    return after_docs[:next(i for i, c in enumerate(after_docs) if c.endswith(" role"))]


def test_every_place_that_names_fact_kinds_names_the_registrys():
    kinds = set(FACT_KINDS)
    assert kinds == {"money", "percent", "date", "bureau", "doc_number"}
    assert catalog_kinds() == sorted((s.kind, s.noun, s.value_unit) for s in FACT_KINDS.values())
    assert case_files() == {extractor_module(k) for k in kinds}
    assert all((ROOT / "tests" / f"test_{extractor_module(k)}.py").exists() for k in kinds)
    assert sorted(readme_quality_kinds()) == sorted(kinds)
    facts_row = next(line for line in (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8").splitlines()
                     if line.startswith("| `facts` |"))
    assert [k for k in kinds if f"`{k}`" not in facts_row] == []


def test_each_kind_finds_only_its_own_facts_and_extract_facts_runs_them_all():
    found = {kind: spec.extract(EVERY_KIND, issued=None) if spec.dated else spec.extract(EVERY_KIND)
             for kind, spec in FACT_KINDS.items()}
    assert {kind: {f.kind for f in facts} for kind, facts in found.items()} == {k: {k} for k in FACT_KINDS}
    facts = extract_facts(EVERY_KIND)
    assert sorted(facts, key=lambda f: f.char_start) == facts
    assert sorted(map(repr, facts)) == sorted(repr(f) for fs in found.values() for f in fs)
    assert all(EVERY_KIND[f.char_start:f.char_end] == f.text for f in facts)


def test_a_diff_tells_each_kind_in_the_words_of_its_spec():
    facts = {f.kind: f for f in extract_facts(EVERY_KIND)}
    told = {kind: (fact_role(f, EVERY_KIND, f.char_start), describe(f)) for kind, f in facts.items()}
    assert told == {"doc_number": ("文号", "京技管发〔2025〕9号"),
                    "bureau": ("lead bureau", "生物技术和大健康产业局"),
                    "percent": ("rate", "20% of 年度实际服务金额"),
                    "money": ("cap", "1000万元 per enterprise per year"),
                    "date": ("deadline", "2025-06-30")}


def test_the_example_settings_and_the_nightly_doc_name_every_channel_and_its_keys():
    example_text = (ROOT / "config" / "settings.example.toml").read_text(encoding="utf-8")
    example = tomllib.loads(example_text)["channels"]
    assert list(example) == list(CHANNELS)
    for name, channel in CHANNELS.items():
        table = example_text.split(f"[channels.{name}]\n", 1)[1].split("\n[", 1)[0]
        written = set(re.findall(r"^#? ?(\w+) =", table, flags=re.M))
        assert written == set(channel.keys), name  # each key shown, set or commented out
    nightly = (ROOT / "docs" / "nightly.md").read_text(encoding="utf-8")
    assert [name for name in CHANNELS if f"`[channels.{name}]`" not in nightly] == []
