"""Printed page numbers: read from a PDF's footers (extractors/printed_pages.py), carried to the
text rendition of the same document (flows/ingest/printed_pages.py), cited by v_fact_citations."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.clean import clean_text_source
from extractors.pipeline import parse_file
from extractors.printed_pages import carried_pages, number_of, page_numbering
from extractors.read import read_pdf
from schemas.records import DocumentPages, PdfLine, PdfPage

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
A4 = (595.0, 842.0)
JJGF = "《北京经济技术开发区关于促进医药健康产业高质量发展的若干意见》"


def page(number: int, footer: str | None, body: str = "正文一行，足够长的一段话。") -> PdfPage:
    lines = [PdfLine(body, 90.0, 390.0, 300.0, 316.0, 16.0, "SimSun")]
    if footer is not None:
        lines.append(PdfLine(footer, 280.0, 320.0, 780.0, 794.0, 14.0, "SimSun"))
    return PdfPage(number, *A4, tuple(lines))


@pytest.mark.parametrize("footer, number", [
    ("— 74 —", 74), ("- 3 -", 3), ("第3页", 3), ("第 三 页", 3), ("第3页 共10页", 3), ("共10页 第3页", 3),
    ("3/10", 3), ("Page 3 of 10", 3), ("12", 12),
])
def test_the_page_s_own_number_in_each_form(footer, number):
    assert number_of(footer) == number


def test_a_cover_without_a_footer_has_no_printed_page():
    numbering = page_numbering([page(1, None), page(2, "— 2 —"), page(3, "— 3 —")])
    assert (numbering.numbers, numbering.source, numbering.warning) == ((None, 2, 3), "footer", None)


def test_an_inconsistent_run_is_not_trusted_and_says_which_page():
    """Pages 42–44 of the scanned gazette as Tesseract reads their footers: page 44 as `— 4 —`."""
    numbering = page_numbering([page(1, "— 42 —"), page(2, "— 43 —"), page(3, "— 4 —")])
    assert numbering.numbers == (1, 2, 3)
    assert numbering.source == "pdf_index"
    assert numbering.warning == ("printed page numbers not trusted: pages 3 (4) do not follow the run the "
                                 "other pages print; pages are the PDF's own")


def test_a_page_misread_in_a_long_run_takes_the_run_s_number():
    """A cover and pages 2–21, page 14 read `— 4 —` as the scan's — 44 — is: 18 of 19 agree."""
    footers = [None] + [f"— {n} —" if n != 14 else "— 4 —" for n in range(2, 22)]
    numbering = page_numbering([page(n, footer) for n, footer in enumerate(footers, start=1)])
    assert (numbering.source, numbering.numbers) == ("footer", (None, *range(2, 22)))
    assert numbering.warning == ("printed page numbers: pages 14 (4) do not follow the run the other pages "
                                 "print; they take its numbers")


def test_a_page_inside_the_run_whose_footer_was_not_read_is_of_the_run():
    """Tesseract reads no footer on page 8 of the scanned gazette, its last line 务,拓展消费新业态新场景。"""
    footers = [None, "— 2 —", "— 3 —", None, "— 5 —", None]
    numbering = page_numbering([page(n, footer) for n, footer in enumerate(footers, start=1)])
    assert (numbering.numbers, numbering.warning) == ((None, 2, 3, 4, 5, None), None)


def test_a_pdf_printing_no_numbers_keeps_its_own_index():
    numbering = page_numbering([page(1, None), page(2, None)])
    assert (numbering.numbers, numbering.source) == ((1, 2), "pdf_index")


def test_the_offprint_prints_the_issue_s_pages():
    """jjgf-2025-9.pdf is 11 pages printing — 74 — to — 84 —."""
    numbering = page_numbering(read_pdf(SAMPLES / "jjgf-2025-9.pdf"))
    assert numbering.numbers == tuple(range(74, 85))
    assert numbering.source == "footer"


def test_the_gazette_s_cover_prints_no_page_and_the_rest_their_footers():
    numbering = page_numbering(read_pdf(SAMPLES / "beijing-gazette-2025-27.pdf"))
    assert numbering.numbers == (None, *range(2, 80))


def test_a_document_s_pages_begin_where_its_pdf_pages_do():
    """京技管发〔2025〕9号's 若干意见, 10. on page 6 of the offprint (— 79 —), read by hand with pdfplumber."""
    doc, = parse_file(SAMPLES / "jjgf-2025-9.pdf").documents
    assert (doc.pages.start, doc.pages.end, doc.pages.source) == (74, 84, "footer")
    start = doc.span.text.index("10. 鼓励医药科技服务业发展")
    assert doc.pages.page_at(start) == 79
    assert doc.pages.page_at(0) == 74


def test_the_text_rendition_takes_the_pdf_s_pages_through_its_printed_characters():
    doc, = parse_file(SAMPLES / "jjgf-2025-9.pdf").documents
    text = clean_text_source((SAMPLES / "jjgf-2025-9.txt").read_text(encoding="utf-8")).text
    carried = carried_pages(doc.pages, doc.span.text, text)
    assert carried.numbers == doc.pages.numbers
    for pdf_offset, text_offset in zip(doc.pages.offsets, carried.offsets):
        assert doc.span.text[pdf_offset:pdf_offset + 12] == text[text_offset:text_offset + 12]


def test_texts_that_differ_carry_no_pages():
    pages = DocumentPages(offsets=(0, 3), numbers=(5, 6), source="footer")
    assert carried_pages(pages, "第一条 甲乙", "第一条 甲丙") is None


def test_a_text_without_its_pdf_takes_the_toc_page_for_its_start_only():
    docs = parse_file(SAMPLES / "beijing-gazette-2025-27.txt").documents
    assert [(d.pages.start, d.pages.end, d.pages.source) for d in docs] == [
        (page_no, None, "toc_start") for page_no in (6, 8, 15, 23, 31, 45, 60, 74)]


def _rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_every_fact_of_the_gazette_and_the_offprint_carries_a_printed_page(corpus_con):
    counts = _rows(corpus_con, """
        select s.path.split('/')[-1] as name, count(*), count(f.printed_page), any_value(d.page_source)
        from facts f join documents d using (doc_id) join sources s using (source_id)
        where name like 'beijing-gazette-2025-27.%' or name like 'jjgf-2025-9.%' group by name order by name""")
    assert [(name, total == paged, source) for name, total, paged, source in counts] == [
        ("beijing-gazette-2025-27.pdf", True, "footer"), ("beijing-gazette-2025-27.txt", True, "footer"),
        ("jjgf-2025-9.pdf", True, "footer"), ("jjgf-2025-9.txt", True, "footer")]


def test_the_offprint_s_documents_print_74_to_84_in_both_renditions(corpus_con):
    assert _rows(corpus_con, """
        select s.media_type, d.printed_page_start, d.printed_page_end from documents d join sources s using (source_id)
        where s.path like '%jjgf-2025-9.%' order by s.media_type""") == [("pdf", 74, 84), ("text", 74, 84)]


def test_a_fact_of_the_若干意见_cites_the_page_it_is_printed_on(corpus_con):
    """10. 鼓励医药科技服务业发展 begins on page 6 of jjgf-2025-9.pdf (— 79 —), page 72 of the gazette's."""
    cited = _rows(corpus_con, """
        select s.path.split('/')[-1], c.citation from v_fact_citations c join facts f using (fact_id)
        join articles a on a.article_id = f.article_id join documents d on d.doc_id = f.doc_id
        join sources s using (source_id)
        where a.label = '10' and d.title like '%医药健康产业高质量发展的若干意见' and f.kind = 'percent'
        order by 1, f.char_start limit 4""")
    assert cited[0] == ("beijing-gazette-2025-27.pdf",
                        f"{JJGF}第二部分（二）10，北京市人民政府公报2025年第27期第72页")
    assert ("jjgf-2025-9.pdf", f"{JJGF}第二部分（二）10，京技管发〔2025〕9号第79页") in cited


def test_a_text_ingested_before_its_pdf_takes_the_pdf_s_pages_when_it_comes(prefect_harness, tmp_path):
    from flows import catalog
    from flows.ingest.flow import ingest

    db = tmp_path / "c.duckdb"
    ingest([SAMPLES / "jjgf-2025-9.txt"], db_path=db)
    pages = "select printed_page_start, printed_page_end, page_source from documents order by doc_id"
    with catalog.reading(db) as con:
        assert con.execute(pages).fetchall() == [(None, None, None)]
    ingest([SAMPLES / "jjgf-2025-9.pdf"], db_path=db)
    with catalog.reading(db) as con:
        assert con.execute(pages).fetchall() == [(74, 84, "footer"), (74, 84, "footer")]
        assert con.execute("""select count(*), count(printed_page), count(distinct printed_page) from facts f
                              join documents d using (doc_id) join sources s using (source_id)
                              where s.media_type = 'text'""").fetchone() == (79, 79, 11)
