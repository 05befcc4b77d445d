"""Printed pages on the catalog: a text rendition (the .txt gazette) prints no page numbers, so its
documents take the pages of a PDF rendition of the same text (same doc_key) the catalog holds,
and their articles and facts the printed page they begin on. Runs after every load: either
rendition may come first. The PDF whose first page is the one the text's own table of contents
gives is preferred (a gazette's offprint prints the issue's pages where a re-rendering may not),
then one of the same issue.
"""
from __future__ import annotations

from extractors.printed_pages import carried_pages
from flows import catalog
from schemas.records import DocumentPages

# Text documents that are new or have a new PDF twin, with every PDF twin they have, best first.
CANDIDATES_SQL = f"""
with twins as (
    select t.doc_id as text_id, p.doc_id as pdf_id, t.toc_page, t.issue_id as text_issue, p.issue_id as pdf_issue
    from documents t join sources ts on ts.source_id = t.source_id
    join documents p on p.doc_key = t.doc_key and p.doc_id <> t.doc_id
    join sources ps on ps.source_id = p.source_id
    where ts.media_type = 'text' and ps.media_type = 'pdf' and p.page_source in ('footer', 'pdf_index'))
select w.text_id, t.text, p.text, p.page_offsets, p.page_numbers, p.page_source
from twins w join documents t on t.doc_id = w.text_id join documents p on p.doc_id = w.pdf_id
left join issues ti on ti.issue_id = w.text_issue left join issues pi on pi.issue_id = w.pdf_issue
where w.text_id in (select text_id from twins where {catalog.in_ids('text_id')} or {catalog.in_ids('pdf_id')})
order by w.text_id, p.printed_page_start is not distinct from w.toc_page desc,
         ti.issue_key is not distinct from pi.issue_key desc, p.page_source = 'footer' desc, p.doc_id
"""
SET_DOCUMENT_PAGES = """
update documents set page_offsets = ?, page_numbers = ?, page_source = ?, printed_page_start = ?,
    printed_page_end = ? where doc_id = ?
"""
SET_PRINTED_PAGE = """
update {table} set printed_page = printed_page_at(d.page_offsets, d.page_numbers, {table}.char_start)
from documents d where d.doc_id = {table}.doc_id and {condition}
"""


def borrow_printed_pages(con, new_doc_ids: list[str]) -> int:
    """Give each text document among or matching `new_doc_ids` the printed pages of its PDF
    rendition, and its articles and facts theirs; returns the number of documents given pages."""
    if not new_doc_ids:
        return 0
    ids = catalog.ids_param(new_doc_ids)
    given: dict[str, DocumentPages] = {}
    for doc_id, text, pdf_text, offsets, numbers, source in con.execute(CANDIDATES_SQL, [ids, ids]).fetchall():
        if doc_id not in given:
            pages = carried_pages(DocumentPages(tuple(offsets), tuple(numbers), source), pdf_text, text)
            if pages is not None:
                given[doc_id] = pages
    if not given:
        return 0
    with catalog.transaction(con):
        for doc_id, pages in given.items():
            con.execute(SET_DOCUMENT_PAGES, [list(pages.offsets), list(pages.numbers), pages.source,
                                             pages.start, pages.end, doc_id])
        for table in ("articles", "facts"):
            con.execute(SET_PRINTED_PAGE.format(table=table, condition=catalog.in_ids("d.doc_id")),
                        [catalog.ids_param(sorted(given))])
    return len(given)
