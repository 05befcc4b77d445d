"""Stages 1–6 as one chain: read, clean, split, segment, extract, relate.

`parse_file` and `parse_text` are the only ways from a file or a text to a `ParsedSource`: the
ingest workers and `gazette diff` both call them. Pure but for reading the one file. Input the
reader refuses raises BadInputError; the caller quarantines or reports it. A text too large to
hold is parsed part by part with `StreamedText`, the caller reading the parts and keeping the
documents of each. The keys that tell documents and policies apart are computed here too.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from extractors import clean, ocr, read, segment, split
from extractors.eligibility import extract_eligibility
from extractors.facts import extract_facts
from extractors.facts.policy_terms import extract_policy_terms
from extractors.relations import document_dates, extract_relations
from extractors.textnorm import normalize_for_compare
from schemas.records import (
    CleanText,
    DocumentPages,
    DocumentSpan,
    IssueMeta,
    ParsedDocument,
    ParsedSource,
    media_type_of,
)


@dataclass
class StageTimer:
    """Seconds spent per stage, in pipeline order, and what the stages met on the way: a PDF's
    pages and the characters of cleaned text, known even when a later stage raises."""
    seconds: dict[str, float] = field(default_factory=dict)
    pages: int | None = None
    text_chars: int = 0

    def run(self, stage: str, fn: Callable, *args):
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def read_source(path: Path) -> tuple[str, object, int | None]:
    """Bytes → decoded text, or PDF → pages; returns (media_type, content, page count)."""
    path = Path(path)
    if media_type_of(path) == "pdf":
        pages = read.read_pdf(path)
        return "pdf", pages, len(pages)
    return "text", read.decode_text(path.read_bytes(), path.name), None


def clean_source(media_type: str, content) -> CleanText:
    if media_type == "pdf":
        return clean.clean_pdf_pages(content)
    return clean.clean_text_source(content)


def parse_file(path: Path, timer: StageTimer | None = None) -> ParsedSource:
    """Stages 1–6 on one file (PDF or text). `timer`, when given, gets each stage's seconds."""
    timer = timer or StageTimer()
    media_type, content, pages = timer.run("read", read_source, Path(path))
    timer.pages = pages
    parsed = _parse_cleaned(timer.run("clean", clean_source, media_type, content), media_type, pages, timer)
    if media_type == "pdf" and ocr.read_by_ocr(content):
        return replace(parsed, warnings=parsed.warnings + (ocr.READ_BY_OCR,))
    return parsed


def parse_text(text: str, timer: StageTimer | None = None) -> ParsedSource:
    """Stages 2–6 on a decoded text, as `parse_file` on a text file holding it."""
    timer = timer or StageTimer()
    return _parse_cleaned(timer.run("clean", clean.clean_text_source, text), "text", None, timer)


def _parse_cleaned(cleaned: CleanText, media_type: str, pages: int | None, timer: StageTimer) -> ParsedSource:
    timer.text_chars = len(cleaned.text)
    issue, spans = timer.run("split", split.split_documents, cleaned)
    docs = parse_documents(cleaned, spans, timer)
    warnings = tuple(issue.warnings if issue else ()) + tree_warnings(docs)
    return ParsedSource(media_type=media_type, pages=pages, issue=issue, documents=docs, warnings=warnings)


def parse_documents(cleaned: CleanText, spans: list[DocumentSpan], timer: StageTimer) -> tuple[ParsedDocument, ...]:
    """Stages 4–6 on the documents split out of a cleaned text."""
    trees = timer.run("segment", lambda: [segment.article_tree(span.text) for span in spans])
    return timer.run("extract", extract_documents, cleaned, spans, trees)


def extract_documents(cleaned: CleanText, spans: list[DocumentSpan], trees) -> tuple[ParsedDocument, ...]:
    docs = []
    for span, tree in zip(spans, trees):
        facts = tuple(extract_facts(span.text, issued=span.issued_date))
        effective, expiry = document_dates(span.text, facts, span.issued_date)
        docs.append(ParsedDocument(
            span=span, tree=tree, facts=facts,
            relations=tuple(extract_relations(span.text, span.doc_number, span.title, facts)),
            terms=tuple(extract_policy_terms(span.text)),
            eligibility=tuple(extract_eligibility(span.text)),
            page_start=cleaned.page_at(span.char_start),
            page_end=cleaned.page_at(max(span.char_end - 1, span.char_start)),
            pages=document_pages(cleaned, span),
            page_warnings=(cleaned.numbering.warning,) if cleaned.numbering and cleaned.numbering.warning else (),
            effective_date=span.effective_date or effective, expiry_date=expiry,
        ))
    return tuple(docs)


def document_pages(cleaned: CleanText, span: DocumentSpan) -> DocumentPages | None:
    """The printed pages of a document: a PDF's numbering over the pages it spans, else the page
    its issue's table of contents gives for its start, else None."""
    if cleaned.numbering is None:
        toc_page = span.toc_entry.printed_page if span.toc_entry else None
        return None if toc_page is None else DocumentPages(offsets=(0,), numbers=(toc_page,), source="toc_start")
    first, last = cleaned.page_at(span.char_start), cleaned.page_at(max(span.char_end - 1, span.char_start))
    return DocumentPages(
        offsets=tuple(max(0, cleaned.page_starts[page - 1] - span.char_start) for page in range(first, last + 1)),
        numbers=cleaned.numbering.numbers[first - 1:last], source=cleaned.numbering.source)


def tree_warnings(docs: tuple[ParsedDocument, ...]) -> tuple[str, ...]:
    return tuple(f"{d.span.title}: {w.article_label}: {w.message}" for d in docs for w in d.tree.warnings)


@dataclass
class StreamedText:
    """A text parsed in parts cut before document titles (extractors/parts.py), so memory
    follows the part size: the first part is split as a whole text, the next ones continue its
    issue; a text with no issue makes each part documents of its own."""
    name: str
    issue: IssueMeta | None = None
    documents: int = 0
    parts: int = 0
    warnings: list[str] = field(default_factory=list)
    _style: bool | None = None

    def parse_part(self, part: str, timer: StageTimer) -> tuple[ParsedDocument, ...]:
        """Stages 2–6 on the next part; returns its documents (numbered after the earlier parts')."""
        if self._style is None:
            self._style = clean.uses_blank_line_paragraphs(part.splitlines())
        cleaned = timer.run("clean", clean.clean_text_source, part, self._style)
        timer.text_chars += len(cleaned.text)
        if self.parts == 0:
            self.issue, spans = timer.run("split", split.split_documents, cleaned)
        elif self.issue is not None:
            spans = timer.run("split", split.continue_issue, cleaned, self.issue, self.documents + 1)
        else:
            spans = [replace(s, seq=self.documents + 1, title=f"{s.title}（第{self.parts + 1}部分）")
                     for s in timer.run("split", split.split_documents, cleaned)[1]]
            self.warnings.append(f"{self.name}: no document boundary found; part {self.parts + 1} is its own document")
        docs = parse_documents(cleaned, spans, timer)
        self.warnings += tree_warnings(docs)
        self.parts, self.documents = self.parts + 1, self.documents + len(spans)
        return docs

    def source(self) -> ParsedSource:
        """The parsed text without its documents (the caller kept each part's): its issue and warnings."""
        return ParsedSource("text", None, issue=self.issue,
                            warnings=tuple(self.issue.warnings if self.issue else ()) + tuple(self.warnings))


def document_key(text: str) -> str:
    """Renditions of one text (PDF and text file) share this key; any content change alters it.
    An OCR reading, never exact, takes its rendition's key in the catalog (flows/ingest/renditions.py)."""
    return hashlib.sha256(normalize_for_compare(text).encode("utf-8")).hexdigest()[:16]


def policy_key(span: DocumentSpan) -> str:
    """The policy a document is a version of: its 文号, else its normalised title."""
    if span.doc_number:
        return span.doc_number
    return normalize_for_compare(span.title)
