"""Facts of a text: one module per kind (money, percent, date, bureau, 文号, policy terms) and
`extract_facts`, which runs every kind at once and returns the facts in document order. Imports
only `schemas` and other extractors."""
from __future__ import annotations

from datetime import date

from extractors.facts.bureaus import extract_bureaus
from extractors.facts.dates import extract_dates
from extractors.facts.doc_numbers import extract_doc_numbers
from extractors.facts.money import extract_money
from extractors.facts.percent import extract_percent
from schemas.records import Fact

KIND_ORDER = {"doc_number": 0, "date": 1, "bureau": 2, "money": 3, "percent": 4}


def extract_facts(text: str, issued: date | None = None) -> list[Fact]:
    """Every fact of `text`, sorted by offset; `issued` gives the year of dates printed without one.

    Offsets index `text` itself: `text[f.char_start:f.char_end] == f.text` for every fact.
    """
    if not text:
        return []
    facts = [
        *extract_money(text),
        *extract_percent(text),
        *extract_dates(text, issued=issued),
        *extract_bureaus(text),
        *extract_doc_numbers(text),
    ]
    return sorted(facts, key=lambda f: (f.char_start, f.char_end, KIND_ORDER[f.kind]))
