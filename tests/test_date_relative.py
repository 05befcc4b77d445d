"""Relative deadlines (印发之日起30日内): the phrase's forms, its anchor, and the civil-law count
of days, months and years from the anchor date."""
from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from extractors.facts.date_relative import relative_deadlines
from extractors.numerals import int_to_chinese

ISSUED = dt.date(2025, 4, 30)
EFFECTIVE = dt.date(2025, 6, 1)


def _values(text: str, issued=ISSUED, effective=None) -> list[tuple[str, str]]:
    return [(text[s:e], v) for s, e, v in relative_deadlines(text, issued, effective)]


def test_issue_verbs_count_from_the_issued_date():
    # issue #19's three quotes, in one text.
    text = "本意见印发之日起30日内；自本办法发布之日起60日内；自印发之日起3个月内"
    assert _values(text) == [("本意见印发之日起30日内", "2025-05-30"),
                             ("自本办法发布之日起60日内", "2025-06-29"),
                             ("自印发之日起3个月内", "2025-07-30")]


def test_entry_into_force_counts_from_the_effective_date():
    text = "自本办法施行之日起6个月内完成整改。"
    assert _values(text, effective=EFFECTIVE) == [("自本办法施行之日起6个月内", "2025-12-01")]
    assert _values(text, effective=None) == []


def test_working_days_and_other_events_are_not_counted():
    # nat-samr-order-43-2021-car-warranty 第十条 and 第二十条.
    text = ("生产者应当自变化之日起20个工作日内更新备案。家用汽车产品自三包有效期起算之日起60日内"
            "自本通知印发之日起10个工作日内报送。")
    assert _values(text) == []


def test_chinese_numerals_and_years():
    assert _values("本规定发布之日起三十日内") == [("本规定发布之日起三十日内", "2025-05-30")]
    assert _values("自本通知印发之日起两年内") == [("自本通知印发之日起两年内", "2027-04-30")]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(1, 365))
def test_days_are_counted_after_the_anchor_day(anchor, days):
    text = f"自本意见印发之日起{days}日内"
    assert _values(text, issued=anchor) == [(text, (anchor + dt.timedelta(days=days)).isoformat())]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(1, 36))
def test_months_end_on_the_same_day_or_the_month_end(anchor, months):
    text = f"自本意见印发之日起{int_to_chinese(months)}个月内"
    [(_, value)] = _values(text, issued=anchor)
    end = dt.date.fromisoformat(value)
    assert (end.year - anchor.year) * 12 + end.month - anchor.month == months
    assert end.day == min(anchor.day, calendar.monthrange(end.year, end.month)[1])


def test_a_count_past_the_calendar_is_dropped():
    assert _values("自本意见印发之日起30日内", issued=dt.date(9999, 12, 20)) == []
