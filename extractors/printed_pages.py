"""The page numbers a PDF prints on its pages (`— 74 —`, `- 3 -`, `第3页`, a lone 3), read from
the footers and headers the page chrome leaves out (extractors/pdf_chrome.py).

A gazette's offprint continues the issue's numbering (jjgf-2025-9.pdf's pages 1–11 print 74–84),
so the printed page, not the PDF's own index, is the page an analyst cites. A run of printed
numbers is trusted when (nearly) every numbered page agrees on one offset from the PDF's index;
a page before or after the run without a number (a cover) has none, one inside it is of the run.
"""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import regex

from extractors.numerals import chinese_to_int
from extractors.pdf_chrome import PAGE_NUMBER, PARTS, edge_items
from extractors.textnorm import normalize_for_compare
from schemas.records import DocumentPages, PageNumbering, PdfPage

# The page's own number in each form PAGE_NUMBER knows: the number of its `第…页`, else its first
# number (`3/10`, `Page 3 of 10`).
PAGE_OF_FORM = regex.compile(r"第\s*(\d{1,4}|[一二三四五六七八九十百]{1,4})\s*页")
FIRST_NUMBER = regex.compile(r"\d{1,4}")
# A run is trusted when this share of its numbered pages agree: the scan of 第27期 reads page
# 44's `— 44 —` as `— 4 —`, one page in 78.
TRUSTED_SHARE = 0.9


def page_numbering(pages: Sequence[PdfPage]) -> PageNumbering:
    """Each page's printed number (None before or after the run), or the PDF's index for every page
    when it prints none or an inconsistent run, with a warning saying which pages disagree. A
    run whose pages nearly all agree is trusted, the few that disagree (misread) taking its number."""
    candidates = [printed_candidates(page) for page in pages]
    offsets = Counter(offset for page, found in zip(pages, candidates)
                      for offset in {n - page.number for n in found})
    index = tuple(page.number for page in pages)
    if not offsets:
        return PageNumbering(numbers=index, source="pdf_index")
    offset, agreeing = offsets.most_common(1)[0]
    disagreeing = [f"{page.number} ({found[0]})" for page, found in zip(pages, candidates)
                   if found and page.number + offset not in found]
    if agreeing < TRUSTED_SHARE * (agreeing + len(disagreeing)):
        return PageNumbering(numbers=index, source="pdf_index", warning=(
            f"printed page numbers not trusted: pages {', '.join(disagreeing)} do not follow the run "
            f"the other pages print; pages are the PDF's own"))
    warning = (f"printed page numbers: pages {', '.join(disagreeing)} do not follow the run the other pages "
               f"print; they take its numbers") if disagreeing else None
    numbered = [i for i, found in enumerate(candidates) if found]
    # A page inside the run whose number was not read (the scan of 第27期 loses 4 footers of 79)
    # is of the run; a page before or after it (a cover, back matter) has none.
    return PageNumbering(numbers=tuple(page.number + offset if numbered[0] <= i <= numbered[-1] else None
                                       for i, page in enumerate(pages)),
                         source="footer", warning=warning)


def printed_candidates(page: PdfPage) -> list[int]:
    """The numbers the page's footer and header lines print as page numbers, footer first."""
    edges = sorted(edge_items(page), key=lambda edge: edge.zone != "bottom")
    found = []
    for edge in edges:
        parts = [part for part in PARTS.split(edge.text.strip()) if part]
        whole = " ".join(parts)
        for text in [whole] if PAGE_NUMBER.match(whole) else [p for p in parts if PAGE_NUMBER.match(p)]:
            number = number_of(text)
            if number is not None and number not in found:
                found.append(number)
    return found


def number_of(page_number: str) -> int | None:
    """The page's own number in a page-number line: 74 in `— 74 —`, 3 in `第三页`."""
    m = PAGE_OF_FORM.search(page_number) or FIRST_NUMBER.search(page_number)
    if not m:
        return None
    digits = m.group(m.lastindex or 0)
    return int(digits) if digits.isdigit() else chinese_to_int(digits)


def carried_pages(pages: DocumentPages, from_text: str, to_text: str) -> DocumentPages | None:
    """A rendition's pages carried to another rendition of the same text (a PDF's to the text
    file): their characters other than whitespace agree one for one once width is folded, so a
    page begins where the same count of them has gone by. None when the texts are not one text."""
    if normalize_for_compare(from_text) != normalize_for_compare(to_text):
        return None
    printed_before = list(itertools.accumulate((not ch.isspace() for ch in from_text), initial=0))
    printed_at = [i for i, ch in enumerate(to_text) if not ch.isspace()] + [len(to_text)]
    return replace(pages, offsets=tuple(0 if i == 0 else printed_at[printed_before[offset]]
                                        for i, offset in enumerate(pages.offsets)))
