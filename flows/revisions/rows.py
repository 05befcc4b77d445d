"""A revision as catalog rows: one `revisions` row, and `revision_changes` rows for every
aligned provision pair and every fact change."""
from __future__ import annotations

import json
from datetime import datetime

from extractors.diff.align import CHANGE_ORDER, describe_counts, describe_pair, pair_labels


def revision_row(rev, old_no: int | None, new_no: int | None, now: datetime) -> list:
    diff = rev.diff
    counts = {kind: diff.count(kind) for kind in CHANGE_ORDER}
    return [rev.revision_id, rev.family_id, rev.old.doc_id, rev.new.doc_id, rev.old.doc_key,
            rev.new.doc_key, old_no, new_no, counts["unchanged"], counts["modified"],
            counts["renumbered"], counts["moved"], counts["added"], counts["removed"], counts["split"],
            counts["merged"], len(diff.fact_changes), describe_counts(diff), now, counts["not_in_newer"],
            diff.ends_at]


def change_rows(rev) -> list[list]:
    rows = []
    for pair in rev.diff.pairs:
        ops = json.dumps([[o.tag, o.old_start, o.old_end, o.new_start, o.new_end] for o in pair.ops])
        rows.append([
            rev.revision_id, len(rows), "article", pair.kind, pair_labels(pair.old) or None,
            pair_labels(pair.new) or None, _ids(rev.old, pair.old), _ids(rev.new, pair.new),
            round(pair.similarity, 4), pair.old_text if pair.old else None,
            pair.new_text if pair.new else None, ops if pair.ops else None,
            None, None, None, None, None, None, None, None, describe_pair(pair)])
    for change in rev.diff.fact_changes:
        old, new = change.old, change.new
        rows.append([
            rev.revision_id, len(rows), "fact", change.kind, change.label if old else None,
            change.label if new else None, None, None, None, old.text if old else None,
            new.text if new else None, None, change.fact_kind, change.role,
            rev.old.fact_id(old), rev.new.fact_id(new), old.value_num if old else None,
            new.value_num if new else None, old.value_text if old else None,
            new.value_text if new else None, change.summary])
    return rows


def _ids(version, provisions) -> list[str]:
    return [i for i in (version.article_id(p.seq) for p in provisions) if i]
