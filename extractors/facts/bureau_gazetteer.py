"""The gazetteer of known bodies (data/bureaus.yaml): surface forms, canonical names, catalog rows.

Two kinds of entries. Beijing bodies (`bureaus:`) fold every spelling into one canonical short
name (与 → 和, a misprint, the 经开区 prefix: the bundled gold's rules). State Council departments
(`state_council:`) are recognised by every name they go by, but a fact keeps the name as written
(data/corpus/CONVENTIONS.md): 工信部 stays 工信部; the catalog's `bureaus` table still lists 工信部
as an alias of 工业和信息化部. `local_units:` are the stems and suffixes of provincial and municipal
units, for the naming grammar (extractors/facts/bureau_names.py); they are no bodies on their own.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GAZETTEER_PATH = DATA_DIR / "bureaus.yaml"
USERDICT_FREQ = 200000
STATE_COUNCIL = "国务院"
HAN = r"\u4e00-\u9fff"


@dataclass(frozen=True)
class Gazetteer:
    """Surface form → the value a fact takes for it, built from data/bureaus.yaml with prefix and
    与/和 variants; `local_units` are the provincial and municipal stems with their suffix."""
    canonical: dict[str, str]
    local_units: frozenset[str]


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(GAZETTEER_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer as surface form → value (every alias, prefix and 与 variant)."""
    data = _data()
    prefixes = data.get("jurisdictions") or {}
    canonical: dict[str, str] = {}
    for entry in data["bureaus"]:
        for form in [entry["name"], *(entry.get("aliases") or [])]:
            for variant in _variants(form, prefixes.get(entry.get("jurisdiction"), [])):
                canonical.setdefault(variant, entry["name"])
    for entry in data.get("state_council") or []:
        for form in [entry["name"], *(entry.get("aliases") or [])]:
            for variant in _variants(form, []):
                canonical.setdefault(variant, variant.replace("与", "和"))
    units = frozenset(v for u in data.get("local_units") or [] for v in _variants(u, []))
    return Gazetteer(canonical=canonical, local_units=units)


def gazetteer_rows() -> list[tuple[str, str | None, list[str]]]:
    """Rows of the catalog's `bureaus` table (schemas/migrations/002_facts.sql), one per body of
    data/bureaus.yaml in file order: (canonical, jurisdiction, aliases).

    `aliases` are every other form the extractor recognises as that body: the listed aliases
    first, then the jurisdiction-prefixed and 与 spellings (经开区科技和产业促进局, 科技与产业促进局).
    A State Council department's jurisdiction is 国务院. Pure: reads the YAML file, touches no database.
    """
    data = _data()
    prefixes = data.get("jurisdictions") or {}
    entries = [(e, e.get("jurisdiction")) for e in data["bureaus"]]
    entries += [(e, STATE_COUNCIL) for e in data.get("state_council") or []]
    rows = []
    for entry, jurisdiction in entries:
        name, listed = entry["name"], entry.get("aliases") or []
        forms = [*listed]
        for form in [name, *listed]:
            forms += _variants(form, prefixes.get(entry.get("jurisdiction"), []))
        aliases = list(dict.fromkeys(f for f in forms if f != name))
        rows.append((name, jurisdiction, aliases))
    return rows


def bureau_alias_rows() -> list[tuple[str, str]]:
    """Rows of the catalog's `bureau_aliases` table (schemas/migrations/015_bureau_aliases.sql):
    (alias, canonical) for every other name of a body of `gazetteer_rows`.

    Besides each row's aliases, an entry's `abbreviations` (经开区管委会, 市科委) are its aliases
    with their jurisdiction-prefixed and 与 spellings, and so are the aliases of an abbreviation that
    is a row of its own: facts keep 经开区管委会 as written, analysts fold it. Pure: reads the YAML file.
    """
    data = _data()
    prefixes = data.get("jurisdictions") or {}
    rows = gazetteer_rows()
    aliases_of = {name: aliases for name, _, aliases in rows}
    folded = {alias: name for name, _, aliases in reversed(rows) for alias in aliases}
    for entry in [*data["bureaus"], *(data.get("state_council") or [])]:
        for abbreviation in entry.get("abbreviations") or []:
            for form in [*_variants(abbreviation, prefixes.get(entry.get("jurisdiction"), [])),
                         *aliases_of.get(abbreviation, [])]:
                folded[form] = entry["name"]
    return [(alias, name) for alias, name in folded.items() if alias != name]


def _variants(form: str, prefixes: list[str]) -> list[str]:
    forms = [form]
    for prefix in prefixes:
        if prefix == "北京":
            if form.startswith("市"):
                forms.append(prefix + form)
        else:
            forms.append(prefix + form)
    return forms + [f.replace("和", "与") for f in forms if "和" in f]


@lru_cache(maxsize=1)
def form_pattern() -> regex.Pattern:
    """Every gazetteer form, longest first (at each start, the longest form that begins there)."""
    forms = sorted(gazetteer().canonical, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(form) for form in forms))


def userdict_lines() -> list[str]:
    """jieba user-dictionary lines for every gazetteer form (Han runs only: jieba never joins across 、)."""
    words: list[str] = []
    for form in gazetteer().canonical:
        for word in regex.findall(rf"[{HAN}]+", form):
            if len(word) > 1 and word not in words:
                words.append(word)
    return [f"{word} {USERDICT_FREQ} nt" for word in words]
