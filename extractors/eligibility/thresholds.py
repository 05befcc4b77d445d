"""Thresholds a company must reach: revenue, output, investment, R&D spend and tax in yuan
(上年度营业收入不低于5000万元), headcount (带动就业3人及以上) and company age (成立不满3年).

A money threshold is a metric word, a comparator and an amount, the amount found by
extractors/facts/money_amounts.py; amounts chained by 、 after one metric (营收首次超过1亿元、10亿元)
are tiers, a threshold each.
"""
from __future__ import annotations

from decimal import Decimal

import regex

from extractors.eligibility.clauses import ConditionSentence
from extractors.facts.money_amounts import find_amounts
from extractors.numerals import chinese_to_int
from schemas.records import EligibilityCondition

METRICS = regex.compile(
    r"(?P<revenue>主营业务收入|营业收入|销售收入|销售额|营收)|(?P<output>产值)"
    r"|(?P<investment>固定资产投资额?|投资总额|投资额)|(?P<rd_spend>研发投入|研发费用)"
    # 柳河县 第5条: 年度地方财政贡献1000万元及以上 — the taxes a company pays to the county.
    r"|(?P<tax>纳税额|税收贡献|税收|地方财政贡献)"
)
# The year a metric is measured in, written just before it: 上一年度营业收入, 上两年研发投入.
BASIS_YEARS = (
    (regex.compile(r"上一?年度?$|上年度?$"), "previous_year"),
    (regex.compile(r"(?:上|近)两年$"), "last_2_years"),
    (regex.compile(r"(?:近|连续)三年$"), "last_3_years"),
    (regex.compile(r"年度?$"), "annual"),
)
# Comparators between a metric and its amount, and after the amount (5亿元（含）以上).
BEFORE = regex.compile(r"(?P<ge>不低于|不少于|达到|达|突破|以上)|(?P<gt>超过|高于|大于)|(?P<lt>不足|低于|少于|未达到)"
                       r"|(?P<le>不超过|不高于)")
AFTER = regex.compile(r"^(?:\(含\))?(?:及以上|以上)")
# What may follow a tier's amount: (含) and 以上.
TIER_TAIL = regex.compile(r"(?:\(含\))?(?:及以上|以上)?")
# 柳河县 第11条: 年产值同比增长超过1000万元 — a threshold on the increase.
INCREASE = regex.compile(r"增量|增长|增加")
# Between a metric and its amount: a comparator and at most a few words (首次, 增量, 总额).
GAP_LIMIT = 12
HEADCOUNT = regex.compile(r"(?:带动就业|员工|职工|从业人员|就业人数)(?:人数)?(?P<cmp>不少于|达到|超过)?"
                          r"(?P<n>\d+|[一二三四五六七八九十百]+)人(?P<post>及以上|以上)?")
# 近三年在京新设立; 成立不满3年; 正常运营1年以上; 自注册登记之日起经营6个月.
AGE_YOUNG = regex.compile(r"(?:成立|注册)(?:不满|不足|未满)(?P<n>\d+|[一二三四五六七八九十]+)年"
                          r"|近(?P<n>\d+|[一二三四五六七八九十]+)年(?:在京|在本地)?新设立")
AGE_OLD = regex.compile(r"(?:运营|经营|成立)(?P<n>\d+|[一二三四五六七八九十]+)(?P<unit>年|个月)(?:以上)?")


def thresholds(sentence: ConditionSentence) -> list[EligibilityCondition]:
    """Money thresholds, headcounts and company ages where the sentence names the company."""
    return _money_thresholds(sentence) + _headcounts(sentence) + _ages(sentence)


def _money_thresholds(sentence: ConditionSentence) -> list[EligibilityCondition]:
    text, found = sentence.squeezed, []
    amounts = find_amounts(text)
    for metric in METRICS.finditer(text, sentence.who_start, sentence.who_end):
        kind = metric.lastgroup
        following = [a for a in amounts if metric.end() <= a[0] <= metric.end() + GAP_LIMIT]
        if not following:
            continue
        start, end, value = following[0]
        gap = text[metric.end():start]
        op = _comparator(gap, text[end:])
        if op is None or "，" in gap or "," in gap:
            continue
        qualifier = "首次" if "首次" in text[max(0, metric.start() - 4):start] else (
            "增量" if INCREASE.search(gap) else None)
        basis = _basis_year(text[max(0, metric.start() - 6):metric.start()])
        for tier_start, tier_end, tier_value in [(start, end, value)] + _tiers(text, amounts, end):
            first = tier_start == start
            char_start, char_end = sentence.span(metric.start() if first else tier_start, tier_end)
            found.append(EligibilityCondition(kind=kind, text="", char_start=char_start, char_end=char_end,
                                              op=op, value_num=tier_value, unit="yuan", value_text=qualifier,
                                              basis_year=basis))
    return found


def _comparator(gap: str, after: str) -> str | None:
    m = BEFORE.search(gap)
    if m is not None and m.lastgroup != "ge":
        return {"gt": ">", "lt": "<", "le": "<="}[m.lastgroup]
    if m is not None or AFTER.match(after):
        return ">="
    return None


def _tiers(text: str, amounts: list, end: int) -> list:
    """Amounts chained after the one ending at `end` by 、 (1亿元、10亿元), each tier's own 以上 and
    upper bound passed over (柳河县 第2条: 1000万元及以上至5000万元、5000万元以上至1亿元、1亿元以上)."""
    tiers, starts = [], {a[0]: a for a in amounts}
    while True:
        end = TIER_TAIL.match(text, end).end()
        if text.startswith("至", end) and end + 1 in starts:
            end = TIER_TAIL.match(text, starts[end + 1][1]).end()
        if not text.startswith("、", end) or end + 1 not in starts:
            return tiers
        tiers.append(starts[end + 1])
        end = starts[end + 1][1]


def _basis_year(before: str) -> str | None:
    before = before.removeprefix("单品种")
    for pattern, basis in BASIS_YEARS:
        if pattern.search(before):
            return basis
    return None


def count_value(digits: str) -> Decimal | None:
    """A count written in digits or Chinese numerals (3, 三, 十五); None when it is no numeral (百百)."""
    if digits.isdigit():
        return Decimal(digits)
    try:
        return Decimal(chinese_to_int(digits))
    except ValueError:
        return None


def _headcounts(sentence: ConditionSentence) -> list[EligibilityCondition]:
    found = []
    for m in HEADCOUNT.finditer(sentence.squeezed, sentence.who_start, sentence.who_end):
        op, value = ">" if m.group("cmp") == "超过" else ">=", count_value(m.group("n"))
        if value is None:
            continue
        char_start, char_end = sentence.span(m.start(), m.end())
        found.append(EligibilityCondition(kind="headcount", text="", char_start=char_start, char_end=char_end,
                                          op=op, value_num=value, unit="persons"))
    return found


def _ages(sentence: ConditionSentence) -> list[EligibilityCondition]:
    found = []
    for pattern, op in ((AGE_YOUNG, "<="), (AGE_OLD, ">=")):
        for m in pattern.finditer(sentence.squeezed, sentence.who_start, sentence.who_end):
            value = count_value(m.group("n"))
            if value is None:
                continue
            unit = "months" if m.groupdict().get("unit") == "个月" else "years"
            op_here = "<" if regex.search(r"不满|不足|未满", m.group()) else op
            char_start, char_end = sentence.span(m.start(), m.end())
            found.append(EligibilityCondition(kind="company_age", text="", char_start=char_start,
                                              char_end=char_end, op=op_here, value_num=value,
                                              unit=unit))
    return found
