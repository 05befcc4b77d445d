"""The `gazette` command line: each command calls the function its flow calls, nothing more.

`COMMANDS` is every command, in the order `gazette --help` lists them; the parser is built from
it, and tests/test_cli.py checks each has help and a row in the README. Commands that only read
the catalog never import Prefect, so they start in well under a second.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flows.cli.command import Command
from flows.cli.diff import DIFF
from flows.cli.doctor import DOCTOR
from flows.cli.export import EXPORT
from flows.cli.ingest import INGEST, REBUILD
from flows.cli.match import MATCH
from flows.cli.nightly import ALERTS, NIGHTLY, SERVE
from flows.cli.query import QUERY, SUMMARY
from flows.cli.search import SEARCH
from flows.cli.show import SHOW
from flows.cli.web import WEB
from schemas.errors import GazetteError

# 128 + SIGPIPE: what a shell reports for a tool whose reader went away.
EXIT_BROKEN_PIPE = 141
DEFAULT_DB = Path("data/warehouse/catalog.duckdb")
COMMANDS: dict[str, Command] = {command.name: command for command in (
    INGEST, QUERY, EXPORT, SUMMARY, SHOW, SEARCH, MATCH, DIFF, DOCTOR, REBUILD, SERVE, NIGHTLY, ALERTS, WEB)}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except (GazetteError, FileNotFoundError) as exc:
        print(f"gazette: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return reader_gone()


def reader_gone() -> int:
    """The reader of stdout closed it (`gazette query … | head`): end quietly, as a shell tool
    killed by SIGPIPE does; stdout goes to devnull so that Python's exit flush cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gazette", description="Chinese gazettes and policy documents → a DuckDB catalog of facts.")
    add_global_options(parser, DEFAULT_DB)
    # The same options after the command name: SUPPRESS keeps a subcommand's parser from
    # overwriting a value given before the command with its default.
    global_options = argparse.ArgumentParser(add_help=False)
    add_global_options(global_options, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS.values():
        own = sub.add_parser(command.name, help=command.help, description=command.description,
                             parents=[global_options])
        command.add_arguments(own)
        own.set_defaults(run=command.run)
    return parser


def add_global_options(parser: argparse.ArgumentParser, default) -> None:
    """The options every command takes, before or after its name (`--db`)."""
    parser.add_argument("--db", type=Path, default=default,
                        help=f"catalog file (default {DEFAULT_DB})")


if __name__ == "__main__":
    sys.exit(main())
