"""Sentence bounds in Chinese policy text, for showing a fact in the words that state it."""
from __future__ import annotations

import regex

# A sentence ends at 。；！？ (either width) or at a paragraph break; 、，：do not end one.
SENTENCE_END = regex.compile(r"[。;；!！?？\n]")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """[s, e) of the sentence holding text[start:end], terminal punctuation included."""
    s = start
    while s > 0 and not SENTENCE_END.match(text, s - 1):
        s -= 1
    m = SENTENCE_END.search(text, end)
    e = m.end() if m and text[m.start()] != "\n" else (m.start() if m else len(text))
    return s, e


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence that holds text[start:end], without leading spaces."""
    s, e = sentence_bounds(text, start, end)
    return text[s:e].strip()
