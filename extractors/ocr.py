"""Stage 1, scans: the pages of a PDF without a text layer read by OCR (Tesseract, chi_sim).

Each page is rendered with pdfium (200 dpi, grey) and piped to `tesseract stdin stdout -l chi_sim
--psm 6 tsv` (no files written); pages are read `OCR_JOBS` at a time, each Tesseract on one
thread. Tesseract's line boxes become the `PdfPage` lines that `clean.clean_pdf_pages` reads:
a line's box is its ink, in points; its `size` is the box's height (its word boxes are no guide
for Chinese: one may span its neighbours), its baseline lies 0.86 em below its top; `font` is
"OCR" on every line. `extractors.ocr_layout` then gives the whole document the regular geometry
of print, so running headers, page numbers and paragraphs are found by the same rules as in a
text PDF.

Punctuation is put back where OCR confuses it: 文号 brackets (`【2025]`, `[2025]`, `(2025]`
→ 〔2025〕), `〈` → （, a dash read as 一 between figures (`3096一2008`), 第27其 → 第27期, a
closing bracket of the other width than its opening one. Full- and half-width `,:;` cannot be
told apart in the image and are left as Tesseract reads them (it reads `：` and `；` as `:` `;`).
Tables are read line by line across their cells (no ruling is found in an image).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import regex

from extractors.ocr_layout import BASELINE_EM, settle_layout
from schemas.records import PdfLine, PdfPage

OCR_DPI = 200
OCR_LANGUAGE = "chi_sim"
# psm 6 (one block of text) keeps a mirrored running header on one line; psm 3 splits it.
OCR_PAGE_MODE = "6"
OCR_JOBS = max(1, min(os.cpu_count() or 1, 4))
OCR_PAGE_TIMEOUT_S = 120
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
OCR_FONT = "OCR"
# The source warning of a scan: its text is a reading, and two readings of one page may differ
# where no text changed (extractors/diff/family.py: renditions are then told by similarity).
READ_BY_OCR = "read by OCR: characters may be misread"

FULL_WIDTH = regex.compile(r"[\p{Han}\u3000-\u303f\uff00-\uffef“”‘’—…]")
# Room between a word's end and the next word's start, in em: a printed space, a tab stop.
SPACE_GAP_EM, HAN_SPACE_GAP_EM, TAB_GAP_EM, LATIN_SPACE_EM = 0.5, 0.8, 2.0, 0.2
# Measured on the corpus scan against the text PDF: a Chinese line's box is 0.92–1.06 of the
# font size high (median 1.0).
INK_HEIGHT_EM = 1.0

DOC_NUMBER_BRACKETS = regex.compile(
    r"(?:(?P<org>\p{Han}{1,12})|^)\s*[【\[(（〔［]\s*(?P<year>(?:19|20)\d{2})\s*[】\]）)〕］][j|]?\s*(?P<no>第?\s*\d{1,4}\s*(?:号|$))")
# 第27其: 其 is never a counter after 第 and a number; it is a misread 期.
ISSUE_COUNTER = regex.compile(r"(第\s*\d{1,4}\s*)其")
FIGURE_DASH = regex.compile(r"(?<=[\d年])\s*一\s*(?=\d)")
BRACKET_PAIRS = {"(": ")", "（": "）"}
MISREAD_OPEN = str.maketrans({"〈": "（", "〉": "）"})


def tesseract_missing() -> str | None:
    """Why OCR cannot run here (no tesseract, or no chi_sim model), or None when it can."""
    binary = shutil.which("tesseract")
    if binary is None:
        return f"Tesseract is not installed ({INSTALL_HINT})"
    if OCR_LANGUAGE not in _languages(binary):
        return f"Tesseract has no Simplified Chinese model ({INSTALL_HINT})"
    return None


@lru_cache(maxsize=4)
def _languages(binary: str) -> frozenset[str]:
    result = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    return frozenset(line.strip() for line in result.stdout.splitlines()[1:])


def read_by_ocr(pages: list[PdfPage]) -> bool:
    return any(line.font == OCR_FONT for page in pages for line in page.lines)


def ocr_pdf(path: str | Path, jobs: int = OCR_JOBS) -> list[PdfPage]:
    """Every page of a scanned PDF read by OCR, laid out like a text PDF's pages."""
    document = pdfium.PdfDocument(path)
    try:
        sizes = [(document[i].get_width(), document[i].get_height()) for i in range(len(document))]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            # pdfium is not thread-safe: pages are rendered here, one at a time, as OCR goes.
            pending, tsvs = [], []
            for index in range(len(document)):
                pending.append(pool.submit(run_tesseract, render_page(document[index])))
                if len(pending) > jobs:
                    tsvs.append(pending.pop(0).result())
            tsvs += [future.result() for future in pending]
    finally:
        document.close()
    scale = OCR_DPI / 72
    pages = [page_from_tsv(tsv, i + 1, w, h, scale) for i, (tsv, (w, h)) in enumerate(zip(tsvs, sizes))]
    return settle_layout(pages)


def render_page(page: pdfium.PdfPage) -> bytes:
    image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def run_tesseract(png: bytes) -> str:
    """Tesseract's TSV for one page image (single-threaded: pages run side by side instead)."""
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", OCR_LANGUAGE, "--psm", OCR_PAGE_MODE, "tsv"],
        input=png, capture_output=True, timeout=OCR_PAGE_TIMEOUT_S, check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return result.stdout.decode("utf-8")


@dataclass(frozen=True)
class _Word:
    text: str
    left: float
    right: float
    top: float
    bottom: float

    @property
    def ems(self) -> float:
        return sum(1.0 if FULL_WIDTH.match(ch) else 0.5 for ch in self.text)


def page_from_tsv(tsv: str, number: int, width: float, height: float, scale: float) -> PdfPage:
    """A page's lines from Tesseract's TSV (pixel boxes at `scale` px per point)."""
    boxes: dict[tuple, tuple[float, ...]] = {}
    words: dict[tuple, list[_Word]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        left, top, w, h = (int(c) / scale for c in cells[6:10])
        if cells[0] == "4":
            boxes[tuple(cells[1:5])] = (left, top, left + w, top + h)
        elif cells[0] == "5" and cells[11].strip():
            words.setdefault(tuple(cells[1:5]), []).append(
                _Word(cells[11].strip(), left, left + w, top, top + h))
    built = [_line(boxes[key], sorted(found, key=lambda w: w.left)) for key, found in words.items()]
    return PdfPage(number, width, height, tuple(sorted(built, key=lambda line: line.bottom)))


def _line(box: tuple[float, ...], words: list[_Word]) -> PdfLine:
    """A line from Tesseract's line box (tight and steady, unlike its word boxes for Chinese):
    its height is the size, and the baseline lies BASELINE_EM below its top."""
    x0, top, x1, bottom = box
    size = (bottom - top) / INK_HEIGHT_EM
    return PdfLine(text=_line_text(words, size), x0=x0, x1=x1, top=top,
                   bottom=top + BASELINE_EM * size, size=size, font=OCR_FONT)


def _line_text(words: list[_Word], pitch: float) -> str:
    """Words joined by what the room between them held: nothing, a space, or a tab stop.
    Between Latin words the ink gap counts; where Chinese is involved the distance from word
    start to word start (Chinese ink may start anywhere in its em box)."""
    parts = [words[0].text]
    for before, after in zip(words, words[1:]):
        gap = (after.left - before.left) / pitch - before.ems
        latin = before.text[-1].isascii() and after.text[0].isascii()
        if gap >= TAB_GAP_EM:
            parts.append("\t")
        elif latin and after.left - before.right >= LATIN_SPACE_EM * pitch:
            parts.append(" ")
        elif not latin and gap >= (SPACE_GAP_EM if before.text[-1].isascii() or after.text[0].isascii()
                                   else HAN_SPACE_GAP_EM):
            parts.append(" ")
        parts.append(after.text)
    return normalise_punctuation("".join(parts))


def normalise_punctuation(text: str) -> str:
    """Put back the punctuation OCR misreads in a line of Chinese print (see module doc)."""
    text = DOC_NUMBER_BRACKETS.sub(lambda m: f"{m['org'] or ''}〔{m['year']}〕{m['no']}", text)
    text = FIGURE_DASH.sub("—", text.translate(MISREAD_OPEN))
    text = ISSUE_COUNTER.sub(r"\1期", text)
    return _match_bracket_widths(text)


def _match_bracket_widths(text: str) -> str:
    """A ( closed by ） or a （ closed by ) takes the opening bracket's width; a 《 closed by a
    bracket, with no 》 between, was a （."""
    chars, opened = list(text), []
    for i, ch in enumerate(chars):
        if ch in BRACKET_PAIRS or ch == "《":
            opened.append(i)
        elif ch == "》" and opened and chars[opened[-1]] == "《":
            opened.pop()
        elif ch in ")）" and opened:
            start = opened.pop()
            if chars[start] == "《":
                chars[start] = "（" if ch == "）" else "("
            chars[i] = BRACKET_PAIRS[chars[start]]
    return "".join(chars)
