"""The /match form: its fields read as a profile table for extractors/match's `read_profile`,
and an example profile (examples/profiles/) read back into the fields that prefill it.

Amounts are asked in 万元 for the year before `as_of` and the one before it; a box left empty
or no choice ticked leaves that part of the profile unknown, as a field left out of a file does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from extractors.match import read_profile
from extractors.match.tables import known_values
from flows.match_rows import load_profile_file
from schemas.errors import ProfileError
from schemas.match import YEARLY_METRICS, CompanyProfile

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples" / "profiles"
SOURCE = "the form"
METRIC_LABELS = {"revenue": "营业收入", "output": "产值", "investment": "投资", "rd_spend": "研发投入", "tax": "纳税"}
YEARS = (("previous", 1, "previous year"), ("before", 2, "the year before"))
CHOICES = (("registered_in", "location"), ("operates_in", "location"), ("industries", "industry"),
           ("statuses", "status"))
NO_PROJECT = "(none)"


@dataclass(frozen=True)
class MatchForm:
    """The form's values as typed (`values`, text by field; lists for the ticked choices) and the
    profile they give, or the message saying which field is wrong."""
    values: dict
    profile: CompanyProfile | None = None
    error: str | None = None


def examples() -> list[str]:
    """The example profiles' names (cro-jingkai, …), the choices of the prefill select."""
    return sorted(p.stem for p in EXAMPLES.glob("*.toml"))


def choices() -> dict[str, list[str]]:
    """field → the canonical names its boxes offer; `stage` the project stages."""
    known = known_values()
    return {**{field: sorted(known[kind]) for field, kind in CHOICES}, "stage": sorted(known["project_stage"])}


def form_of(params, today: date) -> MatchForm:
    """The form of a query string (a MultiDict): its values and the profile they read as."""
    values = {field: [v for v in params.getlist(field) if v] for field, _ in CHOICES}
    values.update({k: params.get(k, "").strip() for k in ("name", "as_of", "headcount", "founded", "stage")})
    values.update({f"{m}_{y}": params.get(f"{m}_{y}", "").strip() for m in YEARLY_METRICS for y, _, _ in YEARS})
    try:
        data = _table(values, today)
        return MatchForm(values, read_profile(data, SOURCE, today))
    except ProfileError as exc:
        return MatchForm(values, error=str(exc))


def example_form(name: str, today: date) -> MatchForm:
    """The form prefilled from examples/profiles/<name>.toml; an unknown name is an error message."""
    if name not in examples():
        return MatchForm(form_of_nothing(), error=f"no example profile {name!r}; the examples are "
                                                  f"{', '.join(examples())}")
    data = load_profile_file(EXAMPLES / f"{name}.toml")
    profile = read_profile(data, name, today)
    values = form_of_nothing()
    values.update({field: _listed(data.get(field, [])) for field, _ in CHOICES})
    values.update(name=profile.name, as_of=profile.as_of.isoformat(),
                  headcount="" if profile.headcount is None else str(profile.headcount),
                  founded=profile.founded.isoformat() if profile.founded else "")
    if profile.projects is not None:
        values["stage"] = next((p.stage for p in profile.projects if p.stage), NO_PROJECT)
    for metric, years in profile.yearly.items():
        for key, back, _ in YEARS:
            yuan = years.get(profile.as_of.year - back)
            if yuan is not None:
                values[f"{metric}_{key}"] = f"{(yuan / 10000).normalize():f}"
    return MatchForm(values, profile)


def form_of_nothing() -> dict:
    return {**{field: [] for field, _ in CHOICES}, **{k: "" for k in ("name", "as_of", "headcount", "founded", "stage")},
            **{f"{m}_{y}": "" for m in YEARLY_METRICS for y, _, _ in YEARS}}


def _listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _table(values: dict, today: date) -> dict:
    """The profile table of the form's values; what `read_profile` cannot word is checked here."""
    def bad(field: str, problem: str) -> ProfileError:
        return ProfileError(f"{SOURCE}: `{field}`: {problem}")

    data: dict = {field: values[field] for field, _ in CHOICES if values[field]}
    for field in ("name", "as_of", "founded"):
        if values[field]:
            data[field] = values[field]
    if values["headcount"]:
        if not values["headcount"].isdigit():
            raise bad("headcount", f"expected a whole number of people, got {values['headcount']!r}")
        data["headcount"] = int(values["headcount"])
    if values["stage"]:
        data["projects"] = [] if values["stage"] == NO_PROJECT else [{"name": "project", "stage": values["stage"]}]
    for metric in YEARLY_METRICS:
        years = {}
        for key, back, _ in YEARS:
            typed = values[f"{metric}_{key}"]
            if not typed:
                continue
            try:
                wan = Decimal(typed.replace(",", ""))
            except InvalidOperation:
                wan = None
            if wan is None or not wan.is_finite() or wan < 0:
                raise bad(f"{metric} ({key} year)", f"expected an amount in 万元 such as 3000, got {typed!r}")
            # The year is counted back from as_of by read_profile for previous_year; the other is named.
            years["previous_year" if back == 1 else _year_back(data, back, today)] = f"{wan.normalize():f}万元"
        if years:
            data[metric] = years
    return data


def _year_back(data: dict, back: int, today: date) -> str:
    as_of = data.get("as_of")
    try:
        year = date.fromisoformat(as_of).year if as_of else today.year
    except ValueError:
        raise ProfileError(f"{SOURCE}: `as_of`: expected a date such as 2026-01-15, got {as_of!r}") from None
    return str(year - back)
