"""What an analyst's SQL may do to the catalog, and the one line that says why when it may not.

Readers of the catalog are opened read-only and configured, before any statement runs, to refuse
files, extensions and setting changes (`catalog.READER_CONFIG`). That leaves one way to harm the
catalog: DuckDB lets a connection with external access disabled still write its own database's
paths, so `COPY ... TO '<catalog>'` (or under EXPLAIN ANALYZE) would overwrite it. The check here
closes that before anything runs: every statement must be a SELECT (or an EXPLAIN of one), and no
function may change the connection's state. It also words the refusal: the statement, and what
to use instead.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from schemas.errors import CatalogDamagedError, GazetteError, QueryError, QueryRefusedError

# SHOW, DESCRIBE, SUMMARIZE, FROM-first queries and PRAGMA show_tables parse as SELECT.
READS = frozenset({"SELECT", "EXPLAIN"})
CHANGES_CATALOG = "changes the catalog"
# Keyed by statement type, or by the leading keyword where it says more (CHECKPOINT is a CALL).
WHY_REFUSED = {
    **{kind: CHANGES_CATALOG for kind in ("CREATE", "CREATE_FUNC", "INSERT", "UPDATE", "DELETE", "DROP",
                                           "ALTER", "MERGE_INTO")},
    **{kind: "writes or reads files outside the catalog" for kind in ("COPY", "COPY_DATABASE", "EXPORT")},
    "ATTACH": "opens another database", "DETACH": "closes a database",
    "LOAD": "installs or loads an extension", "EXTENSION": "installs or updates extensions",
    "SET": "changes a setting", "VARIABLE_SET": "changes a setting",
    "PRAGMA": "changes a setting; a reading pragma is a table function, e.g. pragma_table_info('facts')",
    "VACUUM": "writes the catalog file", "TRANSACTION": "begins or ends a transaction, which only writers need",
    "CALL": "calls a procedure; a table function reads as select * from f(...)",
    "CHECKPOINT": "writes the catalog file", "FORCE": "writes the catalog file",
    "PREPARE": "prepares a statement", "EXECUTE": "runs a prepared statement",
}
WRITES_FILES = frozenset({"COPY", "COPY_DATABASE", "EXPORT"})
EXPORT_HINT = "; `gazette export SQL --to FILE` writes a result to a file"
# DuckDB's IO errors for a file that is not a database, is cut short, or has a damaged block.
DAMAGE_MARKERS = ("not a valid DuckDB database file", "Could not read enough bytes", "Corrupt database file")
REFUSAL_MARKERS = ("read-only mode", "configuration has been locked")
EXPLAIN_PREFIX = re.compile(r"\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^)]*\)\s*)?", re.IGNORECASE)
# Functions a SELECT may call that change the connection (logging to a file aborts the process
# when it closes), checkpoint it, run SQL given as a string, or scan Python memory.
STATEFUL_FUNCTIONS = frozenset({
    "enable_logging", "disable_logging", "truncate_duckdb_logs", "write_log", "enable_profiling",
    "disable_profiling", "checkpoint", "force_checkpoint", "query", "json_execute_serialized_sql",
    "arrow_scan", "arrow_scan_dumb", "pandas_scan", "python_map_function",
})


def check(con, sql: str) -> None:
    """Raise QueryRefusedError unless every statement of `sql` reads (SELECT, or EXPLAIN of a
    SELECT) and calls no stateful function; nothing of `sql` runs when one statement is refused."""
    for kind, text in _statements(sql):
        if kind == "EXPLAIN":
            inner = EXPLAIN_PREFIX.sub("", text, count=1)
            if [k for k, _ in _statements(inner)] != ["SELECT"]:
                raise _refused("EXPLAIN of anything but one SELECT")
            text = inner
        elif kind not in READS:
            raise _refusal(kind, text)
        called = _functions(con, text) & STATEFUL_FUNCTIONS
        if called:
            raise _refused(f"{min(called)}() changes the connection or runs other SQL")


def _statements(sql: str) -> list[tuple[str, str]]:
    import duckdb

    try:
        return [(getattr(s.type, "name", "?"), s.query) for s in duckdb.extract_statements(sql)]
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {exc}") from exc


def _functions(con, select: str) -> set[str]:
    """Names of the functions a SELECT calls, from DuckDB's own parse tree (quoting and comments
    cannot hide one); none when DuckDB cannot serialize the statement (PIVOT)."""
    tree = json.loads(con.execute("select json_serialize_sql(?)", [select]).fetchone()[0])
    names, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("function_name"), str):
                names.add(node["function_name"].lower())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def _refusal(kind: str, text: str) -> QueryRefusedError:
    words = text.split(None, 1)
    if not words:  # a statement DuckDB generates from the SQL, with no text of its own
        return _refused(f"DuckDB runs it as a {kind} first, as it does a PIVOT without "
                        "ON column IN (values): list the values")
    word = words[0].upper()
    if not word.isalpha() or word == "WITH":
        word = kind
    why = WHY_REFUSED.get(word) or WHY_REFUSED.get(kind, "is not a read")
    return _refused(f"{word} {why}", EXPORT_HINT if kind in WRITES_FILES else "")


def _refused(detail: str, hint: str = "") -> QueryRefusedError:
    return QueryRefusedError(f"query refused: the query is read-only ({detail}){hint}")


def reader_error(exc: Exception, db_path: Path) -> GazetteError:
    """The user's error for a DuckDB error raised on a reader of the catalog at `db_path`."""
    import duckdb

    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException):
        return QueryRefusedError(f"query refused: a query reaches only the catalog ({message})")
    if isinstance(exc, duckdb.InvalidInputException) and any(m in message for m in REFUSAL_MARKERS):
        return QueryRefusedError(f"query refused: the query is read-only ({message})")
    if is_damage(exc):
        return damaged(db_path, exc)
    return QueryError(f"query failed: {exc}")


def is_damage(exc: Exception) -> bool:
    return any(marker in str(exc) for marker in DAMAGE_MARKERS)


def damaged(db_path: Path, exc: Exception) -> CatalogDamagedError:
    cause = str(exc).strip().splitlines()[0].removeprefix("IO Error: ")
    return CatalogDamagedError(
        f"{db_path} is not a DuckDB catalog, or is damaged ({cause}); move it aside and run "
        "`gazette rebuild` (or `gazette ingest`) to recreate it from data/raw/")
