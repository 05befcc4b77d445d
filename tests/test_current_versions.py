"""One row per policy measure: each analyst view reads the current version of each policy and its
`_all_versions` twin every version (schemas/migrations/012_current_versions.sql), on the bundled
corpus with a real second version of 京技管发〔2025〕9号 and the 2023 Changping text dropped in."""
from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import SAMPLES
from tests.test_revisions import CHANGPING_FAMILY, JJGF_FAMILY, version_2023

NUMBER_9 = "京技管发〔2025〕9号"
REVISION_FILE = "jjgf-2026-revision.txt"
GUIDE = "2026年经开区医药科技服务机构认定办事指南"
# The documents of the current versions, each policy's one.
CURRENT = "(select doc_id from v_current_versions)"


def revision_2026() -> str:
    """A 2026 revision of 京技管发〔2025〕9号 made from its text: issued 2026年3月2日 (施行 on issue), the
    yearly cap per enterprise of 二/(一)/3 raised from 1亿元 to 1.2亿元, in force until 2035."""
    text = (SAMPLES / "jjgf-2025-9.txt").read_text(encoding="utf-8")
    for old, new in (("\n2025年4月30日\n", "\n2026年3月2日\n"),
                     ("单个企业每年支持额度不超过 1 亿元", "单个企业每年支持额度不超过 1.2 亿元"),
                     ("至 2027 年 12 月 31 日结束", "至 2035 年 12 月 31 日结束")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def revised_catalog(corpus_catalog, tmp_path_factory):
    from flows.ingest.flow import ingest

    folder = tmp_path_factory.mktemp("revised")
    db = folder / "catalog.duckdb"
    shutil.copy(corpus_catalog[0], db)
    raw = folder / "raw"
    raw.mkdir()
    (raw / REVISION_FILE).write_text(revision_2026(), encoding="utf-8")
    (raw / "changping-pharma-2023.txt").write_text(version_2023(), encoding="utf-8")
    ingest([raw], db_path=db)
    return db


@pytest.fixture()
def revised_con(revised_catalog):
    from flows import catalog

    con = catalog.connect(revised_catalog, read_only=True)
    yield con
    con.close()


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def doc_id_of(con, path: str) -> str:
    return one(con, "select doc_id from documents join sources using (source_id) where path = ?", [path])


def test_the_current_version_is_the_latest_in_force(revised_con):
    versions = one(revised_con, "select count(distinct version_no) from policy_versions where family_id = ?",
                   [JJGF_FAMILY])
    assert versions >= 2
    assert rows(revised_con, "select doc_id, version_no = ?, versions, is_draft, chosen_as, status "
                             "from v_current_versions where family_id = ?", [versions, JJGF_FAMILY]) == [
        (doc_id_of(revised_con, REVISION_FILE), True, versions, False, "in_force", "in_force")]


def test_a_policy_with_no_version_in_force_shows_its_latest(revised_con):
    # The 2023 Changping text states no date: undated, in force on no date; its 2025 revision is
    # a draft (修订稿, 征求意见稿), after it in version order
    assert rows(revised_con, "select s.path, v.status, v.version_rank from versions_as_of() v "
                             "join documents d using (doc_id) join sources s using (source_id) "
                             "where v.family_id = ? order by v.version_rank", [CHANGPING_FAMILY]) == [
        ("changping-pharma-2023.txt", "undated", 1), ("changping-pharma-2025-draft.txt", "draft", 2)]
    assert rows(revised_con, "select doc_id, versions, chosen_as, status from v_current_versions "
                             "where family_id = ?", [CHANGPING_FAMILY]) == [
        (doc_id_of(revised_con, "changping-pharma-2025-draft.txt"), 2, "latest_draft", "draft")]


def test_caps_are_listed_once_per_policy_and_every_version_in_all_versions(revised_con):
    current = rows(revised_con, "select article_label, cap_yuan, scope from v_money_caps where doc_number = ? "
                                "order by cap_yuan desc, article_label limit 2", [NUMBER_9])
    assert current == [("二/(一)/3", Decimal(120000000), "per_enterprise_per_year"),
                       ("二/(一)/4", Decimal(30000000), "per_enterprise_per_year")]
    assert one(revised_con, "select count(*) from v_money_caps where doc_number = ?", [NUMBER_9]) == 12
    both = rows(revised_con, "select distinct cap_yuan, doc_id = ? from v_money_caps_all_versions "
                             "where doc_number = ? and article_label = '二/(一)/3' and scope is not null "
                             "order by 1", [doc_id_of(revised_con, REVISION_FILE), NUMBER_9])
    assert both == [(Decimal(100000000), False), (Decimal(120000000), True)]


ANALYST_VIEWS = ["v_documents", "v_facts", "v_article_bureaus", "v_article_terms", "v_money_caps",
                 "v_deadlines", "v_measure_bureaus"]


@pytest.mark.parametrize("view", ANALYST_VIEWS)
def test_all_versions_hold_both_versions_of_9(revised_con, view):
    versions = f"select count(distinct doc_id), count(distinct version_no) from {{}} where family_id = '{JJGF_FAMILY}'"
    older = one(revised_con, "select min(version_no) from policy_versions where family_id = ?", [JJGF_FAMILY])
    assert rows(revised_con, versions.format(view)) == [(1, 1)]
    counted = rows(revised_con, versions.format(f"{view}_all_versions"))[0]
    assert counted[0] == counted[1] >= 2
    assert one(revised_con, f"select count(*) from {view}_all_versions where family_id = ? and version_no = ?",
               [JJGF_FAMILY, older]) > 0


# Each view's measures counted from the tables: a document per policy, a fact, cap, deadline or
# window of a current version, an article of one.
MEASURES = {
    "v_documents": "select count(distinct family_id) from policy_versions",
    "policies": "select count(distinct family_id) from policy_versions",
    "v_current_versions": "select count(distinct family_id) from policy_versions",
    "v_facts": f"select count(*) from facts where doc_id in {CURRENT}",
    "v_money_caps": f"select count(*) from facts where doc_id in {CURRENT} and kind = 'money' and role = 'cap'",
    "v_deadlines": f"select count(*) from facts where doc_id in {CURRENT} and kind = 'date' "
                   "and role in ('deadline', 'expires')",
    "v_application_windows": f"""select count(*) from facts f where doc_id in {CURRENT} and kind = 'date'
        and (role = 'window_start' or role = 'window_end' and not exists (
            select 1 from facts s where s.doc_id = f.doc_id and s.sentence = f.sentence
            and s.role = 'window_start' and s.char_start < f.char_start))""",
    "v_article_bureaus": f"select count(*) from articles where doc_id in {CURRENT}",
    "v_article_terms": f"select count(*) from articles where doc_id in {CURRENT}",
    "v_measure_bureaus": "select count(*) from (select distinct article_id, bureau from v_measure_bureaus_all_versions "
                         f"where doc_id in {CURRENT})",
    "v_bureau_workload": "select count(distinct canonical) from v_measure_bureaus_all_versions b join facts f "
                         f"using (article_id) where f.kind = 'money' and b.doc_id in {CURRENT}",
}


@pytest.mark.parametrize("catalog_con", ["corpus_con", "revised_con"])
@pytest.mark.parametrize("view", sorted(MEASURES))
def test_a_view_has_one_row_per_measure_of_the_current_versions(request, catalog_con, view):
    con = request.getfixturevalue(catalog_con)
    assert one(con, f"select count(*) from {view}") == one(con, MEASURES[view]) > 0


def test_no_cap_is_listed_twice_by_default(revised_con):
    def listed(view):
        return rows(revised_con, f"select count(*), count(distinct (family_id, article_label, text, sentence)) "
                                 f"from {view}")[0]

    total, distinct = listed("v_money_caps")
    assert total == distinct
    total, distinct = listed("v_money_caps_all_versions")
    assert total > distinct


def test_bureau_workload_counts_the_current_versions_measures(revised_con):
    def workload(view):
        return rows(revised_con, f"select documents, measures, caps, largest_cap_yuan from {view} "
                                 "where bureau = '生物技术和大健康产业局'")

    # 9号's 10 measures and 12 caps count once, its 2026 revision's 1.2亿元 cap the largest
    assert workload("v_bureau_workload") == [(3, 18, 18, Decimal(120000000))]
    documents, measures, caps, largest = workload("v_bureau_workload_all_versions")[0]
    assert documents > 3 and measures >= 18 + 10 and caps >= 18 + 12 and largest == Decimal(120000000)


def test_policies_one_row_per_family_with_its_status(revised_con):
    listed = rows(revised_con, "select family_id, doc_number, versions, doc_id, status, chosen_as, issued_date, "
                               "expiry_date, first_version_date, latest_version_date from policies "
                               "where family_id = ?", [JJGF_FAMILY])
    versions = one(revised_con, "select count(distinct version_no) from policy_versions where family_id = ?",
                   [JJGF_FAMILY])
    assert listed == [(JJGF_FAMILY, NUMBER_9, versions, doc_id_of(revised_con, REVISION_FILE), "in_force",
                       "in_force", date(2026, 3, 2), date(2035, 12, 31), date(2025, 4, 30), date(2026, 3, 2))]
    statuses = dict(rows(revised_con, "select coalesce(doc_number, title), status from policies"))
    # 京技管发〔2025〕1号 ran out on 2025-12-31; the service guide states no date
    assert (statuses["京技管发〔2025〕1号"], statuses[GUIDE], statuses["北京市支持科技服务业高质量发展若干措施"]) == \
        ("expired", "undated", "draft")
    assert one(revised_con, "select count(*) from policies") == one(revised_con, "select count(*) from v_documents")


def test_policies_in_force_on_a_date_take_the_version_in_force_then(revised_con):
    def in_force(day):
        return rows(revised_con, "select doc_id, issued_date, version_no from policies_in_force(as_of := ?) "
                                 "where doc_number = ?", [day, NUMBER_9])

    # on new year 2026 the revision is not yet issued: the latest 2025 version is in force
    [(doc_id, issued, version_no)] = in_force(date(2026, 1, 1))
    assert issued == date(2025, 4, 30)
    assert version_no == one(revised_con, "select max(version_no) from policy_versions where family_id = ? "
                                          "and doc_id <> ?", [JJGF_FAMILY, doc_id_of(revised_con, REVISION_FILE)])
    assert [(d, i) for d, i, _ in in_force(date(2026, 6, 1))] == [(doc_id_of(revised_con, REVISION_FILE),
                                                                   date(2026, 3, 2))]
    assert rows(revised_con, "select status from versions_as_of(as_of := DATE '2026-01-01') where doc_id = ?",
                [doc_id_of(revised_con, REVISION_FILE)]) == [("not_yet_effective",)]


def test_an_undated_document_is_in_force_on_no_date(corpus_con):
    # the service guide names its 申报时间 (2026年6月4日—23日) but no issue or effective date
    assert rows(corpus_con, "select issued_date, effective_date from documents where title = ?", [GUIDE])[0] == \
        (None, None)
    for day in (date(1990, 1, 1), date(2026, 6, 10), date(2099, 1, 1)):
        listed = rows(corpus_con, "select title from policies_in_force(as_of := ?) where title = ? "
                                  "or (issued_date is null and effective_date is null)", [day, GUIDE])
        assert listed == []
    assert rows(corpus_con, "select p.status, v.status from policies p join versions_as_of() v using (doc_id) "
                            "where p.title = ?", [GUIDE]) == [("undated", "undated")]


# A clean-up decision repealing three of the gazette's policies (more than a successor repeals,
# so it is no version of any of them: extractors/diff/family.py MAX_SUCCESSOR_REPEALS).
REPEAL_DECISION = """北京经济技术开发区管理委员会关于废止部分规范性文件的决定

京技管发〔2026〕1号

2026年2月1日

工委、管委会各机构，各重点国有企业：

根据工作需要，经管委会研究，决定废止《北京经济技术开发区关于加快建设开源开放信创产业高地的若干措施》（京技管发〔2025〕3号）、\
《北京经济技术开发区关于进一步激发创新活力打造高精尖产业主阵地的若干意见》（京技管发〔2025〕4号）和\
《北京经济技术开发区声环境功能区划实施细则》（京技管发〔2025〕8号）。

本决定自发布之日起施行。
"""


def test_a_policy_repealed_by_a_catalog_document_is_repealed_from_its_date(corpus_catalog, tmp_path):
    from flows import catalog
    from flows.ingest.flow import ingest

    db = tmp_path / "catalog.duckdb"
    shutil.copy(corpus_catalog[0], db)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "jjgf-2026-1.txt").write_text(REPEAL_DECISION, encoding="utf-8")
    ingest([tmp_path / "raw"], db_path=db)
    repealed = ["京技管发〔2025〕3号", "京技管发〔2025〕4号", "京技管发〔2025〕8号"]
    con = catalog.connect(db, read_only=True)
    try:
        statuses = rows(con, "select doc_number, versions, status, chosen_as from policies "
                             "where doc_number like '京技管发%' and doc_number <> ? order by doc_number", [NUMBER_9])
        before = rows(con, "select doc_number from policies_in_force(as_of := DATE '2026-01-31') "
                           "where doc_number in (?, ?, ?) order by 1", repealed)
        after = rows(con, "select doc_number from policies_in_force(as_of := DATE '2026-02-01') "
                          "where doc_number in (?, ?, ?)", repealed)
        caps = one(con, "select count(*) from v_money_caps where doc_number = '京技管发〔2025〕3号'")
    finally:
        con.close()
    assert statuses == [("京技管发〔2025〕1号", 1, "expired", "latest"), ("京技管发〔2025〕3号", 1, "repealed", "latest"),
                        ("京技管发〔2025〕4号", 1, "repealed", "latest"), ("京技管发〔2025〕5号", 1, "in_force", "in_force"),
                        ("京技管发〔2025〕8号", 1, "repealed", "latest"),
                        ("京技管发〔2026〕1号", 1, "in_force", "in_force")]
    assert before == [(n,) for n in repealed] and after == []
    # a repealed policy keeps its current version: its caps are still listed, with its status in `policies`
    assert caps > 0


def test_summary_lists_each_policy_once(revised_catalog, capsys):
    from flows import catalog
    from flows.cli.main import main

    con = catalog.connect(revised_catalog, read_only=True)
    try:
        versions, documents = rows(con, "select count(distinct version_no), count(*) from policy_versions "
                                        "where family_id = ?", [JJGF_FAMILY])[0]
        policies = one(con, "select count(*) from policies")
    finally:
        con.close()
    assert main(["--db", str(revised_catalog), "summary"]) == 0
    section = capsys.readouterr().out.split("\npolicies\n")[1].split("\n\n")[0].splitlines()
    assert section[0].split() == ["doc_number", "title", "versions", "status", "documents"]
    assert section[-1] == f"({policies} rows)"
    # 9号 once, with the title of its current version and the documents of all its versions
    assert [line.split() for line in section if line.startswith(NUMBER_9)] == [
        [NUMBER_9, JJGF_FAMILY, str(versions), "in_force", str(documents)]]


def test_diff_by_a_文号_of_two_versions_asks_for_a_doc_id(revised_catalog, capsys):
    from flows.cli.main import main

    assert main(["--db", str(revised_catalog), "diff", NUMBER_9, NUMBER_9]) == 2
    assert "names 2 documents" in capsys.readouterr().err
