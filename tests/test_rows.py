"""Every catalog row Python builds is keyed by column name (a NamedTuple per table,
flows/ingest/rows.py and flows/revisions/rows.py), and each row type is the table's columns, in
the DDL's order, as a freshly migrated catalog lists them."""
from __future__ import annotations

from typing import NamedTuple

import duckdb
import pytest

from flows.catalog import migrate
from flows.ingest import rows as ingest_rows
from flows.ingest.rows import BureauAliasRow, BureauRow, PolicyTermRow, check_row_type
from flows.revisions.rows import (
    CitedDocumentRow,
    DocumentStatusRow,
    PolicyVersionRow,
    RevisionChangeRow,
    RevisionRow,
)
from schemas.errors import StagingError

ROW_TYPES = {**ingest_rows.SOURCE_ROWS, "bureaus": BureauRow, "bureau_aliases": BureauAliasRow,
             "policy_versions": PolicyVersionRow, "revisions": RevisionRow, "revision_changes": RevisionChangeRow,
             "document_status": DocumentStatusRow, "cited_documents": CitedDocumentRow}


@pytest.fixture(scope="module")
def catalog_columns() -> dict[str, tuple[str, ...]]:
    con = duckdb.connect(":memory:")
    migrate(con)
    found: dict[str, list[str]] = {}
    for table, column in con.execute("select table_name, column_name from information_schema.columns "
                                     "order by table_name, ordinal_position").fetchall():
        found.setdefault(table, []).append(column)
    con.close()
    return {table: tuple(names) for table, names in found.items()}


@pytest.mark.parametrize("table", sorted(ROW_TYPES))
def test_each_row_type_is_its_tables_columns_in_ddl_order(catalog_columns, table):
    check_row_type(table, ROW_TYPES[table], catalog_columns[table])


class Short(NamedTuple):
    doc_id: str
    term: str


class Extra(NamedTuple):
    doc_id: str
    article_id: str
    term: str
    category: str
    text: str
    char_start: int
    char_end: int
    page: int


class Swapped(NamedTuple):
    doc_id: str
    article_id: str
    term: str
    category: str
    text: str
    char_end: int
    char_start: int


@pytest.mark.parametrize("row_type, message", [
    (Short, r"policy_terms rows \(Short\) do not match the catalog's columns: missing article_id, category, text, "
            r"char_start, char_end; not in the catalog none"),
    (Extra, r"policy_terms rows \(Extra\) do not match the catalog's columns: missing none; not in the catalog page"),
    (Swapped, r"policy_terms rows \(Swapped\) do not list char_end where the catalog does"),
])
def test_a_missing_extra_or_misplaced_column_is_named_with_its_table(catalog_columns, row_type, message):
    with pytest.raises(StagingError, match=message):
        check_row_type("policy_terms", row_type, catalog_columns["policy_terms"])


def test_a_row_without_a_value_for_a_column_names_the_column_as_it_is_built():
    """A row is built by column name: one left out fails where it is built, not when staged."""
    with pytest.raises(TypeError, match=r"PolicyTermRow.*missing 1 required .*'char_end'"):
        PolicyTermRow(doc_id="d-01", article_id=None, term="CRO", category="service", text="CRO", char_start=4)
