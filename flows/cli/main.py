"""The `gazette` command line: each command calls the function its flow calls, nothing more.

`COMMANDS` is every command, in the order `gazette --help` lists them; the parser is built from
it, and tests/test_cli.py checks each has help and a row in the README. Commands that only read
the catalog never import Prefect, so they start in well under a second.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.cli.command import Command
from flows.cli.diff import DIFF
from flows.cli.doctor import DOCTOR
from flows.cli.export import EXPORT
from flows.cli.ingest import INGEST, REBUILD
from flows.cli.nightly import ALERTS, NIGHTLY, SERVE
from flows.cli.query import QUERY, SUMMARY
from schemas.errors import GazetteError

DEFAULT_DB = Path("data/warehouse/catalog.duckdb")
COMMANDS: dict[str, Command] = {command.name: command for command in (
    INGEST, QUERY, EXPORT, SUMMARY, DIFF, DOCTOR, REBUILD, SERVE, NIGHTLY, ALERTS)}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except (GazetteError, FileNotFoundError) as exc:
        print(f"gazette: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gazette", description="Chinese gazettes and policy documents → a DuckDB catalog of facts.")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB,
                        help=f"catalog file (default {DEFAULT_DB})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS.values():
        own = sub.add_parser(command.name, help=command.help, description=command.description)
        command.add_arguments(own)
        own.set_defaults(run=command.run)
    return parser


if __name__ == "__main__":
    sys.exit(main())
