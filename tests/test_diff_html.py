"""The redline page in a real browser: headless Chromium renders it from a file:// URL, and the
test reads the rendered DOM (both columns, the changed characters inside <ins>/<del>) and the
screenshot (the highlight colours are painted). Screenshots are kept in tests/artifacts/."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from flows.revisions.html import render_html
from flows.revisions.versions import diff_documents
from tests.browser import needs_chromium, render

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
INS_BACKGROUND, DEL_BACKGROUND = (204, 255, 204), (255, 221, 221)

pytestmark = needs_chromium


class Cells(HTMLParser):
    """Text of the <ins>/<del> elements per column of each change row, and the header cells."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self.marks: list[tuple[str, str, str, str]] = []   # (row kind, column, tag, text)
        self._row = self._column = self._tag = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "tr" and cls.startswith("pair "):
            self._row = cls.split()[1]
        elif tag in ("td", "th") and cls in ("old", "new"):
            self._column = cls
            if tag == "th":
                self.headers.append(cls)
        elif tag in ("ins", "del"):
            self._tag, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag in ("ins", "del") and self._tag:
            self.marks.append((self._row, self._column, self._tag, self._text))
            self._tag = None

    def handle_data(self, data):
        if self._tag:
            self._text += data


def browse(revision, name: str, tmp_path: Path) -> tuple[Cells, Image.Image]:
    page = tmp_path / f"{name}.html"
    page.write_text(render_html(revision), encoding="utf-8")
    dom, shot = render(page.as_uri(), name, tmp_path / "profile")
    cells = Cells()
    cells.feed(dom)
    return cells, Image.open(shot).convert("RGB")


def painted(image: Image.Image, colour: tuple[int, int, int]) -> int:
    return sum(count for count, rgb in image.getcolors(maxcolors=1 << 20) if rgb == colour)


def test_redline_of_jjgf_9_highlights_the_two_inserted_characters(tmp_path):
    revision = diff_documents(None, str(SAMPLES / "jjgf-2025-9.txt"), str(SAMPLES / "beijing-gazette-2025-27.txt"))
    html = render_html(revision)
    assert "src=" not in html and "href=" not in html and "<script" not in html
    cells, shot = browse(revision, "diff-jjgf-2025-9", tmp_path)
    assert cells.headers == ["old", "new"]
    assert cells.marks == [("modified", "new", "ins", "服务")]
    assert painted(shot, INS_BACKGROUND) > 100


def test_redline_of_a_changed_cap_strikes_the_old_digit_and_marks_the_new(tmp_path):
    edited = tmp_path / "changping-edited.txt"
    draft = (SAMPLES / "changping-pharma-2025-draft.txt").read_text(encoding="utf-8")
    edited.write_text(draft.replace("（三）充分发挥", "（三）进一步充分发挥").replace(
        "单品种给予最高1000万元资金支持", "单品种给予最高1500万元资金支持"), encoding="utf-8")
    revision = diff_documents(None, str(SAMPLES / "changping-pharma-2025-draft.txt"), str(edited))
    cells, shot = browse(revision, "diff-changping-cap", tmp_path)
    assert cells.headers == ["old", "new"]
    assert cells.marks == [("modified", "old", "del", "0"), ("modified", "new", "ins", "5"),
                           ("modified", "new", "ins", "进一步")]
    assert painted(shot, INS_BACKGROUND) > 50 and painted(shot, DEL_BACKGROUND) > 20
