"""Character-level text diff for Chinese: no word splitting, and differences that are not
substantive (whitespace, page breaks, full/half-width forms) never show.

Both texts are compared in the form `textnorm.normalize_for_compare` gives them; an offset map
takes every difference back to the printed characters, so a renderer highlights what was printed.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher

from extractors.textnorm import fold_width
from schemas.records import DiffOp

# An unchanged run this short between two changes is folded into them: a redline of
# 服务能力→研发服务水平 reads better as one replacement than as four one-character edits.
MAX_ISLAND = 1


def compare_form(text: str) -> tuple[str, list[int]]:
    """The normalised text (whitespace dropped, width folded) and, for each of its characters,
    the offset of the printed character it came from."""
    folded = fold_width(text)
    keep = [i for i, ch in enumerate(folded) if not ch.isspace()]
    return "".join(folded[i] for i in keep), keep


def char_diff(old: str, new: str) -> list[DiffOp]:
    """The substantive differences of two printed texts, in order, as offsets into each.

    Empty when the texts agree once whitespace and character width are ignored.
    """
    return align_chars(old, new).ops()


@dataclass(frozen=True)
class CharAlignment:
    """Two printed texts aligned character by character in their compare form."""
    old_len: int
    new_len: int
    old_index: list[int]
    new_index: list[int]
    opcodes: list[tuple[str, int, int, int, int]]

    def ops(self) -> list[DiffOp]:
        return [DiffOp(tag, *_printed(self.old_index, self.old_len, i1, i2),
                       *_printed(self.new_index, self.new_len, j1, j2))
                for tag, i1, i2, j1, j2 in self.opcodes if tag != "equal"]

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where old[start:end] stands in the new text: an unchanged character maps to its
        twin, a changed one to the whole replacement. None for a span of whitespace only."""
        lo, hi = bisect_left(self.old_index, start), bisect_left(self.old_index, end)
        if lo >= hi:
            return None
        first, last = self._map(lo), self._map(hi - 1)
        return _printed(self.new_index, self.new_len, first[0], max(first[0], last[1]))

    def _map(self, i: int) -> tuple[int, int]:
        for tag, i1, i2, j1, j2 in self.opcodes:
            if i1 <= i < i2:
                return (j1 + i - i1, j1 + i - i1 + 1) if tag == "equal" else (j1, j2)
        return (len(self.new_index), len(self.new_index))


def align_chars(old: str, new: str) -> CharAlignment:
    """Align two printed texts in compare form (SequenceMatcher on characters, no autojunk:
    Chinese has no words to split on and common characters must still anchor the match)."""
    old_norm, old_index = compare_form(old)
    new_norm, new_index = compare_form(new)
    if old_norm == new_norm:
        opcodes = [("equal", 0, len(old_norm), 0, len(new_norm))]
    else:
        matcher = SequenceMatcher(None, old_norm, new_norm, autojunk=False)
        opcodes = _merge_islands(matcher.get_opcodes())
    return CharAlignment(len(old), len(new), old_index, new_index, opcodes)


def _merge_islands(opcodes: list[tuple]) -> list[tuple]:
    """Fold short unchanged runs that sit between two changes into one replacement."""
    out: list[list] = []
    for op in opcodes:
        tag, i1, i2, j1, j2 = op
        island = (tag == "equal" and out and out[-1][0] != "equal" and i2 - i1 <= MAX_ISLAND
                  and op is not opcodes[-1])
        if out and out[-1][0] != "equal" and (tag != "equal" or island):
            prev = out[-1]
            prev[2], prev[4] = i2, j2
            prev[0] = _tag(prev[1], prev[2], prev[3], prev[4])
        else:
            out.append([tag, i1, i2, j1, j2])
    return [tuple(op) for op in out]


def _tag(i1: int, i2: int, j1: int, j2: int) -> str:
    if i1 == i2:
        return "insert"
    return "delete" if j1 == j2 else "replace"


def _printed(index: list[int], length: int, lo: int, hi: int) -> tuple[int, int]:
    """Printed [start, end) of normalised [lo, hi); an empty range sits after the character
    before it, so an insertion is placed where it reads."""
    if hi > lo:
        return index[lo], index[hi - 1] + 1
    pos = index[lo - 1] + 1 if lo > 0 else (index[0] if index else 0)
    return min(pos, length), min(pos, length)
