"""OCR of scans: punctuation put back, the scanned gazette's issue and documents found through the
flow, and a clear quarantine when Tesseract is missing.

The whole 79-page scan takes minutes to OCR on 2 cores (benchmarks/ingest.py --ocr does it); the
flow test OCRs a 5-page extract: the cover, both TOC pages, and pages 42–43 where 京技管发〔2025〕5号
begins in the middle of a page.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from extractors import ocr, ocr_layout
from extractors.read import read_pdf
from flows import catalog
from flows.ingest.flow import ingest
from flows.ingest.parse import parse_source
from schemas.errors import BadInputError
from schemas.records import PdfLine, PdfPage
from tests.conftest import GAZETTE_DOC_NUMBERS, SHARED_CORPUS, pdf_extract

SCAN = SHARED_CORPUS / "pdf" / "beijing-gazette-2025-27-scan.pdf"
EXTRACT_PAGES = [1, 2, 3, 42, 43]
needs_scan = pytest.mark.skipif(not SCAN.exists(), reason="the scanned gazette lives in ../shared/corpus only")
# CI installs Tesseract through `make test`: there a missing one fails the test instead.
needs_tesseract = pytest.mark.skipif(ocr.tesseract_missing() is not None and not os.environ.get("CI"),
                                     reason=f"no Tesseract with chi_sim ({ocr.INSTALL_HINT}; make test does it)")


# Each case is a line as Tesseract 5.3 read the scan, and as the gazette prints it.
PUNCTUATION_CASES = {
    "doc-number-lenticular-and-square": ("京技管发 【2025] 8号", "京技管发〔2025〕8号"),
    "doc-number-square-brackets": ("京技管发 [2025] 1 号", "京技管发〔2025〕1 号"),
    "doc-number-in-toc-entry": ("(京技管发 (2025] 8号) (60)", "(京技管发〔2025〕8号) (60)"),
    "doc-number-with-stray-j": ("(商办消费函[2025]j 29 号)要求", "(商办消费函〔2025〕29 号)要求"),
    "doc-number-cut-before-hao": ("若干意见》(京技管【2024] 125", "若干意见》(京技管〔2024〕125"),
    "doc-number-at-line-start": ("[2013] 102 号)同时废止。", "〔2013〕102 号)同时废止。"),
    "issue-counter-qi": ("2025 年第27 其", "2025 年第27 期"),
    "angle-bracket-is-a-parenthesis": ("第 27 期〈总第 903 期)", "第 27 期（总第 903 期）"),
    "dash-between-figures": ("《声环境质量标准》(GB 3096一2008)", "《声环境质量标准》(GB 3096—2008)"),
    "closing-bracket-takes-opening-width": ("（含洗地机)", "（含洗地机）"),
    "double-angle-closed-by-bracket": ("机器人《含洗地机、扫拖一体机)、垃圾", "机器人(含洗地机、扫拖一体机)、垃圾"),
    "title-marks-kept": ("《北京市“十四五”时期规划》(京政发〔2021〕1号)", "《北京市“十四五”时期规划》(京政发〔2021〕1号)"),
    "one-one-kept-in-words": ("统一一致、逐一核对", "统一一致、逐一核对"),
}


@pytest.mark.parametrize(("read", "printed"), PUNCTUATION_CASES.values(), ids=PUNCTUATION_CASES.keys())
def test_ocr_punctuation_is_put_back(read, printed):
    assert ocr.normalise_punctuation(read) == printed


def ocr_line(text: str, x0: float, top: float, size: float = 16.0, x1: float = 524.0) -> PdfLine:
    return PdfLine(text, x0, x1, top, top + 0.86 * size, size, ocr.OCR_FONT)


def test_running_header_and_page_numbers_take_the_reading_of_the_other_pages():
    header = {2: "2025年第27期\t北京市人民政府公报", 3: "北京市人民政府公报\t2025年第27其",
              4: "2025年第27期\t北京市人民政府公报", 5: "北京市人民政府公报\t2025年第27期"}
    footer = {2: "一42一", 3: "一划一", 4: "一44一", 5: "_行_"}
    pages = [PdfPage(1, 595, 842, (ocr_line("北各市人民政府公报", 93, 260, 46, 507),))] + [
        PdfPage(n, 595, 842, (ocr_line(header[n], 77, 64, 10.5), ocr_line("正文", 77, 110),
                              ocr_line(footer[n], 284, 757, 12, 318))) for n in range(2, 6)]
    settled = ocr_layout.settle_layout(pages)
    assert settled[0].lines[0].text == "北京市人民政府公报"
    assert settled[2].lines[0].text == "北京市人民政府公报\t2025年第27期"
    assert [p.lines[-1].text for p in settled[1:]] == ["— 42 —", "— 43 —", "— 44 —", "— 45 —"]


@pytest.fixture(scope="module")
def scan_extract(tmp_path_factory) -> Path:
    """Pages 1–3 and 42–43 of the scan as a PDF of their own."""
    return pdf_extract(SCAN, EXTRACT_PAGES, tmp_path_factory.mktemp("scan") / "beijing-gazette-2025-27-scan-extract.pdf")


@needs_scan
@needs_tesseract
@pytest.mark.usefixtures("prefect_harness")
def test_scanned_gazette_is_read_by_ocr_and_its_issue_toc_and_documents_are_found(scan_extract, tmp_path):
    db = tmp_path / "catalog.duckdb"
    report = ingest([scan_extract], db_path=db)
    assert report.ok, report.quarantined
    con = catalog.connect(db, read_only=True)
    try:
        source = con.execute("select status, pages from sources").fetchall()
        issue = con.execute("select publication, issue_no, total_no, issue_date from issues").fetchall()
        toc = [r[0] for r in con.execute("select doc_number from issue_toc order by seq").fetchall()]
        docs = con.execute("select doc_number, title, issuer, issued_date, page_start from documents").fetchall()
        articles = [r[0] for r in con.execute(
            "select label from articles where parent_id is not null order by char_start").fetchall()]
    finally:
        con.close()
    assert source == [("ok", 5)]
    assert [(p, n, t, str(d)) for p, n, t, d in issue] == [("北京市人民政府公报", 27, 903, "2025-07-24")]
    assert toc == GAZETTE_DOC_NUMBERS
    assert [(n, t, i, str(d), p) for n, t, i, d, p in docs] == [
        ("京技管发〔2025〕5号", "亦庄新城科技企业孵化器认定管理办法", "北京经济技术开发区管理委员会", "2025-04-12", 4)]
    assert articles[:4] == ["第一条", "第二条", "第三条", "第四条"]


@needs_scan
def test_scan_without_tesseract_is_refused_with_how_to_install_it(monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    with pytest.raises(BadInputError) as error:
        read_pdf(SCAN)
    assert str(error.value) == (
        "beijing-gazette-2025-27-scan.pdf: no text layer on any of 79 pages (a scan), and OCR cannot "
        "run: Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    parsed, _ = parse_source(SCAN)
    assert parsed.error == str(error.value) and parsed.documents == ()


@needs_scan
@pytest.mark.usefixtures("prefect_harness")
def test_scan_is_quarantined_by_the_flow_when_tesseract_is_not_on_the_path(tmp_path, monkeypatch):
    # Worker processes are spawned: they see the PATH, not a monkeypatched function.
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("tesseract") is None
    report = ingest([SCAN], db_path=tmp_path / "catalog.duckdb")
    assert list(report.quarantined.values()) == [(
        "beijing-gazette-2025-27-scan.pdf: no text layer on any of 79 pages (a scan), and OCR cannot "
        "run: Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")]
