"""The tables the matcher reads: places within places, industries within industries, the drug
ladder (data/match.yaml), and the names the eligibility vocabulary knows (data/eligibility.yaml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from extractors.eligibility.vocabulary import alias_table

MATCH_TABLES_PATH = Path(__file__).resolve().parent.parent / "data" / "match.yaml"
CLINICAL_PHASES = ("临床Ⅰ期", "临床Ⅱ期", "临床Ⅲ期")


@lru_cache(maxsize=1)
def _tables() -> dict:
    return yaml.safe_load(MATCH_TABLES_PATH.read_text(encoding="utf-8"))


def _closure(parents: dict[str, list[str]], name: str) -> frozenset[str]:
    """`name` and everything that contains it, following `parents` to the top."""
    seen, todo = {name}, [name]
    while todo:
        for parent in parents.get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return frozenset(seen)


def places_containing(place: str) -> frozenset[str]:
    """The place and every place that contains it: 经开区 → 经开区, 亦庄新城225平方公里, 北京市."""
    return _closure(_tables()["places"], place)


def industries_including(industry: str) -> frozenset[str]:
    """The industry and every broader one it belongs to: CRO → CRO, 医药健康, 科技服务业, …"""
    return _closure(_tables()["industries"], industry)


def drug_stage_rank(stage: str) -> int | None:
    """A stage's place on the drug ladder (临床Ⅰ期 = 0 … 获得药品注册证书), None off the ladder."""
    stage = _tables()["stage_aliases"].get(stage, stage)
    ladder = _tables()["drug_stages"]
    return ladder.index(stage) if stage in ladder else None


def drug_stages() -> tuple[str, ...]:
    return tuple(_tables()["drug_stages"])


@lru_cache(maxsize=1)
def known_values() -> dict[str, frozenset[str]]:
    """kind → the canonical values a profile may name (location, industry, status, project_stage)."""
    known: dict[str, set[str]] = {"location": set(), "industry": set(), "status": set(), "project_stage": set()}
    for kind, value in alias_table().values():
        known[kind].add(value)
    # 本地 (县域内, 我县) is the issuing body's own area: a profile names the place itself.
    known["location"] = (known["location"] | set(_tables()["places"])) - {"本地"}
    known["industry"] |= set(_tables()["industries"])
    known["project_stage"] |= set(drug_stages()) | set(_tables()["stage_aliases"]) | set(CLINICAL_PHASES)
    return {kind: frozenset(values) for kind, values in known.items()}
