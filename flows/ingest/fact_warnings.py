"""Facts the catalog cannot hold are left out alone, each recorded in `fact_warnings`.

A value of 10^32 yuan or more does not fit facts.value_num (DECIMAL(38, 6)); nor does a value
a column's type refuses for any other reason. Such a fact once failed its whole source, every
other fact of every document in it with it. Now only the fact is left out, and its warning row
keeps its surface text, its exact value as text and the reason, so nothing it stated is lost.
"""
from __future__ import annotations

from typing import NamedTuple

from flows.ingest.rows import FactWarningRow
from flows.ingest.staged_parts import SetAside

# The tables whose rows may be left out alone; a row of any other table fails its source.
SET_ASIDE_TABLES = ("facts",)


def fact_set_aside(source_id: str) -> SetAside:
    """For PartWriter.table: a fact row of `source_id` that does not fit becomes a
    `fact_warnings` row (None for another table's row, which then fails its source)."""
    def set_aside(table: str, row: NamedTuple, reason: str) -> FactWarningRow | None:
        if table not in SET_ASIDE_TABLES:
            return None
        value = row.value_num if row.value_num is not None else row.value_text
        return FactWarningRow(source_id=source_id, doc_id=row.doc_id, fact_id=row.fact_id, kind=_text(row.kind),
                              text=_text(row.text), value=_text(value), reason=reason,
                              char_start=_offset(row.char_start), char_end=_offset(row.char_end))
    return set_aside


def _text(value) -> str | None:
    return None if value is None else str(value)


def _offset(value) -> int | None:
    """An offset as the warning can hold it: the refused value may be the offset itself."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
