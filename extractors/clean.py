"""Stage 2: turn a decoded text or a PDF's pages into clean text, one paragraph per line.

The clean format (the splitter and the segmenter rely on it):
- paragraphs joined by "\\n", no blank lines, each paragraph stripped of surrounding spaces;
- old line wraps inside a paragraph joined: "" between CJK, " " between Latin words/digits;
- a table row is one line, its cells stripped and joined by "\\t" (empty cells kept, so a row
  under a vertically merged cell starts with "\\t");
- markup residue (`**`, `[bookmark: …]`, autolink `<…>`) removed, everything else as printed;
- a body paragraph cut in two by an old page break is joined again (`heal_page_breaks`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import regex

from extractors.issue import DOC_NUMBER
from extractors.pdf_chrome import without_page_chrome
from extractors.pdf_layout import Layout, cuts_doc_number, page_layouts
from extractors.printed_pages import page_numbering
from extractors.web_chrome import without_web_chrome
from schemas.records import CleanText, PdfLine, PdfPage

BOOKMARK = regex.compile(r"\[bookmark: [^\]\n]*\]")
AUTOLINK = regex.compile(r"<((?:https?|ftp)://[^<>\s]+)>")
EMPHASIS = "**"

# Share of (non-table) lines followed by a blank line above which blank lines separate paragraphs
# (the gazette, jjgf) rather than being stray (changping, yizhuang: one paragraph per line).
BLOCK_STYLE_MIN_SHARE = 0.75

TERMINAL_PUNCT = "。；;：:！？!?…）)"
NUMBER_CN = r"[一二三四五六七八九十百零〇两]+"
# A paragraph starting like this is a heading or a list item, never the second half of a
# paragraph cut at a page break.
PARAGRAPH_MARKER = regex.compile(
    rf"""^(?:第{NUMBER_CN}[编章节条款]
        |{NUMBER_CN}、
        |[（(](?:{NUMBER_CN}|\d{{1,2}})[）)]
        |\d{{1,2}}[.．、](?!\d)
        |附件
        |-\s)""",
    regex.VERBOSE,
)
ARTICLE_MARKER = regex.compile(rf"^第{NUMBER_CN}条")
# In-sentence punctuation: titles, headings and signature lines do not carry it, body text does.
SENTENCE_PUNCT = regex.compile(r"[。，,、；;]")
# Shorter paragraphs are headings such as "(一) 实施雁阵领航行动,打造产业集群战略高地" (23).
BODY_MIN_CHARS = 24
# An old line wrap between these was a space: Latin words, numbers, and the punctuation
# around them (not a hyphen or a dash, which wrap without one).
LATIN_WRAP_LEFT = frozenset(chr(c) for c in range(0x21, 0x7F)) - set("-([{<") | set("”’")
LATIN_WRAP_RIGHT = frozenset(chr(c) for c in range(0x21, 0x7F)) - set("-)]}>,.;:!?") | set("“‘")
HAN = regex.compile(r"\p{Han}")


def clean_text_source(text: str, blank_line_paragraphs: bool | None = None) -> CleanText:
    """Clean a decoded text file: paragraph style detected (unless given: a file read in parts
    keeps the style of its first part), markup removed, a web page's chrome at the head and
    tail left out (`extractors.web_chrome`), page breaks healed."""
    lines = [line.rstrip() for line in strip_markup(text).splitlines()]
    if blank_line_paragraphs is None:
        blank_line_paragraphs = uses_blank_line_paragraphs(lines)
    if blank_line_paragraphs:
        paragraphs = paragraphs_from_blocks(lines)
    else:
        paragraphs = [clean_line(line) for line in lines if line.strip()]
    return CleanText(text="\n".join(heal_page_breaks(without_web_chrome(paragraphs))))


def strip_markup(text: str) -> str:
    """Remove the residue of the DOCX/Markdown conversions the seed texts went through."""
    text = BOOKMARK.sub("", text).replace(EMPHASIS, "")
    return AUTOLINK.sub(r"\1", text)


def uses_blank_line_paragraphs(lines: list[str]) -> bool:
    """True when blank lines separate paragraphs, so a block's inner line breaks are old wraps."""
    followed_by_blank = counted = 0
    for i, line in enumerate(lines):
        if not line.strip() or "\t" in line:
            continue
        counted += 1
        if i + 1 == len(lines) or not lines[i + 1].strip():
            followed_by_blank += 1
    return counted > 0 and followed_by_blank / counted >= BLOCK_STYLE_MIN_SHARE


def paragraphs_from_blocks(lines: list[str]) -> list[str]:
    """Join the lines of each blank-line-separated block, except table rows and list items."""
    paragraphs: list[str] = []
    open_paragraph = False
    for line in lines:
        if not line.strip():
            open_paragraph = False
            continue
        if "\t" in line or not open_paragraph or PARAGRAPH_MARKER.match(line.strip()):
            paragraphs.append(clean_line(line))
        else:
            paragraphs[-1] = join_wrapped(paragraphs[-1], line.strip())
        open_paragraph = "\t" not in line
    return paragraphs


def clean_line(line: str) -> str:
    """Strip a paragraph line; a table row keeps its cell structure with cells stripped."""
    if "\t" in line:
        return "\t".join(cell.strip() for cell in line.strip("\n\r ").split("\t"))
    return line.strip()


def join_wrapped(left: str, right: str) -> str:
    """Join two pieces of one paragraph: a space only between two Latin words or numbers."""
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if a in LATIN_WRAP_LEFT and b in LATIN_WRAP_RIGHT:
        return f"{left} {right}"
    return left + right


def heal_page_breaks(paragraphs: list[str]) -> list[str]:
    """Join a body paragraph cut by an old page break with its second half."""
    return ["".join(join_all([paragraphs[i] for i in group]))
            for group in page_break_groups(paragraphs)]


def page_break_groups(paragraphs: list[str]) -> list[list[int]]:
    """Indices of the paragraphs to join into one, in order (see `is_cut_at_page_break`)."""
    groups: list[list[int]] = []
    text = ""
    for i, paragraph in enumerate(paragraphs):
        if groups and is_cut_at_page_break(text, paragraph):
            groups[-1].append(i)
            text = join_wrapped(text, paragraph)
        else:
            groups.append([i])
            text = paragraph
    return groups


def join_all(pieces: list[str], join=join_wrapped) -> list[str]:
    """The pieces of one paragraph, each after the first led by the separator `join` puts."""
    joined = [pieces[0]]
    text = pieces[0]
    for piece in pieces[1:]:
        glued = join(text, piece)
        joined.append(glued[len(text):])
        text = glued
    return joined


def is_cut_at_page_break(first: str, second: str) -> bool:
    """True if `first` is body text ending mid-sentence and `second` is not a heading or item."""
    if "\t" in first or "\t" in second or first.endswith(tuple(TERMINAL_PUNCT)):
        return False
    # A 文号 line starts a paragraph of its own: under the long title of
    # notice-gov-office-abandoned-chemical-weapons-1996 (国务院办公厅、中央军委办公厅关于…的通知).
    if PARAGRAPH_MARKER.match(second) or DOC_NUMBER.fullmatch(second.strip()):
        return False
    if len(first) < BODY_MIN_CHARS or not HAN.search(first):
        return False
    return bool(SENTENCE_PUNCT.search(first)) or bool(ARTICLE_MARKER.match(first))


# --- PDFs -------------------------------------------------------------------------------------

# Line pitch, in font sizes, up to which a full line flows into the next one on the same page.
BODY_PITCH_MAX = 2.2
# Lines of one style closer than 1.5 size + 2.5 pt are one paragraph set with manual line
# breaks: titles at 22 pt/34 pt, TOC entries at 14 pt/23 pt, English TOC at 11.5 pt/16 pt, whereas
# separate paragraphs are 46, 31 and 23 pt apart, body lines 27–28 pt and the changping title 36.
TIGHT_PITCH_SIZES, TIGHT_PITCH_POINTS = 1.5, 2.5
LIST_ITEM = regex.compile(r"^-\s")
# Spaces around a paragraph are dropped; tabs are not: they keep a table row's empty cells.
PRINTED_SPACES = " \u3000"


@dataclass(frozen=True)
class TableRow:
    """One row of a PDF table, placed on its page by the table's top."""
    top: float
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\t".join("".join(join_all([p.strip() for p in cell.split("\n") if p.strip()] or [""]))
                         for cell in self.cells)


PageItem = PdfLine | TableRow


def clean_pdf_pages(pages: Sequence[PdfPage]) -> CleanText:
    """Clean a PDF's pages: headers and page numbers removed, paragraphs rebuilt from geometry.

    `page_starts[i]` is where page i+1's text begins (the end of the text for an empty page),
    `numbering` the number each page prints in the chrome left out.
    """
    bodies = [page_body(page) for page in without_page_chrome(pages)]
    layouts = page_layouts(bodies)
    paragraphs: list[list[tuple[int, str]]] = []
    previous: PageItem | None = None
    before = layouts[0] if layouts else None
    for page, body, layout in zip(pages, bodies, layouts):
        for position, item in enumerate(body):
            piece = (page.number, item.text)
            if continues(previous, item, (before, layout), new_page=position == 0):
                paragraphs[-1].append(piece)
            else:
                paragraphs.append([piece])
            previous, before = item, layout
    return replace(assemble(paragraphs, len(pages)), numbering=page_numbering(pages))


def page_body(page: PdfPage) -> list[PageItem]:
    """The page's lines and table rows top to bottom."""
    rows = [TableRow(table.top + i * 1e-3, row) for table in page.tables for i, row in enumerate(table.rows)]
    return sorted((item for item in list(page.lines) + rows if item.text.strip()), key=lambda item: item.top)


def continues(previous: PageItem | None, line: PageItem, layouts: tuple[Layout, Layout],
              new_page: bool) -> bool:
    """True if `line` goes on the paragraph that `previous` belongs to; `layouts` are the text
    blocks of their pages."""
    if not isinstance(previous, PdfLine) or not isinstance(line, PdfLine):
        return False
    if abs(previous.size - line.size) > 0.5 or LIST_ITEM.match(line.text.strip()):
        return False
    if cuts_doc_number(previous.text, line.text):
        return True
    before, after = layouts[0].alignment(previous), layouts[1].alignment(line)
    full = layouts[0].is_full(previous)
    gap = line.bottom - previous.bottom
    if before in ("left", "indent") and after == "left" and full:
        return new_page or gap <= BODY_PITCH_MAX * line.size
    tight = 0 < gap <= TIGHT_PITCH_SIZES * line.size + TIGHT_PITCH_POINTS
    same_look = previous.font == line.font and (before == after or full)
    return not new_page and tight and same_look and after in ("left", "centre")


def join_printed(left: str, right: str) -> str:
    """Join two printed lines: a space printed at the break is kept, else `join_wrapped`."""
    if left[-1:].isspace() or right[:1].isspace():
        return left + right
    return join_wrapped(left, right)


def assemble(paragraphs: list[list[tuple[int, str]]], page_count: int) -> CleanText:
    """Join pieces into paragraphs, heal page-break cuts, and note where each page begins."""
    paragraphs = [stripped_ends(pieces) for pieces in paragraphs]
    texts = ["".join(join_all([text for _, text in pieces], join_printed)) for pieces in paragraphs]
    page_starts: dict[int, int] = {}
    lines: list[str] = []
    offset = 0
    for group in page_break_groups(texts):
        pieces = [piece for i in group for piece in paragraphs[i]]
        glued = join_all([text for _, text in pieces], join_printed)
        position = offset
        for (page, printed), text in zip(pieces, glued):
            page_starts.setdefault(page, position + len(text) - len(printed))
            position += len(text)
        lines.append("".join(glued))
        offset = position + 1
    text = "\n".join(lines)
    starts, following = [], len(text)
    for page in range(page_count, 0, -1):
        following = page_starts.get(page, following)
        starts.append(following)
    return CleanText(text=text, page_starts=tuple(reversed(starts)))


def stripped_ends(pieces: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A paragraph's pieces with the spaces before its first and after its last character gone."""
    pieces = list(pieces)
    pieces[0] = (pieces[0][0], pieces[0][1].lstrip(PRINTED_SPACES))
    pieces[-1] = (pieces[-1][0], pieces[-1][1].rstrip(PRINTED_SPACES))
    return pieces
