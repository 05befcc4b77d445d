"""Combination rules: how a measure's support combines with others' (就高不重复, 同一合同仅能申请一次)
and the caps per enterprise per year (单个企业每年支持额度不超过1亿元), as `combination` conditions.
"""
from __future__ import annotations

import regex

from extractors.eligibility.clauses import squeeze
from extractors.eligibility.thresholds import count_value
from extractors.facts.money_amounts import find_amounts
from schemas.records import EligibilityCondition

# Rule code → its cue. 京技管发〔2025〕9号 附则: 择优不重复; 昌平 第十七条: 从优不重复;
# 北京科技服务业措施: 从优、从高、不重复.
RULES = (
    ("best_not_cumulative", regex.compile(r"(?:就高|从优|择优|从高)(?:[、，,](?:从优|从高|就高))*[、，,]?不重复"
                                          r"|不重复享受|仅能选取一项")),
    ("once_per_project", regex.compile(r"同一(?:合同|项目|事项|笔业务)(?:仅能|只能|限)?申请一次"
                                       r"|同一(?:项目|事项)不(?:重复|得重复)(?:支持|享受|申报)")),
)
# 单个企业每年支持额度不超过 1 亿元; 同一企业每自然年度累计…不超过200万元; 单个企业年度奖励金额最高不超过3000万元.
ENTERPRISE_YEAR_CAP = regex.compile(r"(?:单个|每个|同一|单家|每家)企业(?:每年|年度|每自然年度|每一年度)[^，,。；;]*?"
                                    r"(?:最高不超过|不超过|最高|上限为?)")
# 累计支持不超过三年; 同一笔业务支持年限不超过三年; 单个项目支持年限不超过三年.
SUPPORT_YEARS = regex.compile(r"(?:累计|同一笔业务|单个项目|同一项目)支持(?:年限)?(?:不超过|最长)"
                              r"(?P<n>\d+|[一二三四五六七八九十])年")


def combination_rules(text: str, start: int, end: int) -> list[EligibilityCondition]:
    """The combination rules and per-enterprise-per-year caps of the sentence text[start:end]."""
    squeezed, offsets = squeeze(text, start, end)
    found = []

    def add(rule: str, a: int, b: int, **values) -> None:
        found.append(EligibilityCondition(kind="combination", text=text[offsets[a]:offsets[b - 1] + 1],
                                          char_start=offsets[a], char_end=offsets[b - 1] + 1, rule=rule,
                                          **values))

    for rule, pattern in RULES:
        m = pattern.search(squeezed)
        if m is not None:
            add(rule, m.start(), m.end())
    amounts = find_amounts(squeezed)
    for m in ENTERPRISE_YEAR_CAP.finditer(squeezed):
        cap = next((a for a in amounts if m.end() <= a[0] <= m.end() + 2), None)
        if cap is not None:
            add("per_enterprise_per_year_cap", m.start(), cap[1], op="<=", value_num=cap[2], unit="yuan")
    for m in SUPPORT_YEARS.finditer(squeezed):
        years = count_value(m.group("n"))
        if years is not None:
            add("max_support_years", m.start(), m.end(), op="<=", unit="years", value_num=years)
    return found
