"""A measure's most money, and the total of several under the combination rules.

A measure's amount is its largest cap or award, bounded by a cap per enterprise per year
(单个企业每年支持额度不超过1亿元 bounds the sum of the article's awards, it is no award itself).
Across measures: within a document with 就高/择优不重复 only the largest measure counts; every
other amount adds up.
"""
from __future__ import annotations

from decimal import Decimal

from schemas.match import MeasureVerdict, MoneyAmount, MoneyTotal

PER_ENTERPRISE_PER_YEAR = "per_enterprise_per_year"
BEST_NOT_CUMULATIVE = "best_not_cumulative"
GRANTS = ("cap", "award")


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
        caps = [m for m in group if _yearly(m)]
        amounts = [m for m in group if m.role in GRANTS and not _yearly(m)]
        if caps and len(caps) == len(group):
            article_caps += caps
        elif amounts or caps:
            best.append(_bounded(amounts or caps, caps))
    if not best:
        return min(article_caps, key=lambda m: m.yuan, default=None)
    return _bounded(best, article_caps)


def _yearly(m: MoneyAmount) -> bool:
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
