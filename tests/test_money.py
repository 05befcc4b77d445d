"""Money cases from tests/cases/money.yaml: amounts, roles, cap scopes and 分别 conditions."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from extractors.facts.money import extract_money

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "money.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_money_case(case):
    facts = extract_money(case["text"])
    assert [f.text for f in facts] == [e["text"] for e in case["expect"]]
    for fact, expected in zip(facts, case["expect"]):
        assert case["text"][fact.char_start:fact.char_end] == fact.text
        assert fact.value_num == Decimal(str(expected["value"]))
        for field in ("role", "scope", "condition"):
            if field in expected:
                assert getattr(fact, field) == expected[field], (fact.text, field)


def test_value_is_decimal_yuan():
    (fact,) = extract_money("给予 1.5 亿元支持")
    assert isinstance(fact.value_num, Decimal) and fact.value_num == Decimal("150000000")


@pytest.mark.parametrize("text", ["", "万元", "以亿元为单位", "1亿美元", "100万欧元", "一元化"])
def test_no_amount(text):
    assert extract_money(text) == []
