"""Facts of a text: one module per kind (money, percent, date, bureau, 文号, policy terms) and
`extract_facts`, which runs every kind of `FACT_KINDS` at once and returns the facts in document
order. Imports only `schemas` and other extractors.

`FACT_KINDS` is the one list of fact kinds: the catalog's `fact_kinds` table (copied from it by
every writer), the case files `tests/cases/<module>.yaml` and the README's table of fact quality
name the same kinds (tests/test_registries.py); docs/extending.md adds one.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from extractors.facts.bureaus import extract_bureaus
from extractors.facts.dates import extract_dates
from extractors.facts.doc_numbers import extract_doc_numbers
from extractors.facts.money import CAP_CUES, extract_money
from extractors.facts.percent import extract_percent
from schemas.records import Fact, FactKind

# What `Fact.value_num` counts, so that a diff can print it: yuan (1000万元) or a fraction (20%).
ValueUnit = Literal["yuan", "fraction"]


@dataclass(frozen=True)
class FactKindSpec:
    """A kind of fact: the function that finds it in a text, and how a diff tells one in words.

    `extract(text)` returns the kind's facts with offsets into `text`, `[]` when there are none;
    with `dated`, it also takes `issued=`, the year of dates printed without one.
    """
    kind: FactKind
    extract: Callable[..., list[Fact]]
    noun: str                               # a fact whose role has no word of its own: 文号, rate
    dated: bool = False
    role_words: Mapping[str, str] = field(default_factory=dict)  # roles not told by their own name
    # Roles told by a cue before the fact in its clause (a 不超过20% is a cap), for facts without one.
    cued_roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    value_unit: ValueUnit | None = None


# Facts at the same offsets come in this order: the 文号 first, the percentage last.
FACT_KINDS: dict[FactKind, FactKindSpec] = {spec.kind: spec for spec in (
    FactKindSpec("doc_number", extract_doc_numbers, noun="文号"),
    FactKindSpec("date", extract_dates, noun="date", dated=True, role_words={
        "window_start": "window opens", "window_end": "window closes", "deadline": "deadline",
        "expires": "expiry", "effective": "effective date", "issued": "issue date"}),
    FactKindSpec("bureau", extract_bureaus, noun="bureau", role_words={
        "lead": "lead bureau", "cooperating": "cooperating bureau", "interpreter": "interpreting bureau"}),
    FactKindSpec("money", extract_money, noun="amount", role_words={"fund_size": "fund"}, value_unit="yuan"),
    FactKindSpec("percent", extract_percent, noun="rate", cued_roles=(("cap", CAP_CUES),),
                 value_unit="fraction"),
)}


def extract_facts(text: str, issued: date | None = None) -> list[Fact]:
    """Every fact of `text`, sorted by offset; `issued` gives the year of dates printed without one.

    Offsets index `text` itself: `text[f.char_start:f.char_end] == f.text` for every fact.
    """
    if not text:
        return []
    order = {kind: i for i, kind in enumerate(FACT_KINDS)}
    facts = [fact for spec in FACT_KINDS.values()
             for fact in (spec.extract(text, issued=issued) if spec.dated else spec.extract(text))]
    return sorted(facts, key=lambda f: (f.char_start, f.char_end, order[f.kind]))
