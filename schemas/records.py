"""Record types passed between pipeline stages, and the closed vocabularies of the catalog.

Every stage returns these frozen dataclasses; the catalog writer maps them onto the DDL in
`schemas/migrations/`. Offsets are Python string indices (code points) into the text named
in each docstring.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Literal

MediaType = Literal["pdf", "text"]
PDF_SUFFIXES = {".pdf"}


def media_type_of(path: PurePath) -> MediaType:
    """What a file is read as, by its name: a PDF, else a text."""
    return "pdf" if path.suffix.lower() in PDF_SUFFIXES else "text"
SourceStatus = Literal["ok", "quarantined"]
# Why a source is quarantined: a cause that passes (timeout, worker lost, memory ceiling, a tool
# missing) or one in its bytes (schemas/errors.py, `transient`).
SourceFailure = Literal["transient", "permanent"]
# Tries a transient quarantine gets from ingest runs before it is left for
# `gazette ingest --retry-quarantined` (flows/ingest/plan.py).
MAX_TRANSIENT_ATTEMPTS = 3
# A kind of fact: a key of extractors/facts FACT_KINDS, which every writer copies into the
# catalog's `fact_kinds` (money, percent, date, bureau and doc_number to begin with).
FactKind = str
MoneyRole = Literal["cap", "award", "fund_size", "threshold", "other"]
DateRole = Literal["issued", "effective", "expires", "window_start", "window_end", "deadline", "other"]
# A bureau's part in a measure as the text writes it: 牵头 / 负责 / first of a 责任单位 list,
# 配合 / 参与 / after the first, 负责解释; a bureau the text gives no part has none.
BureauRole = Literal["lead", "cooperating", "interpreter"]
CapScope = Literal[
    "per_enterprise_per_year", "per_product", "per_project", "per_contract",
    "per_application", "total",
]
RelationKind = Literal["repeals", "cites", "quotes", "revises"]
# part 第X编 > chapter 第X章 > subchapter 第X节 > article 第X条 (a code's 编 and a chapter's 节).
ArticleKind = Literal["part", "chapter", "subchapter", "article", "section", "item", "subitem", "point",
                      "attachment", "table"]


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


# Where a printed page number comes from: the page's footer or header, the issue's table of
# contents (a document's first page only), or the PDF's own page index when it prints none.
PageSource = Literal["footer", "toc_start", "pdf_index"]


@dataclass(frozen=True)
class PageNumbering:
    """The number each page of a PDF prints (None where it prints none, as a cover), where the
    numbers come from, and why the printed ones were not trusted when they were not."""
    numbers: tuple[int | None, ...]
    source: PageSource
    warning: str | None = None


@dataclass(frozen=True)
class DocumentPages:
    """The pages of a document's text: `offsets[i]` is where its i-th page begins in the text
    (the first is 0), `numbers[i]` the number that page prints (None when it prints none)."""
    offsets: tuple[int, ...]
    numbers: tuple[int | None, ...]
    source: PageSource

    def page_at(self, offset: int) -> int | None:
        """The printed page holding `offset`: the last page beginning at or before it."""
        return self.numbers[max(0, bisect.bisect_right(self.offsets, offset) - 1)]

    @property
    def start(self) -> int | None:
        return next((n for n in self.numbers if n is not None), None)

    @property
    def end(self) -> int | None:
        """The last printed page; None when only the first is known (a TOC's page)."""
        if self.source == "toc_start":
            return None
        return next((n for n in reversed(self.numbers) if n is not None), None)


@dataclass(frozen=True)
class CleanText:
    """A source's text after cleaning: one paragraph per line, joined with '\\n'.

    `page_starts[i]` is the offset in `text` where page i+1 begins (PDFs); empty for text files.
    `numbering` is the number each of those pages prints (PDFs).
    """
    text: str
    page_starts: tuple[int, ...] = ()
    numbering: PageNumbering | None = None

    def page_at(self, offset: int) -> int | None:
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
    doc_number: str | None
    printed_page: int | None
    title_en: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class IssueMeta:
    """A gazette issue's masthead: 北京市人民政府公报 2025年第27期（总第903期）."""
    publication: str
    year: int
    issue_no: int
    total_no: int | None
    issue_date: date | None
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
    doc_number: str | None = None
    notice_title: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    is_draft: bool = False
    issued_date: date | None = None
    toc_entry: TocEntry | None = None
    effective_date: date | None = None  # a law's header line (2021年10月1日 施行), else from its text


@dataclass(frozen=True)
class ArticleNode:
    """One node of a document's article tree; offsets index the document text.

    `parent_seq` is the `seq` of the parent node (None at top level); `seq` is document order.
    """
    seq: int
    parent_seq: int | None
    level: int
    kind: ArticleKind
    label: str
    number: int | None
    heading: str | None
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
    value_num: Decimal | None = None
    value_text: str | None = None
    role: str | None = None
    scope: str | None = None
    condition: str | None = None
    basis: str | None = None
    inferred: bool = False


@dataclass(frozen=True)
class Relation:
    """A link from a document to another by 文号 or 《title》, with the text that says so."""
    kind: RelationKind
    evidence: str
    char_start: int
    char_end: int
    to_doc_number: str | None = None
    to_title: str | None = None
    to_article_label: str | None = None
    quoted_text: str | None = None


@dataclass(frozen=True)
class PolicyTerm:
    """A policy term (CRO, 1类新药, 医疗器械…) a text names; `text == source[char_start:char_end]`."""
    term: str
    category: str
    text: str
    char_start: int
    char_end: int


# Eligibility: what a company must be or have for a measure (extractors/eligibility/).
EligibilityKind = Literal["location", "industry", "revenue", "output", "investment", "rd_spend", "tax",
                          "headcount", "company_age", "status", "project_stage", "combination", "other"]


@dataclass(frozen=True)
class EligibilityCondition:
    """A condition a company must meet for a measure; `text == source[char_start:char_end]`.

    A threshold has `op` ('>=', '>', '<', '<='), `value_num` in `unit` ('yuan', 'persons', 'years',
    'months') and `basis_year` ('previous_year', 'annual', 'last_2_years'…); a named condition its
    canonical `value_text` (经开区, 高新技术企业, 临床Ⅱ期); a combination rule its `rule` code. `parsed`
    is False for a sentence read as a condition that no kind fits: kept, as text, under kind 'other'.
    """
    kind: EligibilityKind
    text: str
    char_start: int
    char_end: int
    op: str | None = None
    value_num: Decimal | None = None
    unit: str | None = None
    value_text: str | None = None
    basis_year: str | None = None
    rule: str | None = None
    parsed: bool = True


@dataclass(frozen=True)
class ParsedDocument:
    """Everything the pipeline derives from one document, ready for the catalog writer."""
    span: DocumentSpan
    tree: ArticleTree
    page_start: int | None = None
    page_end: int | None = None
    pages: DocumentPages | None = None
    page_warnings: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    relations: tuple[Relation, ...] = ()
    effective_date: date | None = None
    expiry_date: date | None = None
    terms: tuple[PolicyTerm, ...] = ()
    eligibility: tuple[EligibilityCondition, ...] = ()


@dataclass(frozen=True)
class ParsedSource:
    """The outcome of parsing one source: its documents, or the reason it was quarantined and
    whether that reason passes (`failure`, None when parsed)."""
    media_type: MediaType
    pages: int | None
    issue: IssueMeta | None = None
    documents: tuple[ParsedDocument, ...] = ()
    error: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    failure: SourceFailure | None = None


# Revisions: how two versions of a policy differ (extractors/diff/align.py).
ChangeKind = Literal["unchanged", "modified", "renumbered", "moved", "added", "removed", "split", "merged",
                     "not_in_newer"]
FactChangeKind = Literal["added", "removed", "changed"]
DiffTag = Literal["insert", "delete", "replace"]
ProvisionKind = Literal["provision", "heading", "preamble", "closing"]


@dataclass(frozen=True)
class Provision:
    """A unit of a document that revisions are aligned by: a 第X条 with its items (or, in a
    document without 条, a numbered leaf such as 二/(二)/10), the heading line of a chapter or
    group, the preamble before the first article or the closing lines after the last.
    Offsets index the document text; `body_start` is where the text after the printed label
    begins, and `inner` gives the descendants' spans as (start, end, label path) — offsets
    into `text` — so that a fact can be placed in 第十五条（一）."""
    key: str
    label: str
    kind: ProvisionKind
    seq: int | None
    char_start: int
    char_end: int
    text: str
    body_start: int = 0
    inner: tuple[tuple[int, int, str], ...] = ()

    @property
    def body(self) -> str:
        return self.text[self.body_start:]


@dataclass(frozen=True)
class DiffOp:
    """One substantive difference: old[old_start:old_end] became new[new_start:new_end].
    Offsets index the printed texts that were compared (an insert has old_start == old_end)."""
    tag: DiffTag
    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class ArticlePair:
    """Provisions of an old and a new version found to be the same content, or one side empty.

    `old_text` / `new_text` are the bodies of the provisions joined by '\\n' (labels left out,
    so that renumbering is no text change); `ops` index them. `similarity` is 0..1 on the
    normalised bodies."""
    kind: ChangeKind
    old: tuple[Provision, ...]
    new: tuple[Provision, ...]
    similarity: float
    ops: tuple[DiffOp, ...] = ()

    @property
    def old_text(self) -> str:
        return "\n".join(p.body for p in self.old)

    @property
    def new_text(self) -> str:
        return "\n".join(p.body for p in self.new)


@dataclass(frozen=True)
class FactChange:
    """A fact that appeared, disappeared or changed value between two versions; `label` is
    where (第十五条（一）), `summary` the line an analyst reads."""
    kind: FactChangeKind
    fact_kind: FactKind
    label: str
    summary: str
    old: Fact | None = None
    new: Fact | None = None
    role: str | None = None


@dataclass(frozen=True)
class RevisionDiff:
    """What changed from one version of a policy to the next: every aligned pair of
    provisions (unchanged ones included) in the new version's order, and the fact changes."""
    pairs: tuple[ArticlePair, ...]
    fact_changes: tuple[FactChange, ...]
    ends_at: str | None = None  # the label a newer text cut short ends at (its pairs past it: not_in_newer)

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for p in self.pairs if p.kind == kind)


VersionLink = Literal["policy_key", "title", "repeal", "similarity", "rendition"]


@dataclass(frozen=True)
class Reading:
    """A catalog document as one rendition of a text: a text file, a PDF's text layer, or a
    scan read by OCR (`ocr`). `issue_key` is its gazette issue's (shared by the issue's
    renditions), else None; `text` is left empty until the rendition test needs it;
    `issued_date` is the date it was issued on (成文日期), when known; `facts` its money,
    percentage and date values in text order, when the rendition test has read them."""
    doc_id: str
    doc_key: str
    policy_key: str
    doc_number: str | None
    title: str
    issue_key: str | None
    media_type: MediaType
    ocr: bool
    path: str
    text: str = ""
    issued_date: date | None = None
    facts: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DocumentVersion:
    """What recognising versions needs to know of a catalog document. `published` is its
    gazette issue's date (else None); `text` may be left empty for all but new documents'
    similarity checks. A revised law reprints its first issue date and often its 施行 date:
    `effective_date` and `revised_date` (the latest date of its head) also order versions."""
    doc_id: str
    doc_key: str
    policy_key: str
    title: str
    doc_number: str | None
    is_draft: bool
    issued_date: date | None
    published: date | None
    ingested: date | None
    preferred: bool
    text: str = ""
    effective_date: date | None = None
    revised_date: date | None = None


@dataclass(frozen=True)
class RepealLink:
    """A repeal clause of `from_doc_id`, with the document it names as the catalog resolved it."""
    from_doc_id: str
    to_doc_id: str | None
    to_doc_number: str | None
    to_title: str | None


@dataclass(frozen=True)
class PolicyVersion:
    """A document's place in its policy's family: versions numbered from 1 (oldest); the
    renditions of one version share its number and one of them is `preferred` for diffs.
    `linked_by` says how it joined the family (None for the first version) and `linked_to`
    through which document."""
    family_id: str
    doc_id: str
    doc_key: str
    version_no: int
    preferred: bool
    linked_by: VersionLink | None
    linked_to: str | None
