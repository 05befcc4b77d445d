"""Renditions on the catalog: an OCR reading or a second printing of a document the catalog
holds in another rendition (extractors/diff/renditions.py) takes that document's doc_key, 文号,
policy key and title, so that every view, revision and alert counts it once, under the best
rendition's title. A printing's exact differences from the best text are kept as document
warnings. Runs after every load, before relations and versions: either rendition may come first.
"""
from __future__ import annotations

from extractors.diff.renditions import rendition_candidates, rendition_groups, rendition_variants
from extractors.ocr import READ_BY_OCR
from flows import catalog
from schemas.records import Reading

READINGS_SQL = """
select d.doc_id, d.doc_key, d.policy_key, d.doc_number, d.title, i.issue_key, s.media_type,
       list_contains(coalesce(s.warnings, []), ?), s.path, d.issued_date
from documents d join sources s using (source_id) left join issues i using (issue_id)
order by d.doc_id
"""
TAKE_BEST = f"update documents set doc_key = ?, doc_number = ?, policy_key = ?, title = ? where {catalog.in_ids('doc_key')}"
# A document's amounts, percentages and dates in text order: two printings agree on all of them.
FIGURES_SQL = """
select doc_id, list(kind || ' ' || coalesce(cast(value_num as varchar), value_text) order by char_start, fact_id)
from facts where kind in ('money', 'percent', 'date')
"""
# The message of a printing's variant reading begins so; it is rewritten whenever the group is.
VARIANT = "reads otherwise than"


def merge_renditions(con, new_doc_ids: list[str]) -> int:
    """Give each OCR reading or printing among or matching `new_doc_ids` the key and names of
    its best rendition; returns the number of documents merged into another rendition."""
    readings = [Reading(*row[:-1], issued_date=row[-1]) for row in con.execute(READINGS_SQL, [READ_BY_OCR]).fetchall()]
    pairs = rendition_candidates(readings, set(new_doc_ids))
    if not pairs:
        return 0
    texts = dict(con.execute(f"select doc_id, text from documents where {catalog.in_ids('doc_id')}",
                             [catalog.ids_param(sorted({r.doc_id for pair in pairs for r in pair}))]).fetchall())
    figures = dict(con.execute(f"{FIGURES_SQL} and {catalog.in_ids('doc_id')} group by doc_id",
                               [catalog.ids_param(sorted(texts))]).fetchall())
    merged = 0
    with catalog.transaction(con):
        for best, *others in rendition_groups(pairs, texts.__getitem__, lambda d: tuple(figures.get(d) or ())):
            keys = sorted({r.doc_key for r in others} - {best.doc_key})
            con.execute(TAKE_BEST, [best.doc_key, best.doc_number, best.policy_key, best.title, catalog.ids_param(keys)])
            for other in others:
                if not other.ocr:
                    _note_variants(con, best, other, texts)
            merged += len(others)
    return merged


def _note_variants(con, best: Reading, other: Reading, texts: dict[str, str]) -> None:
    """A printing's readings that differ from the best rendition's, one warning each: the
    analyst sees that the two prints disagree and which one the catalog reads."""
    con.execute("delete from document_warnings where doc_id = ? and starts_with(message, ?)", [other.doc_id, VARIANT])
    for ours, theirs in rendition_variants(texts[best.doc_id], texts[other.doc_id]):
        con.execute("insert into document_warnings (doc_id, article_label, message) values (?, null, ?)",
                    [other.doc_id, f"{VARIANT} {best.path}, the text the catalog reads: 「{theirs}」 here, 「{ours}」 there"])
