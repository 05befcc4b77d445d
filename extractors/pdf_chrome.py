"""Page chrome of a PDF: running headers, footers and page numbers, found across the pages.

A line (or a one-row table: a header set in a box) is chrome when it sits among the first or
last lines of a page, in the top or bottom band, and either
- it is a page number by its form (`- 3 -`, `— 74 —`, `第3页 共10页`, `3/10`, a lone number) or a
  gazette's running header (`北京市人民政府公报 2025年第27期`), or
- the same line, digits folded, at the same height and size, recurs on many pages: a document's
  title or a gazette's name and issue repeated as a running header, with or without a page number
  beside it, on the left of odd pages and the right of even pages or the reverse, or
- it is a header in small print repeating words the document prints in larger type: its title,
  on a text too short for the header to recur.
A title printed at the top of the first page differs from a running header of the same words by
its size and height, so it stays.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import regex

from schemas.records import PdfLine, PdfPage, PdfTable

HEADER_BAND = 0.12
FOOTER_BAND = 0.85
# How many lines at each edge of a page are looked at: a header and a line under it.
EDGE_LINES = 2
# A folded line is a running header or footer when it recurs on this share of the pages (and on
# two at least): odd and even pages may each carry their own.
REPEAT_SHARE = 0.3
REPEAT_MIN_PAGES = 2
# Positions are compared in steps of this many points, font sizes in half points.
POSITION_STEP = 3.0
# A gazette's name and issue, `北京市人民政府公报  2025年第27期`, mirrored on even pages.
RUNNING_HEADER = regex.compile(
    r"^(?:\p{Han}{2,24}\s*\d{4}\s*年\s*第\s*\d+\s*[期号]|\d{4}\s*年\s*第\s*\d+\s*[期号]\s*\p{Han}{2,24})$")
# A header that repeats the document's title in smaller type: compared from this length on, with
# titles set on up to this many lines.
TITLE_MIN_CHARS = 6
HEADING_LINES = 4
# `— 74 —` (gazette), `- 3 -` (changping draft), `第 3 页`, `第三页`, `第3页 共10页`, `共10页 第3页`, `3/10`,
# `Page 3 of 10`, a lone number.
PAGE_NUMBER = regex.compile(
    r"""^(?:[—–－-]\s*\d{1,4}\s*[—–－-]
        |第\s*[一二三四五六七八九十百]{1,4}\s*页
        |第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?
        |共\s*\d{1,4}\s*页\s*[,，/／]?\s*第\s*\d{1,4}\s*页
        |\d{1,4}\s*[/／]\s*\d{1,4}
        |(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?
        |\d{1,4})$""",
    regex.VERBOSE,
)
PARTS = regex.compile(r"\s+")
DIGITS = regex.compile(r"\d+")


@dataclass(frozen=True)
class EdgeItem:
    """A line or a one-row table at the top or bottom edge of a page."""
    page: int
    zone: str               # "top" or "bottom"
    item: PdfLine | PdfTable
    text: str
    position: float         # distance from its page edge, in points
    size: float


def without_page_chrome(pages: Sequence[PdfPage]) -> list[PdfPage]:
    """The pages with their running headers, footers and page numbers left out."""
    edges = [edge for page in pages for edge in edge_items(page)]
    repeated = repeated_keys(edges, len(pages))
    headings = printed_headings(pages)
    chrome = {(edge.page, id(edge.item)) for edge in edges
              if is_page_furniture(edge) or chrome_key(edge) in repeated
              or repeats_a_heading(edge, headings)}
    return [replace(page,
                    lines=tuple(line for line in page.lines if (page.number, id(line)) not in chrome),
                    tables=tuple(table for table in page.tables if (page.number, id(table)) not in chrome))
            for page in pages]


def edge_items(page: PdfPage) -> list[EdgeItem]:
    """The first and last few lines and one-row tables of a page, if they lie in its bands."""
    items = sorted([(line.top, line.bottom, line, line.text, line.size) for line in page.lines]
                   + [(t.top, t.bottom, t, "  ".join(cell.strip() for cell in t.rows[0]), _table_size(t))
                      for t in page.tables if len(t.rows) == 1],
                   key=lambda item: item[0])
    edges = []
    for top, _bottom, item, text, size in items[:EDGE_LINES]:
        if top < HEADER_BAND * page.height and text.strip():
            edges.append(EdgeItem(page.number, "top", item, text, top, size))
    for top, bottom, item, text, size in items[-EDGE_LINES:]:
        if top > FOOTER_BAND * page.height and text.strip() and all(e.item is not item for e in edges):
            edges.append(EdgeItem(page.number, "bottom", item, text, page.height - bottom, size))
    return edges


def _table_size(table: PdfTable) -> float:
    """A one-row table has no font size of its own: its height stands in for it."""
    return table.bottom - table.top


def is_page_furniture(edge: EdgeItem) -> bool:
    """A page number, or a gazette's name and issue at the top, known by its form alone."""
    parts = [part for part in PARTS.split(edge.text.strip()) if part]
    if edge.zone == "top" and RUNNING_HEADER.match(" ".join(p for p in parts if not PAGE_NUMBER.match(p))):
        return True
    return bool(parts) and bool(PAGE_NUMBER.match(" ".join(parts)))


def printed_headings(pages: Sequence[PdfPage]) -> dict[str, float]:
    """The words of every run of up to HEADING_LINES consecutive lines of one size (a title
    set on several lines), whitespace removed, with that size."""
    headings: dict[str, float] = {}
    for page in pages:
        lines = page.lines
        for i in range(len(lines)):
            words = ""
            for line in lines[i:i + HEADING_LINES]:
                if line.size != lines[i].size:
                    break
                words += "".join(line.text.split())
                if len(words) >= TITLE_MIN_CHARS:
                    headings[words] = max(headings.get(words, 0.0), line.size)
    return headings


def repeats_a_heading(edge: EdgeItem, headings: dict[str, float]) -> bool:
    """A header line in small print whose words the document prints in larger type (its title
    as running header), caught where too few pages carry it to recur: a text of one or two pages."""
    if edge.zone != "top" or not isinstance(edge.item, PdfLine):
        return False
    return headings.get("".join(edge.text.split()), 0.0) > edge.size + 1


def fold(text: str) -> str:
    """A header's words with the page number left out and other digits folded, in a fixed order,
    so that `政策文件汇编 2026年第3期  5` and `6  政策文件汇编 2026年第3期` fold alike."""
    parts = [part for part in PARTS.split(text.strip()) if part and not PAGE_NUMBER.match(part)]
    return " ".join(sorted(DIGITS.sub("#", part) for part in parts))


def chrome_key(edge: EdgeItem) -> tuple | None:
    folded = fold(edge.text)
    if not folded:
        return None
    return (edge.zone, folded, round(edge.position / POSITION_STEP), round(edge.size * 2))


def repeated_keys(edges: list[EdgeItem], page_count: int) -> set[tuple]:
    """Keys of the edge lines that recur on enough pages to be running headers or footers."""
    pages_of = Counter()
    for key in {(edge.page, chrome_key(edge)) for edge in edges}:
        if key[1] is not None:
            pages_of[key[1]] += 1
    needed = max(REPEAT_MIN_PAGES, math.ceil(REPEAT_SHARE * page_count))
    return {key for key, count in pages_of.items() if count >= needed}
