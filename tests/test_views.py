"""Analysts' views answer their questions with exact values from the corpus."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from extractors.facts.bureaus import bureau_alias_rows, gazetteer_rows


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_renditions_are_counted_once(corpus_con):
    assert rows(corpus_con, "select count(*) from documents") == [(24,)]
    # 8 gazette documents, 3 standalone policies and the two versions of 统计法: the standalone 9号 is
    # a printing of the gazette's
    assert rows(corpus_con, "select count(*) from v_documents_all_versions") == [(13,)]
    assert rows(corpus_con, "select source_path from v_documents where doc_number = '京技管发〔2025〕9号'") == [
        ("beijing-gazette-2025-27.txt",)]
    # one row per policy: the two versions of 统计法 are one
    assert rows(corpus_con, "select count(*) from v_documents") == [(12,)]


def test_money_caps_of_the_pharma_opinion(corpus_con):
    caps = rows(corpus_con, "select article_label, cap_yuan, scope, bureau from v_money_caps "
                            "where doc_number = '京技管发〔2025〕9号' order by cap_yuan desc, article_label limit 3")
    assert caps == [("二/(一)/3", Decimal(100000000), "per_enterprise_per_year", "生物技术和大健康产业局"),
                    ("二/(一)/4", Decimal(30000000), "per_enterprise_per_year", "生物技术和大健康产业局"),
                    ("二/(二)/9", Decimal(25000000), None, "生物技术和大健康产业局；科技和产业促进局")]


def test_changping_product_cap_with_its_bureau(corpus_con):
    caps = rows(corpus_con, "select cap_yuan, scope, bureau, is_draft from v_money_caps "
                            "where article_label = '第二章/第六条/（一）' order by cap_yuan desc")
    # 1类 new drugs 最高1000万元, 2类 择优给予最高500万元, both 单品种
    assert caps == [(Decimal(10000000), "per_product", "北京未来科学城管理委员会", True),
                    (Decimal(5000000), "per_product", "北京未来科学城管理委员会", True)]


def test_application_windows(corpus_con):
    windows = rows(corpus_con, "select doc_number, article_label, opens, opens_precision, closes, closes_precision "
                               "from v_application_windows order by opens")
    # 京技管发〔2025〕1号 四/7: 2024年12月1日(含)—2025年4月1日(含); the service guide 九、申报时间
    assert windows == [("京技管发〔2025〕1号", "四/7", date(2024, 12, 1), "day", date(2025, 4, 1), "day"),
                       (None, "九", date(2026, 6, 4), "day", date(2026, 6, 23), "day")]


def test_windows_open_in_june_2026_are_the_service_guides_only(corpus_con):
    june = rows(corpus_con, "select document, article_label, opens, closes from v_application_windows "
                            "where opens <= '2026-06-30' and closes >= '2026-06-01'")
    # not 1号's 政策兑现…于2026年6月30日前完成: a deadline, not a window
    assert june == [("2026年经开区医药科技服务机构认定办事指南", "九", date(2026, 6, 4), date(2026, 6, 23))]
    assert rows(corpus_con, "select count(closes::date) = count(closes) from v_application_windows") == [(True,)]


def test_deadlines_and_expiries_fall_due_on_a_date(corpus_con):
    due = rows(corpus_con, "select doc_number, article_label, kind, due, due_precision, text from v_deadlines "
                           "where doc_number like '京商%' or doc_number = '京技管发〔2025〕1号' order by due")
    # 2026年1月底前…报送 is a month: it falls due on the month's last day
    assert due == [("京商流通字〔2025〕6号", "六", "deadline", date(2025, 7, 31), "day", "2025年7月31日"),
                   ("京技管发〔2025〕1号", "五/6", "expires", date(2025, 12, 31), "day", "2025 年 12 月 31 日"),
                   ("京商流通字〔2025〕6号", "七/(二)", "deadline", date(2026, 1, 31), "month", "2026年1月"),
                   ("京技管发〔2025〕1号", "五/6", "deadline", date(2026, 6, 30), "day", "2026 年 6 月 30 日")]
    assert rows(corpus_con, "select kind, count(*) from v_deadlines group by 1 order by 1") == [
        ("deadline", 4), ("expires", 4)]


def test_partial_dates_read_as_days(corpus_con):
    assert rows(corpus_con, "select date_first_day('2026-01'), date_last_day('2026-02'), date_last_day('2027'), "
                            "date_precision('2027'), date_as_written(DATE '2026-01-31', 'month')") == [
        (date(2026, 1, 1), date(2026, 2, 28), date(2027, 12, 31), "year", "2026-01")]
    assert rows(corpus_con, "select date_first_day('2026年'), date_last_day('2026-13')") == [(None, None)]


def test_policies_in_force_on_new_year_2026(corpus_con):
    in_force = rows(corpus_con, "select doc_number, expiry_date from policies_in_force(as_of := DATE '2026-01-01') "
                                "where doc_number is not null order by doc_number")
    # 京技管发〔2025〕1号 ran out on 2025-12-31; drafts are never in force; 9号 is listed once
    assert in_force == [("京商流通字〔2025〕6号", None), ("京商消二字〔2025〕16号", None),
                        ("京技管发〔2025〕3号", date(2029, 12, 31)), ("京技管发〔2025〕4号", date(2027, 12, 31)),
                        ("京技管发〔2025〕5号", None), ("京技管发〔2025〕8号", None),
                        ("京技管发〔2025〕9号", date(2027, 12, 31))]
    before = rows(corpus_con, "select count(*) from policies_in_force(as_of := DATE '2025-06-01') "
                              "where doc_number = '京技管发〔2025〕1号'")
    assert before == [(1,)]


def test_bureau_workload_counts_measures_and_money(corpus_con):
    top = rows(corpus_con, "select bureau, measures, largest_cap_yuan from v_bureau_workload "
                           "where bureau = '北京未来科学城管理委员会'")
    assert top == [("北京未来科学城管理委员会", 9, Decimal(100000000))]
    # The draft's 责任单位 经开区管委会 is the gazette's 北京经济技术开发区管理委员会: the facts keep each
    # document's own name (as the gold does), the workload counts the body once: 1号, 3号, 5号, 9号
    # and the draft, 10 measures.
    committee = rows(corpus_con, "select bureau, documents, measures, caps from v_bureau_workload "
                                 "where bureau in ('经开区管委会', '北京经济技术开发区管理委员会') order by bureau")
    assert committee == [("北京经济技术开发区管理委员会", 5, 10, 1)]
    once = rows(corpus_con, "select count(*) from (select bureau, article_id from v_measure_bureaus "
                            "group by all having count(*) > 1)")
    assert once == [(0,)]


def test_measure_bureaus_roll_divisions_up_to_their_body(corpus_con):
    measure = rows(corpus_con, "select bureau, parent_bureau, role from v_measure_bureaus "
                               "where doc_id = (select doc_id from v_documents "
                               "where source_path = 'beijing-tech-services-2025-draft.txt') "
                               "and article_label = '三/（十）' order by bureau")
    # （十）（责任单位：各区政府，经开区管委会）…（责任单位：市科委中关村管委会 园区处，各区政府，经开区管委会，）:
    # the first named of each list leads
    assert measure == [("各区政府", "各区政府", "lead"),
                       ("市科委、中关村管委会园区处", "市科委、中关村管委会", "lead"),
                       ("经开区管委会", "北京经济技术开发区管理委员会", "cooperating")]
    divisions = rows(corpus_con, "select distinct bureau, parent_bureau from v_measure_bureaus "
                                 "where bureau <> parent_bureau order by bureau")
    assert divisions == [("市科委、中关村管委会促进处", "市科委、中关村管委会"),
                         ("市科委、中关村管委会园区处", "市科委、中关村管委会"),
                         ("市科委、中关村管委会金融处", "市科委、中关村管委会"),
                         ("经开区管委会", "北京经济技术开发区管理委员会")]


def test_measure_bureaus_fall_back_to_the_document(corpus_con):
    def bureaus(label):
        return [b for (b,) in rows(corpus_con, "select bureau from v_measure_bureaus "
                                               "where doc_number = '京技管发〔2025〕9号' "
                                               f"and article_label = '{label}' order by bureau")]

    # 9. names its two bureaus; the heading (二) names none, nor does 二: the whole opinion's bureaus
    assert bureaus("二/(二)/9") == ["生物技术和大健康产业局", "科技和产业促进局"]
    assert bureaus("二/(二)") == ["亦庄国投", "亦庄控股", "信息技术产业局", "北京经济技术开发区管理委员会", "商务金融局",
                                 "生物技术和大健康产业局", "科技和产业促进局", "组织人事部", "经济发展局"]


def test_bureau_canonical_folds_abbreviations_and_divisions(corpus_con):
    # the draft's 责任单位 经开区管委会 and the gazette's 北京经济技术开发区管理委员会 are one body
    folded = rows(corpus_con, "select value_text, bureau_canonical(value_text) from "
                              "(select distinct value_text from facts where kind = 'bureau') "
                              "where bureau_canonical(value_text) <> value_text order by value_text")
    assert folded == [("市科委、中关村管委会促进处", "市科委、中关村管委会"), ("市科委、中关村管委会园区处", "市科委、中关村管委会"),
                      ("市科委、中关村管委会金融处", "市科委、中关村管委会"), ("经开区管委会", "北京经济技术开发区管理委员会")]
    one = rows(corpus_con, "select count(distinct bureau_canonical(value_text)), count(distinct value_text) from facts "
                           "where value_text in ('经开区管委会', '北京经济技术开发区管理委员会')")
    assert one == [(1, 2)]
    # an alias, a State Council short name, a name that only begins with a body's, an unknown one
    assert rows(corpus_con, "select bureau_canonical('北京经济技术开发区管委会'), bureau_canonical('工信部'), "
                            "bureau_canonical('商务部门'), bureau_canonical('县林业局')") == [
        ("北京经济技术开发区管理委员会", "工业和信息化部", "商务部门", "县林业局")]


def test_bureau_aliases_table_is_the_gazetteers(corpus_con):
    assert rows(corpus_con, "select count(*) from bureau_aliases") == [(len(bureau_alias_rows()),)]
    assert rows(corpus_con, "select alias from bureau_aliases where canonical = '北京经济技术开发区管理委员会' "
                            "order by alias") == [("北京经开区管委会",), ("北京经济技术开发区管委会",), ("经开区管委会",)]
    unknown = rows(corpus_con, "select count(*) from bureau_aliases a anti join bureaus b on a.canonical = b.canonical")
    assert unknown == [(0,)]


def test_bureaus_table_holds_the_gazetteer_with_aliases(corpus_con):
    row = corpus_con.execute("select jurisdiction, aliases from bureaus where canonical = '生物技术和大健康产业局'").fetchall()
    assert len(row) == 1
    assert {"生物技术与大健康产业局", "生物技术和大健康产业链"} <= set(row[0][1])
    # one row per canonical body of the gazetteer (Beijing's and the State Council's)
    assert corpus_con.execute("select count(*) from bureaus").fetchone()[0] == len(gazetteer_rows())


def test_caps_for_cro_and_first_class_drugs_carry_their_article_terms(corpus_con):
    caps = rows(corpus_con, "select article_label, cap_yuan, terms from v_money_caps "
                            "where list_contains(terms, '1类新药') and is_draft order by cap_yuan desc, article_label")
    assert caps == [("第二章/第五条/（一）", Decimal(100000000), ["1类新药", "临床试验"]),
                    ("第二章/第六条/（一）", Decimal(10000000), ["1类新药", "改良型新药", "首仿药"]),
                    ("第二章/第六条/（一）", Decimal(5000000), ["1类新药", "改良型新药", "首仿药"])]
    cro = rows(corpus_con, "select distinct doc_number, article_label from v_money_caps "
                           "where list_contains(terms, 'CRO') and doc_number is not null")
    assert cro == [("京技管发〔2025〕9号", "二/(二)/10")]


MONEY_WORDS = [
    ("3000000", "300万元"), ("120000000", "1.2亿元"), ("5000", "5000元"), ("100000000", "1亿元"),
    ("150000000", "1.5亿元"), ("25000000", "2500万元"), ("10000", "1万元"), ("9999.99", "9999.99元"),
    ("15000.5", "1.50005万元"), ("806235700000000000", "8062357000亿元"), ("0", "0元"),
]


def test_money_human_words_yuan_as_alerts_do(corpus_con):
    from flows.alerts.text import format_yuan

    for yuan, words in MONEY_WORDS:
        assert corpus_con.execute("select money_human(?::DECIMAL(38, 6))", [yuan]).fetchone()[0] == words, yuan
        assert format_yuan(Decimal(yuan)) == words, yuan
    assert rows(corpus_con, "select money_human(null), money_human(2000), money_human(1.2e8)") == [
        (None, "2000元", "1.2亿元")]


def test_revision_changes_show_the_fines_in_yuan_and_in_words(corpus_con):
    # 统计法 2009 → 2024: 第四十一条 → 第四十四条 五万元以下 and 五万元以上二十万元以下 raised, 第四十五条 一万元 raised
    changes = rows(corpus_con, "select new_label, old_yuan, old_money, new_yuan, new_money from v_revision_changes "
                               "where family_id = '中华人民共和国统计法' and subject = 'fact' order by seq")
    assert changes == [
        ("preamble", None, None, None, None),  # the 2024 修正 date: no money
        ("第四十四条", Decimal(50000), "5万元", Decimal(100000), "10万元"),
        ("第四十四条", Decimal(50000), "5万元", Decimal(100000), "10万元"),
        ("第四十四条", Decimal(200000), "20万元", Decimal(500000), "50万元"),
        ("第四十五条", Decimal(10000), "1万元", Decimal(50000), "5万元")]
