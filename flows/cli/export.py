"""The `gazette export` command: the rows of a query or a view written to a file, the one
sanctioned way a result reaches the file system.

The user's SQL runs through the same locked read-only reader as `gazette query`, so it cannot
write or name a file; this module writes the fetched rows itself (CSV and JSON as `gazette query`
prints them, Parquet from the Arrow result with its types), to a temporary file beside the target
renamed into place, so a failed export leaves nothing behind.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from flows import catalog
from flows.cli.command import Command
from flows.cli.rows import write_rows
from schemas.errors import ExportError

SUFFIX_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".json": "json"}
# A bare table or view name: exported whole (`select * from it`).
RELATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def export(db_path: Path, source: str, target: Path, fmt: str | None = None, force: bool = False) -> int:
    """Write the rows of `source` (SQL, or a table or view name) to `target`; returns their count.

    The format is `fmt` or the target's suffix; an existing target is replaced only when `force`,
    and never the catalog itself or its companions (.wal, .lock, the writer's .next copy)."""
    target = Path(target)
    refuse_target(Path(db_path), target, force)
    fmt = fmt or format_of(target)
    with catalog.reading(db_path) as con:
        sql = relation_sql(con, source)
        count, write = _parquet(con, sql) if fmt == "parquet" else _text(con, sql, fmt)
    try:
        with atomic_file(target) as fh:
            write(fh)
    except OSError as exc:
        raise ExportError(f"could not write {target} ({exc.strerror or exc}); it is unchanged") from exc
    return count


def _parquet(con, sql: str) -> tuple[int, Callable[[BinaryIO], None]]:
    import pyarrow.parquet as pq

    table = catalog.query_arrow(con, sql)
    return table.num_rows, lambda fh: pq.write_table(table, fh)


def _text(con, sql: str, fmt: str) -> tuple[int, Callable[[BinaryIO], None]]:
    columns, rows = catalog.query(con, sql)
    rows = list(rows)

    def write(fh: BinaryIO) -> None:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        write_rows(columns, rows, fmt, text)
        text.flush()
        text.detach()  # the file is closed by atomic_file, after its fsync
    return len(rows), write


def format_of(target: Path) -> str:
    try:
        return SUFFIX_FORMATS[target.suffix.lower()]
    except KeyError:
        raise ExportError(f"cannot tell the format of {target} from its suffix: name it .csv, .parquet "
                          "or .json, or pass --format csv|parquet|json") from None


def refuse_target(db_path: Path, target: Path, force: bool) -> None:
    """Raise ExportError when writing `target` could overwrite the catalog, or a file not meant to go."""
    companions = [db_path, catalog.wal_path(db_path), catalog.lock_path(db_path),
                  db_path.with_name(db_path.name + ".next")]
    if target.resolve() in {p.resolve() for p in companions} or (
            target.exists() and db_path.exists() and os.path.samefile(target, db_path)):
        raise ExportError(f"export refused: {target} is the catalog {db_path} or one of its files (.wal, .lock, .next); "
                          "write to another path")
    if target.is_dir():
        raise ExportError(f"{target} is a folder: name the file to write, e.g. {target / 'result.csv'}")
    if not target.parent.is_dir():
        raise ExportError(f"folder {target.parent} does not exist: create it first")
    if target.exists() and not force:
        raise ExportError(f"{target} exists: pass --force to replace it")


def relation_sql(con, source: str) -> str:
    """`source` itself, or `select *` from it when it names a table or view of the catalog."""
    if RELATION_NAME.fullmatch(source) and con.execute(
            "select count(*) from information_schema.tables where table_name = ?", [source]).fetchone()[0]:
        return f'select * from "{source}"'
    return source


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A new file beside `target`, renamed onto it when the block ends without an error and
    removed when it fails; created like any file of this user (umask), unlike mkstemp's 0600."""
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with open(part, "xb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def add_export_arguments(export_: argparse.ArgumentParser) -> None:
    export_.add_argument("source", metavar="SQL_OR_VIEW", help='e.g. v_money_caps or "select * from facts"')
    export_.add_argument("--to", dest="target", type=Path, required=True, metavar="FILE",
                         help="file to write, e.g. caps.parquet")
    export_.add_argument("--format", choices=("csv", "parquet", "json"),
                         help="default: from FILE's suffix (.csv, .parquet or .pq, .json)")
    export_.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run_export(args) -> int:
    count = export(args.db, args.source, args.target, args.format, args.force)
    print(f"exported {count} row{'s' if count != 1 else ''} to {args.target}")
    return 0


EXPORT = Command(
    "export", help="write a query's or a view's rows to a file (csv, parquet, json)",
    description="Run SQL, or read a table or view named alone, on the same read-only "
                "connection as `query`, and write its rows to FILE: CSV and JSON as "
                "`query --format` prints them, Parquet with the column types kept. "
                "The file appears whole or not at all; never the catalog's own files.",
    add_arguments=add_export_arguments, run=run_export)
