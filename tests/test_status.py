"""时效性: status histories, placeholders for documents outside the catalog, the policies in force
on a date and a policy's articles as they stood then, on the dates and repeal clauses of the
bundled samples and of two laws with two versions each (data/corpus/texts)."""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import pytest

from extractors.status import cited_documents, in_force_from, status_history
from schemas.status import Citation, DatedDocument
from tests.conftest import ROOT

LAW_TEXTS = ["nat-statistics-law-2009", "nat-statistics-law-2024", "nat-internet-cafe-regs-2016",
             "nat-internet-cafe-regs-2022"]


def doc(doc_id, title, number=None, *, issued=None, effective=None, expiry=None, revised=None, draft=False,
        family=None, version=None):
    return DatedDocument(doc_id, doc_id.split("-")[0], title, number, draft, issued, effective, expiry, revised,
                         family, version, True)


# The two versions of 中华人民共和国统计法 as ingest dates them: the 1983 adoption reprinted, the
# 2010 施行 clause reprinted, and the head's last 修订/修正 line.
STATISTICS_2009 = doc("8b6e9f545b0d-01", "中华人民共和国统计法", issued=date(1983, 12, 8), effective=date(2010, 1, 1),
                      revised=date(2009, 6, 27), family="中华人民共和国统计法", version=1)
STATISTICS_2024 = doc("5f53ceaf9604-01", "中华人民共和国统计法", issued=date(1983, 12, 8), effective=date(2010, 1, 1),
                      revised=date(2024, 9, 13), family="中华人民共和国统计法", version=2)
# 京技管发〔2025〕5号 第三十五条: 《亦庄新城创新孵化载体认定管理办法(暂行)》(京技管发〔2023〕8号)废止。
INCUBATORS = doc("41ec1b749d30-06", "亦庄新城科技企业孵化器认定管理办法", "京技管发〔2025〕5号", issued=date(2025, 4, 12))
INCUBATORS_REPEAL = Citation("41ec1b749d30-06", "repeals", "京技管发〔2023〕8号", "亦庄新城创新孵化载体认定管理办法(暂行)",
                             None, None, "《亦庄新城创新孵化载体认定管理办法(暂行)》(京技管发〔2023〕8号)")


def spans(docs, citations=()):
    return [(s.doc_id, s.status, s.status_label, s.valid_from, s.valid_to, s.cause_doc_id)
            for s in status_history(list(docs), list(citations))]


def test_a_revised_law_takes_effect_on_its_last_revision_and_amends_its_predecessor():
    assert in_force_from(STATISTICS_2009) == date(2010, 1, 1)
    assert in_force_from(STATISTICS_2024) == date(2024, 9, 13)
    assert spans([STATISTICS_2009, STATISTICS_2024]) == [
        ("5f53ceaf9604-01", "in_force", "现行有效", date(2024, 9, 13), None, None),
        ("8b6e9f545b0d-01", "not_yet_effective", "尚未生效", date(2009, 6, 27), date(2010, 1, 1), None),
        ("8b6e9f545b0d-01", "in_force", "现行有效", date(2010, 1, 1), date(2024, 9, 13), None),
        ("8b6e9f545b0d-01", "amended", "已修改", date(2024, 9, 13), None, "5f53ceaf9604-01"),
    ]


def test_a_policy_expires_the_day_after_its_expiry_date_jjgf_2025_1():
    measures = doc("41ec1b749d30-03", "北京经济技术开发区关于推动经济持续回升向好的若干措施", "京技管发〔2025〕1号",
                   issued=date(2025, 1, 14), effective=date(2025, 1, 14), expiry=date(2025, 12, 31))
    (in_force, expired) = status_history([measures], [])
    assert (expired.status, expired.status_label, expired.valid_from, expired.cause) == (
        "expired", "失效", date(2026, 1, 1), "expiry")
    assert in_force.summary == ("《北京经济技术开发区关于推动经济持续回升向好的若干措施》(京技管发〔2025〕1号) 现行有效 "
                                "from 2025-01-14 to 2025-12-31")


def test_a_repealed_document_outside_the_catalog_is_a_placeholder_with_its_repeal():
    (placeholder,) = cited_documents([INCUBATORS], [INCUBATORS_REPEAL])
    assert (placeholder.placeholder_id, placeholder.title, placeholder.cited_by, placeholder.repealed) == (
        "cited:京技管发〔2023〕8号", "亦庄新城创新孵化载体认定管理办法(暂行)", "41ec1b749d30-06", True)
    repealed = status_history([INCUBATORS], [INCUBATORS_REPEAL])[-1]
    assert (repealed.doc_id, repealed.placeholder, repealed.status, repealed.valid_from) == (
        "cited:京技管发〔2023〕8号", True, "repealed", date(2025, 4, 12))
    assert repealed.summary == ("《亦庄新城创新孵化载体认定管理办法(暂行)》(京技管发〔2023〕8号) 已废止 by "
                                "《亦庄新城科技企业孵化器认定管理办法》(京技管发〔2025〕5号) from 2025-04-12")


def test_a_drafts_repeal_clause_repeals_nothing_changping_2025():
    draft = doc("8299e6910fdc-01", "中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）", draft=True)
    repeal = Citation("8299e6910fdc-01", "repeals", "昌政办发〔2023〕13号",
                      "中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法", None, None, "《…》（昌政办发〔2023〕13号）")
    assert spans([draft], [repeal]) == [("8299e6910fdc-01", "draft", "征求意见稿", None, None, None)]
    assert [p.repealed for p in cited_documents([draft], [repeal])] == [False]


def test_a_repeal_by_a_catalog_document_ends_every_rendition_of_its_target():
    old = doc("aaa-01", "亦庄新城创新孵化载体认定管理办法(暂行)", "京技管发〔2023〕8号", issued=date(2023, 3, 1))
    scan = doc("aaa-02", "亦庄新城创新孵化载体认定管理办法(暂行)", "京技管发〔2023〕8号", issued=date(2023, 3, 1))
    resolved = replace(INCUBATORS_REPEAL, to_doc_id="aaa-01")
    got = spans([old, scan, INCUBATORS], [resolved])
    assert [s for s in got if s[0] != INCUBATORS.doc_id] == [
        ("aaa-01", "in_force", "现行有效", date(2023, 3, 1), date(2025, 4, 12), None),
        ("aaa-01", "repealed", "已废止", date(2025, 4, 12), None, "41ec1b749d30-06"),
        ("aaa-02", "in_force", "现行有效", date(2023, 3, 1), date(2025, 4, 12), None),
        ("aaa-02", "repealed", "已废止", date(2025, 4, 12), None, "41ec1b749d30-06"),
    ]
    assert cited_documents([old, scan, INCUBATORS], [resolved]) == []


def test_a_repeal_of_some_articles_leaves_the_rest_in_force_until_expiry():
    old = doc("bbb-01", "北京经济技术开发区关于推动经济持续回升向好的若干措施", "京技管发〔2025〕1号",
              issued=date(2025, 1, 14), expiry=date(2025, 12, 31))
    partial = Citation("41ec1b749d30-06", "repeals", "京技管发〔2025〕1号", None, "bbb-01", "第五条、第七条",
                       "《北京经济技术开发区关于推动经济持续回升向好的若干措施》(京技管发〔2025〕1号)")
    history = [s for s in status_history([old, INCUBATORS], [partial]) if s.doc_id == "bbb-01"]
    assert [(s.status, s.status_label, s.valid_from, s.valid_to) for s in history] == [
        ("in_force", "现行有效", date(2025, 1, 14), date(2025, 4, 12)),
        ("partially_repealed", "部分失效", date(2025, 4, 12), date(2026, 1, 1)),
        ("expired", "失效", date(2026, 1, 1), None)]
    assert history[1].cause_text.endswith(" 第五条、第七条")


def test_a_document_without_dates_is_undated_never_in_force():
    guide = doc("f4d176d1d758-01", "2026年经开区医药科技服务机构认定办事指南")
    assert spans([guide]) == [("f4d176d1d758-01", "undated", "日期不详", None, None, None)]


def test_a_revised_laws_repeal_clause_took_effect_with_its_first_enforcement():
    """国务院令第363号 第三十七条, reprinted in its 2016 and 2022 versions: 本条例自2002年11月15日起施行。
    …《互联网上网服务营业场所管理办法》同时废止。"""
    regs = [doc(doc_id, "互联网上网服务营业场所管理条例", "中华人民共和国国务院令第363号", issued=date(2002, 9, 29),
                effective=date(2002, 11, 15), revised=revised, family="互联网上网服务营业场所管理条例", version=n)
            for n, (doc_id, revised) in enumerate([("0a95fe895331-01", date(2016, 2, 6)),
                                                   ("d8525b47e8c1-01", date(2022, 3, 29))], start=1)]
    repeals = [Citation(r.doc_id, "repeals", None, "互联网上网服务营业场所管理办法", None, None, "《互联网上网服务营业场所管理办法》")
               for r in regs]
    placeholder = [s for s in status_history(regs, repeals) if s.placeholder]
    assert [(s.doc_id, s.status, s.valid_from, s.cause_doc_id) for s in placeholder] == [
        ("cited:互联网上网服务营业场所管理办法", "repealed", date(2002, 11, 15), "0a95fe895331-01")]
    assert [(p.placeholder_id, p.citations) for p in cited_documents(regs, repeals)] == [
        ("cited:互联网上网服务营业场所管理办法", 2)]


def test_forms_and_licences_cited_by_title_are_no_placeholders():
    """京商流通字〔2025〕6号 cites its forms, 国务院令第363号 a licence, by 《…》."""
    cited = [Citation("41ec1b749d30-02", "cites", None, title, None, None, f"《{title}》")
             for title in ("项目申报情况表", "网络文化经营许可证", "北京市商业流通发展资金管理办法",
                           "亦庄新城核心地区控制性详细规划(街区层面)(2020 年—2035 年)")]
    assert [p.placeholder_id for p in cited_documents([], cited)] == [
        "cited:亦庄新城核心地区控制性详细规划(街区层面)(2020年—2035年)", "cited:北京市商业流通发展资金管理办法"]


def test_a_title_cited_alone_joins_the_number_cited_with_it():
    with_number = Citation("41ec1b749d30-08", "cites", "京政办发〔2024〕14号", "北京市加快医药健康协同创新行动计划(2024—2026年)",
                           None, None, "《北京市加快医药健康协同创新行动计划(2024—2026年)》(京政办发〔2024〕14号)")
    alone = Citation("f4d176d1d758-01", "cites", None, "北京市加快医药健康协同创新行动计划(2024—2026年)", None, None,
                     "《北京市加快医药健康协同创新行动计划(2024—2026年)》")
    (placeholder,) = cited_documents([], [with_number, alone])
    assert (placeholder.placeholder_id, placeholder.citations) == ("cited:京政办发〔2024〕14号", 2)


def test_one_decision_cited_with_either_kind_of_nested_title_marks_is_one_placeholder():
    """The heads of the statistics law's 2009 and 2024 texts cite the 1996 decision so."""
    cited = [Citation("8b6e9f545b0d-01", "cites", None, "关于修改<中华人民共和国统计法>的决定", None, None,
                      "《关于修改<中华人民共和国统计法>的决定》"),
             Citation("5f53ceaf9604-01", "cites", None, "关于修改〈中华人民共和国统计法〉的决定", None, None,
                      "《关于修改〈中华人民共和国统计法〉的决定》")]
    (placeholder,) = cited_documents([STATISTICS_2009, STATISTICS_2024], cited)
    assert (placeholder.placeholder_id, placeholder.citations, placeholder.cited_by) == (
        "cited:关于修改〈中华人民共和国统计法〉的决定", 2, "5f53ceaf9604-01")


# On the catalog of the bundled samples (tests/conftest.py).

def test_sample_statuses(corpus_con):
    got = corpus_con.execute(
        "select d.doc_number, s.status, s.valid_from, s.valid_to from document_status s join v_documents d "
        "using (doc_id) where d.doc_number in ('京技管发〔2025〕1号', '京技管发〔2025〕8号') order by 1, s.seq").fetchall()
    assert got == [("京技管发〔2025〕1号", "in_force", date(2025, 1, 14), date(2026, 1, 1)),
                   ("京技管发〔2025〕1号", "expired", date(2026, 1, 1), None),
                   ("京技管发〔2025〕8号", "in_force", date(2025, 4, 29), None)]
    drafts = corpus_con.execute("select distinct s.status_label from document_status s join documents d "
                                "using (doc_id) where d.is_draft").fetchall()
    assert drafts == [("征求意见稿",)]


def test_sample_repeals_of_documents_outside_the_catalog(corpus_con):
    got = corpus_con.execute(
        "select doc_id, valid_from, summary from document_status where placeholder order by 1").fetchall()
    assert [(p, d) for p, d, _ in got] == [
        ("cited:京技管〔2013〕102号", date(2025, 4, 29)), ("cited:京技管〔2024〕125号", date(2025, 4, 11)),
        ("cited:京技管发〔2023〕32号", date(2025, 4, 11)), ("cited:京技管发〔2023〕5号", date(2025, 4, 30)),
        ("cited:京技管发〔2023〕8号", date(2025, 4, 12))]
    assert got[0][2] == ("《关于开发区噪声功能区调整及实施细则的批复》(京技管〔2013〕102号) 已废止 by "
                         "《北京经济技术开发区声环境功能区划实施细则》(京技管发〔2025〕8号) from 2025-04-29")
    # the Changping draft's repeal of 昌政办发〔2023〕13号 is not in effect
    assert corpus_con.execute("select repealed from cited_documents where doc_number = '昌政办发〔2023〕13号'"
                              ).fetchall() == [(False,)]


def test_an_undated_guide_is_never_in_force(corpus_con):
    guide = "2026年经开区医药科技服务机构认定办事指南"
    assert corpus_con.execute("select count(*) from policies_in_force(as_of := DATE '2026-06-01') where title = ?",
                              [guide]).fetchall() == [(0,)]
    assert corpus_con.execute("select s.status_label from document_status s join documents d using (doc_id) "
                              "where d.title = ?", [guide]).fetchall() == [("日期不详",)]


def test_policies_in_force_say_their_status(corpus_con):
    assert corpus_con.execute("select distinct status from policies_in_force(as_of := DATE '2026-01-01')"
                              ).fetchall() == [("in_force",)]
    # before any Beijing sample took effect only 统计法 binds, as amended from 2024-09-13
    assert corpus_con.execute("select title, version_no from policies_in_force(as_of := DATE '2025-01-13')"
                              ).fetchall() == [("中华人民共和国统计法", 2)]


# On a catalog of two laws with two versions each.

@pytest.fixture(scope="module")
def laws(prefect_harness, tmp_path_factory):
    from flows import catalog
    from flows.ingest.flow import ingest

    raw = tmp_path_factory.mktemp("laws")
    for name in LAW_TEXTS:
        shutil.copy(ROOT / "data" / "corpus" / "texts" / f"{name}.txt", raw / f"{name}.txt")
    db = tmp_path_factory.mktemp("laws-db") / "catalog.duckdb"
    ingest([raw], db_path=db)
    con = catalog.connect(db, read_only=True)
    yield con
    con.close()


def article(con, policy, as_of, label):
    return con.execute("select version_no, status, text from article_as_of(?, as_of := ?) where path_label = ?",
                       [policy, as_of, label]).fetchall()


def test_article_as_it_stood_before_and_after_the_2024_amendment(laws):
    assert article(laws, "中华人民共和国统计法", date(2015, 1, 1), "第一章/第三条") == [
        (1, "in_force", "第三条 国家建立集中统一的统计系统，实行统一领导、分级负责的统计管理体制。")]
    assert article(laws, "中华人民共和国统计法", date(2025, 1, 1), "第一章/第三条") == [
        (2, "in_force", "第三条 统计工作坚持中国共产党的领导。\n国家建立集中统一的统计系统，实行统一领导、分级负责的统计管理体制。")]
    # every node of the 2024 text's tree, in order: 7 chapters, 53 articles and their items
    in_2025 = laws.execute("select path_label from article_as_of('中华人民共和国统计法', as_of := DATE '2025-01-01')"
                           ).fetchall()
    assert (len(in_2025), in_2025[0], in_2025[-1]) == (85, ("第一章",), ("第七章/第五十三条",))


def test_no_version_in_force_is_one_row_saying_why(laws):
    before = laws.execute("select version_no, status, status_label, path_label from article_as_of("
                          "'中华人民共和国统计法', as_of := DATE '2009-01-01')").fetchall()
    assert before == [(1, "not_yet_effective", "尚未生效", None)]
    repealed = laws.execute("select doc_id, status_label, valid_from, text from article_as_of("
                            "'互联网上网服务营业场所管理办法', as_of := DATE '2020-01-01')").fetchall()
    assert repealed == [("cited:互联网上网服务营业场所管理办法", "已废止", date(2002, 11, 15), None)]
    assert laws.execute("select count(*) from article_as_of('没有这个政策')").fetchall() == [(0,)]


def test_the_older_version_is_amended_when_the_newer_takes_effect(laws):
    got = laws.execute(
        "select p.version_no, s.status, s.valid_from, s.valid_to from document_status s "
        "join policy_versions p using (doc_id) where p.family_id = '互联网上网服务营业场所管理条例' "
        "order by p.version_no, s.seq").fetchall()
    assert got == [(1, "in_force", date(2016, 2, 6), date(2022, 3, 29)), (1, "amended", date(2022, 3, 29), None),
                   (2, "in_force", date(2022, 3, 29), None)]
    # 《国务院关于废止和修改部分行政法规的决定》 in the head amended the regulations: a citation, not a repeal
    assert laws.execute("select count(*) from cited_documents where repealed").fetchall() == [(1,)]
