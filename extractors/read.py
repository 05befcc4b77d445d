"""Stage 1: read a source's bytes into text (text files) or pages of lines and tables (PDFs).

Text files: the encoding is detected, never assumed (UTF-8 with or without BOM, UTF-16 with or
without BOM, GB18030/GBK). PDFs: characters and their geometry come from pdfium (fast); only
pages that carry ruled graphics go through pdfplumber, whose `find_tables()` read row by row is
exact for the corpus tables (shared/corpus/README.md).
"""
from __future__ import annotations

import codecs
import ctypes
import re
import subprocess
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors import ocr
from extractors.html_sniff import looks_like_html
from schemas.errors import BadInputError, TransientSourceError
from schemas.records import PdfLine, PdfPage, PdfTable

BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Control characters a plain text never holds (tab, line and page breaks are allowed).
BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
SNIFF_BYTES = 8192
# BOM-less UTF-16: ASCII code units put their NUL byte on one side only.
UTF16_NUL_SIDE_SHARE = 0.9
# ... and there are many of them (newlines, digits); binary files have ~1/256 NUL bytes.
UTF16_MIN_NUL_SHARE = 0.02
# A GB18030 or BOM-less UTF-16 decoding mostly outside Han, ASCII and punctuation was a guess.
PLAUSIBLE_SHARE = 0.9

PDF_MAGIC = b"%PDF-"
PDF_EOF_MARK = b"%%EOF"
PDF_TAIL_BYTES = 2048
# Baselines closer than this share of the font size belong to one visual line.
SAME_LINE_SHARE = 0.3
# pdfium reports a hyphen that ends a line as U+0002.
PDFIUM_LINE_END_HYPHEN = "\x02"
# pdfium reports a run of spaces as one: a space followed by a gap this share of its own width
# stood for one more space (changping: "第一条  为贯彻"). It also drops a printed space where
# Chinese meets Latin ("给予 1000") and marks its own in its place, as it does for the 0.20–0.25
# em that LibreOffice sets between Chinese and Latin by itself: a gap from 0.255 em is a space,
# the threshold at which the corpus's gaps read as pdfplumber reads them, where dropping them all
# would lose real spaces. A gap wider than the font size is a tab stop (the
# gazette's TOC page numbers) and is read as "\t".
EXTRA_SPACE_SHARE = 0.7
SPACE_GAP_SIZES = 0.255
TAB_GAP_SIZES = 1.0


def decode_text(data: bytes, name: str) -> str:
    """Decode a text source, BOM removed; BadInputError (naming `name`) if it is not text."""
    text = _decode_detected(data, name) if data else ""
    if not text.strip():
        raise BadInputError(f"{name}: empty file ({len(data)} bytes, no text); "
                            f"re-export or re-download it")
    _check_is_text(text, name)
    return text


def iter_decoded(path: Path, name: str, block_bytes: int = 1 << 20):
    """Decode a text file block by block (for files too large to hold), the encoding detected
    from its head as `decode_text` does; BadInputError names the file and the byte offset."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES * 8)
        encoding, skip = _detect_encoding(head, name)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        offset, data = skip, head[skip:]
        while True:
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as err:
                raise BadInputError(f"{name}: invalid {encoding} near byte {offset + err.start}; "
                                    f"the file is damaged or mislabelled, convert it to UTF-8") from None
            if text:
                if offset == skip:  # the head, where a page shows itself
                    _refuse_html(text, name)
                if BINARY_CONTROL.search(text):
                    raise BadInputError(f"{name}: binary data, not text (control characters near byte "
                                        f"{offset}); check that this is the right file")
                yield text
            if not data:
                return
            offset += len(data)
            data = fh.read(block_bytes)


def _detect_encoding(head: bytes, name: str) -> tuple[str, int]:
    """(codec, BOM length) of a file from its first bytes."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    if not head.strip():
        raise BadInputError(f"{name}: empty file (no text); re-export or re-download it")
    if b"\x00" in head:
        encoding = _bomless_utf16(head[: len(head) // 2 * 2])
        if encoding is None:
            raise BadInputError(f"{name}: binary data, not text (NUL byte, not UTF-16); "
                                f"check that this is the right file")
        return encoding, 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    sample = codecs.getincrementaldecoder("gb18030")(errors="replace").decode(head, final=False)
    if not _plausible_chinese(sample):
        raise BadInputError(f"{name}: text encoding not detected (not UTF-8, UTF-16 or "
                            f"GB18030/GBK); convert the file to UTF-8")
    return "gb18030", 0


def _decode_detected(data: bytes, name: str) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict_decode(data[len(bom):], encoding, name)
    if b"\x00" in data:
        encoding = _bomless_utf16(data[:SNIFF_BYTES])
        text = _try_decode(data, encoding) if encoding else None
        if text is None or not _plausible_chinese(text):
            raise BadInputError(f"{name}: binary data, not text (NUL byte at offset "
                                f"{data.index(0)}, not UTF-16); check that this is the right file")
        return text
    text = _try_decode(data, "utf-8")
    if text is not None:
        return text
    text = _try_decode(data, "gb18030")
    if text is None or not _plausible_chinese(text):
        raise BadInputError(f"{name}: text encoding not detected (not UTF-8, UTF-16 or "
                            f"GB18030/GBK); convert the file to UTF-8")
    return text


def _strict_decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise BadInputError(f"{name}: invalid {encoding} at byte {err.start}; "
                            f"the file is damaged or mislabelled, convert it to UTF-8") from None


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _bomless_utf16(head: bytes) -> str | None:
    """utf-16-le/-be when NUL bytes sit on one side of the code units, else None."""
    if len(head) % 2:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if odd + even < UTF16_MIN_NUL_SHARE * len(head):
        return None
    if odd >= UTF16_NUL_SIDE_SHARE * (odd + even):
        return "utf-16-le"
    if even >= UTF16_NUL_SIDE_SHARE * (odd + even):
        return "utf-16-be"
    return None


def _plausible_chinese(text: str) -> bool:
    plausible = sum(1 for ch in text if _is_common_char(ch))
    return plausible >= PLAUSIBLE_SHARE * len(text)


def _is_common_char(ch: str) -> bool:
    cp = ord(ch)
    return (cp < 0x80 or 0x4E00 <= cp <= 0x9FFF or 0x3000 <= cp <= 0x303F
            or 0xFF00 <= cp <= 0xFFEF or 0x2000 <= cp <= 0x206F)


def _check_is_text(text: str, name: str) -> None:
    _refuse_html(text, name)
    control = BINARY_CONTROL.search(text)
    if control:
        raise BadInputError(f"{name}: binary data, not text (control character "
                            f"U+{ord(control.group()):04X} at character {control.start()}); "
                            f"check that this is the right file")


def _refuse_html(text: str, name: str) -> None:
    if looks_like_html(text):
        raise BadInputError(f"{name}: an HTML page saved as text; save the document's text "
                            f"(or the PDF) instead")


def read_pdf(path: str | Path) -> list[PdfPage]:
    """Read every page of a PDF; a scan (no text layer on any page) is read by OCR when
    Tesseract can run here. BadInputError for encrypted or damaged PDFs, and for scans without OCR."""
    path = Path(path)
    name = path.name
    document = _open_pdf(path, name)
    try:
        pages, ruled = [], []
        for index in range(len(document)):
            page = document[index]
            pages.append(_read_page(page, index + 1))
            if pages[-1].lines and _has_graphics(page):
                ruled.append(index + 1)
    finally:
        document.close()
    if not any(page.lines for page in pages):
        return _read_scan(path, name, len(pages))
    return _add_tables(path, pages, ruled) if ruled else pages


def _read_scan(path: Path, name: str, count: int) -> list[PdfPage]:
    """The pages of a PDF without a text layer, read by OCR (extractors/ocr.py)."""
    missing = ocr.tesseract_missing()
    if missing:
        # This machine's cause, not the file's: read once Tesseract is installed.
        raise TransientSourceError(f"{name}: no text layer on any of {count} pages (a scan), and OCR "
                                   f"cannot run: {missing}")
    try:
        pages = ocr.ocr_pdf(path)
    except subprocess.TimeoutExpired as err:
        raise TransientSourceError(f"{name}: a scan, and OCR failed ({err})") from None
    except subprocess.SubprocessError as err:
        raise BadInputError(f"{name}: a scan, and OCR failed ({err})") from None
    if not any(page.lines for page in pages):
        raise BadInputError(f"{name}: no text layer on any of {count} pages, and OCR found no text "
                            f"in them either")
    return pages


def _open_pdf(path: Path, name: str) -> pdfium.PdfDocument:
    with path.open("rb") as handle:
        head = handle.read(len(PDF_MAGIC))
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - PDF_TAIL_BYTES))
        tail = handle.read()
    if head != PDF_MAGIC:
        raise BadInputError(f"{name}: not a PDF (it does not start with %PDF-)")
    if PDF_EOF_MARK not in tail:
        raise BadInputError(f"{name}: truncated PDF (no %%EOF at the end, {size} bytes); "
                            f"download it again")
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as err:
        if getattr(err, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise BadInputError(f"{name}: encrypted PDF (a password is needed to open it); "
                                f"ask for an unprotected copy") from None
        raise BadInputError(f"{name}: damaged PDF, cannot be opened ({err})") from None


def _has_graphics(page: pdfium.PdfPage) -> bool:
    """True if the page draws paths (table rules, pictures): only those can hold a table."""
    return any(obj.type == pdfium_c.FPDF_PAGEOBJ_PATH for obj in page.get_objects())


def _read_page(page: pdfium.PdfPage, number: int) -> PdfPage:
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        chars = _page_chars(textpage, height)
        lines = tuple(_line(textpage, group) for group in _group_lines(chars)
                      if not all(c[1].isspace() for c in group))
    finally:
        textpage.close()
    return PdfPage(number=number, width=page.get_width(), height=height, lines=lines)


def _page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[tuple]:
    """(index, char, x0, x1, baseline, size) of every printed character, top-left coordinates."""
    handle = textpage.raw
    box = pdfium_c.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    chars = []
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(handle, i):
            continue
        ch = chr(pdfium_c.FPDFText_GetUnicode(handle, i))
        if ch == PDFIUM_LINE_END_HYPHEN:
            ch = "-"
        if ch in "\r\n" or unicodedata.category(ch) == "Cs":
            continue
        pdfium_c.FPDFText_GetLooseCharBox(handle, i, box)
        pdfium_c.FPDFText_GetCharOrigin(handle, i, x, y)
        chars.append((i, ch, box.left, box.right, height - y.value,
                      pdfium_c.FPDFText_GetFontSize(handle, i)))
    return chars


def _group_lines(chars: list[tuple]) -> list[list[tuple]]:
    """Cluster characters into visual lines by baseline, each sorted left to right."""
    lines: list[list[tuple]] = []
    for char in sorted(chars, key=lambda c: (c[4], c[2])):
        if lines and char[4] - lines[-1][0][4] <= SAME_LINE_SHARE * char[5]:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c[2]) for line in lines]


def _line(textpage: pdfium.PdfTextPage, chars: list[tuple]) -> PdfLine:
    printed = [c for c in chars if not c[1].isspace()]
    first = printed[0]
    baseline = first[4]
    return PdfLine(
        text=_line_text(chars),
        x0=first[2],
        x1=max(c[3] for c in printed),
        top=baseline - first[5],
        bottom=baseline,
        size=first[5],
        font=_font_name(textpage, first[0]),
    )


def _line_text(chars: list[tuple]) -> str:
    """The line's characters with the spaces pdfium merged and the tab stops put back."""
    text = [chars[0][1]]
    for (_, ch, x0, x1, _, size), following in zip(chars, chars[1:]):
        gap = following[2] - x1
        if ch == " " and x1 > x0:
            text.append(" " * int(gap / (x1 - x0) + (1 - EXTRA_SPACE_SHARE)))
        elif following[1] != " " and gap > TAB_GAP_SIZES * size:
            text.append("\t")
        elif following[1] != " " and gap >= SPACE_GAP_SIZES * size:
            text.append(" ")
        text.append(following[1])
    return "".join(text)


def _font_name(textpage: pdfium.PdfTextPage, index: int) -> str:
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    length = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, len(buffer), flags)
    name = buffer.raw[: max(0, length - 1)].decode("utf-8", "replace")
    return name.split("+", 1)[-1]


def _add_tables(path: Path, pages: list[PdfPage], numbers: list[int]) -> list[PdfPage]:
    """Read the ruled tables of the given pages and drop the lines that lie inside them."""
    import pdfplumber  # here: only ruled pages need it, and the flow's process should not load it

    pages = list(pages)
    with pdfplumber.open(path) as pdf:
        for number in numbers:
            found = pdf.pages[number - 1].find_tables()
            if not found:
                continue
            tables = tuple(_table(table) for table in found)
            page = pages[number - 1]
            lines = tuple(line for line in page.lines if not _inside_any(line, tables))
            pages[number - 1] = PdfPage(page.number, page.width, page.height, lines, tables)
    return pages


def _table(table) -> PdfTable:
    x0, top, x1, bottom = table.bbox
    rows = tuple(tuple(cell or "" for cell in row) for row in table.extract())
    return PdfTable(x0=x0, x1=x1, top=top, bottom=bottom, rows=rows)


def _inside_any(line: PdfLine, tables: tuple[PdfTable, ...]) -> bool:
    middle = (line.top + line.bottom) / 2
    return any(t.top <= middle <= t.bottom and t.x0 <= line.x0 <= t.x1 for t in tables)
