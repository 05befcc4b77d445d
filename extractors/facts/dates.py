"""Date facts: full dates, year-months, partial dates, ranges, relative deadlines and the
year-only mentions the gold keeps.

`extract_dates(text, issued=None)` gives value_text in ISO form (2025-04-30, 2026-01, 2027).
How dates are written is in `date_forms`; the year of a date printed without one in
`date_years`; roles and ranges in `date_roles`; 印发之日起30日内 in `date_relative`. A date the
text does not print in full (a year-less date, a relative deadline) is flagged `inferred=True`.
Year-only mentions are facts only as a period or edition qualifier of a title ((2024—2026年)
→ 2024 and 2026; (2025年版)) or as a target year (力争到2027年, 2035年远景目标) — never the year of
a 文号 (〔2025〕) or of a reporting period (2025年第一季度).
"""
from __future__ import annotations

import datetime as dt

import regex

from extractors.cues import across_cjk_spaces, drop_overlaps
from extractors.facts.date_forms import Span, full_dates, year_mentions, year_months
from extractors.facts.date_relative import relative_deadlines
from extractors.facts.date_roles import date_role, with_ranges
from extractors.facts.date_years import partial_dates
from extractors.textnorm import fold_width
from schemas.records import Fact

# 本办法自发布之日起施行: the document enters into force on its issue date.
IN_FORCE_ON_ISSUE = regex.compile(r"自(?:印发|发布|公布|下发)之日起(?:施行|实施|生效|执行)")


@across_cjk_spaces
def extract_dates(text: str, issued: dt.date | None = None) -> list[Fact]:
    """Dates in document order with role issued / effective / expires / window_start /
    window_end / deadline / other; value_text ISO. `issued` (else the text's own issue date)
    gives the year of dates printed without one and anchors 印发之日起30日内."""
    if not text:
        return []
    folded = fold_width(text)
    dated = drop_overlaps(full_dates(folded) + year_months(folded) + year_mentions(folded))
    roles = {(s, e): date_role(folded, s, e) for s, e, _ in dated}
    issued = issued or _own_date(dated, roles, "issued")
    kept = drop_overlaps(dated + partial_dates(folded, dated, issued))
    facts = with_ranges(folded, [_fact(text, s, e, v, roles.get((s, e)) or date_role(folded, s, e))
                                 for s, e, v in kept])
    effective = _own_date([(f.char_start, f.char_end, (f.value_text, f.inferred)) for f in facts],
                          {(f.char_start, f.char_end): f.role for f in facts}, "effective")
    if effective is None and IN_FORCE_ON_ISSUE.search(folded):
        effective = issued
    relative = [_fact(text, s, e, (v, True), "deadline") for s, e, v in relative_deadlines(folded, issued, effective)
                if all(e <= f.char_start or s >= f.char_end for f in facts)]
    return sorted(facts + relative, key=lambda f: (f.char_start, f.char_end))


def _fact(text: str, start: int, end: int, value: tuple[str, bool], role: str) -> Fact:
    return Fact(kind="date", text=text[start:end], char_start=start, char_end=end,
                value_text=value[0], inferred=value[1], role=role)


def _own_date(spans: list[Span], roles: dict, role: str) -> dt.date | None:
    """The first full date printed in the text with `role` (its signature or 施行 date)."""
    for start, end, (value, inferred) in spans:
        if roles.get((start, end)) == role and len(value) == len("2025-01-01") and not inferred:
            return dt.date.fromisoformat(value)
    return None
