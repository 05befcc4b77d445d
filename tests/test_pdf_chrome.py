"""Stage 2 (clean), PDFs: running headers, footers and page numbers of typesettings other than the
bundled ones (data/corpus/pdf, typeset by data/corpus/render_pdfs.py), and 文号 cut at a line end."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.clean import clean_pdf_pages, page_body
from extractors.pdf_chrome import without_page_chrome
from extractors.pdf_layout import cuts_doc_number, page_layouts
from extractors.read import read_pdf
from extractors.split import split_documents
from schemas.records import PdfLine, PdfPage

PDFS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "pdf"
TEXTS = PDFS.parent / "texts"
A4 = (595.0, 842.0)


def corpus_pdf(stem: str) -> list[PdfPage]:
    return read_pdf(PDFS / f"{stem}.pdf")


def squeezed(text: str) -> str:
    return "".join(text.split())


def line(text: str, x0: float, top: float, size: float = 15.0, x1: float | None = None) -> PdfLine:
    width = size * len(text) if x1 is None else x1 - x0
    return PdfLine(text=text, x0=x0, x1=x0 + width, top=top, bottom=top + size, size=size, font="UMingCN-0")


@pytest.mark.parametrize(("stem", "page", "end", "chrome", "start", "joined"), [
    # serif typesetting: the title as running header on top of the next page
    ("nat-mss-order-2-2022-reporting-rewards", 1, "所在单位向国家安全机", "公民举报危害国家安全行为奖励办法",
     "关报告；", "所在单位向国家安全机关报告；"),
    # sans typesetting: a 第N页 共M页 footer under the first half
    ("nat-land-admin-law-implementing-regs-2021", 5, "自征收土地预公", "第5页 共11页",
     "告发布之日起", "自征收土地预公告发布之日起"),
    # mirrored typesetting: a boxed gazette header read as a one-row table
    ("nat-samr-order-56-2022-price-marking", 1, "经营者的经营自主", "2\t政策文件汇编 2026年第12期",
     "权，不得强制", "经营者的经营自主权，不得强制"),
], ids=["title-header-splits-机关", "footer-splits-公告", "boxed-header-splits-自主权"])
def test_a_word_cut_by_a_page_break_is_whole_again(stem, page, end, chrome, start, joined):
    pages = corpus_pdf(stem)
    here, following = pages[page - 1], pages[page]
    printed = [x.text for x in here.lines] + ["\t".join(row) for t in following.tables for row in t.rows] \
        + [x.text for x in following.lines]
    # the page break falls inside the word, with the chrome between its halves
    assert any(text.endswith(end) for text in printed[len(here.lines) - 2:len(here.lines)])
    assert chrome in printed
    assert any(text.startswith(start) for text in printed[len(here.lines):len(here.lines) + 3])
    text = clean_pdf_pages(pages).text
    assert joined in text
    source = (TEXTS / f"{stem}.txt").read_text(encoding="utf-8")
    words = squeezed(chrome.split("\t")[-1])
    assert squeezed(text).count(words) == squeezed(source).count(words)


@pytest.mark.parametrize(("stem", "header", "title"), [
    ("nat-samr-order-43-2021-car-warranty", "家用汽车产品修理更换退货责任规定", "家用汽车产品修理更换退货责任规定"),
    ("nat-samr-order-56-2022-price-marking", "政策文件汇编 2026年第12期", "明码标价和禁止价格欺诈规定"),
    ("nat-statistics-law-2024", "第1页 共8页", "中华人民共和国统计法"),
    # one page only: nothing recurs; the header repeats the page's title (serif) or is a gazette's
    # name and issue beside the page number (mirrored)
    ("notice-gov-office-holidays-2018", "国务院办公厅关于2018年部分节假日安排的通知", "国务院办公厅关于2018年部分节假日安排的通知"),
    ("notice-gov-office-holidays-2019", "政策文件汇编 2026年第18期", "国务院办公厅关于2019年部分节假日安排的通知"),
])
def test_running_header_is_never_the_title(stem, header, title):
    pages = corpus_pdf(stem)
    edge = [x.text for x in pages[0].lines[:2]] + ["\t".join(r) for t in pages[0].tables for r in t.rows] \
        + [x.text for x in pages[0].lines[-1:]]
    assert any(header in text for text in edge)
    clean = clean_pdf_pages(pages)
    source = (TEXTS / f"{stem}.txt").read_text(encoding="utf-8")
    assert squeezed(clean.text).count(squeezed(header)) == squeezed(source).count(squeezed(header))
    _, spans = split_documents(clean)
    assert [span.title.replace(" ", "") for span in spans] == [title]


def test_a_boxed_header_makes_no_one_row_table():
    # nat-mohrss-2008-paid-annual-leave, mirrored typesetting: every page's header box is a table
    pages = corpus_pdf("nat-mohrss-2008-paid-annual-leave")
    assert all(len(page.tables) == 1 and len(page.tables[0].rows) == 1 for page in pages)
    assert pages[0].tables[0].rows == (("政策文件汇编 2026年第18期", "1"),)
    text = clean_pdf_pages(pages).text
    assert "\t" not in text and "政策文件汇编" not in text


@pytest.mark.parametrize("footer", ["- 3 -", "— 74 —", "－3－", "第3页 共10页", "共10页 第3页", "第 3 页", "第三页",
                                    "3/10", "3", "Page 3 of 10"])
def test_page_number_forms_on_a_single_page(footer):
    body = [line("第二条 本办法适用于本市行政区域内的临时救助工作。", 87.5, 120.0),
            line("国务院办公厅", 380.0, 700.0)]
    page = PdfPage(1, *A4, lines=tuple(body + [line(footer, 470.0, 790.0, size=10.5)]))
    assert [x.text for x in without_page_chrome([page])[0].lines] == [x.text for x in body]


def test_a_line_in_the_band_that_does_not_recur_stays():
    # the signature of notice-gov-office-holidays-2018 low on a page of its own: not chrome
    pages = [PdfPage(n, *A4, lines=(line("第一条 为了规范经营者明码标价行为。", 87.5, 120.0),
                                    line(text, 380.0, 735.0)))
             for n, text in ((1, "国务院办公厅"), (2, "2017年11月30日"))]
    assert [len(page.lines) for page in without_page_chrome(pages)] == [2, 2]


def test_a_title_header_on_the_second_page_only_goes_and_the_title_stays():
    # nat-mohrss-2008-paid-annual-leave typeset on two pages, the header on the second one only:
    # it does not recur, but it repeats the title printed larger on page 1
    title = "企业职工带薪年休假实施办法"
    first = PdfPage(1, *A4, lines=(line(title, 160.0, 110.0, size=21.0),
                                   line("第一条 为了实施《职工带薪年休假条例》，制定本实施办法。", 87.5, 170.0)))
    second = PdfPage(2, *A4, lines=(line(title, 230.0, 40.0, size=10.5),
                                    line("第二条 中华人民共和国境内的企业，适用本办法。", 117.5, 110.0)))
    pages = without_page_chrome([first, second])
    assert [x.text for x in pages[0].lines][0] == title
    assert [x.text for x in pages[1].lines] == ["第二条 中华人民共和国境内的企业，适用本办法。"]


def test_mirrored_margins_give_each_page_side_its_text_block():
    bodies = [page_body(page) for page in without_page_chrome(corpus_pdf("nat-samr-order-56-2022-price-marking"))]
    layouts = page_layouts(bodies)
    assert [round(layout.left) for layout in layouts[:2]] == [110, 95]
    assert round(layouts[0].right - layouts[0].left) == round(layouts[1].right - layouts[1].left) == 390


@pytest.mark.parametrize(("first", "second", "number"), [
    ("京技管发〔", "2025〕9号", "京技管发〔2025〕9号"),           # jjgf-2025-9
    ("国办发〔2018〕", "124号", "国办发〔2018〕124号"),           # notice-gov-office-cultural-enterprise-rules-2018
    ("穗府办规〔2021", "〕19号", "穗府办规〔2021〕19号"),         # loc-gd-guangzhou-temporary-relief-rules-2021
])
def test_a_doc_number_cut_across_lines_is_joined(first, second, number):
    # two centred lines far apart, as a title block sets them: by geometry, two paragraphs
    lines = (line("北京经济技术开发区管理委员会", 192.5, 120.0),
             line(first, 297.5 - 7.5 * len(first), 170.0),
             line(second, 297.5 - 7.5 * len(second), 210.0),
             line("工委、管委会各机构，各重点国有企业：", 87.5, 260.0))
    text = clean_pdf_pages([PdfPage(1, *A4, lines=lines)]).text
    assert text.split("\n") == ["北京经济技术开发区管理委员会", number, "工委、管委会各机构，各重点国有企业："]


@pytest.mark.parametrize(("left", "right"), [
    ("依据《吉林省促进中小企业发展条例》", "2023年2月8日"),
    ("按照京技管发〔2025〕9号", "文件执行"),
    ("（", "2025年版）"),
])
def test_lines_that_do_not_cut_a_doc_number(left, right):
    assert not cuts_doc_number(left, right)
