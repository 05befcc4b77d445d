"""Matching a company profile with the measures of the catalog (`gazette match`).

`match_measures(profile, measures)` gives each measure a verdict: `qualifies` when every
condition is met, `might` when none fails and some are unknown (the profile is silent, or the
condition was kept unparsed), `does_not` when one fails; and its most money (money.py).
`money_total` adds the amounts under the combination rules. Pure: the CLI loads the measures
from `v_measure_eligibility` and the facts, and the profile from its file (profile.py reads the
parsed table); the place, industry and stage tables are data/match.yaml. Imports only `schemas`,
the eligibility vocabulary, money amounts and width folding of `extractors`,
and YAML.
"""
from __future__ import annotations

from extractors.match.conditions import check_condition, check_conditions, check_jurisdiction
from extractors.match.money import GRANTS, is_yearly_cap, measure_amount, money_total, out_of_reach
from extractors.match.profile import read_profile
from schemas.match import CompanyProfile, ConditionCheck, Measure, MeasureVerdict

__all__ = ["match_measure", "match_measures", "money_total", "read_profile"]
VERDICT_ORDER = {"qualifies": 0, "might": 1, "does_not": 2}


def match_measure(profile: CompanyProfile, measure: Measure) -> MeasureVerdict:
    """The verdict of one measure: its conditions and its document's scope conditions checked."""
    checks = check_conditions(profile, list(measure.conditions))
    if measure.jurisdiction and not any(c.kind == "location" for c in measure.conditions):
        checks.append(check_jurisdiction(profile, measure.jurisdiction))
    if not any(not c.conditions[0].scope for c in checks):
        # An article whose own words gave no condition is not one anybody qualifies for unread.
        checks.append(ConditionCheck((), "unknown", "the article states no condition the extractor read"))
    states = {c.state for c in checks}
    verdict = "does_not" if "fails" in states else "might" if "unknown" in states else "qualifies"
    return MeasureVerdict(measure, verdict, tuple(checks), measure_amount(_money_within_reach(profile, measure)))


def _money_within_reach(profile: CompanyProfile, measure: Measure) -> tuple:
    """The measure's money less the tiers the company fails (money.out_of_reach); all of it when
    that would leave no grant, so that a measure it does not qualify for shows what it gives."""
    unreached = out_of_reach(measure, lambda c: check_condition(profile, c)[0] != "fails")
    money = tuple(m for m in measure.money if m not in unreached)
    return money if any(m.role in GRANTS and not is_yearly_cap(m) for m in money) else measure.money


def match_measures(profile: CompanyProfile, measures: list[Measure]) -> list[MeasureVerdict]:
    """Every measure's verdict, qualifying first, then by document and article."""
    verdicts = [match_measure(profile, m) for m in measures]
    return sorted(verdicts, key=lambda v: (VERDICT_ORDER[v.verdict], v.measure.doc_id, v.measure.seq))
