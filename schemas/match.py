"""Records of `gazette match`: a company profile, the measures it is matched against, and the verdicts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

ConditionState = Literal["met", "fails", "unknown"]
Verdict = Literal["qualifies", "might", "does_not"]
# The yearly figures a profile may give, keyed like the threshold kinds of eligibility_conditions.
YEARLY_METRICS = ("revenue", "output", "investment", "rd_spend", "tax")


@dataclass(frozen=True)
class Project:
    """A company's project (a drug, a device): its `stage` on the drug ladder (临床Ⅱ期) and the
    other milestones it has `reached` (落地生产, 获得医疗器械注册证)."""
    name: str
    stage: str | None = None
    reached: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompanyProfile:
    """What a company says of itself. A field left out is unknown (its conditions stay open); a list
    given is complete (a status it does not list fails). `yearly[metric]` maps a year (2025) to yuan;
    `as_of` is the day the profile describes, whose year before is `previous_year`."""
    name: str
    as_of: date
    places: tuple[str, ...] | None = None
    industries: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    yearly: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    headcount: int | None = None
    founded: date | None = None
    projects: tuple[Project, ...] | None = None
    facts: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class MeasureCondition:
    """One condition of `v_measure_eligibility` (a struct of its `conditions` or `document_conditions`);
    `scope` is True for a condition of the document's scope clause (本意见适用于…)."""
    kind: str
    text: str
    op: str | None = None
    value_num: Decimal | None = None
    unit: str | None = None
    value_text: str | None = None
    basis_year: str | None = None
    rule: str | None = None
    parsed: bool = True
    scope: bool = False
    char_start: int | None = None                  # offsets in the document's text, when known
    char_end: int | None = None


@dataclass(frozen=True)
class MoneyAmount:
    """A cap or award of a measure's article, in yuan, with its citation (《title》article，公报…第N页)."""
    yuan: Decimal
    role: str
    scope: str | None
    text: str
    citation: str
    sentence: str = ""                             # the sentence it stands in (facts.sentence)
    char_start: int | None = None                  # offsets in the document's text, when known
    char_end: int | None = None


@dataclass(frozen=True)
class Measure:
    """A current-version measure with its conditions, its document's combination rules and its money."""
    doc_id: str
    article_id: str
    document: str
    doc_number: str | None
    article_label: str
    conditions: tuple[MeasureCondition, ...]
    seq: int = 0                                   # the article's place in its document
    is_draft: bool = False
    jurisdiction: str | None = None                # where its issuing bodies govern (昌平区), when one place
    text: str = ""                                 # the article's text, from `text_start` in the document's
    text_start: int = 0
    document_rules: tuple[MeasureCondition, ...] = ()
    money: tuple[MoneyAmount, ...] = ()


@dataclass(frozen=True)
class ConditionCheck:
    """A condition and its state against the profile, with why (`reason`) when not plainly met.
    Alternatives of one kind (CRO、CDMO、CMO; 进入Ⅰ期、Ⅱ期、Ⅲ期; tiers 1亿元、10亿元) are one check,
    met when any of them is."""
    conditions: tuple[MeasureCondition, ...]
    state: ConditionState
    reason: str = ""

    @property
    def text(self) -> str:
        return " / ".join(dict.fromkeys(c.text for c in self.conditions)) or "(no condition stated)"


@dataclass(frozen=True)
class MeasureVerdict:
    """A measure's verdict: `qualifies` (every condition met), `might` (none fails, some unknown),
    `does_not` (one fails); `amount` is its most money, bounded by its per-enterprise-per-year cap."""
    measure: Measure
    verdict: Verdict
    checks: tuple[ConditionCheck, ...]
    amount: MoneyAmount | None = None

    @property
    def failing(self) -> list[ConditionCheck]:
        return [c for c in self.checks if c.state == "fails"]

    @property
    def unknown(self) -> list[ConditionCheck]:
        return [c for c in self.checks if c.state == "unknown"]


@dataclass(frozen=True)
class MoneyTotal:
    """The money of some verdicts under the combination rules: `counted` the amounts that add up to
    `yuan`, `left_out` those a rule keeps out (择优不重复: only a document's largest counts), with why."""
    yuan: Decimal
    counted: tuple[MeasureVerdict, ...]
    left_out: tuple[tuple[MeasureVerdict, str], ...] = ()
