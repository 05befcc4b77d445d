"""Where jieba is sure to cut a dictionary word out of its sentence as one token, without cutting.

The policy-term and bureau extractors confirm a candidate by the tokens jieba cuts around it
(spaCy's matchers over jieba tokens). jieba's cut of a run of characters is the best path
through the DAG of its dictionary's words, scored by the sum of log(freq / total) of its words.
Where no word of the dictionary crosses a candidate's start or end, every path passes both,
and between them a word with freq > top² / total (top: the dictionary's most frequent word)
beats any split of it into two or more words. jieba's HMM only re-cuts runs of single
characters, which a word of two or more characters is not part of. So such a candidate is a
token in any window of its sentence, and cutting the window can be skipped (for most policy-term
candidates): `whole_token` is that test, and callers cut only where it fails.

The dictionary is jieba's live one: callers build their pipelines (which add their words)
before asking.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from extractors.nlp_imports import import_jieba

# The runs jieba segments on their own (jieba's re_han_default): no word crosses their edges.
JIEBA_BLOCK = regex.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
JIEBA_BLOCK_END = regex.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")


@dataclass(frozen=True)
class Dictionary:
    """jieba's word frequencies, its longest word, and the frequency a word needs to beat any
    split of it."""
    freq: dict[str, int]
    longest: int
    unsplittable: float


_current: dict[tuple[int, int, int], Dictionary] = {}


def dictionary() -> Dictionary:
    """jieba's dictionary as it is now (words added since the last call are counted)."""
    dt = import_jieba().dt
    dt.check_initialized()
    key = (id(dt.FREQ), len(dt.FREQ), dt.total)
    if key not in _current:
        _current.clear()
        top = max(dt.FREQ.values())
        longest = max(len(word) for word, f in dt.FREQ.items() if f)  # a prefix entry has f == 0
        _current[key] = Dictionary(dt.FREQ, longest, top * top / dt.total)
    return _current[key]


def word_reach() -> int:
    """How far a word of jieba's dictionary can reach from a boundary it crosses: its longest."""
    return dictionary().longest


def whole_token(text: str, start: int, end: int, first: int, last: int) -> bool:
    """True when jieba cuts text[start:end] as one token from any window of text[first:last]
    that holds it. False means "cut and see", not "never a token"."""
    words = dictionary()
    if end - start < 2 or words.freq.get(text[start:end], 0) <= words.unsplittable:
        return False
    if not JIEBA_BLOCK.fullmatch(text, start, end):
        return False
    before = JIEBA_BLOCK_END.search(text, max(first, start - words.longest), start)
    after = JIEBA_BLOCK.match(text, end, last)
    return not _crossing_word(text, start, end, before.start() if before else start,
                              after.end() if after else end, words.freq)


def _crossing_word(text: str, start: int, end: int, lo: int, hi: int, freq: dict[str, int]) -> bool:
    """A dictionary word within text[lo:hi] that begins before `start` and reaches past it, or
    begins in text[start:end] and reaches past `end`. jieba's dictionary holds every prefix of
    its words (at frequency 0), so only a beginning k whose text[k:boundary] is there can
    reach past the boundary."""
    for k in range(lo, end):
        boundary = start if k < start else end
        if text[k:boundary] not in freq:
            continue
        for i in range(boundary + 1, hi + 1):
            f = freq.get(text[k:i])
            if f is None:
                break
            if f:
                return True
    return False
