"""Citations, repeals, quotes and validity dates, on sentences quoted from the corpus."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from extractors.facts.dates import extract_dates
from extractors.relations import document_dates, extract_relations
from schemas.records import Fact


def test_repeal_clause_of_the_changping_draft():
    text = "《中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法》（昌政办发〔2023〕13号）同时废止。"
    (rel,) = extract_relations(text)
    assert (rel.kind, rel.to_doc_number) == ("repeals", "昌政办发〔2023〕13号")
    assert rel.to_title == "中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法"
    assert rel.evidence == text[:-5]
    assert text[rel.char_start:rel.char_end] == rel.evidence


def test_repeal_with_half_width_brackets_jjgf_2025_8():
    text = "本细则自北京经济技术开发区管理委员会发布之日起实施,《关于开发区噪声功能区调整及实施细则的批复》(京技管〔2013〕102号)同时废止。"
    (rel,) = extract_relations(text)
    assert (rel.kind, rel.to_doc_number, rel.to_title) == ("repeals", "京技管〔2013〕102号", "关于开发区噪声功能区调整及实施细则的批复")


def test_citation_with_spaced_number_jingshang_16():
    text = ("为深入贯彻落实《国家发展改革委 财政部关于 2025 年加力扩围实施大规模设备更新和消费品以旧换新政策的通知》"
            "(发改环资〔2025〕13 号)精神,以及《北京市 2025 年家电以旧换新补贴实施细则》执行。")
    rels = extract_relations(text)
    assert [(r.kind, r.to_doc_number) for r in rels] == [("cites", "发改环资〔2025〕13号"), ("cites", None)]
    assert rels[1].to_title == "北京市 2025 年家电以旧换新补贴实施细则"


def test_a_repealing_decision_named_in_a_laws_head_is_a_citation_internet_cafe_regs_2022():
    text = ("2011年1月8日 《国务院关于废止和修改部分行政法规的决定》第一次修订　\n"
            "2022年3月29日 《国务院关于修改和废止部分行政法规的决定》第四次修订\n")
    rels = extract_relations(text)
    assert [(r.kind, r.to_title) for r in rels] == [("cites", "国务院关于废止和修改部分行政法规的决定"),
                                                     ("cites", "国务院关于修改和废止部分行政法规的决定")]


def test_the_same_regulations_repeal_clause_still_repeals():
    text = ("第三十八条 本条例自2002年11月15日起施行。2001年4月3日信息产业部、公安部、文化部、国家工商行政管理局"
            "发布的《互联网上网服务营业场所管理办法》同时废止。")
    (rel,) = extract_relations(text)
    assert (rel.kind, rel.to_title, rel.to_article_label) == ("repeals", "互联网上网服务营业场所管理办法", None)


def test_a_repeal_of_some_articles_names_them():
    """Worded as 京技管发〔2025〕5号 第三十五条's repeal, of two articles only (部分失效)."""
    text = "《亦庄新城创新孵化载体认定管理办法(暂行)》(京技管发〔2023〕8号)第五条、第七条同时废止。"
    (rel,) = extract_relations(text)
    assert (rel.kind, rel.to_doc_number, rel.to_article_label) == ("repeals", "京技管发〔2023〕8号", "第五条、第七条")
    assert rel.evidence == "《亦庄新城创新孵化载体认定管理办法(暂行)》(京技管发〔2023〕8号)"


def test_guide_quotes_article_ten_of_jjgf_2025_9():
    text = ("《北京经济技术开发区关于促进医药健康产业高质量发展的若干意见》（京技管发〔2025〕9号）中第十条"
            "“鼓励医药科技服务业发展。加大对“专业”服务的支持。”相关规定。")
    (rel,) = extract_relations(text)
    assert (rel.kind, rel.to_doc_number, rel.to_article_label) == ("quotes", "京技管发〔2025〕9号", "第十条")
    assert rel.quoted_text == "鼓励医药科技服务业发展。加大对“专业”服务的支持。"


def test_own_number_and_own_policy_title_are_not_citations():
    text = "京技管发〔2025〕9号\n现将《北京经济技术开发区关于促进医药健康产业高质量发展的若干意见》印发给你们。"
    assert extract_relations(text, "京技管发〔2025〕9号", "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见") == []


def expires(iso: str) -> Fact:
    return Fact(kind="date", text=iso, char_start=0, char_end=1, value_text=iso, role="expires")


def test_effective_on_issue_and_expiry_clause():
    text = "(三)本意见自公布之日起施行,至2027年12月31日结束。"
    assert document_dates(text, [expires("2027-12-31")], date(2025, 4, 11)) == (date(2025, 4, 11), date(2027, 12, 31))


def test_effective_when_the_issuer_is_named_jjgf_2025_8():
    text = "本细则自北京经济技术开发区管理委员会发布之日起实施。"
    assert document_dates(text, [], date(2025, 4, 29)) == (date(2025, 4, 29), None)


def test_valid_for_three_years_counts_from_the_effective_date():
    text = "政策措施自发布之日起实施，有效期3年，由北京市科委、中关村管委会负责解释。"
    assert document_dates(text, [], date(2025, 9, 1)) == (date(2025, 9, 1), date(2028, 8, 31))
    assert document_dates(text, [], None) == (None, None)


def test_effective_on_a_stated_date():
    text = "本办法自2026年1月1日起施行，有效期二年。"
    assert document_dates(text, [Fact("money", "x", 0, 1, value_num=Decimal(1))], None) == (
        date(2026, 1, 1), date(2027, 12, 31))


def test_relations_from_the_documents_facts_are_those_found_alone():
    """The pipeline hands extract_relations the 文号 extract_facts found; the result must not
    depend on it (every document of the corpus texts)."""
    from pathlib import Path

    from extractors.clean import clean_text_source
    from extractors.facts import extract_facts
    from extractors.split import split_documents

    samples = Path(__file__).resolve().parent.parent / "data" / "samples"
    checked = 0
    for path in sorted(samples.glob("*.txt")):
        for span in split_documents(clean_text_source(path.read_text(encoding="utf-8")))[1]:
            facts = extract_facts(span.text, issued=span.issued_date)
            alone = extract_relations(span.text, span.doc_number, span.title)
            assert extract_relations(span.text, span.doc_number, span.title, facts) == alone
            checked += len(alone)
    assert checked > 20


def test_a_period_of_application_dates_the_policy():
    # 国办发〔2018〕124号: both 规定 end 执行期限为2019年1月1日至2023年12月31日, no 施行 sentence
    text = "上述政策适用于所有文化企业，执行期限为2019年1月1日至2023年12月31日。"
    facts = extract_dates(text, issued=date(2018, 12, 18))
    assert document_dates(text, facts, date(2018, 12, 18)) == (date(2019, 1, 1), date(2023, 12, 31))
