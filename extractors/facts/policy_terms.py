"""Policy terms: who or what a measure funds (CRO, CDMO, 1类新药, 医疗器械, 细胞与基因治疗…).

`extract_policy_terms(text)` finds the terms of data/policy_terms.yaml. A compiled regex of
every alias finds the candidates; a spaCy PhraseMatcher over jieba tokens (the aliases added to
jieba's dictionary, so each is one token) confirms each in a window of WINDOW characters either
side, cut to its sentence: jieba's cut is decided by the words around a term, and tokenizing the
window rather than the sentence keeps spaCy's cost per hit, not per sentence (the pharma texts
name a term in most sentences). jieba cuts a Latin run around a known word (MICRO → MI + CRO), so
a Latin alias also needs no Latin letter beside it.

Most candidates need no cut at all: where no word of jieba's dictionary crosses a candidate's
start or end, jieba would cut the alias out as one token from any window of its sentence
(extractors/jieba_words.py). Only the others, a small minority, go through spaCy.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex
import yaml

from extractors.cues import sentence_end, sentence_start
from extractors.jieba_words import whole_token, word_reach
from extractors.nlp_imports import import_jieba
from extractors.textnorm import fold_width
from schemas.records import PolicyTerm

TERMS_PATH = Path(__file__).resolve().parent.parent / "data" / "policy_terms.yaml"
JIEBA_FREQ = 200000
# Characters of context either side of a candidate that jieba sees: longer than any dictionary word.
WINDOW = 12


@lru_cache(maxsize=1)
def term_table() -> dict[str, tuple[str, str]]:
    """alias → (term, category), from the YAML file."""
    data = yaml.safe_load(TERMS_PATH.read_text(encoding="utf-8"))
    return {alias: (entry["term"], entry["category"]) for entry in data["terms"] for alias in entry["aliases"]}


@lru_cache(maxsize=1)
def _prefilter() -> regex.Pattern:
    aliases = sorted(term_table(), key=len, reverse=True)
    return regex.compile("|".join(regex.escape(a) for a in aliases))


def extract_policy_terms(text: str) -> list[PolicyTerm]:
    """Every policy term in `text`, in order, with offsets into `text`."""
    folded = fold_width(text)
    candidates = list(_prefilter().finditer(folded))
    if not candidates:
        return []
    nlp, matcher = _pipeline()
    table = term_table()
    found: list[PolicyTerm] = []
    windows: list[list[int]] = []
    # No word of jieba's reaches further than its longest: the sentence's bounds within that
    # reach of a candidate are all the whole-token test needs (a window is inside them).
    reach = word_reach()
    for m in candidates:
        a, b = m.span()
        if whole_token(folded, a, b, sentence_start(folded, a, reach), sentence_end(folded, b, reach)):
            if not _inside_latin_word(folded, a, b):
                found.append(PolicyTerm(*table[m.group()], text[a:b], a, b))
            continue
        start = max(a - WINDOW, sentence_start(folded, a))
        end = min(b + WINDOW, sentence_end(folded, b))
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    for start, end in windows:
        doc = nlp.make_doc(folded[start:end])
        for _, first, last in matcher(doc):
            span = doc[first:last]
            term, category = table[span.text]
            a, b = start + span.start_char, start + span.end_char
            if _inside_latin_word(folded, a, b):
                continue
            found.append(PolicyTerm(term, category, text[a:b], a, b))
    return sorted(set(found), key=lambda t: (t.char_start, t.char_end))


def _inside_latin_word(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start else ""
    after = folded[end] if end < len(folded) else ""
    return (folded[start].isascii() and before.isascii() and before.isalpha()) or \
        (folded[end - 1].isascii() and after.isascii() and after.isalpha())


@lru_cache(maxsize=1)
def _pipeline():
    from spacy.matcher import PhraseMatcher

    from extractors.facts.bureaus import _nlp

    jieba, nlp = import_jieba(), _nlp()
    for alias in term_table():
        jieba.add_word(alias, JIEBA_FREQ)
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    matcher.add("POLICY_TERM", [nlp.make_doc(alias) for alias in term_table()])
    return nlp, matcher
