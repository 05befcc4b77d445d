"""How dates are written: the patterns for dates with a year, year-months and the year-only
mentions the gold keeps, each giving spans `(start, end, (iso, inferred))` on width-folded text.

Dates without a year (3月1日, the 3日 of 1月1日至3日) are read in `date_years`, which gives them one.
"""
from __future__ import annotations

import datetime as dt

import regex

from extractors.numerals import chinese_to_int

Span = tuple[int, int, tuple[str, bool]]

SP = r"[ \t]*"
# ○ (U+25CB) stands for 〇 in many typed signatures: 二○○八年九月二十二日.
CN_DIGIT = "〇○零一二三四五六七八九"
YEAR = r"(?:1[89]|20)\d{2}"
# A PDF line may break inside a date (截至2025年⏎3月1日): one line break is read as a space.
WRAP = r"[ \t]*\n?[ \t]*"
FULL_DATE = regex.compile(
    rf"(?<!\d)(?P<y>\d{{4}}){WRAP}年{WRAP}(?P<m>\d{{1,2}}){WRAP}月{WRAP}(?P<d>\d{{1,2}}){SP}[日号]"
)
# 公示时间为2024年10月18-10月28日: a range's start printed without its 日.
RANGE_START_WITHOUT_DAY = regex.compile(
    rf"(?<!\d)(?P<y>\d{{4}}){SP}年{SP}(?P<m>\d{{1,2}}){SP}月{SP}(?P<d>\d{{1,2}})"
    rf"(?={SP}(?:至|到|—+|–|-|~){SP}\d{{1,2}}{SP}(?:月{SP}\d{{1,2}}{SP})?[日号])"
)
CHINESE_DATE = regex.compile(
    rf"(?P<y>[{CN_DIGIT}]{{4}})年(?P<m>[一二三四五六七八九十]{{1,2}})月(?P<d>[一二三四五六七八九十]{{1,3}})日"
)
# 2024-03-01 and 2024/3/1. A date may follow another with nothing between (a web page's
# 2026-03-102026-03-16), after a clock time (2026-03-10 00:002026-03-16 23:55) or after a
# slash (2024-03-01/2024-03-22); a two-digit day may then run into the next date's year.
ISO_DATE = regex.compile(
    rf"(?:(?<![\d.\-/])|(?<=\d{{4}}-\d{{1,2}}-\d{{2}}/?)|(?<=\d:\d{{2}}))"
    rf"(?P<y>{YEAR})(?P<sep>[-/])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})"
    rf"(?:(?!\d|(?P=sep)\d)|(?<=\d{{2}})(?={YEAR}(?P=sep)\d))"
)
# 2024.3.1: a four-digit year, never a decimal (3.1415) or a numbered heading (1.2.3).
DOTTED_DATE = regex.compile(
    rf"(?<![\d.])(?P<y>{YEAR})\.(?P<m>\d{{1,2}})\.(?P<d>\d{{1,2}})(?![\d]|\.\d)"
)
YEAR_MONTH = regex.compile(rf"(?<!\d)(?P<y>\d{{4}}){SP}年{SP}(?P<m>\d{{1,2}}){SP}月(?!{SP}\d{{1,2}}{SP}[日号])")
# What may close a policy title after its period or edition qualifier: the end of the title
# (》, the end of the line), a status qualifier ((征求意见稿)), or 的通知 when the title is
# cited without 《》 (关于印发…行动计划（2024—2026年）的通知).
TITLE_END = (
    rf"(?={SP}(?:[》〉]|$|[(（](?:征求意见稿|试行|暂行|草案|送审稿|修订稿|修订|修正)[)）]"
    rf"|的(?:通知|意见|批复|函|公告|决定|报告)))"
)
# (2024—2026年) / (2017 年—2035 年) / (2026-2028年) closing a title: two year facts.
PERIOD_QUALIFIER = regex.compile(
    rf"[(（]{SP}(?P<a>\d{{4}}(?:{SP}年)?){SP}[—–\-－~～至到]+{SP}(?P<b>\d{{4}}{SP}年){SP}[)）]{TITLE_END}",
    regex.MULTILINE,
)
# (2025年) / (2025年版) / (2025年修订) closing a title: one year fact.
EDITION_QUALIFIER = regex.compile(
    rf"[(（]{SP}(?P<a>\d{{4}}{SP}年){SP}(?:版|修订|修订版|修正|修正版)?{SP}[)）]{TITLE_END}", regex.MULTILINE
)
# A goal's year, 力争到2027年, and a cited title's target year, …第十四个五年规划和2035年远景目标纲要.
# A bare 到2022年，建成… dates an activity's period and is no fact.
TARGET_YEAR = regex.compile(
    rf"(?:(?<=(?:力争|争取){SP}到{SP})(?P<a>\d{{4}}{SP}年)(?!{SP}\d))|(?P<b>\d{{4}}{SP}年)(?=远景目标)"
)


def full_dates(folded: str) -> list[Span]:
    """Dates that print their year: 2025年4月30日, 二〇二五年四月三十日, 2025-04-30, 2025/4/30, 2025.4.30."""
    spans = []
    for pattern in (FULL_DATE, RANGE_START_WITHOUT_DAY, ISO_DATE, DOTTED_DATE, CHINESE_DATE):
        for m in pattern.finditer(folded):
            value = iso(number(m.group("y")), number(m.group("m")), number(m.group("d")))
            if value:
                spans.append((m.start(), m.end(), (value, False)))
    return spans


def year_months(folded: str) -> list[Span]:
    spans = []
    for m in YEAR_MONTH.finditer(folded):
        year, month = int(m.group("y")), int(m.group("m"))
        if 1 <= month <= 12:
            spans.append((m.start(), m.end(), (f"{year:04d}-{month:02d}", False)))
    return spans


def year_mentions(folded: str) -> list[Span]:
    """Year-only facts: a title's period or edition qualifier, a target year."""
    spans = []
    for pattern in (PERIOD_QUALIFIER, EDITION_QUALIFIER, TARGET_YEAR):
        for m in pattern.finditer(folded):
            for group in ("a", "b"):
                if group in m.groupdict() and m.group(group):
                    spans.append((m.start(group), m.end(group), (m.group(group)[:4], False)))
    return spans


def number(text: str) -> int:
    if text.isdigit():
        return int(text)
    try:
        return chinese_to_int(text.replace("○", "〇"))
    except ValueError:
        return 0


def iso(year: int | None, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat() if year else None
    except ValueError:
        return None
