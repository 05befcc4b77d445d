"""Date cases from tests/cases/dates.yaml: ISO values, roles, ranges and inferred years."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import regex
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.facts.dates import extract_dates

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


TEXTS = sorted((Path(__file__).parent.parent / "data" / "corpus" / "texts").glob("*.txt")) + sorted(
    (Path(__file__).parent.parent / "data" / "samples").glob("*.txt"))
ISO_VALUE = regex.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PRINTED_YEAR = regex.compile(r"\d{4}|[〇○零一二三四五六七八九]{4}年")


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_dates_of_every_corpus_text_slice_and_flag_what_is_inferred(path):
    """Offsets slice the text; a date is flagged inferred exactly when its text prints no year
    (3月1日, 至3日, 印发之日起30日内); values are ISO."""
    text = path.read_text(encoding="utf-8")
    for fact in extract_dates(text):
        assert text[fact.char_start:fact.char_end] == fact.text
        assert ISO_VALUE.match(fact.value_text), fact
        assert fact.inferred == (not PRINTED_YEAR.search(fact.text)), fact


DATE_ALPHABET = ("0123456789０１２-—–~～/.:： \n\t()（）年月日号底末前后至到起止自从于本意见办法印发发布公布施行"
                 "之日内个工作天有效期截止申报时间放假令第公布通过根据修订修正次会议决定》《〇○一二三四五六七八九十每")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=DATE_ALPHABET, max_size=80), st.one_of(st.none(), st.dates()))
def test_dates_never_raise_and_slice_on_any_text(text, issued):
    for fact in extract_dates(text, issued=issued):
        assert text[fact.char_start:fact.char_end] == fact.text
        assert ISO_VALUE.match(fact.value_text), fact
