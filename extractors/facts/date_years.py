"""Dates printed without a year (于3月1日前, 1月1日至3日放假, 5月底前) and the year they are given.

A year-less date reads its year from the date it follows in the same sentence (the run
2026年6月4日至6月23日), else from the document's issued date, else from the nearest earlier
dated mention. It rolls into the next year when its month comes before the month it is read
against: a run 12月31日至1月2日 crosses New Year, and a holiday notice issued in November
speaks of the next year's 1月1日. Every such date is flagged `inferred`.
"""
from __future__ import annotations

import datetime as dt

import regex

from extractors.cues import sentence_start
from extractors.facts.date_forms import SP, Span, iso

PARTIAL_DATE = regex.compile(rf"(?<![\d年]{SP})(?P<m>\d{{1,2}}){SP}月{SP}(?P<d>\d{{1,2}}){SP}[日号]")
# 5月底前实现…上线运行: the end of a month, a year-month fact like 2026年1月底前.
MONTH_END = regex.compile(rf"(?<![\d年]{SP})(?P<m>\d{{1,2}}){SP}月(?={SP}(?:底|末))")
# 每年3月31日前: a day that recurs every year names no single date.
RECURRING_BEFORE = regex.compile(rf"每{SP}(?:年度?|个?月|季度)[^,。;\n]{{0,4}}$")
# The day-only end of a range: the 3日 of 1月1日（周四）至3日（周六）, same month as its start.
DAY_ONLY_END = regex.compile(
    rf"{SP}(?:[(（][^()（）\n]{{1,15}}[)）])?{SP}(?:至|到|—+|–|-|~|～){SP}(?P<d>\d{{1,2}}){SP}日(?!{SP}[内后])"
)


def partial_dates(folded: str, dated: list[Span], issued: dt.date | None) -> list[Span]:
    """Month-day dates, month ends (5月底前) and day-only range ends not inside `dated`, with
    their inferred year."""
    taken = [(s, e) for s, e, _ in dated]
    candidates = sorted(
        (m for pattern in (PARTIAL_DATE, MONTH_END) for m in pattern.finditer(folded)
         if all(m.end() <= s or m.start() >= e for s, e in taken)
         and not RECURRING_BEFORE.search(folded, max(0, m.start() - 12), m.start())),
        key=lambda m: m.start())
    known = sorted((s, e, v[0]) for s, e, v in dated if len(v[0]) >= len("2025-01"))
    out: list[Span] = []
    for m in candidates:
        month = int(m.group("m"))
        year = _year_for(folded, m.start(), month, known, issued)
        if "d" in m.groupdict():
            value = iso(year, month, int(m.group("d"))) if year else None
        else:
            first_day = iso(year, month, 1) if year else None
            value = first_day[:len("2025-01")] if first_day else None
        if not value:
            continue
        out.append((m.start(), m.end(), (value, True)))
        known = sorted([*known, (m.start(), m.end(), value)])
    return out + _day_only_ends(folded, known)


def _year_for(folded: str, start: int, month: int, known: list, issued: dt.date | None) -> int | None:
    earlier = [(s, v) for s, _, v in known if s < start]
    in_sentence = [v for s, v in earlier if s >= sentence_start(folded, start)]
    if in_sentence:
        anchor = in_sentence[-1]
    elif issued:
        anchor = issued.isoformat()
    elif earlier:
        anchor = earlier[-1][1]
    else:
        return None
    year, anchor_month = int(anchor[:4]), int(anchor[5:7])
    return year + 1 if month < anchor_month else year


def _day_only_ends(folded: str, known: list) -> list[Span]:
    """至3日 after a date with a day: the same year and month, a day not before the start's."""
    out: list[Span] = []
    for _start, end, value in known:
        if len(value) < len("2025-01-01"):
            continue
        m = DAY_ONLY_END.match(folded, end)
        if not m or int(m.group("d")) <= int(value[8:10]):
            continue
        iso_end = iso(int(value[:4]), int(value[5:7]), int(m.group("d")))
        if iso_end:
            out.append((m.start("d"), m.end(), (iso_end, True)))
    return out
