"""A measure's most money, and the total of several under the combination rules.

A measure's amount is its largest cap or award, bounded by a cap per enterprise per year
(单个企业每年支持额度不超过1亿元 bounds the sum of the article's awards, it is no award itself).
Across measures: within a document with 就高/择优不重复 only the largest measure counts; every
other amount adds up.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import regex

from schemas.match import Measure, MeasureCondition, MeasureVerdict, MoneyAmount, MoneyTotal

PER_ENTERPRISE_PER_YEAR = "per_enterprise_per_year"
BEST_NOT_CUMULATIVE = "best_not_cumulative"
GRANTS = ("cap", "award")
# Kinds whose alternatives are tiers a 分别 pairs with amounts (进入Ⅰ期、Ⅱ期、Ⅲ期…分别给予50万元、100万元、200万元).
TIERED = ("project_stage", "revenue", "output", "investment", "rd_spend", "tax")
# Between two amounts of one run (50万元、100万元); a 分别 cue and the run it leads, in one clause.
AMOUNT_JOINER = regex.compile(r"[、和及与\s]*")
CUE_TO_RUN = regex.compile(r"分别[^。；;，,]{0,12}")
CLAUSE_END = regex.compile(r"[。；;]")


def measure_amount(money: tuple[MoneyAmount, ...]) -> MoneyAmount | None:
    """The most a measure gives, from the money of its article: its largest cap or award, bounded
    by a per-enterprise-per-year cap. The cap bounds the amounts of its own sentence when the
    sentence holds other money (服务券…每年发放5000万元…同一企业每自然年度…不超过200万元 does not bound
    the next sentence's 500万元), and the whole article when it stands alone (单个企业每年支持额度
    不超过 1 亿元。); with nothing else, the cap is the most."""
    sentences: dict[str, list[MoneyAmount]] = {}
    for m in money:
        sentences.setdefault(m.sentence, []).append(m)
    article_caps: list[MoneyAmount] = []
    best: list[MoneyAmount] = []
    for group in sentences.values():
        caps = [m for m in group if is_yearly_cap(m)]
        amounts = [m for m in group if m.role in GRANTS and not is_yearly_cap(m)]
        if caps and len(caps) == len(group):
            article_caps += caps
        elif amounts or caps:
            best.append(_bounded(amounts or caps, caps))
    if not best:
        return min(article_caps, key=lambda m: m.yuan, default=None)
    return _bounded(best, article_caps)


def out_of_reach(measure: Measure, reached: Callable[[MeasureCondition], bool]) -> set[MoneyAmount]:
    """The amounts a 分别 pairs with tiers the company has not reached: in 进入Ⅰ期、Ⅱ期、Ⅲ期临床试验，
    每个品种分别给予50万元、100万元、200万元, a Phase II drug is not paid 200万元. Tiers pair only when
    their clause names as many of one kind as the run has amounts (首次进入临床二期、三期试验（或上市
    申请…受理）…分别…1000 万元、3000 万元 names three stages for two amounts: not paired)."""
    text, base = measure.text, measure.text_start
    out: set[MoneyAmount] = set()
    for run in _amount_runs(measure, text, base):
        lead = run[0].char_start - base
        cue = max((m for m in CUE_TO_RUN.finditer(text, 0, lead) if m.end() == lead), key=lambda m: m.start(),
                  default=None)
        if cue is None:
            continue
        clause_start = max((m.end() for m in CLAUSE_END.finditer(text, 0, cue.start())), default=0)
        for kind in TIERED:
            tiers = sorted((c for c in measure.conditions if c.kind == kind and c.char_start is not None
                            and clause_start <= c.char_start - base < cue.start()), key=lambda c: c.char_start)
            if len(tiers) == len(run):
                out |= {amount for tier, amount in zip(tiers, run) if not reached(tier)}
    return out


def _amount_runs(measure: Measure, text: str, base: int) -> list[list[MoneyAmount]]:
    """The article's grants in runs of amounts joined by 、 (50万元、100万元、200万元), two or more."""
    grants = sorted((m for m in measure.money if m.role in GRANTS and m.char_start is not None),
                    key=lambda m: m.char_start)
    runs: list[list[MoneyAmount]] = []
    for m in grants:
        if runs and AMOUNT_JOINER.fullmatch(text, runs[-1][-1].char_end - base, m.char_start - base):
            runs[-1].append(m)
        else:
            runs.append([m])
    return [run for run in runs if len(run) > 1]


def is_yearly_cap(m: MoneyAmount) -> bool:
    return m.scope == PER_ENTERPRISE_PER_YEAR


def _bounded(amounts: list[MoneyAmount], caps: list[MoneyAmount]) -> MoneyAmount:
    """The largest amount, or the smallest cap when that is less."""
    largest = max(amounts, key=lambda m: m.yuan)
    bound = min(caps, key=lambda m: m.yuan, default=None)
    return bound if bound is not None and bound.yuan < largest.yuan else largest


def money_total(verdicts: list[MeasureVerdict]) -> MoneyTotal:
    """The sum of the verdicts' amounts, a 就高不重复 document counting only its largest measure."""
    counted: list[MeasureVerdict] = []
    left_out: list[tuple[MeasureVerdict, str]] = []
    by_document: dict[str, list[MeasureVerdict]] = {}
    for verdict in verdicts:
        if verdict.amount is not None:
            by_document.setdefault(verdict.measure.doc_id, []).append(verdict)
    for group in by_document.values():
        rule = next((r for r in group[0].measure.document_rules if r.rule == BEST_NOT_CUMULATIVE), None)
        if rule is None:
            counted += group
            continue
        best = max(group, key=lambda v: v.amount.yuan)
        counted.append(best)
        left_out += [(v, f"{rule.text}: only {best.measure.article_label} counts") for v in group if v is not best]
    return MoneyTotal(yuan=sum((v.amount.yuan for v in counted), Decimal(0)), counted=tuple(counted),
                      left_out=tuple(left_out))
