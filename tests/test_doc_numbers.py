"""文号 cases from tests/cases/doc_numbers.yaml: bracket and spacing variants, decrees."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractors.facts.doc_numbers import extract_doc_numbers

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "doc_numbers.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_doc_number_case(case):
    facts = extract_doc_numbers(case["text"])
    assert [(f.text, f.value_text) for f in facts] == [(e["text"], e["value"]) for e in case["expect"]]
    for fact in facts:
        assert case["text"][fact.char_start:fact.char_end] == fact.text
