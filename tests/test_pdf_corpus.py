"""The development corpus's PDF renditions (data/corpus/pdf): each reads back as its text's
paragraphs, so the text's gold applies to it, and data/corpus/render_pdfs.py makes them the same
way every time."""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from extractors.clean import clean_pdf_pages, clean_text_source
from extractors.read import decode_text, read_pdf
from extractors.textnorm import normalize_for_compare

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
SAMPLES = CORPUS.parent / "samples"
PDF_STEMS = sorted(path.stem for path in (CORPUS / "pdf").glob("*.pdf"))


def load_renderer():
    pytest.importorskip("reportlab", reason="render_pdfs.py needs the corpus extra: pip install -e '.[corpus]'")
    spec = importlib.util.spec_from_file_location("render_pdfs", CORPUS / "render_pdfs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    missing = [path for path, _ in module.FONT_FILES.values() if not Path(path).exists()]
    if missing:
        pytest.skip(f"render_pdfs.py needs the fonts {missing} (fonts-arphic-uming, fonts-wqy-microhei)")
    return module


def test_there_are_renditions_in_every_typesetting():
    renderer = load_renderer()
    counts = Counter(renderer.typesetting_of(stem).name for stem in PDF_STEMS)
    assert len(PDF_STEMS) >= 12 and set(counts) == {"serif", "sans", "mirrored"}


@pytest.mark.parametrize("stem", PDF_STEMS)
def test_a_rendition_reads_back_as_its_text(stem):
    pdf = clean_pdf_pages(read_pdf(CORPUS / "pdf" / f"{stem}.pdf")).text.split("\n")
    source = CORPUS / "texts" / f"{stem}.txt"
    text = clean_text_source(decode_text(source.read_bytes(), source.name)).text.split("\n")
    # pdfium reads an ideographic space as a space: compared width-folded
    assert [normalize_for_compare(p) for p in pdf] == [normalize_for_compare(p) for p in text], \
        f"{stem}.pdf differs from its text; if the text changed, run data/corpus/render_pdfs.py {stem}"


def test_rendering_is_deterministic(tmp_path):
    renderer = load_renderer()
    renderer.register_fonts()
    stem = "notice-gov-office-holidays-2019"
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    renderer.render(CORPUS / "texts" / f"{stem}.txt", first)
    renderer.render(CORPUS / "texts" / f"{stem}.txt", second)
    assert first.read_bytes() == second.read_bytes() == (CORPUS / "pdf" / f"{stem}.pdf").read_bytes()


def test_lines_break_where_the_reader_joins_them_back():
    # notice-gov-office-cultural-enterprise-rules-2018: a line never ends between two digits
    # (the reader would put a space there), nor before 。
    renderer = load_renderer()
    renderer.register_fonts()
    text = "执行期限为2019年1月1日至2023年12月31日。"
    wrapped = renderer.wrap(text, "UMing", 15.0, 100.0, 100.0)
    assert wrapped == ["执行期限为", "2019年1月1日", "至2023年12月", "31日。"]
    assert "".join(wrapped) == text


def test_a_table_typeset_on_landscape_pages_reads_back_row_by_row(tmp_path):
    # the 附件 table of beijing-gazette-2025-27 (rows under a vertically merged cell start with a
    # tab); no corpus text has a table yet
    renderer = load_renderer()
    renderer.register_fonts()
    lines = (SAMPLES / "beijing-gazette-2025-27.txt").read_text(encoding="utf-8").split("\n")
    first = lines.index("亦庄新城科技企业孵化器评价指标体系(暂行)") - 1
    last = next(i for i, text in enumerate(lines) if "18. 房租减免" in text)
    source, pdf = tmp_path / "annex.txt", tmp_path / "annex.pdf"
    source.write_text("\n".join(lines[first:last + 1]) + "\n", encoding="utf-8")
    sans = next(style for style in renderer.TYPESETTINGS if style.name == "sans")
    renderer.render(source, pdf, sans)
    pages = read_pdf(pdf)
    assert [page.width > page.height for page in pages] == [False, True, True]
    text = clean_text_source(source.read_text(encoding="utf-8")).text
    assert clean_pdf_pages(pages).text == text
    assert "\t2. 收入情况\t评价周期内营业收入情况,包含生产性服务业营业收入。" in text.split("\n")
