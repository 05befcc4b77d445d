"""Revisions in the catalog: versions of one policy recognised without manual linking, every
new version diffed against its predecessor after ingest, and `gazette diff` on any two documents."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from extractors.diff.family import policy_families, policy_title
from flows.cli.main import main
from schemas.records import DocumentVersion, RepealLink

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
DRAFT = (SAMPLES / "changping-pharma-2025-draft.txt").read_text(encoding="utf-8")
JJGF_FAMILY = "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见"
CHANGPING_FAMILY = "中国(北京)自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法"
REPEAL_SENTENCE = "《中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法》（昌政办发〔2023〕13号）同时废止。"


def version_2023() -> str:
    """The 2023 text the Changping draft repeals, made from the draft: no draft markers, its 文号,
    a lower product cap, a higher service-fee share, and no repeal clause."""
    text = DRAFT.replace("支持办法（修订稿）\n（征求意见稿）\n", "支持办法\n昌政办发〔2023〕13号\n")
    text = text.replace("单品种给予最高1000万元资金支持", "单品种给予最高800万元资金支持")
    text = text.replace("按照不超过年度实际服务金额的20%", "按照不超过年度实际服务金额的30%")
    return text.replace(REPEAL_SENTENCE, "")


def doc(doc_id, key, title, number=None, draft=False, issued=None, published=None, text="", preferred=True,
        effective=None, revised=None):
    return DocumentVersion(doc_id, key, number or title, title, number, draft, issued, published,
                           date(2026, 1, 1), preferred, text, effective, revised)


@pytest.mark.parametrize("title, bare", [
    ("中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）",
     "中国(北京)自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法"),
    ("北京市支持科技服务业高质量发展若干措施（征求意见稿）", "北京市支持科技服务业高质量发展若干措施"),
    ("昌平区促进医药健康产业发展支持办法（2025年修订）", "昌平区促进医药健康产业发展支持办法"),
    ("2026年经开区医药科技服务机构认定办事指南", "经开区医药科技服务机构认定办事指南"),
    ("亦庄新城科技企业孵化器认定管理办法（试行）", "亦庄新城科技企业孵化器认定管理办法"),
])
def test_policy_title_drops_version_markers_and_years(title, bare):
    assert policy_title(title) == bare


def test_versions_by_title_ordered_draft_before_final_and_by_date():
    docs = [doc("c", "k3", "某区促进医药健康产业发展支持办法", number="某政发〔2025〕5号", issued=date(2025, 9, 1)),
            doc("a", "k1", "某区促进医药健康产业发展支持办法", number="某政发〔2023〕13号", issued=date(2023, 3, 1)),
            doc("b", "k2", "某区促进医药健康产业发展支持办法（修订稿）", draft=True),
            doc("b-pdf", "k2", "某区促进医药健康产业发展支持办法（修订稿）", draft=True, preferred=False)]
    repeal = [RepealLink("b", None, "某政发〔2023〕13号", "某区促进医药健康产业发展支持办法")]
    rows = {v.doc_id: (v.family_id, v.version_no, v.preferred, v.linked_by) for v in policy_families(docs, repeal)}
    assert rows == {"a": ("某区促进医药健康产业发展支持办法", 1, True, None), "b": ("某区促进医药健康产业发展支持办法", 2, True, "title"),
                    "b-pdf": ("某区促进医药健康产业发展支持办法", 2, False, "rendition"), "c": ("某区促进医药健康产业发展支持办法", 3, True, "title")}


def test_versions_of_a_law_are_ordered_by_their_effective_dates_not_by_arrival():
    # 食品安全法 as revised in 2015 reprints the 2009 adoption date first; it arrives first here
    title = "中华人民共和国食品安全法"
    docs = [doc("a", "k2015", title, issued=date(2009, 2, 28), effective=date(2015, 10, 1)),
            doc("b", "k2009", title, issued=date(2009, 2, 28), effective=date(2009, 6, 1))]
    assert {v.doc_id: v.version_no for v in policy_families(docs)} == {"b": 1, "a": 2}


def test_versions_of_a_law_amended_in_place_are_ordered_by_their_last_revision():
    # 统计法 2009 and 2024 both print 1983年12月8日…通过 first and 本法自2010年1月1日起施行
    title = "中华人民共和国统计法"
    docs = [doc("a", "k2024", title, issued=date(1983, 12, 8), effective=date(2010, 1, 1), revised=date(2024, 9, 13)),
            doc("b", "k2009", title, issued=date(1983, 12, 8), effective=date(2010, 1, 1), revised=date(2009, 6, 27))]
    assert {v.doc_id: v.version_no for v in policy_families(docs)} == {"b": 1, "a": 2}


def test_a_repeal_links_a_differently_titled_predecessor_and_orders_it_first():
    docs = [doc("new", "k2", "某区生物医药产业发展若干措施", number="某政发〔2022〕1号"),
            doc("old", "k1", "某区关于支持医药企业的暂行办法", number="某政发〔2024〕9号")]
    repeal = [RepealLink("new", None, "某政发〔2024〕9号", None)]
    rows = {v.doc_id: (v.version_no, v.linked_by) for v in policy_families(docs, repeal)}
    assert rows == {"old": (1, None), "new": (2, "repeal")}


def test_a_clean_up_list_of_repeals_links_nothing():
    docs = [doc("list", "k0", "关于废止部分规范性文件的决定")] + [
        doc(f"d{i}", f"k{i}", f"某区第{i}号专项办法", number=f"某政发〔2020〕{i}号") for i in range(1, 4)]
    repeals = [RepealLink("list", None, f"某政发〔2020〕{i}号", None) for i in range(1, 4)]
    assert {v.version_no for v in policy_families(docs, repeals)} == {1}


def test_similar_texts_are_versions_and_different_ones_are_not():
    text = DRAFT.split("第四章")[0]
    docs = [doc("a", "k1", "甲办法", text=text), doc("b", "k2", "乙办法", text=text.replace("20%", "30%")),
            doc("c", "k3", "丙办法", text=(SAMPLES / "jjgf-2025-9.txt").read_text(encoding="utf-8"))]
    rows = {v.doc_id: (v.family_id, v.version_no, v.linked_by) for v in policy_families(docs)}
    assert rows == {"a": ("甲办法", 1, None), "b": ("甲办法", 2, "similarity"), "c": ("丙办法", 1, None)}


def test_similarity_is_checked_for_new_documents_only_and_kept():
    text = DRAFT.split("第四章")[0]
    docs = [doc("a", "k1", "甲办法", text=text), doc("b", "k2", "乙办法", text=text)]
    assert {v.version_no for v in policy_families(docs, new_doc_ids=set())} == {1}
    kept = policy_families(docs, kept_links=[("b", "a")], new_doc_ids=set())
    assert {v.doc_id: v.version_no for v in kept} == {"a": 1, "b": 2}


def test_known_texts_read_in_chunks_link_as_texts_in_memory():
    """plan_revisions leaves known documents' texts in the catalog and hands version linking a
    reader of them; the families must be those found with every text in memory, and only the
    texts that may link are kept (read in chunks of two here)."""
    from dataclasses import replace

    text = DRAFT.split("第四章")[0]
    others = [(SAMPLES / name).read_text(encoding="utf-8") for name in
              ("jjgf-2025-9.txt", "yizhuang-pharma-service-guide-2026.txt", "beijing-tech-services-2025-draft.txt")]
    docs = [doc("a", "k1", "甲办法", text=text), doc("c", "k3", "丙办法", text=others[0]),
            doc("d", "k4", "丁指南", text=others[1]), doc("e", "k5", "戊措施", text=others[2]),
            doc("n", "k6", "乙办法", text=text.replace("20%", "30%"))]
    in_memory = policy_families(docs, new_doc_ids={"n"})
    by_id = {d.doc_id: d.text for d in docs}
    read = []

    def stored(doc_ids):
        for k in range(0, len(doc_ids), 2):
            read.append(doc_ids[k:k + 2])
            yield [(doc_id, by_id[doc_id]) for doc_id in doc_ids[k:k + 2]]

    withheld = [d if d.doc_id == "n" else replace(d, text="") for d in docs]
    assert policy_families(withheld, new_doc_ids={"n"}, stored_texts=stored) == in_memory
    assert {v.doc_id: v.linked_by for v in in_memory}["n"] == "similarity"
    assert sorted(i for chunk in read for i in chunk) == ["a", "c", "d", "e"] and len(read) == 2


def _ids_by_path(con) -> dict[str, str]:
    return dict(con.execute("select s.path, d.doc_id from documents d join sources s using (source_id) "
                            "where d.doc_number = '京技管发〔2025〕9号' or d.title like '中国%'").fetchall())


def test_corpus_versions_renditions_share_a_version(corpus_con):
    rows = corpus_con.execute(
        "select s.path, v.version_no, v.preferred, v.linked_by from policy_versions v "
        "join documents d using (doc_id) join sources s using (source_id) "
        "where v.family_id in (?, ?) order by v.family_id, v.version_no, v.preferred desc, s.path",
        [JJGF_FAMILY, CHANGPING_FAMILY]).fetchall()
    # 9号 standalone and in the gazette: one version printed twice, the gazette's the standard text
    assert rows == [
        ("changping-pharma-2025-draft.txt", 1, True, None),
        ("changping-pharma-2025-draft.pdf", 1, False, "rendition"),
        ("beijing-gazette-2025-27.txt", 1, True, None),
        ("beijing-gazette-2025-27.pdf", 1, False, "rendition"),
        ("jjgf-2025-9.pdf", 1, False, "rendition"),
        ("jjgf-2025-9.txt", 1, False, "rendition"),
    ]


def test_versions_read_for_diffs_are_the_trees_and_facts_extraction_gave(corpus_con):
    """load_versions cuts each article's text out of its document's text instead of reading the
    copy the catalog keeps: on every corpus document both agree, and so do the nodes and facts
    with a fresh extraction of the document's text."""
    from extractors.facts import extract_facts
    from extractors.segment import article_tree
    from flows.revisions.documents import load_versions

    doc_ids = [r[0] for r in corpus_con.execute("select doc_id from documents order by doc_id").fetchall()]
    versions = load_versions(corpus_con, doc_ids)
    stored = {(d, seq): text for d, seq, text in corpus_con.execute("select doc_id, seq, text from articles").fetchall()}
    assert len(versions) == len(doc_ids) == 24 and len(stored) > 300
    for doc_id, version in versions.items():
        assert [n.text for n in version.nodes] == [stored[doc_id, n.seq] for n in version.nodes]
        assert version.nodes == article_tree(version.text).nodes
        assert len(version.facts) == len(extract_facts(version.text))


def test_a_file_diffed_outside_the_catalog_has_the_dates_and_relations_ingest_stores(corpus_con, corpus_catalog):
    """`gazette diff` on a file parses it with the chain ingest runs (extractors/pipeline.py): 京技管发
    〔2025〕9号 has the effective and expiry dates, the citations and the repeal its catalog row
    has, and the same policy key (the catalog gave the printing the gazette's doc_key)."""
    from flows.revisions.documents import load_versions, parse_file

    _, raw, _ = corpus_catalog
    [parsed] = parse_file(raw / "jjgf-2025-9.txt")
    [doc_id] = [d for (d,) in corpus_con.execute(
        "select doc_id from documents join sources using (source_id) where path = 'jjgf-2025-9.txt'").fetchall()]
    stored = load_versions(corpus_con, [doc_id])[doc_id]
    assert (parsed.effective_date, parsed.expiry_date) == (date(2025, 4, 30), date(2027, 12, 31))
    assert (stored.effective_date, stored.expiry_date) == (parsed.effective_date, parsed.expiry_date)
    assert parsed.policy_key == stored.policy_key and parsed.doc_key
    assert corpus_con.execute("select doc_key from documents join sources using (source_id) "
                              "where path = 'beijing-gazette-2025-27.txt' and doc_number = '京技管发〔2025〕9号'"
                              ).fetchall() == [(stored.doc_key,)]
    assert sorted(r.kind for r in parsed.relations) == ["cites", "cites", "cites", "repeals"]
    assert sorted(parsed.relations, key=repr) == sorted(stored.relations, key=repr)
    assert [(r.to_doc_number, r.to_title) for r in parsed.relations if r.kind == "repeals"] == \
        corpus_con.execute("select to_doc_number, to_title from relations where kind = 'repeals' and from_doc_id = ?",
                           [doc_id]).fetchall()
    assert (parsed.text, parsed.nodes, parsed.facts) == (stored.text, stored.nodes, stored.facts)


def test_two_printings_are_no_revision_and_their_variant_is_kept(corpus_con):
    """jjgf-2025-9.txt and the gazette's 9号 (one 文号, one date) differ in 二/(二)/10 alone: no
    revision, the standalone printing's 生产能力 kept as a warning beside the gazette's text."""
    ids = _ids_by_path(corpus_con)
    assert corpus_con.execute("select count(*) from revisions where family_id = ?", [JJGF_FAMILY]).fetchall() == [(0,)]
    assert corpus_con.execute("select message from document_warnings where doc_id = ?", [ids["jjgf-2025-9.txt"]]
                              ).fetchall() == [
        ("reads otherwise than beijing-gazette-2025-27.txt, the text the catalog reads: "
         "「、开发、生产能力。对科技」 here, 「、开发、生产服务能力。对科技」 there",)]


def test_the_statistics_law_revision_raises_its_fines(corpus_con):
    """The demo's real revision: 统计法 as revised in 2009 against its 2024 amendment (both state
    the same adoption and 施行 dates; the head's last 修正 line orders them)."""
    ids = dict(corpus_con.execute("select s.path, d.doc_id from documents d join sources s using (source_id) "
                                  "where s.path like 'nat-statistics-law-%'").fetchall())
    (revision,) = corpus_con.execute(
        "select old_doc_id, new_doc_id, old_version_no, new_version_no, modified, added, removed, renumbered, "
        "fact_changes from revisions where family_id = '中华人民共和国统计法'").fetchall()
    assert revision == (ids["nat-statistics-law-2009.txt"], ids["nat-statistics-law-2024.txt"], 1, 2, 22, 3, 0, 27, 5)
    fines = corpus_con.execute(
        "select new_label, old_value_num, new_value_num from revision_changes "
        "where revision_id = ? and fact_kind = 'money' order by seq",
        [f"{revision[0]}..{revision[1]}"]).fetchall()
    # 第四十一条 → 第四十四条: 五万元以下, 五万元以上二十万元以下; 第四十二条 → 第四十五条: 一万元以下
    assert [(label, int(old), int(new)) for label, old, new in fines] == [
        ("第四十四条", 50000, 100000), ("第四十四条", 50000, 100000),
        ("第四十四条", 200000, 500000), ("第四十五条", 10000, 50000)]


def corpus_with_2023_version(corpus_catalog, tmp_path) -> tuple[Path, Path]:
    """A copy of the corpus catalog into which the 2023 Changping version was ingested from a
    raw folder: (catalog, raw folder)."""
    from flows.ingest.flow import ingest

    db = tmp_path / "catalog.duckdb"
    shutil.copy(corpus_catalog[0], db)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "changping-pharma-2023.txt").write_text(version_2023(), encoding="utf-8")
    ingest([raw], db_path=db)
    return db, raw


def test_dropping_another_version_into_raw_links_and_diffs_it(corpus_catalog, tmp_path):
    from flows import catalog

    db, _ = corpus_with_2023_version(corpus_catalog, tmp_path)

    con = catalog.connect(db, read_only=True)
    try:
        family = con.execute(
            "select s.path, v.version_no, v.linked_by from policy_versions v join documents d using (doc_id) "
            "join sources s using (source_id) where v.family_id = ? and v.preferred order by v.version_no",
            [CHANGPING_FAMILY]).fetchall()
        changes = con.execute(
            "select c.subject, c.kind, c.summary from v_revision_changes c join documents d "
            "on d.doc_id = c.old_doc_id where d.doc_number = '昌政办发〔2023〕13号' order by c.seq").fetchall()
        revisions = con.execute("select count(*) from revisions").fetchone()[0]
    finally:
        con.close()
    assert family == [("changping-pharma-2023.txt", 1, None), ("changping-pharma-2025-draft.txt", 2, "title")]
    assert changes == [
        ("article", "modified", "preamble modified"),
        ("article", "modified", "第六条 modified"),
        ("article", "modified", "第十五条 modified"),
        ("article", "modified", "第十八条 modified"),
        ("fact", "removed", "preamble removed 文号 昌政办发〔2023〕13号"),
        ("fact", "changed", "第六条（一） cap: 800万元 per product → 1000万元"),
        ("fact", "changed", "第十五条（一） cap: 30% of 年度实际服务金额 → 20%"),
        ("fact", "added", "第十八条 new 文号 昌政办发〔2023〕13号 (《中国（北京）自贸试验区科技创新片区昌平组团促…)"),
    ]
    assert revisions == 2  # 统计法 and the Changping draft against its 2023 text


def test_an_older_version_found_later_renumbers_the_revisions_kept_from_before(corpus_catalog, tmp_path):
    """A revision written by an earlier run is kept while its two documents are unchanged, but
    its version numbers follow the family: a 2021 version dropped in after the 2023 one makes
    2023 → 2025 versions 2 → 3, not the 1 → 2 it was written with."""
    from flows import catalog
    from flows.ingest.flow import ingest

    db, raw = corpus_with_2023_version(corpus_catalog, tmp_path)
    (raw / "changping-pharma-2021.txt").write_text(
        version_2023().replace("昌政办发〔2023〕13号", "昌政办发〔2021〕5号").replace("最高800万元", "最高600万元"),
        encoding="utf-8")
    ingest([raw], db_path=db)
    con = catalog.connect(db, read_only=True)
    try:
        family = con.execute(
            "select s.path, r.old_version_no, r.new_version_no from revisions r join documents d "
            "on d.doc_id = r.new_doc_id join sources s using (source_id) where r.family_id = ? "
            "order by r.new_version_no", [CHANGPING_FAMILY]).fetchall()
        stale = con.execute(
            "select r.revision_id from revisions r join policy_versions o on o.doc_id = r.old_doc_id "
            "join policy_versions n on n.doc_id = r.new_doc_id where r.old_version_no != o.version_no "
            "or r.new_version_no != n.version_no or r.family_id != n.family_id").fetchall()
    finally:
        con.close()
    assert family == [("changping-pharma-2023.txt", 1, 2), ("changping-pharma-2025-draft.txt", 2, 3)]
    assert stale == []


def test_revisions_flow_again_writes_nothing_new(corpus_catalog, tmp_path):
    from flows.revisions.flow import revisions_flow

    db = tmp_path / "catalog.duckdb"
    shutil.copy(corpus_catalog[0], db)
    assert revisions_flow(db) == []


def test_cli_diff_by_file_paths_prints_the_one_change(corpus_catalog, capsys):
    db, raw, _ = corpus_catalog
    assert main(["--db", str(db), "diff", str(raw / "jjgf-2025-9.txt"), str(raw / "beijing-gazette-2025-27.txt"),
                 "--color", "never"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "京技管发〔2025〕9号 北京经济技术开发区关于促进医药健康产业高质量发展的若干意见"
    assert out[4:] == ["  1 modified, 35 unchanged; no fact changes", "", "二/(二)/10 modified",
                       "    …建产能、提升研发、开发、生产{+服务+}能力。对科技服务业企业年营业…"]


def test_cli_diff_json_of_a_file_outside_the_catalog(corpus_catalog, tmp_path, capsys):
    db = corpus_catalog[0]
    edited = tmp_path / "changping-edited.txt"
    edited.write_text(DRAFT.replace("按照不超过年度实际服务金额的20%", "按照不超过年度实际服务金额的30%"),
                      encoding="utf-8")
    assert main(["--db", str(db), "diff", str(SAMPLES / "changping-pharma-2025-draft.txt"), str(edited),
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["new"]["doc_id"] is None and data["old"]["doc_id"] is not None
    assert [c["summary"] for c in data["fact_changes"]] == ["第十五条（一） cap: 20% of 年度实际服务金额 → 30%"]
    assert [(c["kind"], c["old"], [(o["old"], o["new"]) for o in c["ops"]]) for c in data["changes"]] == [
        ("modified", ["第十五条"], [("2", "3")])]


def test_cli_diff_by_doc_id_and_an_unknown_name(corpus_con, corpus_catalog, capsys):
    db = str(corpus_catalog[0])
    ids = _ids_by_path(corpus_con)
    assert main(["--db", db, "diff", ids["jjgf-2025-9.txt"], "京技管发〔2025〕9号", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["new"]["doc_id"] == ids["beijing-gazette-2025-27.txt"]
    assert main(["--db", db, "diff", "no-such-doc", ids["jjgf-2025-9.txt"]]) == 2
    assert "give a doc id, a 文号 or the path of a file" in capsys.readouterr().err


def test_cli_diff_of_the_pdf_renditions_finds_the_same_one_change(corpus_catalog, capsys):
    db, raw, _ = corpus_catalog
    assert main(["--db", str(db), "diff", str(raw / "jjgf-2025-9.pdf"), str(raw / "beijing-gazette-2025-27.pdf"),
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["old"]["source"], data["new"]["source"]) == ("jjgf-2025-9.pdf", "beijing-gazette-2025-27.pdf")
    assert data["fact_changes"] == []
    assert [(c["kind"], c["new"], [(o["old"], o["new"]) for o in c["ops"]]) for c in data["changes"]] == [
        ("modified", ["二/(二)/10"], [("", "服务")])]


@pytest.mark.parametrize("bound", ["LOAD_PAIRS", "LOAD_CHARS"])
def test_revisions_are_written_as_they_are_diffed_and_match_a_single_batch(corpus_catalog, tmp_path, monkeypatch,
                                                                            bound):
    """A run's diffs (every changed article's text) are never held together: they are written a
    batch at a time as the generator yields them; one pair at a time (a batch of one pair, or
    of one character) writes the same rows."""
    import inspect

    from flows import catalog
    from flows.revisions import versions as revisions

    assert inspect.isgeneratorfunction(revisions.compute_revisions)
    db = tmp_path / "c.duckdb"
    shutil.copy(corpus_catalog[0], db)

    def rows(path):
        con = catalog.connect(path, read_only=True)
        try:
            return ([r for r in con.execute("select * exclude (created_at) from revisions order by all").fetchall()],
                    con.execute("select * from revision_changes order by all").fetchall(),
                    con.execute("select * from policy_versions order by all").fetchall())
        finally:
            con.close()

    expected = rows(db)
    assert expected[0], "the corpus has revisions"
    monkeypatch.setattr(revisions, bound, 1)
    loads = []
    real_load = revisions.load_versions
    monkeypatch.setattr(revisions, "load_versions", lambda con, ids: loads.append(ids) or real_load(con, ids))
    with catalog.writing(db) as con:
        for table in ("revision_changes", "revisions", "policy_versions"):
            con.execute(f"delete from {table}")
        written = revisions.update_revisions(con)
    assert len(written) == len(expected[0])
    assert [len(ids) for ids in loads] == [2] * len(written)
    assert rows(db) == expected


def test_revision_batches_end_at_a_count_or_a_size_of_text_without_looking_ahead(monkeypatch):
    from flows.revisions import versions as revisions

    monkeypatch.setattr(revisions, "LOAD_PAIRS", 3)
    monkeypatch.setattr(revisions, "LOAD_CHARS", 100)
    sizes = [10, 10, 10, 10, 95, 5, 200, 1, 1]
    pulled = []

    def items():
        for size in sizes:
            pulled.append(size)
            yield size

    batches = revisions._batches(items(), lambda size: size)
    assert next(batches) == [10, 10, 10] and pulled == [10, 10, 10]  # nothing read past the batch
    assert list(batches) == [[10, 95], [5, 200], [1, 1]]
