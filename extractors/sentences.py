"""Sentence bounds in Chinese policy text, for showing a fact in the words that state it."""
from __future__ import annotations

from bisect import bisect_left
from functools import cached_property

import regex

# A sentence ends at 。；！？ (either width) or at a paragraph break; 、，：do not end one.
SENTENCE_END = regex.compile(r"[。;；!！?？\n]")


class Sentences:
    """A text's sentences, for the sentences of many spans of it (a document's facts, its
    citations): the sentence ends are found once, on first use, and each span's sentence by
    bisection, rather than walking back character by character from each fact."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def ends(self) -> list[int]:
        return [m.start() for m in SENTENCE_END.finditer(self.text)]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """[s, e) of the sentence holding text[start:end], terminal punctuation included: from
        after the last end mark before `start` to the first end mark at or after `end`, a line
        break left out."""
        before = bisect_left(self.ends, start)
        s = self.ends[before - 1] + 1 if before else 0
        after = bisect_left(self.ends, end)
        if after == len(self.ends):
            return s, len(self.text)
        e = self.ends[after]
        return s, e if self.text[e] == "\n" else e + 1

    def around(self, start: int, end: int) -> str:
        """The sentence that holds text[start:end], without leading spaces."""
        s, e = self.bounds(start, end)
        return self.text[s:e].strip()
