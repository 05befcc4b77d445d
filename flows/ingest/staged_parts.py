"""A staged part's Parquet file, written with pyarrow from a source's rows.

The file holds a row per source (or per part of a large source): a column per typed table (its
rows as a list of structs typed as the DDL says) and `header_rows`, the other tables' rows as
one JSON text. A worker's small sources share one file (flows/ingest/stager.py).
pyarrow builds the columns straight from the rows: writing through DuckDB instead (rows → JSON →
a typed read → COPY … TO parquet) costs per file and per leaf column, as much as extracting a
small text.

Every value is converted to its column's type as a source joins its part (`PartWriter.table`),
the header tables' too, so a row that does not fit fails its own source in its worker, not the
load of every source in a transaction; or, when the caller records it in its place (a fact, see
flows/ingest/fact_warnings.py), is left out alone.
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import NamedTuple, Optional

import orjson

from flows.ingest.rows import SOURCE_ROWS, SOURCE_TABLES, TABLE_OF, check_row_type, columns
from schemas.errors import StagingError

# The loader neither filters nor prunes staged parts, so column statistics are not worth their
# time; the Arrow schema is not stored since DuckDB reads Parquet's own types; dictionaries are
# off because parts are small and read once, so they slow both the write and the load.
WRITE_OPTIONS = {"compression": "snappy", "write_statistics": False, "store_schema": False,
                 "use_dictionary": False}

# Arrow allocates with the system's malloc: its own (mimalloc) keeps more memory per worker for
# these small tables and is no faster. Read when Arrow first allocates, so set before pyarrow is used; a
# user's setting wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
# Rounding to a column's scale never fails for want of digits (the default context keeps 28).
_ROUNDING = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_UP)
_CONVERSION_ERRORS = (OverflowError, TypeError, ValueError)

# Staged as typed columns: the tables that hold nearly all of a source's rows. The others (a few
# rows a source, but 42 of the 97 leaf columns) travel as one JSON column, `header_rows`, checked
# against the DDL's types as they are staged and typed by the loader. A Parquet file costs DuckDB
# per leaf column, whatever its rows, so fewer leaf columns make every staged file cheaper.
TYPED_TABLES = ("documents", "articles", "facts", "policy_terms")
HEADER_TABLES = tuple(t for t in SOURCE_TABLES if t not in TYPED_TABLES)

# Given a row of a table that does not fit and why: whether it was recorded in its place (and
# may be left out), else the row fails its part.
Misfit = Callable[[NamedTuple, str], bool]
# Given a typed table, a row of it that does not fit and why: the row recording it in its place
# (of a header table), or None when the row must fail its part.
SetAside = Callable[[str, NamedTuple, str], Optional[NamedTuple]]


@functools.cache
def arrow_type(duckdb_type: str):
    """The Arrow type a staged value of this DuckDB column type is written as."""
    import pyarrow as pa

    if duckdb_type.endswith("[]"):
        return pa.list_(arrow_type(duckdb_type[:-2]))
    decimal = _DECIMAL.fullmatch(duckdb_type)
    if decimal:
        return pa.decimal128(int(decimal.group(1)), int(decimal.group(2)))
    simple = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
              "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
              "DOUBLE": pa.float64()}
    if duckdb_type not in simple:
        raise StagingError(f"no staged type for the catalog's column type {duckdb_type}")
    return simple[duckdb_type]


class TableLayout:
    """How one table's rows (flows/ingest/rows.py) become an Arrow struct array."""

    def __init__(self, table: str, columns: tuple[tuple[str, str], ...]):
        import pyarrow as pa

        self.table = table
        self.names = tuple(name for name, _ in columns)
        self.types = tuple(arrow_type(kind) for _, kind in columns)
        self.struct = pa.struct(list(zip(self.names, self.types)))
        self.scales: dict[int, int] = {i: kind.scale for i, kind in enumerate(self.types)
                                       if pa.types.is_decimal(kind)}

    def structs(self, rows: list[NamedTuple], misfit: Misfit | None = None):
        """The rows as a struct array; StagingError names the column a value does not fit.
        Converted row by row as tuples, in one call, which is cheaper than a call per column.
        With `misfit`, a row that does not fit is handed to it and, when it recorded the row,
        left out; only then is each row converted alone."""
        import pyarrow as pa

        if self.scales:
            # Only the decimal columns are rounded, in place in a copy of each row: a pass over
            # every value of every row was half of a source's typing (facts: ~130 rows a source).
            fixed = []
            for row in rows:
                row = list(row)
                for i, scale in self.scales.items():
                    row[i] = _rounded(row[i], scale)
                fixed.append(tuple(row))
        else:
            fixed = rows
        try:
            return pa.array(fixed, self.struct)
        except (pa.ArrowException, *_CONVERSION_ERRORS) as exc:
            if misfit is not None:
                return pa.array(self._fitting(rows, fixed, misfit), self.struct)
            self._name_the_misfit(fixed)
            raise StagingError(f"a {self.table} row does not fit the catalog: {exc}") from None

    def _fitting(self, rows: list[NamedTuple], fixed: list[tuple], misfit: Misfit) -> list[tuple]:
        """The rounded rows that fit; each other row is handed to `misfit` as it was given (its
        exact values), and fails the part unless it was recorded."""
        kept = []
        for row, rounded in zip(rows, fixed):
            reason = self._misfit_reason(rounded)
            if reason is None:
                kept.append(rounded)
            elif not misfit(row, reason):
                raise StagingError(f"a {self.table} row does not fit the catalog: {reason}")
        return kept

    def _misfit_reason(self, row: tuple) -> str | None:
        """Why one row does not fit, naming the column; None when it fits."""
        import pyarrow as pa

        for name, kind, value in zip(self.names, self.types, row):
            if pa.types.is_decimal(kind) and isinstance(value, Decimal):
                reason = _decimal_misfit(value, kind)
                if reason:
                    return f"{name}: {reason}"
            try:
                pa.array([value], kind)
            except (pa.ArrowException, *_CONVERSION_ERRORS) as exc:
                return f"{name} ({kind}): {exc}"
        return None

    def _name_the_misfit(self, rows: list[tuple]) -> None:
        """Convert column by column to raise StagingError naming the column that failed."""
        import pyarrow as pa

        for i, (name, kind) in enumerate(zip(self.names, self.types)):
            try:
                pa.array([row[i] for row in rows], kind)
            except (pa.ArrowException, *_CONVERSION_ERRORS) as exc:
                raise StagingError(f"a {self.table} row does not fit the catalog: "
                                   f"{name} ({kind}): {exc}") from None

    def rows_list(self, rows: list[NamedTuple], misfit: Misfit | None = None):
        """The rows as one list value (a one-row list array); null when there are none."""
        import pyarrow as pa

        kind = pa.list_(self.struct)
        if not rows:
            return pa.nulls(1, kind)
        structs = self.structs(rows, misfit)
        return pa.ListArray.from_arrays(pa.array([0, len(structs)], pa.int32()), structs, type=kind)


def _rounded(value, scale: int):
    """A decimal rounded to the column's scale as DuckDB rounds a cast (half away from zero):
    a ratio such as 1/3 has more digits than the column keeps."""
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent < -scale:
        return value.quantize(Decimal(1).scaleb(-scale), context=_ROUNDING)
    return value


def _decimal_misfit(value: Decimal, kind) -> str | None:
    """Why a decimal does not fit a decimal type, in its own words; None when it fits."""
    if not value.is_finite():
        return f"{value} is not a number {kind} can hold"
    digits = kind.precision - kind.scale
    if value.adjusted() >= digits:
        return (f"{value} has {value.adjusted() + 1} digits before the point; DECIMAL({kind.precision}, "
                f"{kind.scale}) holds {digits}")
    return None


@functools.lru_cache(maxsize=1)
def part_writer() -> PartWriter:
    """The writer of staged parts, built once per process, its row types checked against the
    catalog's columns (flows/ingest/rows.py)."""
    for table in SOURCE_TABLES:
        check_row_type(table, SOURCE_ROWS[table], tuple(name for name, _ in columns(table)))
    return PartWriter(columns, TYPED_TABLES, HEADER_TABLES)


class PartWriter:
    """Writes staged parts for the typed and header tables of the given DDL columns."""

    def __init__(self, table_columns: Callable[[str], tuple[tuple[str, str], ...]],
                 typed: tuple[str, ...], header: tuple[str, ...]):
        import pyarrow as pa

        self.typed = {t: TableLayout(t, table_columns(t)) for t in typed}
        self.header = {t: TableLayout(t, table_columns(t)) for t in header}
        self.schema = pa.schema([(t, pa.list_(layout.struct)) for t, layout in self.typed.items()]
                                + [("header_rows", pa.string())])

    def table(self, tables: dict[str, list[NamedTuple]], set_aside: SetAside | None = None):
        """A source's rows as one Arrow row, every value converted to its column's type: a row
        that does not fit raises StagingError here, before the source joins a part, unless
        `set_aside` gives a header table's row that records it in its place."""
        import pyarrow as pa

        recorded: dict[str, list[NamedTuple]] = {}
        columns = [layout.rows_list(tables.get(t, []), _recorder(t, set_aside, recorded) if set_aside else None)
                   for t, layout in self.typed.items()]
        header = {}
        for t, layout in self.header.items():
            rows = tables.get(t, []) + recorded.get(t, [])
            if rows:
                layout.structs(rows)  # only to check the types: the loader types the JSON
            header[t] = [dict(zip(layout.names, values)) for values in rows]
        columns.append(pa.array([orjson.dumps(header, default=json_value).decode()], pa.string()))
        return pa.Table.from_arrays(columns, schema=self.schema)

    def write_tables(self, tables: list, target: Path) -> None:
        """Write rows made by `table` (one source or part each) as one Parquet file; nothing is
        left at `target` when the write fails."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pq.write_table(tables[0] if len(tables) == 1 else pa.concat_tables(tables), str(target),
                           **WRITE_OPTIONS)
        except BaseException:
            Path(target).unlink(missing_ok=True)
            raise


def _recorder(table: str, set_aside: SetAside, recorded: dict[str, list[NamedTuple]]) -> Misfit:
    """A Misfit for `table`'s rows that keeps what `set_aside` records them with in `recorded`."""
    def record(row: NamedTuple, reason: str) -> bool:
        entry = set_aside(table, row, reason)
        if entry is not None:
            recorded.setdefault(TABLE_OF[type(entry)], []).append(entry)
        return entry is not None
    return record


def json_value(value):
    """orjson's fallback for the values of header rows: decimals as text, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot stage {type(value).__name__}")


def preload() -> None:
    """Import pyarrow's Parquet writer as a worker warms up, not in its first source."""
    import pyarrow.parquet  # noqa: F401
