"""Record types passed between pipeline stages, and the closed vocabularies of the catalog.

Every stage returns these frozen dataclasses; the catalog writer maps them onto the DDL in
`schemas/migrations/`. Offsets are Python string indices (code points) into the text named
in each docstring.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, Optional

MediaType = Literal["pdf", "text"]
SourceStatus = Literal["ok", "quarantined"]
FactKind = Literal["money", "percent", "date", "bureau", "doc_number"]
MoneyRole = Literal["cap", "award", "fund_size", "threshold", "other"]
DateRole = Literal["issued", "effective", "expires", "window_start", "window_end", "deadline", "other"]
CapScope = Literal[
    "per_enterprise_per_year", "per_product", "per_project", "per_contract",
    "per_application", "total",
]
RelationKind = Literal["repeals", "cites", "quotes", "revises"]
ArticleKind = Literal["chapter", "article", "section", "item", "subitem", "point", "attachment", "table"]


@dataclass(frozen=True)
class Page:
    """One page of a source as read: its 1-based number and its raw text (lines kept)."""
    number: int
    text: str


@dataclass(frozen=True)
class PdfLine:
    """One visual line of a PDF page, outside tables: its characters as printed (real spaces
    only) and its box in points from the page's top-left; `size` and `font` (subset prefix
    removed) are those of the line's first character."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str


@dataclass(frozen=True)
class PdfTable:
    """A ruled table of a PDF page read row by row; a cell's own line breaks are kept as
    '\\n', an empty or vertically merged cell is ''."""
    x0: float
    x1: float
    top: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PdfPage:
    """One page of a PDF as read: its 1-based number, size in points, lines and tables."""
    number: int
    width: float
    height: float
    lines: tuple[PdfLine, ...]
    tables: tuple[PdfTable, ...] = ()


@dataclass(frozen=True)
class CleanText:
    """A source's text after cleaning: one paragraph per line, joined with '\\n'.

    `page_starts[i]` is the offset in `text` where page i+1 begins (PDFs); empty for text files.
    """
    text: str
    page_starts: tuple[int, ...] = ()

    def page_at(self, offset: int) -> Optional[int]:
        """1-based page holding `offset`, or None for sources without pages."""
        if not self.page_starts:
            return None
        page = 1
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i + 1
            else:
                break
        return page


@dataclass(frozen=True)
class TocEntry:
    """One entry of an issue's table of contents (Chinese, with its English twin when printed)."""
    seq: int
    title_zh: str
    doc_number: Optional[str]
    printed_page: Optional[int]
    title_en: Optional[str] = None
    section: Optional[str] = None


@dataclass(frozen=True)
class IssueMeta:
    """A gazette issue's masthead: 北京市人民政府公报 2025年第27期（总第903期）."""
    publication: str
    year: int
    issue_no: int
    total_no: Optional[int]
    issue_date: Optional[date]
    toc: tuple[TocEntry, ...] = ()
    # TOC problems: entries with no document in the issue, documents with no entry, unmatched
    # English entries (filled by extractors.issue and extractors.split).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentSpan:
    """A document found in a source's clean text: `text` == clean_text[char_start:char_end]."""
    seq: int
    char_start: int
    char_end: int
    text: str
    title: str
    doc_number: Optional[str] = None
    notice_title: Optional[str] = None
    issuer: Optional[str] = None
    doc_type: Optional[str] = None
    is_draft: bool = False
    issued_date: Optional[date] = None
    toc_entry: Optional[TocEntry] = None


@dataclass(frozen=True)
class ArticleNode:
    """One node of a document's article tree; offsets index the document text.

    `parent_seq` is the `seq` of the parent node (None at top level); `seq` is document order.
    """
    seq: int
    parent_seq: Optional[int]
    level: int
    kind: ArticleKind
    label: str
    number: Optional[int]
    heading: Optional[str]
    char_start: int
    char_end: int
    text: str


@dataclass(frozen=True)
class NumberingWarning:
    """A gap or repeat in a numbering sequence, kept with the document instead of being accepted."""
    article_label: str
    message: str


@dataclass(frozen=True)
class ArticleTree:
    nodes: tuple[ArticleNode, ...]
    warnings: tuple[NumberingWarning, ...] = ()


@dataclass(frozen=True)
class Fact:
    """A fact found in a text; `text == source_text[char_start:char_end]`.

    `value_num`: money in yuan, percent as a fraction. `value_text`: ISO date, canonical bureau,
    normalised 文号.
    """
    kind: FactKind
    text: str
    char_start: int
    char_end: int
    value_num: Optional[Decimal] = None
    value_text: Optional[str] = None
    role: Optional[str] = None
    scope: Optional[str] = None
    condition: Optional[str] = None
    basis: Optional[str] = None
    inferred: bool = False


@dataclass(frozen=True)
class Relation:
    """A link from a document to another by 文号 or 《title》, with the text that says so."""
    kind: RelationKind
    evidence: str
    char_start: int
    char_end: int
    to_doc_number: Optional[str] = None
    to_title: Optional[str] = None
    to_article_label: Optional[str] = None
    quoted_text: Optional[str] = None


@dataclass(frozen=True)
class ParsedDocument:
    """Everything the pipeline derives from one document, ready for the catalog writer."""
    span: DocumentSpan
    tree: ArticleTree
    page_start: Optional[int] = None
    page_end: Optional[int] = None
    facts: tuple[Fact, ...] = ()
    relations: tuple[Relation, ...] = ()
    effective_date: Optional[date] = None
    expiry_date: Optional[date] = None


@dataclass(frozen=True)
class ParsedSource:
    """The outcome of parsing one source: its documents, or the reason it was quarantined."""
    media_type: MediaType
    pages: Optional[int]
    issue: Optional[IssueMeta] = None
    documents: tuple[ParsedDocument, ...] = ()
    error: Optional[str] = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
