"""Stage 3 on the real corpus: the gazette issue's masthead, TOC and 8 documents; standalone files."""
from datetime import date
from pathlib import Path

import pytest

from extractors.clean import clean_text_source
from extractors.issue import normalize_doc_number, parse_issue
from extractors.split import doc_type, split_documents
from schemas.records import CleanText

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def clean(name: str) -> CleanText:
    return clean_text_source((SAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gazette():
    text = clean("beijing-gazette-2025-27.txt")
    issue, spans = split_documents(text)
    return text, issue, spans


def test_masthead(gazette):
    _, issue, _ = gazette
    assert (issue.publication, issue.year, issue.issue_no, issue.total_no, issue.issue_date) == (
        "北京市人民政府公报", 2025, 27, 903, date(2025, 7, 24))
    assert issue.warnings == ()


def test_toc_entries(gazette):
    _, issue, _ = gazette
    assert [(e.seq, e.doc_number, e.printed_page, e.section) for e in issue.toc] == [
        (1, "京商消二字〔2025〕16号", 6, "部门文件"),
        (2, "京商流通字〔2025〕6号", 8, "部门文件"),
        (3, "京技管发〔2025〕1号", 15, "部门文件"),
        (4, "京技管发〔2025〕3号", 23, "部门文件"),
        (5, "京技管发〔2025〕4号", 31, "部门文件"),
        (6, "京技管发〔2025〕5号", 45, "部门文件"),
        (7, "京技管发〔2025〕8号", 60, "部门文件"),
        (8, "京技管发〔2025〕9号", 74, "部门文件"),
    ]
    assert issue.toc[0].title_zh == "北京市商务局关于进一步扩围2025年消费品以旧换新补贴商品的公告"
    assert issue.toc[5].title_zh == "北京经济技术开发区管理委员会关于印发《亦庄新城科技企业孵化器认定管理办法》的通知"
    assert issue.toc[0].title_en == ("Announcement of Beijing Municipal Commerce Bureau on Further Expanding "
                                     "the Scope of Subsidized Commodities in Trade-in of Consumer Goods in 2025")
    assert issue.toc[7].title_en == (
        "Circular of Administrative Committee of Beijing Economic–Technological Development Area on "
        "Issuing the “Opinions of Beijing Economic–Technological Development Area on Promoting the "
        "High–Quality Development of the Pharmaceutical and Healthcare Industry”")
    assert all(e.title_en.startswith(("Announcement of", "Circular of")) for e in issue.toc)


EXPECTED_DOCUMENTS = [
    # 文号, title, notice title (印发 notices only), issuer, issued, type
    ("京商消二字〔2025〕16号", "北京市商务局关于进一步扩围2025年消费品以旧换新补贴商品的公告", None,
     "北京市商务局", date(2025, 6, 19), "公告"),
    ("京商流通字〔2025〕6号", "北京市商务局关于申报2025年北京市县域商业体系建设项目的通知", None,
     "北京市商务局", date(2025, 6, 27), "通知"),
    ("京技管发〔2025〕1号", "北京经济技术开发区关于推动经济持续回升向好的若干措施",
     "北京经济技术开发区管理委员会印发《北京经济技术开发区关于推动经济持续回升向好的若干措施》的通知",
     "北京经济技术开发区管理委员会", date(2025, 1, 14), "措施"),
    ("京技管发〔2025〕3号", "北京经济技术开发区关于加快建设开源开放信创产业高地的若干措施",
     "北京经济技术开发区管理委员会印发《北京经济技术开发区关于加快建设开源开放信创产业高地的若干措施》的通知",
     "北京经济技术开发区管理委员会", date(2025, 3, 28), "措施"),
    ("京技管发〔2025〕4号", "北京经济技术开发区关于进一步激发创新活力打造高精尖产业主阵地的若干意见",
     "北京经济技术开发区管理委员会印发《北京经济技术开发区关于进一步激发创新活力打造高精尖产业主阵地的若干意见》的通知",
     "北京经济技术开发区管理委员会", date(2025, 4, 11), "意见"),
    ("京技管发〔2025〕5号", "亦庄新城科技企业孵化器认定管理办法",
     "北京经济技术开发区管理委员会关于印发《亦庄新城科技企业孵化器认定管理办法》的通知",
     "北京经济技术开发区管理委员会", date(2025, 4, 12), "办法"),
    ("京技管发〔2025〕8号", "北京经济技术开发区声环境功能区划实施细则",
     "北京经济技术开发区管理委员会关于印发《北京经济技术开发区声环境功能区划实施细则》的通知",
     "北京经济技术开发区管理委员会", date(2025, 4, 29), "细则"),
    ("京技管发〔2025〕9号", "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见",
     "北京经济技术开发区管理委员会印发《北京经济技术开发区关于促进医药健康产业高质量发展的若干意见》的通知",
     "北京经济技术开发区管理委员会", date(2025, 4, 30), "意见"),
]


def test_documents_in_order(gazette):
    _, _, spans = gazette
    assert [(s.seq, s.doc_number) for s in spans] == [
        (i + 1, row[0]) for i, row in enumerate(EXPECTED_DOCUMENTS)]


@pytest.mark.parametrize("row", EXPECTED_DOCUMENTS, ids=[r[0] for r in EXPECTED_DOCUMENTS])
def test_document_fields(gazette, row):
    _, _, spans = gazette
    span = next(s for s in spans if s.doc_number == row[0])
    assert (span.doc_number, span.title, span.notice_title, span.issuer, span.issued_date,
            span.doc_type) == row
    assert span.is_draft is False
    assert span.toc_entry is not None and span.toc_entry.doc_number == row[0]


def test_every_toc_entry_has_its_document(gazette):
    _, issue, spans = gazette
    assert [s.toc_entry.seq for s in spans] == [e.seq for e in issue.toc]


def test_spans_are_exact_and_exclude_front_and_back_matter(gazette):
    text, _, spans = gazette
    for span in spans:
        assert span.text == text.text[span.char_start:span.char_end]
    for before, after in zip(spans, spans[1:]):
        assert before.char_end < after.char_start
    # The cover, masthead and both TOCs come before the first document …
    assert "目 录" not in spans[0].text and "CONTENTS" in text.text[:spans[0].char_start]
    assert spans[0].text.startswith("北京市商务局关于进一步扩围 2025 年消费品以旧换新补贴商品的公告\n京商消二字〔2025〕16 号")
    assert spans[0].text.endswith("特此公告。\n北京市商务局\n2025 年 6 月 19 日")
    # … a document ends where the next one's title starts …
    assert spans[5].text.endswith("支持周期内是否对 2000 平方米内进行房租全免。")
    assert spans[6].text.startswith("北京经济技术开发区管理委员会\n关于印发《北京经济技术开发区声环境 功能区划实施细则》的通知")
    assert spans[6].text.endswith("附件 3\n北京经济技术开发区声环境功能区划示意图")
    # … and the back matter (政府公报查询方式, 简介) is in no document.
    assert spans[7].text.endswith("具体解释工作由生物技术和大健康产业局承担。")
    assert "政府公报查询方式" in text.text[spans[7].char_end:]


def test_standalone_jjgf():
    text = clean("jjgf-2025-9.txt")
    issue, spans = split_documents(text)
    assert issue is None and parse_issue(text) is None
    [span] = spans
    assert (span.char_start, span.char_end, span.text) == (0, len(text.text), text.text)
    assert (span.doc_number, span.title, span.issuer, span.issued_date, span.doc_type, span.is_draft) == (
        "京技管发〔2025〕9号", "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见",
        "北京经济技术开发区管理委员会", date(2025, 4, 30), "意见", False)
    assert span.notice_title == EXPECTED_DOCUMENTS[7][2]
    assert span.toc_entry is None


@pytest.mark.parametrize("name,title,doc_kind,is_draft", [
    ("changping-pharma-2025-draft.txt",
     "中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）", "办法", True),
    ("yizhuang-pharma-service-guide-2026.txt", "2026年经开区医药科技服务机构认定办事指南", "办事指南", False),
    ("beijing-tech-services-2025-draft.txt", "北京市支持科技服务业高质量发展若干措施", "措施", True),
])
def test_standalone_drafts_and_guides(name, title, doc_kind, is_draft):
    text = clean(name)
    issue, spans = split_documents(text)
    assert issue is None
    [span] = spans
    assert (span.char_start, span.char_end) == (0, len(text.text))
    assert (span.title, span.doc_type, span.is_draft, span.doc_number, span.notice_title) == (
        title, doc_kind, is_draft, None, None)


SYNTHETIC_ISSUE = "\n".join([
    "北京市人民政府公报",
    "第 5 期(总第 881 期)",
    "2025年2月6日 第5期 北京市人民政府办公厅主办",
    "目 录",
    "【市政府文件】",
    "北京市人民政府关于甲的通知 (京政发〔2025〕1 号) (3)",
    "北京市人民政府关于乙的通知 (京政发〔2025〕2 号) (9)",
    "北京市人民政府关于甲的通知",
    "京政发〔2025〕1号",
    "一、总则",
    "北京市人民政府",
    "2025年1月2日",
])


def test_masthead_with_spaces_and_half_width_brackets():
    issue, spans = split_documents(CleanText(SYNTHETIC_ISSUE))
    assert (issue.publication, issue.year, issue.issue_no, issue.total_no, issue.issue_date) == (
        "北京市人民政府公报", 2025, 5, 881, date(2025, 2, 6))
    assert [(e.doc_number, e.printed_page, e.section) for e in issue.toc] == [
        ("京政发〔2025〕1号", 3, "市政府文件"), ("京政发〔2025〕2号", 9, "市政府文件")]
    assert [(s.doc_number, s.issuer, s.issued_date, s.doc_type) for s in spans] == [
        ("京政发〔2025〕1号", "北京市人民政府", date(2025, 1, 2), "通知")]


def test_missing_document_is_a_warning():
    issue, _ = split_documents(CleanText(SYNTHETIC_ISSUE))
    assert issue.warnings == ("TOC entry 2 (京政发〔2025〕2号) 北京市人民政府关于乙的通知: no document in the issue",)


@pytest.mark.parametrize("printed,normal", [
    ("京商消二字〔2025〕16 号", "京商消二字〔2025〕16号"),
    ("京技管发 [2025] 9号", "京技管发〔2025〕9号"),
    ("京技管发〔2025〕9号", "京技管发〔2025〕9号"),
])
def test_normalize_doc_number(printed, normal):
    assert normalize_doc_number(printed) == normal


@pytest.mark.parametrize("title,kind", [
    ("北京经济技术开发区关于推动经济持续回升向好的若干措施", "措施"),
    ("亦庄新城科技企业孵化器认定管理办法", "办法"),
    ("北京经济技术开发区声环境功能区划实施细则", "细则"),
    ("中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）", "办法"),
    ("2026年经开区医药科技服务机构认定办事指南", "办事指南"),
    ("北京市商务局关于进一步扩围2025年消费品以旧换新补贴商品的公告", "公告"),
    ("关于某事的说明", None),
])
def test_doc_type(title, kind):
    assert doc_type(title) == kind


CORPUS_TEXTS = SAMPLES.parent / "corpus" / "texts"

# A 部门规章's header as LawRefBook/Laws stores it (部门规章/市场监督管理总局/
# 医疗器械注册与备案管理办法(2021-08-26).md, markdown marks and blank lines left out).
DEVICE_REGISTRATION_HEAD = "\n".join([
    "医疗器械注册与备案管理办法",
    "2021年8月26日 国家市场监督管理总局令第47号公布",
    "2021年10月1日 施行",
    "第一章 总 则",
    "第一条 为了规范医疗器械注册与备案行为，保证医疗器械的安全、有效和质量可控，根据《医疗器械监督管理条例》，制定本办法。",
])


@pytest.mark.parametrize("name,title,number,issuer,issued", [
    ("nat-samr-order-56-2022-price-marking.txt", "明码标价和禁止价格欺诈规定",
     "国家市场监督管理总局令第56号", "国家市场监督管理总局", date(2022, 4, 14)),
    ("nat-mss-order-2-2022-reporting-rewards.txt", "公民举报危害国家安全行为奖励办法",
     "中华人民共和国国家安全部令第2号", "中华人民共和国国家安全部", date(2022, 6, 6)),
    ("nat-saic-order-73-2015-consumer-rights-penalties.txt", "侵害消费者权益行为处罚办法",
     "国家工商行政管理总局令第73号", "国家工商行政管理总局", date(2015, 1, 5)),
])
def test_promulgation_lines_are_not_title(name, title, number, issuer, issued):
    # The title used to run on into `2022年4月14日国家市场监督管理总局令第56号公布2022年7月1日施行`.
    _, [span] = split_documents(clean_text_source((CORPUS_TEXTS / name).read_text(encoding="utf-8")))
    assert (span.title, span.doc_number, span.issuer, span.issued_date) == (title, number, issuer, issued)


def test_promulgation_lines_of_a_rule_with_chapters():
    _, [span] = split_documents(CleanText(DEVICE_REGISTRATION_HEAD))
    assert (span.title, span.doc_number, span.issuer, span.issued_date, span.doc_type) == (
        "医疗器械注册与备案管理办法", "国家市场监督管理总局令第47号", "国家市场监督管理总局",
        date(2021, 8, 26), "办法")


@pytest.mark.parametrize("name,effective", [
    ("nat-samr-order-56-2022-price-marking.txt", date(2022, 7, 1)),
    ("nat-samr-order-43-2021-car-warranty.txt", date(2022, 1, 1)),
])
def test_the_effective_date_of_a_law_head_is_its_shixing_line(name, effective):
    # `2022年7月1日 施行` under the 令 line; the last article may only say 自…起施行 or nothing
    _, [span] = split_documents(clean_text_source((CORPUS_TEXTS / name).read_text(encoding="utf-8")))
    assert span.effective_date == effective


def test_a_law_head_without_a_shixing_line_leaves_the_effective_date_to_the_text():
    _, [span] = split_documents(CleanText(DEVICE_REGISTRATION_HEAD.replace("2021年10月1日 施行\n", "")))
    assert span.effective_date is None


# A law as a web page prints it (http://law633.infoeach.com/view-NjMzfDE1Mw==.html, the site's
# chrome already left out by the cleaner): the title twice, the enacting body, the 主席令 with
# its enacting sentence and signature, the title again, the promulgation record, a 目录.
LANGUAGE_LAW_PAGE = "\n".join([
    "中华人民共和国国家通用语言文字法",
    "中华人民共和国国家通用语言文字法",
    "全国人民代表大会常务委员会",
    "中华人民共和国主席令(九届第37号)",
    "《中华人民共和国国家通用语言文字法》已由中华人民共和国第九届全国人民代表大会常务委员会第十八次会议于2000年10月31日通过,现予公布,自2001年1月1日起施行。",
    "中华人民共和国主席 江泽民",
    "2000年10月31日",
    "中华人民共和国国家通用语言文字法",
    "(2000年10月31日第九届全国人民代表大会常务委员会第十八次会议通过 2000年10月31日中华人民共和国主席令第三十七号公布 自2001年1月1日起施行)",
    "目录",
    "第一章 总则",
    "第二章 国家通用语言文字的使用",
    "第一章 总则",
    "第一条 为推动国家通用语言文字的规范化、标准化及其健康发展,使国家通用语言文字在社会生活中更好地发挥作用,促进各民族、各地区经济文化交流,根据宪法,制定本法。",
])
# A regulation as http://law604.infoeach.com/view-NjA0fDI2NA==.html prints it: the 国务院令 on two
# lines under the title, and only the signature's date.
ORGANISATION_REGULATION_PAGE = "\n".join([
    "国务院行政机构设置和编制管理条例",
    "国务院",
    "国务院行政机构设置和编制管理条例",
    "中华人民共和国国务院令",
    "第227号",
    "现发布《国务院行政机构设置和编制管理条例》,自发布之日起施行。",
    "总理李鹏",
    "1997年8月3日",
    "第一章总则",
    "第一条为了规范国务院行政机构的设置,加强编制管理,提高行政效率,根据宪法和国务院组织法,制定本条例。",
])


@pytest.mark.parametrize("text,title,number,issuer,issued", [
    (LANGUAGE_LAW_PAGE, "中华人民共和国国家通用语言文字法", "中华人民共和国主席令第三十七号",
     "中华人民共和国主席", date(2000, 10, 31)),
    (ORGANISATION_REGULATION_PAGE, "国务院行政机构设置和编制管理条例", "中华人民共和国国务院令第227号",
     "中华人民共和国国务院", date(1997, 8, 3)),
])
def test_decree_lines_between_title_and_body(text, title, number, issuer, issued):
    _, [span] = split_documents(CleanText(text))
    assert (span.title, span.doc_number, span.issuer, span.issued_date) == (title, number, issuer, issued)


def test_text_that_opens_with_its_decree_takes_the_enacted_title():
    # The same page without its headline: the 令 comes first, the title is the enacted 《》.
    text = "\n".join(ORGANISATION_REGULATION_PAGE.split("\n")[3:])
    _, [span] = split_documents(CleanText(text))
    assert (span.title, span.doc_number, span.issued_date, span.doc_type) == (
        "国务院行政机构设置和编制管理条例", "中华人民共和国国务院令第227号", date(1997, 8, 3), "条例")


@pytest.mark.parametrize("name,title,number,issued", [
    # The 文号 above the title, and a notice that issues a policy without 《》.
    ("loc-gd-guangzhou-temporary-relief-rules-2021.txt", "广州市临时救助实施细则", "穗府办规〔2021〕19号",
     date(2021, 12, 1)),
    ("loc-gd-tianhe-hkmacao-youth-2023.txt", "广州市天河区深化支持港澳青年创新创业高质量发展实施办法",
     "穗天科工信规字〔2023〕1号", date(2023, 8, 9)),
    # The issuers on a line of their own above a 关于 title, and a date in brackets under it.
    ("loc-jl-liuhe-key-industries-2023.txt", "关于支持重点产业加快发展的实施意见", None, date(2023, 2, 8)),
    ("guide-yubei-high-growth-tech-awards-2019.txt", "关于开展2018年度获认定市级高成长性科技企业奖励申报工作的通知",
     None, date(2019, 10, 14)),
])
def test_local_document_heads(name, title, number, issued):
    _, [span] = split_documents(clean_text_source((CORPUS_TEXTS / name).read_text(encoding="utf-8")))
    assert (span.title, span.doc_number, span.issued_date) == (title, number, issued)


@pytest.mark.parametrize("name,issuer", [
    ("loc-jl-liuhe-key-industries-2023.txt", "中共柳河县委柳河县人民政府"),
    ("loc-gd-tianhe-hkmacao-youth-2023.txt",
     "广州市天河区科技工业和信息化局广州市天河区人力资源和社会保障局中共广州市天河区委统战部"),
    ("guide-yubei-high-growth-tech-awards-2019.txt", "重庆市渝北区科学技术局"),
    # No 令 line: the body in the 发布 clause issues it.
    ("nat-price-violation-penalties-2010.txt", "国家发展计划委员会"),
    # …经人力资源和社会保障部第6次部务会议通过: the body without 经 and its sitting.
    ("nat-mohrss-2008-paid-annual-leave.txt", "人力资源和社会保障部"),
])
def test_issuer_printed_in_the_head(name, issuer):
    _, [span] = split_documents(clean_text_source((CORPUS_TEXTS / name).read_text(encoding="utf-8")))
    assert span.issuer == issuer


def test_notice_issuing_two_rules_keeps_its_own_title():
    # notice-gov-office-cultural-enterprise-rules-2018: 印发…两个规定 names no single policy.
    name = "notice-gov-office-cultural-enterprise-rules-2018.txt"
    _, [span] = split_documents(clean_text_source((CORPUS_TEXTS / name).read_text(encoding="utf-8")))
    assert span.title == ("国务院办公厅关于印发文化体制改革中经营性文化事业单位转制为企业"
                          "和进一步支持文化企业发展两个规定的通知")
    assert (span.doc_number, span.issuer, span.issued_date) == ("国办发〔2018〕124号", "国务院办公厅", date(2018, 12, 18))


@pytest.mark.parametrize("text,title,issuer,issued", [
    # nat-statistics-law-2009: passed, amended and revised by the NPC Standing Committee, no 主席令 line.
    ((CORPUS_TEXTS / "nat-statistics-law-2009.txt").read_text(encoding="utf-8"), "中华人民共和国统计法",
     "全国人民代表大会常务委员会", date(1983, 12, 8)),
    # A provincial regulation as http://jgswj.zj.gov.cn/art/2025/8/13/art_1543701_58937063.html prints it.
    ("陕西省机关运行保障条例\n陕西省机关运行保障条例\n"
     "(2025年7月30日陕西省第十四届人民代表大会常务委员会第十七次会议通过)\n目 录\n第一章 总 则\n"
     "第二章 保障事项\n第一章 总 则\n第一条 为了规范和加强机关运行保障工作,提升保障服务效能,建设节约型机关,"
     "根据有关法律、行政法规,结合本省实际,制定本条例。",
     "陕西省机关运行保障条例", "陕西省人民代表大会常务委员会", date(2025, 7, 30)),
])
def test_law_passed_without_a_decree(text, title, issuer, issued):
    _, [span] = split_documents(clean_text_source(text))
    assert (span.title, span.doc_number, span.issuer, span.issued_date) == (title, None, issuer, issued)


def test_title_wrapped_after_a_type_word_goes_on():
    # A law's title set on two lines, the first ending like a title (…土地管理法 / 实施条例), as
    # nat-land-admin-law-implementing-regs-2021's title would wrap; the issuing body line stops it.
    text = (CORPUS_TEXTS / "nat-land-admin-law-implementing-regs-2021.txt").read_text(encoding="utf-8")
    wrapped = text.replace("中华人民共和国土地管理法实施条例\n", "中华人民共和国土地管理法\n实施条例\n国务院\n", 1)
    _, [span] = split_documents(clean_text_source(wrapped))
    assert (span.title, span.doc_number) == ("中华人民共和国土地管理法实施条例", "中华人民共和国国务院令第256号")


def test_joint_notice_with_a_long_title_and_a_date_in_chinese_numerals():
    # notice-gov-office-abandoned-chemical-weapons-1996: the long title (with 、) was healed into one
    # paragraph with the 文号 and the addressees; the signature is dated 一九九六年六月二十九日.
    name = "notice-gov-office-abandoned-chemical-weapons-1996.txt"
    clean = clean_text_source((CORPUS_TEXTS / name).read_text(encoding="utf-8"))
    assert clean.text.split("\n")[1] == "国办发〔1996〕25号"
    _, [span] = split_documents(clean)
    assert (span.title, span.doc_number, span.issuer, span.issued_date) == (
        "国务院办公厅、中央军委办公厅关于加强对侵华日军遗弃化学武器调查和管理工作的通知", "国办发〔1996〕25号",
        "国务院办公厅、中央军委办公厅", date(1996, 6, 29))
