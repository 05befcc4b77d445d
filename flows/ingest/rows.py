"""A source's catalog rows as Python builds them: a NamedTuple per table whose fields are the
table's columns in DDL order, so a row is written by column name and staged as the plain tuple
it is (pyarrow converts tuples twice as fast as dicts). `check_row_type` holds each row type to
the catalog's columns, as staging starts in a process and in tests/test_rows.py.
"""
from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from flows import catalog
from schemas.errors import StagingError


class SourceRow(NamedTuple):
    """A file's bytes, parsed or quarantined."""
    source_id: str
    path: str
    media_type: str
    status: str
    error: str | None
    pages: int | None
    bytes: int
    warnings: list[str] | None
    ingested_at: datetime
    failure: str | None
    attempts: int


class SourcePathRow(NamedTuple):
    """A name the bytes of a source were found under."""
    source_id: str
    path: str
    first_seen: datetime


class IssueRow(NamedTuple):
    """A gazette issue a source is."""
    issue_id: str
    issue_key: str
    source_id: str
    publication: str
    year: int
    issue_no: int
    total_no: int | None
    issue_date: date | None


class DocumentRow(NamedTuple):
    """One document of a source."""
    doc_id: str
    doc_key: str
    policy_key: str
    source_id: str
    issue_id: str | None
    seq: int
    doc_number: str | None
    title: str
    notice_title: str | None
    issuer: str | None
    doc_type: str | None
    is_draft: bool
    issued_date: date | None
    effective_date: date | None
    expiry_date: date | None
    text: str
    page_start: int | None
    page_end: int | None
    toc_title_en: str | None
    toc_page: int | None
    printed_page_start: int | None
    printed_page_end: int | None
    page_source: str | None
    page_offsets: list[int] | None
    page_numbers: list[int | None] | None


class DocumentWarningRow(NamedTuple):
    """A numbering anomaly of a document's article tree."""
    doc_id: str
    article_label: str | None
    message: str


class ArticleRow(NamedTuple):
    """An article (章, 条, 款, item) with its offsets into its document's text."""
    article_id: str
    doc_id: str
    parent_id: str | None
    seq: int
    level: int
    kind: str
    label: str
    path_label: str
    number: int | None
    heading: str | None
    text: str
    char_start: int
    char_end: int
    printed_page: int | None


class FactRow(NamedTuple):
    """A fact with its offsets into its document's text."""
    fact_id: str
    doc_id: str
    article_id: str | None
    kind: str
    text: str
    value_num: Decimal | None
    value_text: str | None
    role: str | None
    scope: str | None
    condition: str | None
    basis: str | None
    inferred: bool
    sentence: str | None
    char_start: int
    char_end: int
    printed_page: int | None
    paragraph: int | None


class FactWarningRow(NamedTuple):
    """A fact the catalog cannot hold, left out (flows/ingest/fact_warnings.py)."""
    source_id: str
    doc_id: str
    fact_id: str
    kind: str | None
    text: str | None
    value: str | None
    reason: str
    char_start: int | None
    char_end: int | None


class RelationRow(NamedTuple):
    """A citation, repeal, quote or revision a document states."""
    from_doc_id: str
    kind: str
    to_doc_number: str | None
    to_title: str | None
    to_doc_id: str | None
    to_article_label: str | None
    quoted_text: str | None
    quote_matches: bool | None
    evidence: str
    char_start: int
    char_end: int


class PolicyTermRow(NamedTuple):
    """A policy term (CRO, 一类新药…) found in a document."""
    doc_id: str
    article_id: str | None
    term: str
    category: str
    text: str
    char_start: int
    char_end: int


class EligibilityConditionRow(NamedTuple):
    """A condition a company must meet for a measure (extractors/eligibility/)."""
    condition_id: str
    doc_id: str
    article_id: str | None
    kind: str
    op: str | None
    value_num: Decimal | None
    unit: str | None
    value_text: str | None
    basis_year: str | None
    rule: str | None
    parsed: bool
    text: str
    char_start: int
    char_end: int


class IssueTocRow(NamedTuple):
    """An entry of an issue's table of contents."""
    issue_id: str
    seq: int
    section: str | None
    title_zh: str
    title_en: str | None
    doc_number: str | None
    printed_page: int | None
    doc_id: str | None


class BureauRow(NamedTuple):
    """A canonical bureau of the gazetteer."""
    canonical: str
    jurisdiction: str | None
    aliases: list[str] | None


class BureauAliasRow(NamedTuple):
    """Another name of a gazetteer bureau, and the bureau's canonical name."""
    alias: str
    canonical: str


class FactKindRow(NamedTuple):
    """A kind of fact the extractors register (extractors/facts FACT_KINDS)."""
    kind: str
    noun: str
    value_unit: str | None

# Each source table's row type, in the order the tables are loaded.
SOURCE_ROWS: dict[str, type] = {
    "sources": SourceRow, "source_paths": SourcePathRow, "issues": IssueRow, "documents": DocumentRow,
    "document_warnings": DocumentWarningRow, "articles": ArticleRow, "facts": FactRow,
    "fact_warnings": FactWarningRow, "relations": RelationRow, "policy_terms": PolicyTermRow,
    "issue_toc": IssueTocRow, "eligibility_conditions": EligibilityConditionRow,
}
SOURCE_TABLES = tuple(SOURCE_ROWS)
TABLE_OF = {row_type: table for table, row_type in SOURCE_ROWS.items()}

Columns = dict[str, tuple[tuple[str, str], ...]]
# The source tables' columns, handed to a parsing worker by the flow (`use_staging_columns`),
# so that the worker needs no DuckDB of its own to stage (flows/catalog.py).
_GIVEN_COLUMNS: Columns = {}


def staging_columns() -> Columns:
    """Each source table's (column, DuckDB type) pairs in DDL order, for `use_staging_columns`."""
    return {table: columns(table) for table in SOURCE_TABLES}


def use_staging_columns(given: Columns) -> None:
    """Stage with these columns (from `staging_columns` in another process) instead of reading
    them from an in-memory catalog of this process's own."""
    _GIVEN_COLUMNS.update(given)


@functools.cache
def columns(table: str) -> tuple[tuple[str, str], ...]:
    """A table's (column, DuckDB type) pairs in DDL order."""
    if table in _GIVEN_COLUMNS:
        return tuple(tuple(column) for column in _GIVEN_COLUMNS[table])
    con = catalog.memory()
    return tuple(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_name = ? order by ordinal_position", [table]).fetchall())


def check_row_type(table: str, row_type: type, names: tuple[str, ...]) -> None:
    """Raise StagingError unless `row_type`'s fields are the columns `names`, in their order,
    naming the table and the first column missing, in excess or out of place."""
    fields = tuple(row_type._fields)
    missing = [name for name in names if name not in fields]
    extra = [name for name in fields if name not in names]
    if missing or extra:
        raise StagingError(f"{table} rows ({row_type.__name__}) do not match the catalog's columns: "
                           f"missing {', '.join(missing) or 'none'}; not in the catalog {', '.join(extra) or 'none'}")
    moved = next((f for f, n in zip(fields, names) if f != n), None)
    if moved is not None:
        raise StagingError(f"{table} rows ({row_type.__name__}) do not list {moved} where the catalog does")
