"""Stage 1, scans: the regular geometry of print given back to a document's OCR lines.

OCR boxes are ink, and ink jitters where print is regular. Over the whole document:
- sizes are pooled (the commonest size takes every size within 20% of it, then the commonest of
  the rest…): a body line measures 14.7–16.9 pt where the print has 16;
- starts near the left margin or the two-character indent are put on it, lines ending near the
  right margin are full (a closing ，or 。 leaves the right half of its box blank), lines
  centred on the text block within half an em are centred;
- the running header, which OCR misreads (第27期 as 第27其), takes each part's commonest reading
  on the other pages, and so does a line one character off such a part (the publication's name
  on the cover, 北京市人民政府公报 read as 北各市人民政府公报);
- a page number read as `一42一` is `— 42 —`; one that is misread (`— 2 —` as `一划一`) is restored
  when the pages before and after it agree on the numbering (or, on a first or last page, from
  its one neighbour).
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import replace
from difflib import SequenceMatcher

import regex

from schemas.records import PdfLine, PdfPage

# Measured on the corpus scan against the text PDF: a Chinese line's box top lies 0.86 em above
# the baseline (s.d. 0.3 pt).
BASELINE_EM = 0.86
# Sizes within this share of a commoner size are that size.
SIZE_POOL_SHARE = 0.2
SNAP_EM = 0.45
HEADER_BAND, FOOTER_BAND = 0.12, 0.85
REPEAT_MIN_PAGES, REPEAT_MIN_RATIO = 3, 0.6
NAME_MIN_CHARS = 6
FOOTER_MAX_CHARS = 8
FOOTER_MARK = regex.compile(r"[一—–\-_~－]")


def settle_layout(pages: list[PdfPage]) -> list[PdfPage]:
    """Give the OCR lines of a whole document the regular geometry of print (see module doc)."""
    sizes = _pooled_sizes([line.size for page in pages for line in page.lines])
    pages = [replace(page, lines=tuple(_resized(line, sizes[line.size]) for line in page.lines)) for page in pages]
    pages = _repair_headers(_repair_page_numbers(pages))
    body = [line for page in pages for line in page.lines]
    if not body:
        return pages
    left = Counter(round(line.x0) for line in body).most_common(1)[0][0]
    near_left = [line.x1 for line in body if abs(line.x0 - left) <= SNAP_EM * line.size]
    right = statistics.quantiles(near_left, n=10)[-1] if len(near_left) > 1 else max(near_left)
    return [replace(page, lines=tuple(_snap(line, left, right) for line in page.lines)) for page in pages]


def _resized(line: PdfLine, size: float) -> PdfLine:
    bottom = line.top + BASELINE_EM * size
    return replace(line, size=size, top=bottom - size, bottom=bottom)


def _pooled_sizes(sizes: list[float]) -> dict[float, float]:
    """Each size mapped to the nearest common size: the commonest (to half a point) first,
    taking every size within SIZE_POOL_SHARE of it, then the commonest of the rest, …"""
    pooled: dict[float, float] = {}
    left = Counter(round(size * 2) / 2 for size in sizes)
    while left:
        centre = left.most_common(1)[0][0]
        for size in sizes:
            if size not in pooled and abs(size - centre) <= SIZE_POOL_SHARE * centre:
                pooled[size] = centre
        left = Counter({s: n for s, n in left.items() if abs(s - centre) > SIZE_POOL_SHARE * centre})
    for size in sizes:
        pooled.setdefault(size, size)
    return pooled


def _snap(line: PdfLine, left: float, right: float) -> PdfLine:
    tolerance = SNAP_EM * line.size
    x0, x1 = line.x0, line.x1
    for start in (left, left + 2 * line.size):
        if abs(x0 - start) <= tolerance:
            x0 = start
    if x1 >= right - 2 * tolerance:
        x1 = right
    centre = (left + right) / 2
    if x0 not in (left, left + 2 * line.size) and abs((x0 + x1) / 2 - centre) <= tolerance:
        shift = centre - (x0 + x1) / 2
        x0, x1 = x0 + shift, x1 + shift
    return replace(line, x0=x0, x1=x1)


def _repair_headers(pages: list[PdfPage]) -> list[PdfPage]:
    """Each part of a first line in the header band takes the commonest reading of that part."""
    parts = Counter(part for page in pages for part in _header_parts(page))
    common = [text for text, count in parts.items() if count >= REPEAT_MIN_PAGES]
    if not common:
        return pages
    pages = [replace(page, lines=tuple(replace(line, text=_named(line.text, common)) for line in page.lines))
             for page in pages]
    fixed = []
    for page in pages:
        if _header_parts(page):
            first = page.lines[0]
            text = "\t".join(_closest(part, common) for part in _header_parts(page))
            page = replace(page, lines=(replace(first, text=text),) + page.lines[1:])
        fixed.append(page)
    return fixed


def _named(text: str, common: list[str]) -> str:
    """A whole line one character off a running-header part (the publication's name on the
    cover and masthead: 北各市人民政府公报) is that part."""
    bare = "".join(text.split())
    for part in common:
        if len(part) >= NAME_MIN_CHARS and len(bare) == len(part) and \
                sum(a != b for a, b in zip(bare, part)) == 1:
            return part
    return text


def _header_parts(page: PdfPage) -> list[str]:
    if not page.lines or page.lines[0].top > HEADER_BAND * page.height or "\t" not in page.lines[0].text:
        return []
    return ["".join(part.split()) for part in page.lines[0].text.split("\t") if part.strip()]


def _closest(text: str, common: list[str]) -> str:
    best = max(common, key=lambda c: SequenceMatcher(None, text, c).ratio())
    return best if SequenceMatcher(None, text, best).ratio() >= REPEAT_MIN_RATIO else text


def _repair_page_numbers(pages: list[PdfPage]) -> list[PdfPage]:
    """A footer read as dash–number–dash becomes `— N —`; one whose number was misread takes it
    from the pages before and after it when their numbering agrees (page 2 of 79 is `— 2 —`)."""
    read: dict[int, int] = {}
    for page in pages:
        footer = _footer(page)
        digits = regex.sub(r"\D", "", footer.text) if footer else ""
        if digits:
            read[page.number] = int(digits)
    fixed = []
    for page in pages:
        footer = _footer(page)
        number = read.get(page.number) or _numbered_like_neighbours(page.number, read)
        if footer is not None and number is not None:
            page = replace(page, lines=page.lines[:-1] + (replace(footer, text=f"— {number} —"),))
        fixed.append(page)
    return fixed


def _numbered_like_neighbours(number: int, read: dict[int, int]) -> int | None:
    before = [n for n in read if n < number]
    after = [n for n in read if n > number]
    offsets = {read[n] - n for n in (max(before, default=None), min(after, default=None)) if n is not None}
    return number + offsets.pop() if len(offsets) == 1 else None


def _footer(page: PdfPage) -> PdfLine | None:
    if not page.lines:
        return None
    line = page.lines[-1]
    text = "".join(line.text.split())
    centred = abs(line.x0 + line.x1 - page.width) <= 0.1 * page.width
    if line.top > FOOTER_BAND * page.height and centred and 0 < len(text) <= FOOTER_MAX_CHARS \
            and (FOOTER_MARK.search(text) or text.isdigit()):
        return line
    return None
