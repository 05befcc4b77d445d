"""Named conditions: location, industry, status and project stage, from data/eligibility.yaml,
and clinical phases, read from how they are enumerated (进入Ⅰ期、Ⅱ期、Ⅲ期临床试验).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex
import yaml

from extractors.eligibility.clauses import ConditionSentence
from schemas.records import EligibilityCondition

VOCABULARY_PATH = Path(__file__).resolve().parent.parent / "data" / "eligibility.yaml"
NAMED_KINDS = ("location", "industry", "status", "project_stage")
PHASES = {"一": "Ⅰ", "二": "Ⅱ", "三": "Ⅲ", "Ⅰ": "Ⅰ", "Ⅱ": "Ⅱ", "Ⅲ": "Ⅲ", "1": "Ⅰ", "2": "Ⅱ", "3": "Ⅲ"}
# 京技管发〔2025〕9号 3: 首次进入临床二期、三期试验; 昌平 第五条: 进入Ⅰ期、Ⅱ期、Ⅲ期临床试验.
PHASE_RUN = regex.compile(
    r"临床(?P<run>[一二三ⅠⅡⅢ]期(?:[、和及或][一二三ⅠⅡⅢ]期)*)"
    r"|(?P<run>[一二三ⅠⅡⅢ]期(?:[、和及或][一二三ⅠⅡⅢ]期)*)临床"
)
PHASE = regex.compile(r"[一二三ⅠⅡⅢ](?=期)")
# 昌平 第十七条: 昌平区其他扶持政策; 渝北区科技局初审 — a place naming a body or its policies, not
# where a company is.
NOT_A_PLACE = regex.compile(r"其他|关于|相关|政府|管委会|高水平|自贸组团|[^，,。]{0,3}[局委办]")


@lru_cache(maxsize=1)
def alias_table() -> dict[str, tuple[str, str]]:
    """alias → (kind, canonical value), from the YAML file."""
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    return {alias: (kind, entry["value"]) for kind in NAMED_KINDS for entry in data[kind]
            for alias in entry["aliases"]}


@lru_cache(maxsize=1)
def _alias_pattern() -> regex.Pattern:
    return regex.compile("|".join(regex.escape(a) for a in sorted(alias_table(), key=len, reverse=True)))


def named_conditions(sentence: ConditionSentence) -> list[EligibilityCondition]:
    """The vocabulary's conditions and the clinical phases named where the sentence names the
    company, each canonical value once per sentence."""
    found: list[EligibilityCondition] = []
    seen: set[tuple[str, str]] = set()
    text = sentence.squeezed
    for m in _alias_pattern().finditer(text, sentence.who_start, sentence.who_end):
        kind, value = alias_table()[m.group()]
        if kind == "location" and NOT_A_PLACE.match(text, m.end()):
            continue
        _add(found, seen, sentence, kind, value, m.start(), m.end())
    for m in PHASE_RUN.finditer(text, sentence.who_start, sentence.who_end):
        for phase in PHASE.finditer(text, m.start("run"), m.end("run")):
            _add(found, seen, sentence, "project_stage", f"临床{PHASES[phase.group()]}期",
                 phase.start(), phase.end() + 1)
    return found


def _add(found: list, seen: set, sentence: ConditionSentence, kind: str, value: str, start: int, end: int) -> None:
    if (kind, value) in seen:
        return
    seen.add((kind, value))
    char_start, char_end = sentence.span(start, end)
    found.append(EligibilityCondition(kind=kind, text="", char_start=char_start, char_end=char_end,
                                      value_text=value))
