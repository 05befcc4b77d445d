"""Shared spans and boundaries for the fact extractors: clauses, sentences, overlaps, and the
view of a text without the spaces that fall between CJK characters.

All positions are offsets into the width-folded text (`textnorm.fold_width`), which has the
same length as the original, so they index the original text too. `across_cjk_spaces` runs an
extractor on the text with those spaces taken out and maps its facts back onto the original.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import replace

import regex

from extractors.textnorm import CJK_RANGES
from schemas.records import Fact

# A clause ends at these: commas, semicolons, colons, full stops, brackets and line breaks.
CLAUSE_BREAKS = frozenset("，,。；;：:()（）\n！？!?")
# A sentence ends at these. A line break ends one only after terminal punctuation (below):
# the seed texts cut paragraphs at old page breaks ("…并实现受试者" / "入组的,…").
SENTENCE_BREAKS = frozenset("。；;！？!?")
LINE_END_PUNCT = frozenset("。；;：:！？!?)）")
# A short line without in-sentence punctuation is a heading: it ends its sentence unpunctuated.
HEADING_MAX_CHARS = 30
IN_SENTENCE_PUNCT = frozenset("，,、；;")


def clause_start(text: str, pos: int, limit: int = 80) -> int:
    """Offset where the clause holding `pos` begins (after the last clause break).

    A line break inside a sentence (a page-break cut, 全年最高不超⏎过 500 万元) is no break.
    """
    lo = max(0, pos - limit)
    for i in range(pos - 1, lo - 1, -1):
        ch = text[i]
        if ch in CLAUSE_BREAKS and (ch != "\n" or _line_closed(text, i)):
            return i + 1
    return lo


def joined(text: str, start: int, end: int) -> str:
    """text[start:end] with line breaks removed, so that cue words cut by a page break match."""
    return text[start:end].replace("\n", "")


def clause_end(text: str, pos: int, limit: int = 40) -> int:
    """Offset where the clause holding `pos` ends (at the next clause break)."""
    hi = min(len(text), pos + limit)
    for i in range(pos, hi):
        if text[i] in CLAUSE_BREAKS:
            return i
    return hi


def sentence_start(text: str, pos: int, limit: int = 240) -> int:
    """Offset where the sentence holding `pos` begins; crosses line breaks that cut a sentence."""
    lo = max(0, pos - limit)
    for i in range(pos - 1, lo - 1, -1):
        ch = text[i]
        if ch in SENTENCE_BREAKS:
            return i + 1
        if ch == "\n" and _line_closed(text, i):
            return i + 1
    return lo


def sentence_end(text: str, pos: int, limit: int = 240) -> int:
    """Offset just past the sentence holding `pos`."""
    hi = min(len(text), pos + limit)
    for i in range(pos, hi):
        ch = text[i]
        if ch in SENTENCE_BREAKS:
            return i + 1
        if ch == "\n" and _line_closed(text, i):
            return i
    return hi


def _line_closed(text: str, newline: int) -> bool:
    """True when the line before `newline` ends a sentence (or is a short heading line)."""
    j = newline - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    if j < 0 or text[j] in LINE_END_PUNCT:
        return True
    line_start = text.rfind("\n", 0, j) + 1
    line = text[line_start:j + 1]
    return len(line) < HEADING_MAX_CHARS and not any(ch in IN_SENTENCE_PUNCT for ch in line)


def drop_overlaps(spans: Iterable[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    """Keep spans in the given priority order, dropping any that overlaps one already kept."""
    kept: list[tuple[int, int, object]] = []
    for start, end, item in spans:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, item))
    return sorted(kept, key=lambda t: (t[0], t[1]))


# Spaces between two CJK characters (justified PDF lines, 医药健康 产业, 责 任单位) carry no meaning
# for a fact: cue words, names and Chinese numerals are read as if they were not there. A tab is
# a table's cell separator and is kept.
_CJK_CLASS = "".join(
    f"{chr(max(lo, 0x3001))}-{chr(hi)}" for lo, hi in CJK_RANGES)  # U+3000 is a space, not a character
CJK_SPACES = regex.compile(rf"(?<=[{_CJK_CLASS}])[ \u3000]+(?=[{_CJK_CLASS}])")


@functools.lru_cache(maxsize=2)
def compact_cjk_spaces(text: str) -> tuple[str, tuple[int, ...]] | None:
    """`text` without spaces between CJK characters, and the original offset of each of its
    characters; None when there are none to take out. Cached: each fact extractor asks for
    the same document's view in turn."""
    removed = [(m.start(), m.end()) for m in CJK_SPACES.finditer(text)]
    if not removed:
        return None
    index: list[int] = []
    pieces: list[str] = []
    pos = 0
    for start, end in [*removed, (len(text), len(text))]:
        index.extend(range(pos, start))
        pieces.append(text[pos:start])
        pos = end
    return "".join(pieces), tuple(index)


def across_cjk_spaces(extract: Callable[..., list[Fact]]) -> Callable[..., list[Fact]]:
    """Run `extract(text, …)` on the text without spaces between CJK characters; the facts it
    returns are mapped back, so their offsets and `text` (spaces included) index the original."""
    @functools.wraps(extract)
    def wrapper(text: str, *args, **kwargs) -> list[Fact]:
        compact = compact_cjk_spaces(text) if text else None
        if compact is None:
            return extract(text, *args, **kwargs)
        view, index = compact
        out = []
        for fact in extract(view, *args, **kwargs):
            start, end = index[fact.char_start], index[fact.char_end - 1] + 1
            out.append(replace(fact, char_start=start, char_end=end, text=text[start:end]))
        return out
    return wrapper
