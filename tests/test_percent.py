"""Percent cases from tests/cases/percent.yaml: values as fractions, ratios, and the basis of a share."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from extractors.facts.percent import extract_percent

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "percent.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_percent_case(case):
    facts = extract_percent(case["text"])
    assert [f.text for f in facts] == [e["text"] for e in case["expect"]]
    for fact, expected in zip(facts, case["expect"]):
        assert case["text"][fact.char_start:fact.char_end] == fact.text
        assert round(fact.value_num, 6) == round(Decimal(str(expected["value"])), 6)
        if "basis" in expected:
            assert fact.basis == expected["basis"], fact.text


def test_ratio_value_is_b_over_a():
    (fact,) = extract_percent("按4:1的比例配套")
    assert fact.value_num == Decimal("0.25")
