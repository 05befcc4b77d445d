"""The `gazette ingest` and `gazette rebuild` commands: the `ingest` flow on files and folders.

With nothing new to parse, `ingest` ends before Prefect is imported.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from flows.cli.command import EXIT_PARTIAL, Command
from schemas.records import MAX_TRANSIENT_ATTEMPTS


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


def add_ingest_arguments(ingest: argparse.ArgumentParser) -> None:
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


def run_ingest(args) -> int:
    from flows.catalog import lock_path, writer_lock
    from flows.ingest.plan import RAW_DIR, discover, plan_files

    # A catalog another run is writing is said now, in one line, not after all the parsing
    # (the lock is taken again to load; waiting here first is waiting for that writer). No
    # lock file, no writer: none is made here, where the paths to ingest may be listed.
    if lock_path(args.db).exists():
        with writer_lock(args.db, args.lock_timeout):
            pass
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
    _derive_alerts(args)
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


def _derive_alerts(args) -> None:
    """Announce what the run added (the alert step of the nightly flow, without delivery), so
    that `gazette alerts` lists it at once; the nightly run delivers it."""
    from collections import Counter

    from flows.alerts.derive import derive_alerts

    alerts = derive_alerts(args.db, args.lock_timeout)
    if alerts:
        kinds = ", ".join(f"{n} {kind}" for kind, n in Counter(a.kind for a in alerts).items())
        print(f"{len(alerts)} new alert(s) ({kinds}): `gazette alerts` lists them")


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


def add_rebuild_arguments(rebuild: argparse.ArgumentParser) -> None:
    rebuild.add_argument("paths", nargs="*", type=Path, help="raw folders (default data/raw)")
    rebuild.add_argument("--workers", type=int, default=2, help="parsing processes (default 2)")
    rebuild.add_argument("--no-progress", action="store_true", help="no progress bar")
    rebuild.add_argument("--verbose", action="store_true", help="show Prefect's flow and task log")
    add_runner_arguments(rebuild)


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


INGEST = Command(
    "ingest", help="ingest PDF and text files (default: data/raw/)",
    description="Read, split, segment and extract each file into the catalog. "
                "Files whose bytes the catalog holds are skipped.",
    add_arguments=add_ingest_arguments, run=run_ingest)

REBUILD = Command(
    "rebuild", help="recreate the catalog from data/raw/ (same ids, same rows)",
    description="Parse every raw file again into an empty catalog and publish it "
                "in place of the old one; readers keep the old one until then.",
    add_arguments=add_rebuild_arguments, run=run_rebuild)
