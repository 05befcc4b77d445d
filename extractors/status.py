"""时效性: each document's status history (尚未生效 → 现行有效 → 已修改 / 部分失效 / 已废止 / 失效)
from its own dates, its policy's later versions and the repeal clauses of documents in effect;
and the placeholders by which documents cited or repealed outside the catalog are known.

A span holds from `valid_from` until the day before `valid_to`. A repeal takes effect when the
repealing document does; a later version supersedes its predecessor when it takes effect.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import regex

from extractors.textnorm import fold_width, normalize_for_compare
from schemas.status import (
    PLACEHOLDER_PREFIX,
    STATUS_LABELS,
    Citation,
    CitedDocument,
    DatedDocument,
    StatusSpan,
)

# At the same day a repeal says more than a later version, and a later version more than an expiry.
END_PRIORITY = {"expired": 0, "amended": 1, "repealed": 2}
_ONE_DAY = timedelta(days=1)
# The kinds of document a title ends with (法, 条例, 办法 … 标准); a qualifier in brackets after
# it, (暂行), (2020年—2035年), (2.0修订版), is left out first.
DOCUMENT_TITLE_END = regex.compile(
    r"(?:法|条例|规定|办法|细则|规则|通则|通知|意见|决定|措施|方案|规划|计划|纲要|批复|公告|通告|目录|标准|规范|指南|指引)$")
TITLE_QUALIFIER = regex.compile(r"(?:\s*\([^()]*\))+$")
# 《关于修改<中华人民共和国统计法>的决定》 (2009) and 《关于修改〈中华人民共和国统计法〉的决定》 (2024).
NESTED_TITLE_MARKS = str.maketrans("<>", "〈〉")


@dataclass(frozen=True)
class _Change:
    """The status a document enters on `day`, and what made it."""
    day: date | None
    status: str
    cause: str
    cause_doc_id: str | None = None
    cause_text: str | None = None


def in_force_from(doc: DatedDocument) -> date | None:
    """The day a version takes effect: its effective date, else its issued date; a revised law
    reprints its first 施行 date, so its latest 修订/修正 date (`revised_date`) counts when later."""
    base = doc.effective_date or doc.issued_date
    if base is None:
        return None
    return max(base, doc.revised_date) if doc.revised_date else base


def status_history(docs: list[DatedDocument], citations: list[Citation]) -> list[StatusSpan]:
    """The status spans of every catalog document (each rendition its own) and of every
    placeholder a repeal clause in effect names, in order of `doc_id` and `seq`."""
    names = {d.doc_id: _name(d.title, d.doc_number) for d in docs}
    repeals = _repeals_in_effect(docs, citations)
    later = _later_versions(docs)
    spans: list[StatusSpan] = []
    for doc in sorted(docs, key=lambda d: d.doc_id):
        changes = _history(doc, later.get(doc.doc_id), repeals.pop(doc.doc_id, []))
        spans += _spans(doc.doc_id, False, names[doc.doc_id], changes, names)
    placeholders = {p.placeholder_id: p for p in cited_documents(docs, citations)}
    for placeholder_id in sorted(repeals):
        cited = placeholders[placeholder_id]
        changes = _until_force_ends(sorted(repeals[placeholder_id], key=_change_order))
        spans += _spans(placeholder_id, True, _name(cited.title, cited.doc_number), changes, names)
    return spans


def cited_documents(docs: list[DatedDocument], citations: list[Citation]) -> list[CitedDocument]:
    """One placeholder per document cited, quoted or repealed that the catalog does not hold:
    citations with one 文号 are one document, and a citation by title alone joins the 文号 cited
    with that title."""
    by_id = {d.doc_id: d for d in docs}
    groups: dict[str, list[Citation]] = {}
    for citation, key in _placeholder_ids(citations).items():
        groups.setdefault(key, []).append(citation)
    placeholders = []
    for key, group in sorted(groups.items()):
        group.sort(key=lambda c: _rendition_order(by_id.get(c.from_doc_id), c.from_doc_id))
        citing_keys = {by_id[c.from_doc_id].doc_key if c.from_doc_id in by_id else c.from_doc_id for c in group}
        placeholders.append(CitedDocument(
            placeholder_id=key,
            doc_number=next((c.to_doc_number for c in group if c.to_doc_number), None),
            title=next((c.to_title for c in group if c.to_title), None),
            cited_by=group[0].from_doc_id, citations=len(citing_keys),
            repealed=any(c.kind == "repeals" and _in_effect(by_id.get(c.from_doc_id)) for c in group),
            evidence=group[0].evidence))
    return placeholders


def _placeholder_ids(citations: list[Citation]) -> dict[Citation, str]:
    unresolved = [c for c in citations if c.to_doc_id is None
                  and (c.to_doc_number or (c.to_title and _names_a_document(c.to_title)))]
    numbered = {_title_key(c.to_title): c.to_doc_number for c in unresolved if c.to_doc_number and c.to_title}
    return {c: PLACEHOLDER_PREFIX + (c.to_doc_number or numbered.get(_title_key(c.to_title)) or _title_key(c.to_title))
            for c in unresolved}


def _title_key(title: str) -> str:
    """A title as cited, without spaces and with one kind of nested title marks."""
    return normalize_for_compare(title).translate(NESTED_TITLE_MARKS)


def _names_a_document(title: str) -> bool:
    """Whether a title cited without 文号 is a document's, not a form's, a licence's or a ranking's
    (《项目申报情况表》, 《网络文化经营许可证》): by the kind of document its name ends with."""
    return bool(DOCUMENT_TITLE_END.search(TITLE_QUALIFIER.sub("", fold_width(title))))


def _in_effect(doc: DatedDocument | None) -> bool:
    return doc is not None and not doc.is_draft and in_force_from(doc) is not None


def _rendition_order(doc: DatedDocument | None, doc_id: str) -> tuple:
    """The rendition analysts' views read first, then by doc id."""
    return (not (doc and doc.preferred), doc_id)


def _repeals_in_effect(docs: list[DatedDocument], citations: list[Citation]) -> dict[str, list[_Change]]:
    """The repeals each document or placeholder undergoes, by its id: a repeal clause of a
    document in effect names every rendition of its target (by 文号 or the resolved document)."""
    by_id = {d.doc_id: d for d in docs}
    placeholders = _placeholder_ids(citations)
    named: dict[str, list[str]] = {}
    for d in docs:
        named.setdefault(f"key:{d.doc_key}", []).append(d.doc_id)
        if d.doc_number:
            named.setdefault(f"number:{d.doc_number}", []).append(d.doc_id)
    found: dict[tuple[str, str], _Change] = {}
    for c in citations:
        by = by_id.get(c.from_doc_id)
        if c.kind != "repeals" or not _in_effect(by):
            continue
        # A revised law reprints its repeal clause: the repeal took effect with its first 施行 date.
        change = _Change(by.effective_date or by.issued_date, "partially_repealed" if c.to_article_label else "repealed",
                         "partial_repeal" if c.to_article_label else "repeal", c.from_doc_id,
                         c.evidence + (f" {c.to_article_label}" if c.to_article_label else ""))
        for target in _repeal_targets(c, by_id, named, placeholders):
            key = (target, change.status)
            kept = found.get(key)
            if kept is None or (change.day, _rendition_order(by, by.doc_id)) < (
                    kept.day, _rendition_order(by_id[kept.cause_doc_id], kept.cause_doc_id)):
                found[key] = change
    repeals: dict[str, list[_Change]] = {}
    for (target, _), change in sorted(found.items()):
        repeals.setdefault(target, []).append(change)
    return repeals


def _repeal_targets(c: Citation, by_id: dict[str, DatedDocument], named: dict[str, list[str]],
                    placeholders: dict[Citation, str]) -> list[str]:
    """Every rendition of the document a repeal clause names, or its placeholder."""
    if c.to_doc_id is None:
        return [placeholders[c]] if c in placeholders else []
    keys = [f"key:{by_id[c.to_doc_id].doc_key}"] if c.to_doc_id in by_id else []
    keys += [f"number:{c.to_doc_number}"] if c.to_doc_number else []
    return sorted({doc_id for key in keys for doc_id in named.get(key, [])})


def _later_versions(docs: list[DatedDocument]) -> dict[str, _Change]:
    """By doc id, the version of its family that supersedes it: the next version in effect."""
    starts: dict[str, dict[int, list[DatedDocument]]] = {}
    for d in docs:
        if d.family_id is not None and d.version_no is not None and _in_effect(d):
            starts.setdefault(d.family_id, {}).setdefault(d.version_no, []).append(d)
    later = {}
    for d in docs:
        versions = starts.get(d.family_id, {}) if d.version_no is not None else {}
        following = sorted(n for n in versions if n > d.version_no)
        if following:
            renditions = sorted(versions[following[0]], key=lambda v: _rendition_order(v, v.doc_id))
            day = min(in_force_from(v) for v in renditions)
            later[d.doc_id] = _Change(day, "amended", "later_version", renditions[0].doc_id,
                                      f"version {following[0]} of {d.family_id}")
    return later


def _history(doc: DatedDocument, later: _Change | None, repeals: list[_Change]) -> list[_Change]:
    if doc.is_draft:
        return [_Change(doc.issued_date, "draft", "draft")]
    start = in_force_from(doc)
    if start is None:
        return [_Change(None, "undated", "undated")]
    made = max((d for d in (doc.issued_date, doc.revised_date) if d), default=start)
    changes = [_Change(made, "not_yet_effective", "issued")] if made < start else []
    changes.append(_Change(start, "in_force", "effective"))
    changes += [replace(c, day=max(c.day, start)) for c in repeals if c.status == "partially_repealed"]
    ends = [c for c in repeals if c.status == "repealed"] + ([later] if later else [])
    if doc.expiry_date is not None:
        ends.append(_Change(doc.expiry_date + _ONE_DAY, "expired", "expiry",
                            cause_text=f"in force until {doc.expiry_date.isoformat()}"))
    return _until_force_ends(sorted(changes, key=_change_order) + sorted(ends, key=_change_order))


def _change_order(change: _Change) -> tuple:
    return (change.day, -END_PRIORITY.get(change.status, -1))


def _until_force_ends(changes: list[_Change]) -> list[_Change]:
    """The changes up to the first that ends the document's force, one a day (the last told)."""
    end = next((c for c in sorted(changes, key=_change_order) if c.status in END_PRIORITY), None)
    kept = [c for c in changes if c.status not in END_PRIORITY and (end is None or c.day < end.day)]
    kept += [end] if end else []
    return [c for c, following in zip(kept, kept[1:] + [None]) if following is None or following.day != c.day]


def _spans(doc_id: str, placeholder: bool, own: str, changes: list[_Change],
           names: dict[str, str]) -> list[StatusSpan]:
    spans = []
    for seq, (change, following) in enumerate(zip(changes, changes[1:] + [None])):
        valid_to = following.day if following else None
        summary = f"{own} {STATUS_LABELS[change.status]}"
        if change.cause_doc_id:
            summary += f" by {names.get(change.cause_doc_id, change.cause_doc_id)}"
        if change.day:
            summary += f" from {change.day.isoformat()}"
        if valid_to:
            summary += f" to {(valid_to - _ONE_DAY).isoformat()}"
        spans.append(StatusSpan(doc_id, placeholder, seq, change.status, change.day, valid_to, change.cause,
                                change.cause_doc_id, change.cause_text, summary))
    return spans


def _name(title: str | None, doc_number: str | None) -> str:
    named = f"《{title}》" if title else ""
    return named + (f"({doc_number})" if doc_number else "") or "?"
