"""A revision as catalog rows: one `revisions` row, and `revision_changes` rows for every
aligned provision pair and every fact change; and the `policy_versions` row of each version.
A NamedTuple per table, its fields the table's columns in DDL order (tests/test_rows.py).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from extractors.diff.align import CHANGE_ORDER, describe_counts, describe_pair, pair_labels


class PolicyVersionRow(NamedTuple):
    """A document as a version of its policy family."""
    doc_id: str
    family_id: str
    doc_key: str
    version_no: int
    preferred: bool
    linked_by: str | None
    linked_to: str | None


class RevisionRow(NamedTuple):
    """Two versions of a policy and the counts of what changed."""
    revision_id: str
    family_id: str | None
    old_doc_id: str
    new_doc_id: str
    old_doc_key: str | None
    new_doc_key: str | None
    old_version_no: int | None
    new_version_no: int | None
    unchanged: int
    modified: int
    renumbered: int
    moved: int
    added: int
    removed: int
    split: int
    merged: int
    fact_changes: int
    summary: str
    created_at: datetime
    not_in_newer: int | None
    ends_at: str | None


class RevisionChangeRow(NamedTuple):
    """An aligned provision pair or a fact change of a revision."""
    revision_id: str
    seq: int
    subject: str
    kind: str
    old_label: str | None
    new_label: str | None
    old_article_ids: list[str] | None
    new_article_ids: list[str] | None
    similarity: float | None
    old_text: str | None
    new_text: str | None
    text_ops: str | None
    fact_kind: str | None
    role: str | None
    old_fact_id: str | None
    new_fact_id: str | None
    old_value_num: Decimal | None
    new_value_num: Decimal | None
    old_value_text: str | None
    new_value_text: str | None
    summary: str


def revision_row(rev, old_no: int | None, new_no: int | None, now: datetime) -> RevisionRow:
    diff = rev.diff
    counts = {kind: diff.count(kind) for kind in CHANGE_ORDER}
    return RevisionRow(
        revision_id=rev.revision_id, family_id=rev.family_id, old_doc_id=rev.old.doc_id, new_doc_id=rev.new.doc_id,
        old_doc_key=rev.old.doc_key, new_doc_key=rev.new.doc_key, old_version_no=old_no, new_version_no=new_no,
        unchanged=counts["unchanged"], modified=counts["modified"], renumbered=counts["renumbered"],
        moved=counts["moved"], added=counts["added"], removed=counts["removed"], split=counts["split"],
        merged=counts["merged"], fact_changes=len(diff.fact_changes), summary=describe_counts(diff),
        created_at=now, not_in_newer=counts["not_in_newer"], ends_at=diff.ends_at)


def change_rows(rev) -> list[RevisionChangeRow]:
    rows = []
    for pair in rev.diff.pairs:
        ops = json.dumps([[o.tag, o.old_start, o.old_end, o.new_start, o.new_end] for o in pair.ops])
        rows.append(RevisionChangeRow(
            revision_id=rev.revision_id, seq=len(rows), subject="article", kind=pair.kind,
            old_label=pair_labels(pair.old) or None, new_label=pair_labels(pair.new) or None,
            old_article_ids=_ids(rev.old, pair.old), new_article_ids=_ids(rev.new, pair.new),
            similarity=round(pair.similarity, 4), old_text=pair.old_text if pair.old else None,
            new_text=pair.new_text if pair.new else None, text_ops=ops if pair.ops else None,
            fact_kind=None, role=None, old_fact_id=None, new_fact_id=None, old_value_num=None,
            new_value_num=None, old_value_text=None, new_value_text=None, summary=describe_pair(pair)))
    for change in rev.diff.fact_changes:
        old, new = change.old, change.new
        rows.append(RevisionChangeRow(
            revision_id=rev.revision_id, seq=len(rows), subject="fact", kind=change.kind,
            old_label=change.label if old else None, new_label=change.label if new else None,
            old_article_ids=None, new_article_ids=None, similarity=None, old_text=old.text if old else None,
            new_text=new.text if new else None, text_ops=None, fact_kind=change.fact_kind, role=change.role,
            old_fact_id=rev.old.fact_id(old), new_fact_id=rev.new.fact_id(new),
            old_value_num=old.value_num if old else None, new_value_num=new.value_num if new else None,
            old_value_text=old.value_text if old else None, new_value_text=new.value_text if new else None,
            summary=change.summary))
    return rows


def _ids(version, provisions) -> list[str]:
    return [i for i in (version.article_id(p.seq) for p in provisions) if i]


class DocumentStatusRow(NamedTuple):
    """A span of a document's or placeholder's status history."""
    doc_id: str
    placeholder: bool
    seq: int
    status: str
    status_label: str
    valid_from: date | None
    valid_to: date | None
    cause: str
    cause_doc_id: str | None
    cause_text: str | None
    summary: str


class CitedDocumentRow(NamedTuple):
    """A document cited or repealed by catalog documents and not in the catalog."""
    placeholder_id: str
    doc_number: str | None
    title: str | None
    cited_by: str
    citations: int
    repealed: bool
    evidence: str


def status_row(span) -> DocumentStatusRow:
    return DocumentStatusRow(
        doc_id=span.doc_id, placeholder=span.placeholder, seq=span.seq, status=span.status,
        status_label=span.status_label, valid_from=span.valid_from, valid_to=span.valid_to, cause=span.cause,
        cause_doc_id=span.cause_doc_id, cause_text=span.cause_text, summary=span.summary)
