"""Eligibility conditions: what a company must be or have for each measure of a text.

`extract_eligibility(text)` reads the condition sentences (clauses.py) for named conditions
(vocabulary.py: location, industry, status, project stage) and thresholds (thresholds.py: revenue,
output, investment, R&D spend, tax, headcount, company age), and every sentence for combination
rules (rules.py). A condition sentence with none of these is kept whole as an unparsed `other`
condition, never dropped. A condition of a text's scope (本意见适用于…) carries rule
`document_scope`: it holds for every measure of the document. Pure functions over strings:
imports only `schemas` and other extractors (numerals, money amounts, sentences, width folding).
"""
from __future__ import annotations

from dataclasses import replace

from extractors.eligibility.clauses import ConditionSentence, condition_sentences, sentence_bounds
from extractors.eligibility.rules import combination_rules
from extractors.eligibility.thresholds import thresholds
from extractors.eligibility.vocabulary import named_conditions
from schemas.records import EligibilityCondition

DOCUMENT_SCOPE = "document_scope"


def extract_eligibility(text: str) -> list[EligibilityCondition]:
    """Every eligibility condition of `text`, in document order, `text[char_start:char_end]` each."""
    found: list[EligibilityCondition] = []
    for sentence in condition_sentences(text):
        typed = thresholds(sentence)
        typed += [c for c in named_conditions(sentence) if not _inside_any(c, typed)]
        if sentence.scope:
            typed = [replace(c, rule=DOCUMENT_SCOPE) for c in typed]
        whole = sentence.who_end - sentence.who_start == len(sentence.squeezed)
        if not typed and (sentence.grant_with_condition or whole) and sentence.states_own_condition:
            typed = [_unparsed(sentence)]
        found += typed
    for start, end in sentence_bounds(text):
        found += combination_rules(text, start, end)
    found = [replace(c, text=text[c.char_start:c.char_end]) for c in found]
    return sorted(found, key=lambda c: (c.char_start, c.char_end, c.kind))


def _inside_any(condition: EligibilityCondition, others: list[EligibilityCondition]) -> bool:
    """A named condition inside a money threshold's words (the 营业收入 of a revenue threshold) is
    none; a place inside a company age (近三年在京新设立) is a condition of its own."""
    return any(o.unit == "yuan" and o.char_start <= condition.char_start and condition.char_end <= o.char_end
               for o in others)


def _unparsed(sentence: ConditionSentence) -> EligibilityCondition:
    start, end = sentence.span(0, len(sentence.squeezed))
    return EligibilityCondition(kind="other", text="", char_start=start, char_end=end, parsed=False)
