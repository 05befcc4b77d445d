"""Date facts: full dates, year-months, partial dates, ranges and the year-only mentions the gold keeps.

`extract_dates(text, issued=None)` gives value_text in ISO form (2025-04-30, 2026-01, 2027).
Partial dates (3月1日) take the year of the nearest earlier dated mention, else of `issued`,
and are flagged `inferred=True`. Year-only mentions are facts only as a period or edition
qualifier of a title ((2024—2026年) → 2024 and 2026; (2025年版)), as a target year (到2027年,
2035年远景目标) — never the year of a 文号 (〔2025〕) or of a reporting period (2025年第一季度).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import regex

from extractors.cues import across_cjk_spaces, clause_start, drop_overlaps
from extractors.numerals import chinese_to_int
from extractors.textnorm import fold_width
from schemas.records import Fact

SP = r"[ \t]*"
CN_DIGIT = "〇零一二三四五六七八九"
FULL_DATE = regex.compile(
    rf"(?<!\d)(?P<y>\d{{4}}){SP}年{SP}(?P<m>\d{{1,2}}){SP}月{SP}(?P<d>\d{{1,2}}){SP}[日号]"
)
CHINESE_DATE = regex.compile(
    rf"(?P<y>[{CN_DIGIT}]{{4}})年(?P<m>[一二三四五六七八九十]{{1,2}})月(?P<d>[一二三四五六七八九十]{{1,3}})日"
)
ISO_DATE = regex.compile(r"(?<![\d.-])(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d/])")
YEAR_MONTH = regex.compile(rf"(?<!\d)(?P<y>\d{{4}}){SP}年{SP}(?P<m>\d{{1,2}}){SP}月(?!{SP}\d{{1,2}}{SP}[日号])")
PARTIAL_DATE = regex.compile(rf"(?<![\d年]{SP})(?P<m>\d{{1,2}}){SP}月{SP}(?P<d>\d{{1,2}}){SP}[日号]")
# (2024—2026年) / (2017 年—2035 年) / (2026-2028年) closing a title: two year facts.
PERIOD_QUALIFIER = regex.compile(
    rf"[(（]{SP}(?P<a>\d{{4}}(?:{SP}年)?){SP}[—–\-－~～至到]+{SP}(?P<b>\d{{4}}{SP}年){SP}[)）](?={SP}(?:[》〉]|$))",
    regex.MULTILINE,
)
# (2025年) / (2025年版) / (2025年修订) closing a title: one year fact.
EDITION_QUALIFIER = regex.compile(
    rf"[(（]{SP}(?P<a>\d{{4}}{SP}年){SP}(?:版|修订|修订版|修正)?{SP}[)）](?={SP}(?:[》〉]|$))", regex.MULTILINE
)
# 力争到2027年 / …第十四个五年规划和2035年远景目标纲要.
TARGET_YEAR = regex.compile(rf"(?:(?<=到{SP})(?P<a>\d{{4}}{SP}年)(?!{SP}\d))|(?P<b>\d{{4}}{SP}年)(?=远景目标)")
RANGE_JOINER = regex.compile(rf"^{SP}(?:\(含\))?{SP}(?:至|到|—+|–|-|~|～){SP}$")
INCLUSIVE_AFTER = regex.compile(rf"^{SP}\(含\)")

EXPIRES_BEFORE = regex.compile(r"(?:有效期至|有效期到|至|到期日为|到期)[ \t]*$")
EXPIRES_AFTER = regex.compile(r"^[ \t]*(?:\(含\))?[ \t]*(?:结束|止|失效|废止|到期)")
DEADLINE_AFTER = regex.compile(r"^[ \t]*(?:底|末)?[ \t]*(?:之前|以前|前)")
DEADLINE_BEFORE = regex.compile(r"(?:截止日期为|截止日期|截至|截止)[ \t]*$")
EFFECTIVE_AFTER = regex.compile(r"^[ \t]*起?[ \t]*(?:施行|实施|执行|生效)")
EFFECTIVE_BEFORE = regex.compile(r"(?:自|从|于)[ \t]*$")
ISSUED_BEFORE = regex.compile(r"(?:发布日期|印发日期|成文日期|发文日期)[ \t]*[:：]?[ \t]*$")


@across_cjk_spaces
def extract_dates(text: str, issued: dt.date | None = None) -> list[Fact]:
    """Dates in document order with role issued / effective / expires / window_start /
    window_end / deadline / other; value_text ISO. `issued` supplies the year of partial dates."""
    if not text:
        return []
    folded = fold_width(text)
    spans = _full_dates(folded) + _year_months(folded) + _year_mentions(folded)
    kept = drop_overlaps(spans)
    kept = drop_overlaps(kept + _partial_dates(folded, kept, issued))
    facts = [Fact(kind="date", text=text[s:e], char_start=s, char_end=e, value_text=v[0],
                  inferred=v[1], role=_role(folded, s, e)) for s, e, v in kept]
    return _with_ranges(folded, facts)


def _full_dates(folded: str) -> list[tuple[int, int, tuple[str, bool]]]:
    spans = []
    for pattern in (FULL_DATE, ISO_DATE, CHINESE_DATE):
        for m in pattern.finditer(folded):
            iso = _iso(_number(m.group("y")), _number(m.group("m")), _number(m.group("d")))
            if iso:
                spans.append((m.start(), m.end(), (iso, False)))
    return spans


def _year_months(folded: str) -> list[tuple[int, int, tuple[str, bool]]]:
    spans = []
    for m in YEAR_MONTH.finditer(folded):
        year, month = int(m.group("y")), int(m.group("m"))
        if 1 <= month <= 12:
            spans.append((m.start(), m.end(), (f"{year:04d}-{month:02d}", False)))
    return spans


def _year_mentions(folded: str) -> list[tuple[int, int, tuple[str, bool]]]:
    spans = []
    for pattern in (PERIOD_QUALIFIER, EDITION_QUALIFIER, TARGET_YEAR):
        for m in pattern.finditer(folded):
            for group in ("a", "b"):
                if group in m.groupdict() and m.group(group):
                    spans.append((m.start(group), m.end(group), (m.group(group)[:4], False)))
    return spans


def _partial_dates(folded: str, dated: list, issued: dt.date | None) -> list[tuple[int, int, tuple[str, bool]]]:
    """Month-day dates; the year comes from the nearest earlier dated mention, else `issued`."""
    spans = []
    for m in PARTIAL_DATE.finditer(folded):
        # Only a dated mention sets the year: a title's (2024—2026年) names a period, not "now".
        earlier = [v[0] for s, _, v in dated if s < m.start() and len(v[0]) >= len("2025-01")]
        year = int(earlier[-1][:4]) if earlier else (issued.year if issued else None)
        iso = _iso(year, int(m.group("m")), int(m.group("d"))) if year else None
        if iso:
            spans.append((m.start(), m.end(), (iso, True)))
    return spans


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _chinese_digits(text)


def _chinese_digits(text: str) -> int:
    try:
        return chinese_to_int(text)
    except ValueError:
        return 0


def _iso(year: int | None, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat() if year else None
    except ValueError:
        return None


def _role(folded: str, start: int, end: int) -> str:
    """Role from the words around one date; ranges are set afterwards by `_with_ranges`."""
    before = folded[clause_start(folded, start, limit=30):start]
    after = folded[end:end + 12]
    if _alone_on_line(folded, start, end) or ISSUED_BEFORE.search(before):
        return "issued"
    if EXPIRES_AFTER.match(after) or EXPIRES_BEFORE.search(before):
        return "expires"
    if DEADLINE_AFTER.match(after) or DEADLINE_BEFORE.search(before):
        return "deadline"
    if EFFECTIVE_AFTER.match(after) and (after.lstrip().startswith("起") or EFFECTIVE_BEFORE.search(before)):
        return "effective"
    return "other"


def _alone_on_line(folded: str, start: int, end: int) -> bool:
    """A date line after a signature: the date is all its line holds."""
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end < 0 else line_end
    return not folded[line_start:start].strip() and not folded[end:line_end].strip()


def _with_ranges(folded: str, facts: list[Fact]) -> list[Fact]:
    """2024年12月1日(含)—2025年4月1日(含) / 2026年6月4日至2026年6月23日 → window_start, window_end."""
    out = list(facts)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if len(a.value_text) < 10 or len(b.value_text) < 10:
            continue
        if RANGE_JOINER.match(folded[a.char_end:b.char_start]) and a.value_text <= b.value_text:
            out[i] = replace(a, role="window_start")
            out[i + 1] = replace(b, role="window_end")
    return out
