"""Renditions of one document are never versions: a scan read by OCR is the document of its
text file, not a revision of it; real revisions stay revisions.

The flow test OCRs a 5-page extract of the scanned 第27期 (the cover, both TOC pages, and pages
6–7, which hold 京商消二字〔2025〕16号 whole) into a copy of the bundled corpus's catalog: the
whole scan takes minutes to OCR (benchmarks/ingest.py --ocr).
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from extractors import ocr, pipeline
from extractors.diff.renditions import (
    RENDITION_MIN,
    rendition_groups,
    rendition_score,
    rendition_similarity,
    rendition_variants,
)
from flows import catalog
from flows.alerts.derive import derive_alerts
from flows.ingest.flow import ingest
from schemas.records import Reading
from tests.conftest import ROOT, SHARED_CORPUS, pdf_extract, sample

SCAN = SHARED_CORPUS / "pdf" / "beijing-gazette-2025-27-scan.pdf"
EXTRACT_PAGES = [1, 2, 3, 6, 7]
TEXTS = ROOT / "data" / "corpus" / "texts"
GAZETTE = "北京市人民政府公报/2025/27"
needs_scan = pytest.mark.skipif(not SCAN.exists(), reason="the scanned gazette lives in ../shared/corpus only")
needs_tesseract = pytest.mark.skipif(ocr.tesseract_missing() is not None, reason="no Tesseract with chi_sim")


def text_of(path: Path, doc_number: str | None = None) -> tuple[str, str, str | None]:
    docs = pipeline.parse_file(path).documents
    doc = next(d for d in docs if doc_number in (None, d.span.doc_number))
    return doc.span.text, doc.span.title, doc.span.doc_number


def reading(doc_id: str, path: Path, ocr_read: bool, doc_number: str | None = None,
            issue_key: str | None = None, text: str | None = None, issued: date | None = None) -> Reading:
    body, title, number = text_of(path, doc_number)
    text = body if text is None else text
    return Reading(doc_id, pipeline.document_key(text), number or title, number, title, issue_key,
                   "pdf" if ocr_read else "text", ocr_read, path.name, text, issued)


def test_two_printings_of_one_文号_and_date_are_renditions_the_gazettes_first():
    # 京技管发〔2025〕9号 standalone and in 第27期: the gazette prints 服务 twice more (2 of 6006 characters)
    issued = date(2025, 4, 30)
    district = reading("jjgf", sample("jjgf-2025-9.txt"), False, issued=issued)
    gazette = reading("gazette", sample("beijing-gazette-2025-27.txt"), False, "京技管发〔2025〕9号", GAZETTE,
                      issued=issued)
    assert round(rendition_similarity(district.text, gazette.text), 2) == 99.98
    assert rendition_score(district, gazette) == rendition_similarity(district.text, gazette.text)
    texts = {r.doc_id: r.text for r in (gazette, district)}
    assert [[r.doc_id for r in g] for g in rendition_groups([(district, gazette)], texts.__getitem__)] == [
        ["gazette", "jjgf"]]
    assert rendition_variants(gazette.text, district.text) == [("、开发、生产服务能力。对科技", "、开发、生产能力。对科技")]


def test_exact_readings_of_other_dates_are_versions_however_alike():
    gazette = reading("gazette", sample("beijing-gazette-2025-27.txt"), False, "京技管发〔2025〕9号", GAZETTE,
                      issued=date(2025, 4, 30))
    reissued = replace(reading("jjgf", sample("jjgf-2025-9.txt"), False), issued_date=date(2026, 4, 30))
    assert rendition_score(reissued, gazette) is None
    undated = reading("jjgf", sample("jjgf-2025-9.txt"), False)
    assert rendition_score(undated, gazette) is None


@pytest.mark.parametrize(("old", "new", "score"), [
    ("nat-internet-cafe-regs-2016", "nat-internet-cafe-regs-2022", 96.71),
    ("nat-statistics-law-2009", "nat-statistics-law-2024", 91.16),
    ("loc-jl-liuhe-key-industries-earlier", "loc-jl-liuhe-key-industries-2023", 33.41),
], ids=["internet-cafe-regs", "statistics-law", "liuhe-opinions"])
def test_an_ocr_reading_of_an_earlier_version_stays_a_version(old, new, score):
    earlier = reading("old", TEXTS / f"{old}.txt", True)
    later = reading("new", TEXTS / f"{new}.txt", False)
    assert round(rendition_similarity(earlier.text, later.text), 2) == score
    assert rendition_score(earlier, later) is None


def test_an_ocr_reading_joins_the_version_of_its_own_issue():
    gazette = reading("gazette", sample("beijing-gazette-2025-27.txt"), False, "京技管发〔2025〕9号", GAZETTE)
    district = reading("jjgf", sample("jjgf-2025-9.txt"), False)
    misread = gazette.text.replace("北京经济技术开发区", "北京经济技木开发区")
    scan = reading("scan", sample("beijing-gazette-2025-27.txt"), True, "京技管发〔2025〕9号", GAZETTE, misread)
    assert rendition_score(scan, gazette) > rendition_score(scan, district) > RENDITION_MIN
    texts = {r.doc_id: r.text for r in (gazette, district, scan)}
    groups = rendition_groups([(gazette, scan), (district, scan)], texts.__getitem__)
    assert [[r.doc_id for r in g] for g in groups] == [["gazette", "scan"]]


@pytest.fixture(scope="module")
def scan_extract(tmp_path_factory) -> Path:
    return pdf_extract(SCAN, EXTRACT_PAGES, tmp_path_factory.mktemp("scan") / "beijing-gazette-2025-27-scan-extract.pdf")


@needs_scan
@needs_tesseract
def test_a_scan_of_the_gazette_is_a_rendition_not_a_revision(corpus_catalog, scan_extract, tmp_path):
    db = tmp_path / "catalog.duckdb"
    shutil.copy(corpus_catalog[0], db)
    report = ingest([scan_extract], db_path=db)
    assert report.ok, report.quarantined
    con = catalog.connect(db, read_only=True)
    try:
        scanned = con.execute(
            "select d.doc_number, d.title, d.doc_key = t.doc_key, s.warnings[-1] from documents d "
            "join sources s using (source_id) join documents t on t.doc_id = '41ec1b749d30-01' "
            "where s.path like '%scan-extract.pdf'").fetchall()
        revisions = con.execute("select revision_id from revisions order by revision_id").fetchall()
        versions = con.execute("select linked_by, linked_to from policy_versions where doc_id in "
                               "(select doc_id from documents where doc_number = '京商消二字〔2025〕16号') "
                               "order by doc_id").fetchall()
        listed = con.execute("select count(*), count(distinct doc_key) from v_documents_all_versions").fetchone()
    finally:
        con.close()
    assert scanned == [("京商消二字〔2025〕16号", "北京市商务局关于进一步扩围2025年消费品以旧换新补贴商品的公告",
                        True, ocr.READ_BY_OCR)]
    assert revisions == [("8b6e9f545b0d-01..5f53ceaf9604-01",)]  # 统计法 alone: 9号 is printed twice
    assert sorted(versions, key=str) == [("rendition", "41ec1b749d30-01"), ("rendition", "41ec1b749d30-01"), (None, None)]
    assert listed == (13, 13)
    alerts = [a.alert_id for a in derive_alerts(db) if not a.alert_id.startswith(("issue:", "document:"))]
    assert alerts == ["revision:中华人民共和国统计法@64eae9eea270c906"]
