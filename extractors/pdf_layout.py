"""The text block of a PDF's pages (margins, centre line, mirrored margins) and the one join
that geometry cannot decide: a 文号 cut at a line end."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from schemas.records import PdfLine

# Lines start at the margin or at the two-character first-line indent within this many points.
ALIGN_TOLERANCE = 1.0
CENTRE_TOLERANCE = 2.0
# A line reaching this share of its font size short of the right margin is full (justified).
FULL_LINE_SLACK = 0.5
# A 文号 cut at a line end: its issuer and opening bracket (and year) on one line, the rest on the next.
OPEN_DOC_NUMBER = regex.compile(r"\p{Han}{2,}[〔［\[]\s*\d{0,4}\s*(?:[〕］\]]\s*\d{0,4})?$")
DOC_NUMBER_REST = regex.compile(r"^\s*\d{0,4}\s*(?:[〕］\]]\s*)?\d{0,4}\s*号")
WHOLE_DOC_NUMBER = regex.compile(r"\p{Han}{2,}[〔［\[]\s*\d{4}\s*[〕］\]]\s*\d{1,4}\s*号")
# The commonest line start is the first-line indent when lines start this often two characters
# further left.
INDENT_SHARE = 0.2
# Odd and even pages are measured apart when each side has this many lines and their text blocks
# are as wide but shifted: mirrored margins.
MIRRORED_MIN_LINES = 4


@dataclass(frozen=True)
class Layout:
    """The text block of a document: left and right margins and its centre line."""
    left: float
    right: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2

    def alignment(self, line: PdfLine) -> str:
        if abs(line.x0 - self.left) <= ALIGN_TOLERANCE:
            return "left"
        if abs(line.x0 - (self.left + 2 * line.size)) <= ALIGN_TOLERANCE:
            return "indent"
        if abs((line.x0 + line.x1) / 2 - self.centre) <= CENTRE_TOLERANCE:
            return "centre"
        return "other"

    def is_full(self, line: PdfLine) -> bool:
        return line.x1 >= self.right - FULL_LINE_SLACK * line.size


def page_layouts(bodies: list[list]) -> list[Layout]:
    """The text block of each page (its lines and other items top to bottom): one for the
    document, or one for odd and one for even pages when their margins are mirrored."""
    lines = [[item for item in body if isinstance(item, PdfLine)] for body in bodies]
    whole = text_block([line for page in lines for line in page])
    odd = [line for page in lines[0::2] for line in page]
    even = [line for page in lines[1::2] for line in page]
    if min(len(odd), len(even)) < MIRRORED_MIN_LINES:
        return [whole] * len(bodies)
    sides = text_block(odd), text_block(even)
    shifted = abs(sides[0].left - sides[1].left) > ALIGN_TOLERANCE
    same_measure = abs((sides[0].right - sides[0].left) - (sides[1].right - sides[1].left)) <= ALIGN_TOLERANCE
    if not (shifted and same_measure):
        return [whole] * len(bodies)
    return [sides[i % 2] for i in range(len(bodies))]


def text_block(lines: list[PdfLine]) -> Layout:
    """Margins of the text block: the commonest line start, the farthest end of such lines."""
    if not lines:
        return Layout(0.0, 0.0)
    starts = Counter(round(line.x0, 1) for line in lines)
    left = starts.most_common(1)[0][0]
    size = Counter(round(line.size) for line in lines if round(line.x0, 1) == left).most_common(1)[0][0]
    # Where most lines are first lines of one-line paragraphs, the commonest start is the indent.
    margin = [x for x, n in starts.items()
              if abs(x - (left - 2 * size)) <= ALIGN_TOLERANCE and n >= INDENT_SHARE * starts[left]]
    left = margin[0] if margin else left
    ends = [line.x1 for line in lines if abs(line.x0 - left) <= ALIGN_TOLERANCE]
    return Layout(left=left, right=max(ends))


def cuts_doc_number(left: str, right: str) -> bool:
    """True if a line ends inside a 文号 that the next line completes (`京技管发〔` / `2025〕9号`):
    whatever the geometry says, a 文号 is never cut into two paragraphs."""
    head, tail = OPEN_DOC_NUMBER.search(left.rstrip()), DOC_NUMBER_REST.match(right)
    return bool(head and tail and WHOLE_DOC_NUMBER.fullmatch(head.group() + tail.group()))
