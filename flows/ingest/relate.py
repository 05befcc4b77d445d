"""Stage 6 on the catalog: point citations at the documents the catalog holds, and check each
quote against the article it names. Runs after every load, since a cited document may come later.
"""
from __future__ import annotations

from extractors.numerals import chinese_to_int
from extractors.textnorm import normalize_for_compare
from flows import catalog

RESOLVE_BY_NUMBER = """
update relations set to_doc_id = (
    select min(d.doc_id) from documents d, documents self
    where d.doc_number = relations.to_doc_number and self.doc_id = relations.from_doc_id
      and d.policy_key <> self.policy_key)
where to_doc_number is not null
"""
RESOLVE_BY_TITLE = """
update relations set to_doc_id = (
    select min(d.doc_id) from documents d, documents self
    where regexp_replace(d.title, '\\s', '', 'g') = regexp_replace(relations.to_title, '\\s', '', 'g')
      and self.doc_id = relations.from_doc_id and d.policy_key <> self.policy_key)
where to_doc_id is null and to_title is not null
"""


def resolve_relations(con) -> None:
    """Point citations at catalog documents (by 文号, else by title); check quoted text."""
    with catalog.transaction(con):
        con.execute(RESOLVE_BY_NUMBER)
        con.execute(RESOLVE_BY_TITLE)
        quotes = con.execute(
            "select rowid, to_doc_id, to_article_label, quoted_text from relations "
            "where kind = 'quotes' and to_doc_id is not null").fetchall()
        for rowid, to_doc_id, label, quoted in quotes:
            con.execute("update relations set quote_matches = ? where rowid = ?",
                        [_quote_matches(con, to_doc_id, label, quoted), rowid])


def _quote_matches(con, doc_id: str, label: str, quoted: str) -> bool | None:
    """Whether the quoted text stands in the article it names (第十条 may be printed as 10.)."""
    try:
        number = chinese_to_int(label.removeprefix("第").removesuffix("条"))
    except ValueError:
        return None
    rows = con.execute("select text from articles where doc_id = ? and number = ?",
                       [doc_id, number]).fetchall()
    want = normalize_for_compare(quoted)
    return any(want and want in normalize_for_compare(text) for (text,) in rows) if rows else None
