"""Relative deadlines counted from the document's own issue or entry into force:
本意见印发之日起30日内, 自本办法发布之日起60日内, 自印发之日起3个月内.

Such a phrase is a date fact only when its anchor date is known; its value is the computed
date, counted as the civil law counts a period (民法典 第二百零一条、第二百零三条): the first
day is not counted, and a period of months or years ends on the same day of the last month,
or on that month's last day when it has no such day. Periods of 工作日 depend on the holiday
calendar and are left out.
"""
from __future__ import annotations

import calendar
import datetime as dt

import regex

from extractors.facts.date_forms import SP, number

DOC_NOUN = r"(?:实施细则|实施方案|意见|办法|通知|规定|细则|方案|措施|条例|决定|公告|指南|计划|政策|文件)"
# The phrase starts at 自/从 or 本X; a bare 印发之日起 only at the start of a clause or after 在/于/应.
RELATIVE_DEADLINE = regex.compile(
    rf"(?:(?:自|从){SP}(?:本{SP}{DOC_NOUN}{SP})?|本{SP}{DOC_NOUN}{SP}|(?<=(?:^|[在于应须,。;:\n]){SP}))"
    rf"(?P<verb>印发|发布|公布|下发|施行|实施)之日起{SP}(?:的{SP})?"
    rf"(?P<n>\d{{1,3}}|[一二三四五六七八九十百两]{{1,4}}){SP}(?P<unit>个月|日|天|年){SP}内",
    regex.MULTILINE,
)
ISSUE_VERBS = frozenset({"印发", "发布", "公布", "下发"})


def relative_deadlines(folded: str, issued: dt.date | None, effective: dt.date | None) -> list[tuple[int, int, str]]:
    """(start, end, ISO date) of each relative deadline whose anchor date is known: `issued`
    for 印发/发布/公布, `effective` for 施行/实施."""
    out = []
    for m in RELATIVE_DEADLINE.finditer(folded):
        anchor = issued if m.group("verb") in ISSUE_VERBS else effective
        count = number(m.group("n").replace("两", "二"))
        if anchor is None or count <= 0:
            continue
        try:
            out.append((m.start(), m.end(), _after(anchor, count, m.group("unit")).isoformat()))
        except (OverflowError, ValueError):  # a count past the calendar's end (year 9999)
            continue
    return out


def _after(anchor: dt.date, count: int, unit: str) -> dt.date:
    if unit in ("日", "天"):
        return anchor + dt.timedelta(days=count)
    months = count if unit == "个月" else 12 * count
    year, month = divmod(anchor.month - 1 + months, 12)
    year, month = anchor.year + year, month + 1
    return dt.date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))
