"""All fact types of a text at once: money, percent, date, bureau and 文号, in document order."""
from __future__ import annotations

from datetime import date

from extractors.bureaus import extract_bureaus
from extractors.dates import extract_dates
from extractors.doc_numbers import extract_doc_numbers
from extractors.money import extract_money
from extractors.percent import extract_percent
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
