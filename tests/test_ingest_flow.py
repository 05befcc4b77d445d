"""The ingest flow end to end on the bundled corpus, under Prefect's test harness."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from extractors.textnorm import normalize_for_compare
from flows import catalog
from flows.ingest.flow import ingest
from tests.conftest import GAZETTE_DOC_NUMBERS, SAMPLES

pytestmark = pytest.mark.usefixtures("prefect_harness")


def rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def test_every_sample_is_ingested_ok(corpus_catalog, corpus_con):
    _, _, report = corpus_catalog
    assert report.ok, report.quarantined
    assert sorted(rows(corpus_con, "select path, media_type, status from sources")) == sorted(
        (p.name, "pdf" if p.suffix == ".pdf" else "text", "ok") for p in SAMPLES.iterdir())


@pytest.mark.parametrize("name", ["beijing-gazette-2025-27.txt", "beijing-gazette-2025-27.pdf"])
def test_gazette_issue_and_its_eight_documents(corpus_con, name):
    issue = rows(corpus_con, "select i.publication, i.year, i.issue_no, i.total_no, i.issue_date "
                             "from issues i join sources s using (source_id) where s.path = ?", [name])
    assert issue == [("北京市人民政府公报", 2025, 27, 903, date(2025, 7, 24))]
    numbers = rows(corpus_con, "select d.doc_number from documents d join sources s using (source_id) "
                               "where s.path = ? order by d.seq", [name])
    assert [n for (n,) in numbers] == GAZETTE_DOC_NUMBERS


@pytest.mark.parametrize("name", ["beijing-gazette-2025-27.txt", "beijing-gazette-2025-27.pdf"])
def test_table_of_contents_entries_are_all_found(corpus_con, name):
    toc = rows(corpus_con, "select t.doc_number, t.printed_page, t.title_en is not null, t.doc_id is not null "
                           "from issue_toc t join issues i using (issue_id) join sources s using (source_id) "
                           "where s.path = ? order by t.seq", [name])
    assert [(n, p) for n, p, _, _ in toc] == list(zip(GAZETTE_DOC_NUMBERS, [6, 8, 15, 23, 31, 45, 60, 74]))
    assert all(has_en and found for _, _, has_en, found in toc)


def test_pdf_documents_have_page_ranges(corpus_con):
    pages = rows(corpus_con, "select d.doc_number, d.page_start from documents d join sources s using (source_id) "
                             "where s.path = 'beijing-gazette-2025-27.pdf' order by d.seq")
    assert [p for _, p in pages] == [6, 8, 14, 21, 28, 42, 55, 67]


def labels(con, path, doc_number, where="a.parent_id is null"):
    sql = ("select a.label from articles a join documents d using (doc_id) join sources s using (source_id) "
           f"where s.path = ? and d.doc_number is not distinct from ? and {where} order by a.seq")
    return [label for (label,) in rows(con, sql, [path, doc_number])]


@pytest.mark.parametrize("name", ["beijing-gazette-2025-27.txt", "jjgf-2025-9.txt", "jjgf-2025-9.pdf"])
def test_jjgf_9_parts_and_twenty_measures(corpus_con, name):
    parts = labels(corpus_con, name, "京技管发〔2025〕9号")
    assert parts == ["一", "二", "三", "四"]
    measures = rows(corpus_con, "select a.number from articles a join documents d using (doc_id) "
                                "join sources s using (source_id) where s.path = ? "
                                "and d.doc_number = '京技管发〔2025〕9号' and a.kind = 'subitem' "
                                "and split_part(a.path_label, '/', 1) in ('一', '二') order by a.seq", [name])
    assert [n for (n,) in measures] == list(range(1, 21))
    warnings = rows(corpus_con, "select message from document_warnings w join documents d using (doc_id) "
                                "join sources s using (source_id) where s.path = ? "
                                "and d.doc_number = '京技管发〔2025〕9号'", [name])
    # no numbering warning; the standalone printing lacks the gazette's 服务 (the standard text)
    assert warnings == ([] if name.startswith("beijing") else [
        ("reads otherwise than beijing-gazette-2025-27.txt, the text the catalog reads: "
         "「、开发、生产能力。对科技」 here, 「、开发、生产服务能力。对科技」 there",)])


def test_jjgf_5_has_articles_one_to_thirty_nine(corpus_con):
    numbers = rows(corpus_con, "select a.number from articles a join documents d using (doc_id) "
                               "join sources s using (source_id) where s.path = 'beijing-gazette-2025-27.txt' "
                               "and d.doc_number = '京技管发〔2025〕5号' and a.kind = 'article' order by a.seq")
    assert [n for (n,) in numbers] == list(range(1, 40))


@pytest.mark.parametrize("name", ["changping-pharma-2025-draft.txt", "changping-pharma-2025-draft.pdf"])
def test_changping_draft_chapters_and_articles(corpus_con, name):
    doc = rows(corpus_con, "select d.is_draft, count(*) filter (where a.kind = 'chapter'), "
                           "list(a.number order by a.seq) filter (where a.kind = 'article') "
                           "from documents d join sources s using (source_id) join articles a using (doc_id) "
                           "where s.path = ? group by all", [name])
    assert doc == [(True, 6, list(range(1, 19)))]


@pytest.mark.parametrize("stem", ["jjgf-2025-9", "changping-pharma-2025-draft", "beijing-gazette-2025-27"])
def test_pdf_and_text_give_the_same_article_tree(corpus_con, stem):
    sql = ("select d.seq, a.seq, a.label, a.text from articles a join documents d using (doc_id) "
           "join sources s using (source_id) where s.path = ? order by d.seq, a.seq")
    from_text = rows(corpus_con, sql, [f"{stem}.txt"])
    from_pdf = rows(corpus_con, sql, [f"{stem}.pdf"])
    assert [r[:3] for r in from_pdf] == [r[:3] for r in from_text]
    assert [normalize_for_compare(r[3]) for r in from_pdf] == [normalize_for_compare(r[3]) for r in from_text]


def test_article_and_fact_offsets_slice_the_document_text(corpus_con):
    texts = dict(rows(corpus_con, "select doc_id, text from documents"))
    for doc_id, start, end, text in rows(corpus_con, "select doc_id, char_start, char_end, text from articles"):
        assert texts[doc_id][start:end] == text
    for doc_id, start, end, text in rows(corpus_con, "select doc_id, char_start, char_end, text from facts"):
        assert texts[doc_id][start:end] == text


def test_renditions_share_a_document_key_and_versions_do_not(corpus_con):
    keys = dict(rows(corpus_con, "select s.path || '#' || coalesce(d.doc_number, ''), d.doc_key "
                                 "from documents d join sources s using (source_id)"))
    assert keys["jjgf-2025-9.txt#京技管发〔2025〕9号"] == keys["jjgf-2025-9.pdf#京技管发〔2025〕9号"]
    assert keys["beijing-gazette-2025-27.txt#京技管发〔2025〕1号"] == keys["beijing-gazette-2025-27.pdf#京技管发〔2025〕1号"]
    # the gazette prints 生产服务能力 where the standalone file has 生产能力, both of one 文号 and date:
    # two printings of one document, not two versions
    assert keys["beijing-gazette-2025-27.txt#京技管发〔2025〕9号"] == keys["jjgf-2025-9.txt#京技管发〔2025〕9号"]
    policies = rows(corpus_con, "select count(distinct doc_key), count(*) from documents "
                                "where policy_key = '京技管发〔2025〕9号'")
    assert policies == [(1, 4)]


def test_notice_that_issues_a_policy_is_titled_by_the_policy(corpus_con):
    doc = rows(corpus_con, "select d.title, d.notice_title, d.doc_type, d.issuer, d.issued_date from documents d "
                           "join sources s using (source_id) where s.path = 'jjgf-2025-9.txt'")
    assert doc[0][0] == "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见"
    assert "印发" in doc[0][1] and doc[0][2] == "意见"


def test_second_ingest_of_the_same_files_adds_no_rows(corpus_catalog):
    db, raw, _ = corpus_catalog
    tables = ("sources", "source_paths", "issues", "issue_toc", "documents", "articles", "facts", "relations")

    def counts():
        con = catalog.connect(db, read_only=True)
        try:
            return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
        finally:
            con.close()

    before = counts()
    report = ingest([raw], db_path=db)
    assert report.added == [] and len(report.skipped) == 10
    assert counts() == before


def test_bad_file_is_quarantined_and_the_batch_goes_on(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / "yizhuang-pharma-service-guide-2026.txt", raw)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "junk.pdf").write_bytes(b"%PDF-1.7\n this is not a pdf")
    db = tmp_path / "catalog.duckdb"
    report = ingest([raw], db_path=db)
    assert set(report.quarantined) == {"empty.txt", "junk.pdf"}
    con = catalog.connect(db, read_only=True)
    try:
        status = dict(rows(con, "select path, status from sources"))
        errors = dict(rows(con, "select path, error from sources where status = 'quarantined'"))
        orphans = rows(con, "select count(*) from documents d join sources s using (source_id) "
                            "where s.status = 'quarantined'")
    finally:
        con.close()
    assert status == {"yizhuang-pharma-service-guide-2026.txt": "ok", "empty.txt": "quarantined",
                      "junk.pdf": "quarantined"}
    assert "empty.txt" in errors["empty.txt"] and "junk.pdf" in errors["junk.pdf"]
    assert orphans == [(0,)]


def test_changed_bytes_under_the_same_name_are_a_new_version(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    draft = raw / "changping-pharma-2025-draft.txt"
    shutil.copy(SAMPLES / draft.name, draft)
    db = tmp_path / "catalog.duckdb"
    ingest([raw], db_path=db)
    draft.write_text(draft.read_text(encoding="utf-8").replace("最高1000万元", "最高2000万元"), encoding="utf-8")
    ingest([raw], db_path=db)
    con = catalog.connect(db, read_only=True)
    try:
        versions = rows(con, "select count(*), count(distinct doc_key), count(distinct policy_key) from documents")
    finally:
        con.close()
    assert versions == [(2, 2, 1)]


def test_guide_quote_resolves_to_article_ten_of_jjgf_2025_9(corpus_con):
    quote = rows(corpus_con, "select r.to_article_label, r.quote_matches, d.doc_number from relations r "
                             "join documents d on d.doc_id = r.to_doc_id join sources s on s.source_id = "
                             "(select source_id from documents where doc_id = r.from_doc_id) "
                             "where r.kind = 'quotes' and s.path = 'yizhuang-pharma-service-guide-2026.txt'")
    assert quote == [("第十条", True, "京技管发〔2025〕9号")]


def test_repeals_are_recorded_and_no_document_cites_itself(corpus_con):
    repealed = rows(corpus_con, "select distinct r.to_doc_number from relations r join documents d "
                                "on d.doc_id = r.from_doc_id where r.kind = 'repeals' and d.doc_number = '京技管发〔2025〕8号'")
    assert repealed == [("京技管〔2013〕102号",)]
    self_cites = rows(corpus_con, "select count(*) from relations r join documents a on a.doc_id = r.from_doc_id "
                                  "join documents b on b.doc_id = r.to_doc_id where a.policy_key = b.policy_key")
    assert self_cites == [(0,)]
