"""Date cases from tests/cases/dates.yaml: ISO values, roles, ranges and inferred years."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from extractors.dates import extract_dates

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "dates.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_date_case(case):
    issued = case.get("issued")
    facts = extract_dates(case["text"], issued=issued if isinstance(issued, dt.date) else None)
    assert [f.text for f in facts] == [e["text"] for e in case["expect"]]
    for fact, expected in zip(facts, case["expect"]):
        assert case["text"][fact.char_start:fact.char_end] == fact.text
        assert fact.value_text == expected["value"]
        for field in ("role", "inferred"):
            if field in expected:
                assert getattr(fact, field) == expected[field], (fact.text, field)
