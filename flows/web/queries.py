"""What each page of `gazette web` reads from the catalog, on a connection `catalog.reading` opened.

Only the current-version views, `document_status` and the catalog tables are read; search, the
marking of facts and the redline are the `gazette search`, `show` and `diff` functions.
"""
from __future__ import annotations

from collections import defaultdict

from flows.cli import show
from flows.web.tree import ArticleNode, article_tree

# One row per policy (its current version), the most recently issued first.
POLICIES_SQL = """
select doc_id, title, doc_number, status, versions, issuer, issued_date, effective_date, expiry_date,
       latest_version_date
from policies order by latest_version_date desc nulls last, title
"""
DOCUMENT_SQL = """
select doc_id, doc_number, title, issuer, doc_type, is_draft, issued_date, effective_date, expiry_date,
       family_id, version_no, text
from v_documents_all_versions where doc_id = ?
"""
# A rendition the views leave out (a PDF beside its text file) is shown as its preferred one.
PREFERRED_SQL = """
select v.doc_id from documents d join v_documents_all_versions v using (doc_key) where d.doc_id = ?
"""
STATUS_SQL = """
select status, status_label, valid_from, valid_to, cause, cause_doc_id, cause_text
from document_status where doc_id = ? order by seq
"""
ARTICLES_SQL = """
select article_id, parent_id, seq, level, label, path_label, heading, char_start, char_end
from articles where doc_id = ? order by seq
"""
# Every version of the family, oldest first, with its status today (since when) and the revision
# that led to it.
VERSIONS_SQL = """
select v.doc_id, v.version_no, v.version_rank, v.status, d.doc_number, d.title, d.issued_date, d.is_draft,
       r.old_doc_id, (select max(s.valid_from) from document_status s
                      where s.doc_id = v.doc_id and s.valid_from <= current_date) as status_since
from versions_as_of(as_of := current_date) v join documents d using (doc_id)
left join revisions r on r.new_doc_id = v.doc_id
where v.family_id = ? order by v.version_rank, v.version_no
"""
# The document's own warnings, then its other renditions' (a printing that reads otherwise than
# the text the catalog reads), each with the file it was read from.
WARNINGS_SQL = """
select r.doc_id = d.doc_id as own, s.path, w.doc_id, w.article_label, w.message
from documents d join documents r using (doc_key) join document_warnings w on w.doc_id = r.doc_id
join sources s on s.source_id = r.source_id
where d.doc_id = ? order by own desc, s.path, w.doc_id, w.article_label nulls first, w.message
"""
WINDOWS_SQL = """
select coalesce(opens, closes) as month_of, doc_id, document, doc_number, article_label,
       date_as_written(opens, opens_precision) as opens, date_as_written(closes, closes_precision) as closes,
       sentence
from v_application_windows order by month_of, closes nulls last, doc_id, article_label
"""
DEADLINES_SQL = """
select doc_id, document, doc_number, article_label, kind, date_as_written(due, due_precision) as due, text
from v_deadlines order by v_deadlines.due, doc_id, article_label
"""


def rows_of(con, sql: str, params: list | None = None) -> list[dict]:
    rel = con.execute(sql, params or [])
    columns = [d[0] for d in rel.description]
    return [dict(zip(columns, row)) for row in rel.fetchall()]


def policies(con) -> list[dict]:
    return rows_of(con, POLICIES_SQL)


def preferred_doc_id(con, doc_id: str) -> str | None:
    """The doc id a policy page shows for `doc_id` (itself, or its preferred rendition); None
    when the catalog has no such document."""
    row = con.execute(PREFERRED_SQL, [doc_id]).fetchone()
    return row[0] if row else None


def policy_page(con, doc_id: str) -> dict | None:
    """Everything the policy page shows of one version: the document, its printed pages,
    status history, versions, warnings (its renditions' too) and its article tree with facts
    highlighted."""
    found = rows_of(con, DOCUMENT_SQL, [doc_id])
    if not found:
        return None
    doc = found[0]
    text = doc["text"]
    facts = con.execute(show.FACTS_SQL, [doc_id, 0, len(text)]).fetchall()
    article_pages = dict(con.execute(show.ARTICLE_PAGES_SQL, [doc_id, 0, len(text)]).fetchall())
    tree = article_tree(text, rows_of(con, ARTICLES_SQL, [doc_id]), show.annotations(text, facts), article_pages)
    return {"doc": doc, "pages": show.pages_text(con.execute(show.PAGES_SQL, [doc_id]).fetchone()),
            "status": rows_of(con, STATUS_SQL, [doc_id]), "warnings": rows_of(con, WARNINGS_SQL, [doc_id]),
            "versions": rows_of(con, VERSIONS_SQL, [doc["family_id"]]) if doc["family_id"] else [],
            "tree": tree, "facts": len(facts), "articles": _count(tree.children)}


def _count(nodes: list[ArticleNode]) -> int:
    return sum(1 + _count(n.children) for n in nodes)


def windows_by_month(con) -> list[tuple[str, list[dict]]]:
    """Application windows of the current versions grouped by the month they open (else close)."""
    months: dict[str, list[dict]] = defaultdict(list)
    for row in rows_of(con, WINDOWS_SQL):
        months[row["month_of"].strftime("%Y-%m")].append(row)
    return list(months.items())


def deadlines(con) -> list[dict]:
    return rows_of(con, DEADLINES_SQL)
