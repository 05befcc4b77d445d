"""A document's title is a heading, never a paragraph: titles are capped at TITLE_CAP characters.

The longest real titles of the corpora (shared/corpus, data/corpus/texts) are 52 characters, and
56 for a notice that issues a policy (国务院关于在海南博鳌乐城国际医疗旅游先行区暂时调整实施…的决定).
A longer "title" is the first line of a text without a title line (loc-jl-liuhe-tourism-opinions-2019
opens with a 132-character sentence) or a whole one-line file: it is cut at the end of its first
sentence when that fits the cap, else at its last clause end within the cap, else at the cap.
"""
from __future__ import annotations

TITLE_CAP = 100
SENTENCE_ENDS = "。！？；;!?"
CLAUSE_ENDS = "，、：,:"
# A cut nearer the start than this leaves too little to name the document: cut at the cap instead.
MIN_CUT = TITLE_CAP // 4


def capped_title(title: str) -> str:
    """`title` itself when it fits TITLE_CAP, else its head cut as the module says."""
    if len(title) <= TITLE_CAP:
        return title
    head = title[:TITLE_CAP]
    sentence = next((i for i in range(MIN_CUT, TITLE_CAP) if head[i] in SENTENCE_ENDS), None)
    if sentence is not None:
        return head[:sentence]
    clause = max(head.rfind(mark) for mark in CLAUSE_ENDS)
    return head[:clause] if clause >= MIN_CUT else head
