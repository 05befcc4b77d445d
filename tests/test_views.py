"""Analysts' views answer their questions with exact values from the corpus."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from extractors.facts.bureaus import gazetteer_rows


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_renditions_are_counted_once(corpus_con):
    assert rows(corpus_con, "select count(*) from documents") == [(22,)]
    # 8 gazette documents, the standalone 9号 (another version), 3 standalone policies
    assert rows(corpus_con, "select count(*) from v_documents") == [(12,)]
    assert rows(corpus_con, "select media_type from v_documents where source_path = 'jjgf-2025-9.pdf'") == []


def test_money_caps_of_the_pharma_opinion(corpus_con):
    caps = rows(corpus_con, "select c.article_label, c.cap_yuan, c.scope, c.bureau from v_money_caps c "
                            "join v_documents d using (doc_id) where d.source_path = 'jjgf-2025-9.txt' "
                            "order by c.cap_yuan desc, c.article_label limit 3")
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
    windows = rows(corpus_con, "select doc_number, article_label, opens, closes, kind from v_application_windows "
                               "where kind = 'window_start' order by opens")
    assert windows == [("京技管发〔2025〕1号", "四/7", "2024-12-01", "2025-04-01", "window_start"),
                       (None, "九", "2026-06-04", "2026-06-23", "window_start")]


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
