"""A parsed source as catalog rows: its source row and issue, each document with its articles,
facts, terms and relations, and the issue's table of contents (flows/ingest/rows.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from extractors.article_locator import ArticleLocator
from extractors.paragraphs import ParagraphLocator
from extractors.pipeline import document_key, policy_key
from extractors.sentences import Sentences
from flows.catalog import SourceFile, now_utc
from flows.ingest.fact_warnings import fact_set_aside
from flows.ingest.rows import (
    SOURCE_TABLES,
    TABLE_OF,
    ArticleRow,
    DocumentRow,
    DocumentWarningRow,
    EligibilityConditionRow,
    FactRow,
    IssueRow,
    IssueTocRow,
    PolicyTermRow,
    RelationRow,
    SourcePathRow,
    SourceRow,
)
from flows.ingest.staged_parts import part_writer
from schemas.records import ArticleNode, ParsedDocument, ParsedSource


class SourceRows:
    """A source's catalog rows, collected per table and typed together (`typed`)."""

    def __init__(self, source_id: str):
        self.source_id = source_id
        self.tables: dict[str, list[NamedTuple]] = {t: [] for t in SOURCE_TABLES}

    def add(self, row: NamedTuple) -> None:
        self.tables[TABLE_OF[type(row)]].append(row)

    def typed(self):
        """The rows as one Arrow row typed as the DDL says (flows/ingest/staged_parts.py). A fact
        that does not fit is left out with a fact_warnings row (flows/ingest/fact_warnings.py);
        any other row that does not fit fails them all (StagingError)."""
        return part_writer().table(self.tables, fact_set_aside(self.source_id))


def issue_key(parsed: ParsedSource) -> str | None:
    meta = parsed.issue
    return None if meta is None else f"{meta.publication}/{meta.year}/{meta.issue_no}"


def source_issue_id(source: SourceFile, parsed: ParsedSource) -> str | None:
    """The id of the issue a parsed source is (None for a standalone file or a failed one)."""
    key = issue_key(parsed)
    return None if key is None or parsed.error else f"{key}@{source.source_id[:12]}"


def source_rows(source: SourceFile, parsed: ParsedSource) -> SourceRows:
    """A whole source's catalog rows (its header, documents and TOC) in one SourceRows."""
    rows = SourceRows(source.source_id)
    issue_id = build_header(rows, source, parsed)
    build_toc(rows, issue_id, parsed, build_documents(rows, source, issue_id, parsed.documents))
    return rows


def build_header(rows: SourceRows, source: SourceFile, parsed: ParsedSource) -> str | None:
    """The source row, its path and its issue; returns the issue id (None for standalone)."""
    ok = parsed.error is None
    rows.add(SourceRow(
        source_id=source.source_id, path=source.path, media_type=source.media_type,
        status="ok" if ok else "quarantined", error=parsed.error, pages=parsed.pages, bytes=source.size,
        warnings=list(parsed.warnings), ingested_at=now_utc(),
        # One failed try here; the loader adds the tries of the row this one replaces (load_staged).
        failure=None if ok else parsed.failure or "permanent", attempts=0 if ok else 1))
    rows.add(SourcePathRow(source_id=source.source_id, path=source.path, first_seen=now_utc()))
    meta, issue_id = parsed.issue, source_issue_id(source, parsed)
    if issue_id is None:
        return None
    rows.add(IssueRow(issue_id=issue_id, issue_key=issue_key(parsed), source_id=source.source_id,
                      publication=meta.publication, year=meta.year, issue_no=meta.issue_no,
                      total_no=meta.total_no, issue_date=meta.issue_date))
    return issue_id


def build_documents(rows: SourceRows, source: SourceFile, issue_id: str | None,
                    docs: tuple[ParsedDocument, ...]) -> dict[int, str]:
    """Documents with their articles, facts and relations; returns TOC entry seq → doc id."""
    found = {}
    for doc in docs:
        doc_id = _document_rows(rows, source, issue_id, doc)
        if doc.span.toc_entry is not None:
            found[doc.span.toc_entry.seq] = doc_id
    return found


def build_toc(rows: SourceRows, issue_id: str | None, parsed: ParsedSource, found: dict[int, str]) -> None:
    if issue_id is None or parsed.issue is None:
        return
    for entry in parsed.issue.toc:
        rows.add(IssueTocRow(issue_id=issue_id, seq=entry.seq, section=entry.section, title_zh=entry.title_zh,
                             title_en=entry.title_en, doc_number=entry.doc_number,
                             printed_page=entry.printed_page, doc_id=found.get(entry.seq)))


def _document_rows(rows: SourceRows, source: SourceFile, issue_id: str | None, doc: ParsedDocument) -> str:
    span, toc, pages = doc.span, doc.span.toc_entry, doc.pages
    page_at = pages.page_at if pages else _no_page
    doc_id = f"{source.source_id[:12]}-{span.seq:02d}"
    rows.add(DocumentRow(
        doc_id=doc_id, doc_key=document_key(span.text), policy_key=policy_key(span), source_id=source.source_id,
        issue_id=issue_id, seq=span.seq, doc_number=span.doc_number, title=span.title,
        notice_title=span.notice_title, issuer=span.issuer, doc_type=span.doc_type, is_draft=span.is_draft,
        issued_date=span.issued_date, effective_date=doc.effective_date, expiry_date=doc.expiry_date,
        text=span.text, page_start=doc.page_start, page_end=doc.page_end,
        toc_title_en=toc.title_en if toc else None, toc_page=toc.printed_page if toc else None,
        printed_page_start=pages.start if pages else None, printed_page_end=pages.end if pages else None,
        page_source=pages.source if pages else None, page_offsets=list(pages.offsets) if pages else None,
        page_numbers=list(pages.numbers) if pages else None))
    for warning in doc.tree.warnings:
        rows.add(DocumentWarningRow(doc_id=doc_id, article_label=warning.article_label, message=warning.message))
    for message in doc.page_warnings:
        rows.add(DocumentWarningRow(doc_id=doc_id, article_label=None, message=message))
    article_ids = _article_rows(rows, doc_id, doc.tree.nodes, page_at)
    sentences, locator = Sentences(span.text), ArticleLocator(doc.tree.nodes)
    paragraphs = ParagraphLocator(span.text, doc.tree.nodes)

    def article_at(start: int, end: int) -> str | None:
        seq = locator.seq_at(start, end)
        return article_ids.get(seq) if seq is not None else None

    for i, fact in enumerate(doc.facts):
        article_seq = locator.seq_at(fact.char_start, fact.char_end)
        rows.add(FactRow(
            fact_id=f"{doc_id}/f{i}", doc_id=doc_id,
            article_id=article_ids.get(article_seq) if article_seq is not None else None,
            kind=fact.kind, text=fact.text, value_num=fact.value_num, value_text=fact.value_text, role=fact.role,
            scope=fact.scope, condition=fact.condition, basis=fact.basis, inferred=fact.inferred,
            sentence=sentences.around(fact.char_start, fact.char_end), char_start=fact.char_start,
            char_end=fact.char_end, printed_page=page_at(fact.char_start),
            paragraph=paragraphs.paragraph_at(article_seq, fact.char_start)))
    for t in doc.terms:
        rows.add(PolicyTermRow(doc_id=doc_id, article_id=article_at(t.char_start, t.char_end), term=t.term,
                               category=t.category, text=t.text, char_start=t.char_start, char_end=t.char_end))
    for i, c in enumerate(doc.eligibility):
        rows.add(EligibilityConditionRow(
            condition_id=f"{doc_id}/e{i}", doc_id=doc_id, article_id=article_at(c.char_start, c.char_end),
            kind=c.kind, op=c.op, value_num=c.value_num, unit=c.unit, value_text=c.value_text,
            basis_year=c.basis_year, rule=c.rule, parsed=c.parsed, text=c.text, char_start=c.char_start,
            char_end=c.char_end))
    for r in doc.relations:
        rows.add(RelationRow(from_doc_id=doc_id, kind=r.kind, to_doc_number=r.to_doc_number, to_title=r.to_title,
                             to_doc_id=None, to_article_label=r.to_article_label, quoted_text=r.quoted_text,
                             quote_matches=None, evidence=r.evidence, char_start=r.char_start, char_end=r.char_end))
    return doc_id


def path_labels(nodes: tuple[ArticleNode, ...]) -> dict[int, str]:
    """Each node's label prefixed by its ancestors' labels: 二/（一）/3, 第五条/（一）."""
    by_seq = {n.seq: n for n in nodes}
    out = {}
    for node in nodes:
        parts, cur = [], node
        while cur is not None:
            parts.append(cur.label)
            cur = by_seq.get(cur.parent_seq) if cur.parent_seq is not None else None
        out[node.seq] = "/".join(reversed(parts))
    return out


def _no_page(offset: int) -> None:
    return None


def _article_rows(rows: SourceRows, doc_id: str, nodes: tuple[ArticleNode, ...],
                  page_at: Callable[[int], int | None]) -> dict[int, str]:
    ids = {n.seq: f"{doc_id}/{n.seq}" for n in nodes}
    paths = path_labels(nodes)
    for n in nodes:
        rows.add(ArticleRow(
            article_id=ids[n.seq], doc_id=doc_id, parent_id=ids.get(n.parent_seq) if n.parent_seq is not None else None,
            seq=n.seq, level=n.level, kind=n.kind, label=n.label, path_label=paths[n.seq], number=n.number,
            heading=n.heading, text=n.text, char_start=n.char_start, char_end=n.char_end,
            printed_page=page_at(n.char_start)))
    return ids
