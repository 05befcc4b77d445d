"""时效性 on the catalog: every document's dates and policy family and every relation, read once;
the status histories and placeholders derived from them (extractors/status.py) replace
`document_status` and `cited_documents`. Runs after `policy_versions` is written, since a later
version ends its predecessor's force.
"""
from __future__ import annotations

from dataclasses import astuple

from extractors.status import cited_documents, status_history
from flows import catalog
from flows.ingest.loader import insert_rows
from flows.revisions.rows import CitedDocumentRow, status_row
from flows.revisions.versions import HEAD_REVISED_SQL
from schemas.status import Citation, DatedDocument

DATED_DOCUMENTS_SQL = f"""
select d.doc_id, d.doc_key, d.title, d.doc_number, d.is_draft, d.issued_date, d.effective_date,
       d.expiry_date, h.revised, p.family_id, p.version_no, d.doc_id in (select doc_id from v_documents_all_versions)
from documents d left join policy_versions p using (doc_id)
left join ({HEAD_REVISED_SQL}) h using (doc_id)
order by d.doc_id
"""
CITATIONS_SQL = """
select from_doc_id, kind, to_doc_number, to_title, to_doc_id, to_article_label, evidence
from relations order by from_doc_id, char_start, kind
"""


def update_status(con) -> int:
    """Replace every status history and placeholder on a writable connection; returns the
    number of status spans written."""
    docs = [DatedDocument(*row) for row in con.execute(DATED_DOCUMENTS_SQL).fetchall()]
    citations = [Citation(*row) for row in con.execute(CITATIONS_SQL).fetchall()]
    spans = status_history(docs, citations)
    with catalog.transaction(con):
        con.execute("delete from document_status")
        con.execute("delete from cited_documents")
        insert_rows(con, "document_status", [status_row(span) for span in spans])
        insert_rows(con, "cited_documents", [CitedDocumentRow(*astuple(p)) for p in cited_documents(docs, citations)])
    return len(spans)
