"""Each condition of a measure against a company profile: met, fails or unknown, with why.

Conditions of one kind in one article are alternatives (CRO、CDMO、CMO; 进入Ⅰ期、Ⅱ期、Ⅲ期; tiers
首次超过1亿元、10亿元) and are checked as one: met when any is, failing when all fail. Statuses
are each required (区域总部 … 具有独立法人资格), and a lower and an upper bound both hold.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from extractors.match.tables import drug_stage_rank, industries_including, places_containing
from schemas.match import YEARLY_METRICS, CompanyProfile, ConditionCheck, ConditionState, MeasureCondition

COMPARE = {">=": Decimal.__ge__, ">": Decimal.__gt__, "<=": Decimal.__le__, "<": Decimal.__lt__}
# How many years before `as_of` a basis year spans; a threshold with no stated year reads the last one.
BASIS_YEARS = {None: 1, "previous_year": 1, "annual": 1, "last_2_years": 2, "last_3_years": 3}
FIRST_REACHED, ON_THE_INCREASE = "首次", "增量"
NOT_A_CONDITION = ("combination",)
LOCAL = "本地"


def check_conditions(profile: CompanyProfile, conditions: list[MeasureCondition]) -> list[ConditionCheck]:
    """One check per group of alternative conditions, in the order the groups first appear."""
    groups: dict[tuple, list[MeasureCondition]] = {}
    for condition in conditions:
        if condition.kind not in NOT_A_CONDITION:
            groups.setdefault(_group_key(condition), []).append(condition)
    return [_check_group(profile, group) for group in groups.values()]


def _group_key(c: MeasureCondition) -> tuple:
    if c.kind == "status" or not c.parsed:
        return (c.scope, c.kind, c.value_text or c.text)
    if c.op is not None:
        return (c.scope, c.kind, c.op[0], c.value_text)  # '>' / '<': a lower or an upper bound
    return (c.scope, c.kind)


def _check_group(profile: CompanyProfile, group: list[MeasureCondition]) -> ConditionCheck:
    states = [check_condition(profile, c) for c in group]
    for wanted in ("met", "unknown"):
        hits = [reason for state, reason in states if state == wanted]
        if hits:
            return ConditionCheck(tuple(group), wanted, hits[0] if wanted == "unknown" else "")
    return ConditionCheck(tuple(group), "fails", states[0][1])


def check_condition(profile: CompanyProfile, c: MeasureCondition) -> tuple[ConditionState, str]:
    """The state of one condition and why."""
    if not c.parsed:
        return _by_facts(profile, c)
    if c.kind == "location":
        return _location(profile, c.value_text)
    if c.kind == "industry":
        return _named(profile.industries, "industries", c.value_text, industries_including)
    if c.kind == "status":
        return _named(profile.statuses, "statuses", c.value_text, lambda s: frozenset({s}))
    if c.kind == "project_stage":
        return _stage(profile, c.value_text)
    if c.kind in YEARLY_METRICS:
        return _yearly_threshold(profile, c)
    if c.kind == "headcount":
        value = None if profile.headcount is None else Decimal(profile.headcount)
        return _compare(value, c, "headcount")
    if c.kind == "company_age":
        return _compare(_age(profile.founded, profile.as_of, c.unit), c, f"company age ({c.unit or 'years'})")
    return "unknown", f"the matcher does not check {c.kind} conditions"


def check_jurisdiction(profile: CompanyProfile, place: str) -> ConditionCheck:
    """A measure whose text names no place, against where its issuing bodies govern: met inside
    it; unknown outside, since a district's support is as a rule for companies registered there
    but the text does not say so."""
    implied = MeasureCondition(kind="location", text=f"(issued for {place})", value_text=place, scope=True)
    state, reason = _location(profile, place)
    if state == "fails":
        state, reason = "unknown", f"the text names no place; its issuer governs {place}"
    return ConditionCheck((implied,), state, reason)


def _by_facts(profile: CompanyProfile, c: MeasureCondition) -> tuple[ConditionState, str]:
    """An unparsed condition is decided only by a profile fact whose words it contains."""
    for words, holds in profile.facts.items():
        if words in c.text:
            return ("met", "") if holds else ("fails", f"facts: {words} = false")
    return "unknown", "condition not parsed: read its text (or add its words to `facts`)"


def _location(profile: CompanyProfile, place: str | None) -> tuple[ConditionState, str]:
    if place == LOCAL:
        return "unknown", "本地 is the issuing body's area: check it by hand"
    if profile.places is None:
        return "unknown", "profile gives no registered_in / operates_in"
    if any(place in places_containing(p) for p in profile.places):
        return "met", ""
    return "fails", f"not in {place} (registered_in / operates_in: {'、'.join(profile.places) or 'none'})"


def _named(have: tuple[str, ...] | None, field: str, wanted: str | None, broader) -> tuple[ConditionState, str]:
    if have is None:
        return "unknown", f"profile gives no {field}"
    if any(wanted in broader(h) for h in have):
        return "met", ""
    return "fails", f"{wanted} not among {field} ({'、'.join(have) or 'none'})"


def _stage(profile: CompanyProfile, wanted: str | None) -> tuple[ConditionState, str]:
    """A stage on the drug ladder is met by any project at it or later; any other milestone by a
    project that names it as its stage or among what it has reached."""
    if profile.projects is None:
        return "unknown", "profile gives no projects"
    rank = drug_stage_rank(wanted or "")
    for project in profile.projects:
        if wanted == project.stage or wanted in project.reached:
            return "met", ""
        at = drug_stage_rank(project.stage or "")
        if rank is not None and at is not None and at >= rank:
            return "met", ""
    stages = "、".join(p.stage or "no stage" for p in profile.projects) or "no projects"
    return "fails", f"no project has reached {wanted} ({stages})"


def _yearly_threshold(profile: CompanyProfile, c: MeasureCondition) -> tuple[ConditionState, str]:
    """A figure of the basis years (summed over 近两年/近三年) against the threshold; 增量 compares
    the increase on the years before, 首次 also needs every earlier year given to be below it."""
    years = profile.yearly.get(c.kind)
    if years is None:
        return "unknown", f"profile gives no {c.kind}"
    span = BASIS_YEARS.get(c.basis_year, 1)
    last = profile.as_of.year - 1
    spans = [last] + ([last - span] if c.value_text == ON_THE_INCREASE else [])
    missing = [y for end in spans for y in range(end - span + 1, end + 1) if y not in years]
    if missing:
        why = " (增量: the increase on the year before)" if c.value_text == ON_THE_INCREASE else ""
        return "unknown", f"profile gives no {c.kind} of {missing[0]}{why}"
    value = _sum_years(years, last, span)
    if c.value_text == ON_THE_INCREASE:
        value -= _sum_years(years, last - span, span)
    state, reason = _compare(value, c, f"{c.kind} {'increase ' if len(spans) > 1 else ''}of {_years_label(last, span)}")
    if state == "met" and c.value_text == FIRST_REACHED:
        earlier = [y for y in years if y < last - span + 1]
        if not earlier:
            return "unknown", f"首次: profile gives no {c.kind} before {last - span + 1}"
        if any(COMPARE[c.op](years[y], c.value_num) for y in earlier):
            return "fails", f"首次: {c.kind} already reached {c.value_num.normalize():f} before {last}"
    return state, reason


def _sum_years(years: dict[int, Decimal], last: int, span: int) -> Decimal:
    return sum((years[y] for y in range(last - span + 1, last + 1)), Decimal(0))


def _years_label(last: int, span: int) -> str:
    return str(last) if span == 1 else f"{last - span + 1}–{last}"


def _compare(value: Decimal | None, c: MeasureCondition, what: str) -> tuple[ConditionState, str]:
    if value is None:
        return "unknown", f"profile gives no {what}"
    if c.op not in COMPARE or c.value_num is None:
        return "unknown", f"threshold without a value: {c.text}"
    if COMPARE[c.op](value, c.value_num):
        return "met", ""
    return "fails", f"{what} is {value.normalize():f}, the text asks {c.op} {c.value_num.normalize():f}"


def _age(founded: date | None, as_of: date, unit: str | None) -> Decimal | None:
    """Whole years (or months) from `founded` to `as_of`."""
    if founded is None:
        return None
    months = (as_of.year - founded.year) * 12 + as_of.month - founded.month - (as_of.day < founded.day)
    return Decimal(months) if unit == "months" else (Decimal(months) / 12).quantize(Decimal("0.1"))
