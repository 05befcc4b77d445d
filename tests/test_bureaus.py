"""Bureau cases from tests/cases/bureaus.yaml (names, values and roles), and the gazetteer's jieba user dictionary."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractors.facts.bureaus import (
    USERDICT_PATH,
    bureau_alias_rows,
    extract_bureaus,
    gazetteer,
    gazetteer_rows,
    userdict_lines,
)

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "bureaus.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bureau_case(case):
    facts = extract_bureaus(case["text"])
    assert [(f.text, f.value_text, f.role) for f in facts] == [(e["text"], e["value"], e.get("role"))
                                                               for e in case["expect"]]
    for fact in facts:
        assert case["text"][fact.char_start:fact.char_end] == fact.text


def test_userdict_matches_gazetteer():
    """data/userdict.txt is generated from data/bureaus.yaml: `python -m extractors.facts.bureaus`."""
    assert USERDICT_PATH.read_text(encoding="utf-8").splitlines() == userdict_lines()


def test_gazetteer_folds_variants_to_one_body():
    names = gazetteer().canonical
    for form in ("生物技术与大健康产业局", "生物技术和大健康产业链", "经开区生物技术与大健康产业局",
                 "北京经济技术开发区生物技术和大健康产业局"):
        assert names[form] == "生物技术和大健康产业局"
    assert names["北京市科委、中关村管委会"] == names["市科委中关村管委会"] == "市科委、中关村管委会"


def test_gazetteer_rows_are_the_bureaus_table():
    """One row per body (canonical is the table's key); a Beijing body's aliases are exactly the
    other forms the extractor folds to it, a State Council department's are the other names it is
    recognised by, each kept as written."""
    rows = gazetteer_rows()
    assert len({name for name, _, _ in rows}) == len(rows)
    folded = gazetteer().canonical
    for name, jurisdiction, aliases in rows:
        assert jurisdiction in (None, "经开区", "北京市", "昌平区", "国务院")
        assert name not in aliases and len(set(aliases)) == len(aliases)
        if jurisdiction == "国务院":
            assert all(folded[form] == form.replace("与", "和") for form in [name, *aliases])
        else:
            assert sorted(aliases) == sorted(f for f, c in folded.items() if c == name and f != name)
    assert ("生物技术和大健康产业局", "经开区") == rows[1][:2]
    assert {"生物技术和大健康产业链", "经开区生物技术与大健康产业局"} <= set(rows[1][2])
    by_name = {name: (jurisdiction, aliases) for name, jurisdiction, aliases in rows}
    assert by_name["工业和信息化部"] == ("国务院", ["工信部", "工业与信息化部"])
    assert by_name["国家市场监督管理总局"] == ("国务院", ["市场监管总局", "国家市场监管总局"])


def test_gazetteer_covers_the_state_council():
    """Every kind of State Council department is there, by full and short name."""
    names = gazetteer().canonical
    for form in ("国务院办公厅", "国家发展和改革委员会", "国家发展改革委", "工信部", "人力资源社会保障部",
                 "中国人民银行", "审计署", "国务院国资委", "海关总署", "市场监管总局", "中国证监会",
                 "国务院台湾事务办公室", "中国科学院", "国家药监局", "国家外汇管理局", "国家林草局"):
        assert names[form] == form


def test_bureau_aliases_fold_abbreviations_to_one_body():
    """Each alias names one gazetteer body; an abbreviation facts keep as written (经开区管委会, a
    row of its own) folds to the body it abbreviates, its aliases too."""
    rows = bureau_alias_rows()
    folded = dict(rows)
    assert len(folded) == len(rows)
    canonical = {name for name, _, _ in gazetteer_rows()}
    assert set(folded.values()) <= canonical and all(alias != name for alias, name in rows)
    assert folded["经开区管委会"] == folded["北京经济技术开发区管委会"] == "北京经济技术开发区管理委员会"
    assert folded["市科委"] == folded["北京市科委"] == folded["中关村管委会"] == "市科委、中关村管委会"
    assert folded["经开区生物技术与大健康产业局"] == "生物技术和大健康产业局"
    assert folded["工信部"] == "工业和信息化部"
    assert "经开区管委会" in canonical  # the fact keeps it: the extractor's value is unchanged
