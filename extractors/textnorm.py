"""Length-preserving character folds shared by the reader, the cleaner and the extractors.

Offsets computed on a folded copy stay valid on the original: every fold maps one code point
to exactly one code point (unlike NFKC, which turns `㈠` into `(一)`).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

FULLWIDTH_FIRST, FULLWIDTH_LAST = 0xFF01, 0xFF5E
FULLWIDTH_OFFSET = 0xFEE0
IDEOGRAPHIC_SPACE = "\u3000"

WIDTH_FOLD = {cp: cp - FULLWIDTH_OFFSET for cp in range(FULLWIDTH_FIRST, FULLWIDTH_LAST + 1)}
WIDTH_FOLD[ord(IDEOGRAPHIC_SPACE)] = ord(" ")
# The same fold as a table indexed by code point, for short texts: str.translate reads it faster
# than the dict. Code points past the BMP fall off its end and are left as they are.
WIDTH_FOLD_TABLE = "".join(chr(WIDTH_FOLD.get(cp, cp)) for cp in range(0x10000))
# From this length on, the fold runs over the text's code points as a numpy array, far cheaper per
# character than translate once numpy's per-call cost is paid.
ARRAY_FOLD_CHARS = 256

# Han ideographs (BMP, extension A, compatibility) and the full-width punctuation that sets with them.
CJK_RANGES = (
    (0x3000, 0x303F),  # CJK symbols and punctuation: 。、〔〕《》「」
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),  # full-width forms: （），：；
    (0x20000, 0x3134F),
)

WHITESPACE = re.compile(r"\s+")
# A revision diff compares each provision of a version with the one before and the one after
# it, and versions share most provisions: the compare forms of short texts are kept (1,024 of
# them with their texts).
SHORT_TEXT_CHARS = 2048


@lru_cache(maxsize=4)
def fold_width(text: str) -> str:
    """Fold full-width ASCII forms (U+FF01–FF5E) to ASCII and U+3000 to a space, 1 char → 1 char.

    Cached: every extractor folds the same document text, and a str caches its own hash."""
    if len(text) < ARRAY_FOLD_CHARS:
        return text.translate(WIDTH_FOLD_TABLE)
    try:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
    except UnicodeEncodeError:  # a lone surrogate has no UTF-32 form
        return text.translate(WIDTH_FOLD_TABLE)
    points[(points >= FULLWIDTH_FIRST) & (points <= FULLWIDTH_LAST)] -= FULLWIDTH_OFFSET
    points[points == ord(IDEOGRAPHIC_SPACE)] = ord(" ")
    return points.tobytes().decode("utf-32-le")


def is_cjk(ch: str) -> bool:
    """True for a Han ideograph or a CJK / full-width punctuation mark (one character)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def normalize_for_compare(text: str) -> str:
    """Drop all whitespace and fold width: the form in which two renditions of a text must agree."""
    return _normalized_short(text) if len(text) <= SHORT_TEXT_CHARS else _normalized(text)


def _normalized(text: str) -> str:
    return WHITESPACE.sub("", fold_width(text))


_normalized_short = lru_cache(maxsize=1024)(_normalized)
