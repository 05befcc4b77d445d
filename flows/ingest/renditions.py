"""Renditions on the catalog: an OCR reading of a document the catalog holds in another
rendition (extractors/diff/renditions.py) takes that document's doc_key, 文号, policy key and
title, so that every view, revision and alert counts it once, under the best rendition's title.
Runs after every load, before relations and versions: either rendition may come first.
"""
from __future__ import annotations

from extractors.diff.renditions import rendition_candidates, rendition_groups
from extractors.ocr import READ_BY_OCR
from flows import catalog
from schemas.records import Reading

READINGS_SQL = """
select d.doc_id, d.doc_key, d.policy_key, d.doc_number, d.title, i.issue_key, s.media_type,
       list_contains(coalesce(s.warnings, []), ?), s.path
from documents d join sources s using (source_id) left join issues i using (issue_id)
order by d.doc_id
"""
TAKE_BEST = f"update documents set doc_key = ?, doc_number = ?, policy_key = ?, title = ? where {catalog.in_ids('doc_key')}"


def merge_renditions(con, new_doc_ids: list[str]) -> int:
    """Give each OCR reading among or matching `new_doc_ids` the key and names of its best
    rendition; returns the number of documents merged into another rendition."""
    if not con.execute("select count(*) from sources where list_contains(warnings, ?)", [READ_BY_OCR]).fetchone()[0]:
        return 0
    readings = [Reading(*row) for row in con.execute(READINGS_SQL, [READ_BY_OCR]).fetchall()]
    pairs = rendition_candidates(readings, set(new_doc_ids))
    if not pairs:
        return 0
    texts = dict(con.execute(f"select doc_id, text from documents where {catalog.in_ids('doc_id')}",
                             [catalog.ids_param(sorted({r.doc_id for pair in pairs for r in pair}))]).fetchall())
    merged = 0
    with catalog.transaction(con):
        for best, *others in rendition_groups(pairs, texts.__getitem__):
            keys = sorted({r.doc_key for r in others} - {best.doc_key})
            con.execute(TAKE_BEST, [best.doc_key, best.doc_number, best.policy_key, best.title, catalog.ids_param(keys)])
            merged += len(others)
    return merged
