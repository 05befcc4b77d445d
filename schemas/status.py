"""时效性 records: what a document's status history is derived from, the history itself, and the
placeholder a cited or repealed document outside the catalog is known by.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

# A status a document holds over a span of days; `undated` when neither an effective nor an
# issued date is known, so that no span can be told.
DocumentStatus = Literal["draft", "undated", "not_yet_effective", "in_force", "partially_repealed",
                         "amended", "repealed", "expired"]
# The words a Chinese catalog of laws and policies uses (国家法律法规数据库's 时效性).
STATUS_LABELS: dict[str, str] = {
    "draft": "征求意见稿", "undated": "日期不详", "not_yet_effective": "尚未生效", "in_force": "现行有效",
    "partially_repealed": "部分失效", "amended": "已修改", "repealed": "已废止", "expired": "失效",
}
# What starts a span: the document's own dates, a later version, a repeal clause, its expiry.
StatusCause = Literal["draft", "undated", "issued", "effective", "later_version", "repeal", "partial_repeal",
                      "expiry"]
PLACEHOLDER_PREFIX = "cited:"


@dataclass(frozen=True)
class DatedDocument:
    """A catalog document as its status needs it: its dates, its place in its policy family
    (`family_id`, `version_no`), and whether it is the rendition analysts' views read."""
    doc_id: str
    doc_key: str
    title: str
    doc_number: str | None
    is_draft: bool
    issued_date: date | None
    effective_date: date | None
    expiry_date: date | None
    revised_date: date | None
    family_id: str | None
    version_no: int | None
    preferred: bool


@dataclass(frozen=True)
class Citation:
    """A relation of a catalog document to another, as the catalog resolved it (`to_doc_id`
    null when the catalog does not hold the target); `to_article_label` names the articles a
    partial repeal repeals."""
    from_doc_id: str
    kind: str
    to_doc_number: str | None
    to_title: str | None
    to_doc_id: str | None
    to_article_label: str | None
    evidence: str


@dataclass(frozen=True)
class CitedDocument:
    """A document cited or repealed by catalog documents that the catalog does not hold, by
    its 文号 (else its title) as cited: `placeholder_id` is `cited:` and that 文号 or title."""
    placeholder_id: str
    doc_number: str | None
    title: str | None
    cited_by: str
    citations: int
    repealed: bool
    evidence: str


@dataclass(frozen=True)
class StatusSpan:
    """A status `doc_id` (a catalog doc id or a placeholder id) holds from `valid_from` until
    the day before `valid_to` (null: still holds), what started it and the sentence it says."""
    doc_id: str
    placeholder: bool
    seq: int
    status: DocumentStatus
    valid_from: date | None
    valid_to: date | None
    cause: StatusCause
    cause_doc_id: str | None
    cause_text: str | None
    summary: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]
