"""The `gazette` command line: each command calls the function its flow calls, nothing more.

Commands that only read the catalog never import Prefect, so they start in well under a second.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from flows.cli.diff import add_command as add_diff_command
from flows.cli.nightly import add_commands as add_nightly_commands
from flows.cli.rows import write_rows
from schemas.errors import GazetteError
from schemas.records import MAX_TRANSIENT_ATTEMPTS

DEFAULT_DB = Path("data/warehouse/catalog.duckdb")
EXIT_PARTIAL = 3


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

    ingest = sub.add_parser("ingest", help="ingest PDF and text files (default: data/raw/)",
                            description="Read, split, segment and extract each file into the catalog. "
                                        "Files whose bytes the catalog holds are skipped.")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default data/raw)")
    ingest.add_argument("--force", action="store_true", help="parse known files again")
    ingest.add_argument("--retry-quarantined", action="store_true",
                        help="parse every quarantined source again, whatever its cause and tries, if its "
                             "file is still there (quarantines whose cause passes, such as a timeout, are "
                             f"retried without it, up to {MAX_TRANSIENT_ATTEMPTS} tries)")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    ingest.add_argument("--verbose", action="store_true", help="show Prefect's flow and task log")
    ingest.add_argument("--workers", type=int, default=2, help="parsing processes (default 2)")
    ingest.add_argument("--timeout", type=float, default=300.0,
                        help="seconds one file may take before it is quarantined (default 300)")
    ingest.add_argument("--lock-timeout", type=float, default=600.0,
                        help="seconds to wait while another run writes the catalog (default 600)")
    add_runner_arguments(ingest)
    ingest.set_defaults(run=run_ingest)

    query = sub.add_parser("query", help="run SQL on the catalog (read-only)",
                           description="Run SQL on a read-only connection that reaches only the catalog: "
                                       "statements that write (COPY, EXPORT, ATTACH, CREATE, SET, INSTALL, "
                                       "...) or read other files are refused. `gazette export` writes files.")
    query.add_argument("sql", help='e.g. "select doc_number, title from documents"')
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.set_defaults(run=run_query)

    export = sub.add_parser("export", help="write a query's or a view's rows to a file (csv, parquet, json)",
                            description="Run SQL, or read a table or view named alone, on the same read-only "
                                        "connection as `query`, and write its rows to FILE: CSV and JSON as "
                                        "`query --format` prints them, Parquet with the column types kept. "
                                        "The file appears whole or not at all; never the catalog's own files.")
    export.add_argument("source", metavar="SQL_OR_VIEW", help='e.g. v_money_caps or "select * from facts"')
    export.add_argument("--to", dest="target", type=Path, required=True, metavar="FILE",
                        help="file to write, e.g. caps.parquet")
    export.add_argument("--format", choices=("csv", "parquet", "json"),
                        help="default: from FILE's suffix (.csv, .parquet or .pq, .json)")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.set_defaults(run=run_export)

    summary = sub.add_parser("summary", help="row counts of the catalog, and quarantined sources",
                             description="Print what the catalog holds: sources, issues, documents, "
                                         "articles and facts by kind, and why any source failed.")
    summary.set_defaults(run=run_summary)
    add_diff_command(sub)

    doctor = sub.add_parser("doctor", help="check the catalog's invariants and print a report",
                            description="Offsets slice their text, no orphan rows, every source ok or "
                                        "quarantined, numbering warnings. Exit 1 when a check fails.")
    doctor.set_defaults(run=run_doctor)

    rebuild = sub.add_parser("rebuild", help="recreate the catalog from data/raw/ (same ids, same rows)",
                             description="Parse every raw file again into an empty catalog and publish it "
                                         "in place of the old one; readers keep the old one until then.")
    rebuild.add_argument("paths", nargs="*", type=Path, help="raw folders (default data/raw)")
    rebuild.add_argument("--workers", type=int, default=2, help="parsing processes (default 2)")
    rebuild.add_argument("--no-progress", action="store_true", help="no progress bar")
    rebuild.add_argument("--verbose", action="store_true", help="show Prefect's flow and task log")
    add_runner_arguments(rebuild)
    rebuild.set_defaults(run=run_rebuild)
    add_nightly_commands(sub)
    return parser


def add_runner_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--runner", choices=("thread", "dask"), default="thread",
                         help="task runner: local worker processes (thread, default) or a Dask cluster "
                              "(dask: a local cluster of --workers processes unless --dask-address)")
    command.add_argument("--dask-address", metavar="ADDRESS",
                         help="scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                              "(implies --runner dask; workers must see the files at the same paths)")


def runner_options(args) -> dict:
    runner = "dask" if args.dask_address else args.runner
    return {"runner": runner, "dask_address": args.dask_address}


def run_ingest(args) -> int:
    from flows.ingest.plan import RAW_DIR, discover, plan_files

    paths, plan = args.paths or [RAW_DIR], None
    if not args.force:
        # Planning needs no Prefect: with nothing new there is nothing to orchestrate, and the
        # run ends before Prefect is imported or its temporary server started, both slow.
        plan = plan_files(args.db, discover(paths), force=False, retry_quarantined=args.retry_quarantined)
        if plan.nothing_new:
            _print_gone(plan.gone)
            print(f"nothing new: {len(plan.skipped)} file(s) already in the catalog")
            return 0
    if not args.verbose:
        # Prefect reads its settings at import: quiet its per-task INFO lines unless asked for.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    with _parsing_workers(args, plan) as pool:
        from flows.ingest.flow import ingest

        report = ingest(paths, db_path=args.db, plan=plan, pool=pool, workers=args.workers, force=args.force,
                        retry_quarantined=args.retry_quarantined, progress=not args.no_progress,
                        timeout=args.timeout, lock_timeout=args.lock_timeout, **runner_options(args))
    _print_gone(report.gone)
    retried = f" ({len(report.retried)} quarantined before)" if report.retried else ""
    print(f"ingested {len(report.added)} source(s){retried}, {report.documents} document(s); "
          f"skipped {len(report.skipped)} already in the catalog")
    for path, error in report.quarantined.items():
        print(f"quarantined {path}: {error}", file=sys.stderr)
    if not report.ok:
        print(f"partial: {len(report.quarantined)} source(s) quarantined", file=sys.stderr)
        transient = sum(failure == "transient" for failure in report.failures.values())
        if transient:
            print(f"{transient} of them for a cause that passes (a timeout, a lost worker, a tool missing): "
                  f"the next `gazette ingest` retries them, up to {MAX_TRANSIENT_ATTEMPTS} tries in all; "
                  "`gazette summary` shows their tries", file=sys.stderr)
        return EXIT_PARTIAL
    return 0


def _print_gone(paths: list[str]) -> None:
    for path in paths:
        print(f"not retried: {path}: its file is gone (not under data/raw, nor at that path)", file=sys.stderr)


@contextlib.contextmanager
def _parsing_workers(args, plan):
    """The parsing workers, started before Prefect is imported so that their start-up (a spawn
    or a fork server, spaCy, jieba) overlaps Prefect's import and the flow run's creation;
    None when the flow starts its own (Dask, or no plan)."""
    if plan is None or not plan.parse or runner_options(args)["runner"] != "thread":
        yield None
        return
    from flows.ingest.parse import parsing_workers

    pool = parsing_workers(len(plan.parse), args.workers, args.timeout)
    try:
        yield pool
    finally:
        pool.close()


def run_rebuild(args) -> int:
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows.ingest.flow import ingest
    from flows.ingest.plan import RAW_DIR

    report = ingest(args.paths or [RAW_DIR], db_path=args.db, workers=args.workers, rebuild=True,
                    progress=not args.no_progress, **runner_options(args))
    print(f"rebuilt {args.db} from {len(report.added)} source(s), {report.documents} document(s)")
    for path, error in report.quarantined.items():
        print(f"quarantined {path}: {error}", file=sys.stderr)
    return 0 if report.ok else EXIT_PARTIAL


def run_doctor(args) -> int:
    from flows.cli import doctor

    report, healthy = doctor.render(*doctor.examine(args.db))
    print(report)
    return 0 if healthy else 1


def run_query(args) -> int:
    from flows import catalog

    with catalog.reading(args.db) as con:
        columns, rows = catalog.query(con, args.sql)
        rows = list(rows)
    write_rows(columns, rows, args.format, sys.stdout)
    return 0


def run_export(args) -> int:
    from flows.cli.export import export

    count = export(args.db, args.source, args.target, args.format, args.force)
    print(f"exported {count} row{'s' if count != 1 else ''} to {args.target}")
    return 0


def run_summary(args) -> int:
    from flows import catalog

    with catalog.reading(args.db) as con:
        for title, sql in catalog.SUMMARY_QUERIES:
            columns, rows = catalog.query(con, sql)
            print(f"\n{title}")
            write_rows(columns, list(rows), "table", sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
