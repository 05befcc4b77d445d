"""Typeset texts of data/corpus/texts/ as PDFs in data/corpus/pdf/<same stem>.pdf.

    python data/corpus/render_pdfs.py [STEM ...]      (default: every text, those with gold first)

The PDFs exercise the reader on typesettings other than the bundled ones, while their text is
exactly the .txt's paragraphs, so the gold of a text applies to its PDF. A text is given one of
three typesettings by a hash of its name (stable when texts are added):
- `serif`: AR PL UMing, 15 pt, the document's title as a running header over a rule on every page,
  `- N -` centred at the foot;
- `sans`: WenQuanYi Micro Hei, 12 pt, `第N页 共M页` centred at the foot, tables on landscape pages;
- `mirrored`: WenQuanYi Micro Hei Mono, 13 pt, wider line pitch, margins mirrored on odd and even
  pages, and a boxed header line ruled into two cells: a gazette name and issue on the left and
  the page number on the right on odd pages, the reverse on even pages.

Lines break only where the reader's line join (`extractors.clean.join_wrapped`) restores the text
exactly, and are justified by horizontal scaling, never by letter spacing (which reads as spaces).
A character missing from a font stops the script rather than print something else.

Needs reportlab (`pip install -e '.[corpus]'`) and the Debian fonts fonts-arphic-uming and
fonts-wqy-microhei (`apt-get install fonts-arphic-uming fonts-wqy-microhei`). The output is
deterministic: the same texts give the same bytes.
"""
from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from extractors.clean import LATIN_WRAP_LEFT, LATIN_WRAP_RIGHT

CORPUS = Path(__file__).resolve().parent
FONT_FILES = {
    "UMing": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "MicroHei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    "MicroHeiMono": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 1),
}
PORTRAIT, LANDSCAPE = (595.0, 842.0), (842.0, 595.0)
# Line-breaking rules of Chinese typesetting: no line starts with closing punctuation, none ends
# with an opening bracket.
NO_LINE_START = set("，。、；：！？）》」』”’〕】…,.;:!?)]%‰")
NO_LINE_END = set("（《「『“‘〔【([")
CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇]+[编章节](?:\s|$)")
ITEM_START = re.compile(r"^(?:第\s*[一二三四五六七八九十百零〇\d\s]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])")
DATE_ONLY = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
HEAD_MAX_CHARS, HEAD_MAX_LINES = 50, 6
CENTRED_MEASURE = 0.8


@dataclass(frozen=True)
class Typesetting:
    name: str
    font: str
    size: float
    pitch: float            # body line pitch in font sizes
    chars_per_line: int     # text width in body characters
    left: float             # left margin (odd pages when mirrored)
    top: float              # first baseline from the page top
    bottom: float           # lowest baseline from the page bottom
    title_size: float
    mirrored: bool = False
    landscape_tables: bool = False


TYPESETTINGS = (
    Typesetting("serif", "UMing", 15.0, 1.75, 28, 87.5, 118.0, 88.0, 21.0),
    Typesetting("sans", "MicroHei", 12.0, 1.6, 37, 75.5, 96.0, 72.0, 18.0, landscape_tables=True),
    Typesetting("mirrored", "MicroHeiMono", 13.0, 1.95, 30, 110.0, 112.0, 80.0, 19.0, mirrored=True),
)
GAZETTE_NAME = "政策文件汇编"


@dataclass(frozen=True)
class Block:
    kind: str               # title, head, heading, left, body, right, table
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass
class Page:
    size: tuple[float, float]
    ops: list[tuple] = field(default_factory=list)


def blocks(paragraphs: list[str]) -> list[Block]:
    """Each paragraph's role in the layout: a title block, headings, body, signature, tables."""
    out: list[Block] = []
    head = _head_length(paragraphs)
    i = 0
    while i < len(paragraphs):
        text = paragraphs[i]
        if "\t" in text:
            j = i
            while j < len(paragraphs) and "\t" in paragraphs[j]:
                j += 1
            out.append(Block("table", rows=tuple(tuple(p.split("\t")) for p in paragraphs[i:j])))
            i = j
            continue
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        if i < head:
            title_like = "〔" not in text and not text[0].isdigit() and text[0] not in "(（"
            out.append(Block("title" if title_like else "head", text))
        elif (i < head + 3 and text.endswith(("：", ":")) and len(text) <= 80
              and all(block.kind != "left" for block in out)):
            # The addressee line, flush left under the title block.
            out.append(Block("left", text))
        elif CHAPTER.match(text) and len(text) <= 30:
            out.append(Block("heading", text))
        elif DATE_ONLY.match(text) or (DATE_ONLY.match(following) and len(text) <= 25
                                       and not re.search(r"[。，,：:；]", text)):
            out.append(Block("right", text))
        else:
            out.append(Block("body", text))
        i += 1
    return out


def _head_length(paragraphs: list[str]) -> int:
    """How many leading paragraphs are the title block (title, 文号, date, promulgation lines)."""
    for i, text in enumerate(paragraphs[:HEAD_MAX_LINES]):
        if (len(text) > HEAD_MAX_CHARS or text.endswith(("。", "：", ":", "；")) or "\t" in text
                or ITEM_START.match(text) or CHAPTER.match(text)):
            return i
    return min(len(paragraphs), HEAD_MAX_LINES)


def running_title(paragraphs: list[str]) -> str:
    """The document's title as a running header: its first title-like paragraph."""
    for block in blocks(paragraphs):
        if block.kind == "title":
            return block.text
    return paragraphs[0]


def width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def breaks(text: str) -> list[int]:
    """Positions where a line may end so that the reader's join gives the text back exactly."""
    out = []
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if a.isspace() or b.isspace() or b in NO_LINE_START or a in NO_LINE_END:
            continue
        if a in LATIN_WRAP_LEFT and b in LATIN_WRAP_RIGHT:
            continue
        out.append(i)
    for i in range(1, len(text) - 1):
        # A single space between Latin words: the line ends before it and the join puts it back.
        if text[i] == " " and text[i - 1] in LATIN_WRAP_LEFT and text[i + 1] in LATIN_WRAP_RIGHT:
            out.append(i)
    return sorted(out)


def wrap(text: str, font: str, size: float, first: float, rest: float) -> list[str]:
    """Lines of `text`, the first at most `first` wide and the others `rest`."""
    lines, start, limit = [], 0, first
    points = breaks(text) + [len(text)]
    while start < len(text):
        fits = [p for p in points if p > start and width(text[start:p], font, size) <= limit]
        end = fits[-1] if fits else next(p for p in points if p > start)
        lines.append(text[start:end])
        start = end + 1 if end < len(text) and text[end] == " " else end
        limit = rest
    return lines


class Layout:
    """Places blocks on pages top to bottom for one typesetting."""

    def __init__(self, style: Typesetting):
        self.style = style
        self.pages: list[Page] = []
        self.y = 0.0
        self.new_page(PORTRAIT)

    def new_page(self, size: tuple[float, float]) -> None:
        self.pages.append(Page(size))
        self.y = self.style.top - self.style.size * self.style.pitch

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def left(self) -> float:
        width = self.page.size[0]
        if self.style.mirrored and len(self.pages) % 2 == 0:
            return width - self.style.left - self.text_width()
        if self.page.size != PORTRAIT:
            return (width - self.text_width()) / 2
        return self.style.left

    def text_width(self) -> float:
        return self.style.chars_per_line * self.style.size

    def advance(self, pitch: float) -> None:
        if self.y + pitch > self.page.size[1] - self.style.bottom:
            self.new_page(self.page.size if self.page.size == PORTRAIT else PORTRAIT)
            pitch = self.style.size * self.style.pitch
        self.y += pitch

    def place(self, block: Block) -> None:
        s = self.style
        if block.kind == "table":
            self.table(block.rows)
            return
        size = s.title_size if block.kind == "title" else s.size
        centred = block.kind in ("title", "head", "heading")
        indent = 2 * size if block.kind == "body" else 0.0
        full = self.text_width()
        # Centred paragraphs are set narrower than the text block, so that a wrapped line of
        # theirs is not taken for a full body line; they stand apart from their neighbours by
        # more than the reader's tight pitch, their own lines closer than it.
        measure = CENTRED_MEASURE * full if centred else full
        lines = wrap(block.text, s.font, size, measure - indent, measure)
        while centred and len(lines) > 1 and any(
                abs((full - width(line, s.font, size)) / 2 - 2 * size) < 1.5 for line in lines):
            # A centred line starting where body paragraphs are indented would read as one.
            measure -= size
            lines = wrap(block.text, s.font, size, measure, measure)
        pitch = size * (1.4 if centred else s.pitch)
        spaced = size * 2.5 if centred else pitch
        for n, line in enumerate(lines):
            self.advance(spaced if n == 0 else pitch)
            natural = width(line, s.font, size)
            if centred:
                x, scale = self.left() + (full - natural) / 2, 1.0
            elif block.kind == "right":
                x, scale = self.left() + full - natural - 2 * size, 1.0
            else:
                x = self.left() + (indent if n == 0 else 0.0)
                last = n == len(lines) - 1
                scale = 1.0 if last else (full - (indent if n == 0 else 0.0)) / natural
            self.page.ops.append(("text", x, self.y, s.font, size, line, scale))
        if centred:
            self.y += size * 0.8

    def table(self, rows: tuple[tuple[str, ...], ...]) -> None:
        s = self.style
        if s.landscape_tables:
            self.new_page(LANDSCAPE)
        columns = max(len(row) for row in rows)
        rows = tuple(row + ("",) * (columns - len(row)) for row in rows)
        size, pad = s.size * 0.85, 4.0
        total = self.page.size[0] - 2 * self.left() if self.page.size != PORTRAIT else self.text_width()
        if self.page.size != PORTRAIT:
            total = self.page.size[0] - 2 * 60.0
        weights = [max(4, max(len(row[c]) for row in rows)) ** 0.7 for c in range(columns)]
        widths = [total * w / sum(weights) for w in weights]
        x0 = (self.page.size[0] - total) / 2
        self.y += s.size * 0.5
        for row in rows:
            cells = [wrap(cell.strip(), s.font, size, w - 2 * pad, w - 2 * pad) if cell.strip() else []
                     for cell, w in zip(row, widths)]
            height = max(1, max(len(c) for c in cells)) * size * 1.35 + 2 * pad
            if self.y + height > self.page.size[1] - s.bottom:
                self.new_page(self.page.size)
                self.y = s.top - s.size
            x = x0
            for lines, w in zip(cells, widths):
                self.page.ops.append(("rect", x, self.y, w, height))
                for n, line in enumerate(lines):
                    baseline = self.y + pad + size * (1.05 + 1.35 * n)
                    self.page.ops.append(("text", x + pad, baseline, s.font, size, line, 1.0))
                x += w
            self.y += height
        self.y += s.size * 0.5
        if s.landscape_tables:
            self.new_page(PORTRAIT)


def chrome(style: Typesetting, page: Page, number: int, total: int, header: str) -> list[tuple]:
    """Running header, page number and rules of one page."""
    w, h = page.size
    font = style.font
    if style.name == "serif":
        hw = width(header, font, 10.5)
        return [("text", (w - hw) / 2, 50.0, font, 10.5, header, 1.0),
                ("line", 72.0, 58.0, w - 72.0, 58.0),
                ("text", (w - width(f"- {number} -", font, 12)) / 2, h - 40.0, font, 12.0,
                 f"- {number} -", 1.0)]
    if style.name == "sans":
        footer = f"第{number}页 共{total}页"
        return [("text", (w - width(footer, font, 9)) / 2, h - 36.0, font, 9.0, footer, 1.0)]
    inner = style.left if number % 2 else w - style.left - style.chars_per_line * style.size
    x0, x1 = inner, inner + style.chars_per_line * style.size
    left, right = (header, str(number)) if number % 2 else (str(number), header)
    # A rule between name and number makes the box a one-row table for a table finder.
    divider = x1 - 26.0 if number % 2 else x0 + 26.0
    return [("rect", x0 - 4, 34.0, x1 - x0 + 8, 22.0),
            ("line", divider, 34.0, divider, 56.0),
            ("text", x0, 50.0, font, 10.0, left, 1.0),
            ("text", x1 - width(right, font, 10.0), 50.0, font, 10.0, right, 1.0)]


def issue_header(stem: str) -> str:
    number = int(hashlib.sha256(stem.encode()).hexdigest(), 16) % 24 + 1
    return f"{GAZETTE_NAME} 2026年第{number}期"


def typesetting_of(stem: str) -> Typesetting:
    return TYPESETTINGS[int(hashlib.sha256(stem.encode()).hexdigest(), 16) % len(TYPESETTINGS)]


def render(text_path: Path, pdf_path: Path, style: Typesetting | None = None) -> str:
    """Typeset one text into one PDF, in the typesetting given or else the one of its name;
    returns the typesetting's name."""
    # A table row keeps its leading tab: the empty cell under a vertically merged one.
    paragraphs = [line.strip("\r ") if "\t" in line else line.strip()
                  for line in text_path.read_text(encoding="utf-8").split("\n") if line.strip()]
    style = style or typesetting_of(text_path.stem)
    check_glyphs("\n".join(paragraphs), style.font)
    layout = Layout(style)
    for block in blocks(paragraphs):
        layout.place(block)
    pages = [page for page in layout.pages if page.ops]
    header = running_title(paragraphs) if style.name == "serif" else issue_header(text_path.stem)
    canvas = Canvas(str(pdf_path), invariant=1, pageCompression=1)
    canvas.setTitle(text_path.stem)
    canvas.setCreator("data/corpus/render_pdfs.py")
    for number, page in enumerate(pages, 1):
        canvas.setPageSize(page.size)
        for op in chrome(style, page, number, len(pages), header) + page.ops:
            draw(canvas, page.size[1], op)
        canvas.showPage()
    canvas.save()
    return style.name


def draw(canvas: Canvas, height: float, op: tuple) -> None:
    if op[0] == "text":
        _, x, baseline, font, size, text, scale = op
        obj = canvas.beginText()
        obj.setFont(font, size)
        obj.setHorizScale(scale * 100)
        obj.setTextOrigin(x, height - baseline)
        obj.textOut(text)
        canvas.drawText(obj)
    elif op[0] == "line":
        _, x0, y0, x1, y1 = op
        canvas.setLineWidth(0.6)
        canvas.line(x0, height - y0, x1, height - y1)
    elif op[0] == "rect":
        _, x, top, w, h = op
        canvas.setLineWidth(0.6)
        canvas.rect(x, height - top - h, w, h, stroke=1, fill=0)


def check_glyphs(text: str, font: str) -> None:
    mapping = pdfmetrics.getFont(font).face.charToGlyph
    missing = sorted({ch for ch in text if ch not in "\n\t" and ord(ch) not in mapping})
    if missing:
        raise SystemExit(f"font {font} has no glyph for {''.join(missing)!r}; pick another font")


def register_fonts() -> None:
    for name, (path, index) in FONT_FILES.items():
        if not Path(path).exists():
            raise SystemExit(f"missing font {path}: apt-get install fonts-arphic-uming fonts-wqy-microhei")
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))


def stems(argv: list[str]) -> list[str]:
    if argv:
        return argv
    texts = sorted(p.stem for p in (CORPUS / "texts").glob("*.txt"))
    gold = {p.name.split(".")[0] for p in (CORPUS / "gold").glob("*.gold.json")}
    return [s for s in texts if s in gold] + [s for s in texts if s not in gold]


def main(argv: list[str]) -> int:
    register_fonts()
    (CORPUS / "pdf").mkdir(exist_ok=True)
    for stem in stems(argv):
        name = render(CORPUS / "texts" / f"{stem}.txt", CORPUS / "pdf" / f"{stem}.pdf")
        print(f"{stem}.pdf\t{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
