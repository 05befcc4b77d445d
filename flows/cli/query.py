"""The `gazette query` and `gazette summary` commands: SQL on a read-only connection, printed."""
from __future__ import annotations

import argparse
import sys

from flows.cli.command import Command, no_arguments
from flows.cli.rows import write_rows


def add_query_arguments(query: argparse.ArgumentParser) -> None:
    query.add_argument("sql", help='e.g. "select doc_number, title from documents"')
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")


def run_query(args) -> int:
    from flows import catalog

    with catalog.reading(args.db) as con:
        columns, rows = catalog.query(con, args.sql)
        rows = list(rows)
    write_rows(columns, rows, args.format, sys.stdout)
    return 0


def run_summary(args) -> int:
    from flows import catalog

    with catalog.reading(args.db) as con:
        for title, sql in catalog.SUMMARY_QUERIES:
            columns, rows = catalog.query(con, sql)
            print(f"\n{title}")
            write_rows(columns, list(rows), "table", sys.stdout)
    return 0


QUERY = Command(
    "query", help="run SQL on the catalog (read-only)",
    description="Run SQL on a read-only connection that reaches only the catalog: "
                "statements that write (COPY, EXPORT, ATTACH, CREATE, SET, INSTALL, "
                "...) or read other files are refused. `gazette export` writes files.",
    add_arguments=add_query_arguments, run=run_query)

SUMMARY = Command(
    "summary", help="row counts of the catalog, its revisions, and quarantined sources",
    description="Print what the catalog holds: sources, issues, documents, articles and "
                "facts by kind, each revision with the facts it changed, and why any source failed.",
    add_arguments=no_arguments, run=run_summary)
