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

import regex

from extractors.textnorm import is_cjk
from schemas.records import CleanText

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
LINE_DASHES = "-‐‑–—"


def clean_text_source(text: str) -> CleanText:
    """Clean a decoded text file: paragraph style detected, markup removed, page breaks healed."""
    lines = [line.rstrip() for line in strip_markup(text).splitlines()]
    if uses_blank_line_paragraphs(lines):
        paragraphs = paragraphs_from_blocks(lines)
    else:
        paragraphs = [clean_line(line) for line in lines if line.strip()]
    return CleanText(text="\n".join(heal_page_breaks(paragraphs)))


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
    if is_cjk(a) or is_cjk(b) or a in LINE_DASHES:
        return left + right
    return f"{left} {right}"


def heal_page_breaks(paragraphs: list[str]) -> list[str]:
    """Join a body paragraph cut by an old page break with its second half."""
    healed: list[str] = []
    for paragraph in paragraphs:
        if healed and is_cut_at_page_break(healed[-1], paragraph):
            healed[-1] = join_wrapped(healed[-1], paragraph)
        else:
            healed.append(paragraph)
    return healed


def is_cut_at_page_break(first: str, second: str) -> bool:
    """True if `first` is body text ending mid-sentence and `second` is not a heading or item."""
    if "\t" in first or "\t" in second or first.endswith(tuple(TERMINAL_PUNCT)):
        return False
    if PARAGRAPH_MARKER.match(second):
        return False
    if len(first) < BODY_MIN_CHARS:
        return False
    return bool(SENTENCE_PUNCT.search(first)) or bool(ARTICLE_MARKER.match(first))
