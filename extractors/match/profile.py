"""A company profile read from its TOML or JSON table: `read_profile(data, source, today)`.

Every field is optional; a field left out leaves its conditions unknown. Names must be the
eligibility vocabulary's canonical values, so that a misspelt status fails loudly, not silently.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from extractors.facts.money_amounts import find_amounts
from extractors.match.tables import known_values
from extractors.textnorm import fold_width
from schemas.errors import ProfileError
from schemas.match import YEARLY_METRICS, CompanyProfile, Project

FIELDS = ("name", "as_of", "registered_in", "operates_in", "industries", "statuses", "headcount",
          "founded", "projects", "facts", *YEARLY_METRICS)
PROJECT_FIELDS = ("name", "stage", "reached")
PREVIOUS_YEAR = "previous_year"


def read_profile(data: dict, source: str, today: date) -> CompanyProfile:
    """The profile of a parsed TOML/JSON table; raises ProfileError naming `source` and the field."""
    def bad(field: str, problem: str) -> ProfileError:
        return ProfileError(f"{source}: `{field}`: {problem}")

    if not isinstance(data, dict):
        raise bad("(top)", "a profile is a table of fields")
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        raise bad(unknown[0], f"not a profile field; the fields are {', '.join(FIELDS)}")
    as_of = _date(data.get("as_of", today), "as_of", bad)
    places = None
    if "registered_in" in data or "operates_in" in data:
        places = tuple(_names(data.get("registered_in", []), "registered_in", "location", bad)
                       + _names(data.get("operates_in", []), "operates_in", "location", bad))
    return CompanyProfile(
        name=_text(data.get("name", source), "name", bad), as_of=as_of, places=places,
        industries=_optional_names(data, "industries", "industry", bad),
        statuses=_optional_names(data, "statuses", "status", bad),
        yearly={m: _yearly(data[m], m, as_of, bad) for m in YEARLY_METRICS if m in data},
        headcount=_count(data["headcount"], "headcount", bad) if "headcount" in data else None,
        founded=_date(data["founded"], "founded", bad) if "founded" in data else None,
        projects=_projects(data["projects"], bad) if "projects" in data else None,
        facts=_facts(data.get("facts", {}), bad))


def _text(value, field: str, bad) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad(field, f"expected a text, got {value!r}")
    return value.strip()


def _names(value, field: str, kind: str, bad) -> list[str]:
    """One name or a list of names, each a canonical value of `kind`."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list):
        raise bad(field, f"expected a name or a list of names, got {value!r}")
    known = known_values()[kind]
    for name in names:
        if name not in known:
            raise bad(field, f"unknown {kind} {name!r}; known: {'、'.join(sorted(known))}")
    return list(names)


def _optional_names(data: dict, field: str, kind: str, bad) -> tuple[str, ...] | None:
    return tuple(_names(data[field], field, kind, bad)) if field in data else None


def _date(value, field: str, bad) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise bad(field, f"expected a date such as 2018-03-01, got {value!r}") from None


def _count(value, field: str, bad) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad(field, f"expected a whole number, got {value!r}")
    return value


def _yuan(value, field: str, bad) -> Decimal:
    """An amount in yuan: a number, or a text as printed (3000万元, 1.5亿元)."""
    if isinstance(value, str):
        folded = fold_width(value.strip())
        amounts = find_amounts(folded)
        if len(amounts) == 1 and amounts[0][0] == 0 and amounts[0][1] == len(folded):
            return amounts[0][2]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            pass
    raise bad(field, f"expected yuan as a number or as printed (3000万元), got {value!r}")


def _yearly(value, metric: str, as_of: date, bad) -> dict[int, Decimal]:
    """{year: yuan} from a table keyed by years (2024) or `previous_year` (the year before as_of)."""
    if not isinstance(value, dict):
        raise bad(metric, "expected a table of years, e.g. previous_year = 30000000")
    years: dict[int, Decimal] = {}
    for key, amount in value.items():
        field = f"{metric}.{key}"
        if key == PREVIOUS_YEAR:
            year = as_of.year - 1
        elif str(key).isdigit() and len(str(key)) == 4:
            year = int(key)
        else:
            raise bad(field, "a year is `previous_year` or four digits (2024)")
        years[year] = _yuan(amount, field, bad)
    return years


def _projects(value, bad) -> tuple[Project, ...]:
    if not isinstance(value, list):
        raise bad("projects", "expected a list of [[projects]] tables")
    projects = []
    for i, item in enumerate(value):
        field = f"projects[{i}]"
        if not isinstance(item, dict):
            raise bad(field, "expected a table with name, stage, reached")
        extra = [k for k in item if k not in PROJECT_FIELDS]
        if extra:
            raise bad(f"{field}.{extra[0]}", f"not a project field; the fields are {', '.join(PROJECT_FIELDS)}")
        stage = _names(item["stage"], f"{field}.stage", "project_stage", bad)[0] if "stage" in item else None
        projects.append(Project(name=_text(item.get("name", f"project {i + 1}"), f"{field}.name", bad),
                                stage=stage,
                                reached=tuple(_names(item.get("reached", []), f"{field}.reached",
                                                     "project_stage", bad))))
    return tuple(projects)


def _facts(value, bad) -> dict[str, bool]:
    """Words of an unparsed condition and whether the company meets it (固定经营场所 = true)."""
    if not isinstance(value, dict) or any(not isinstance(v, bool) for v in value.values()):
        raise bad("facts", 'expected a table of words = true/false, e.g. "固定经营场所" = true')
    return {str(k): v for k, v in value.items()}
