"""The `gazette serve`, `gazette nightly` and `gazette alerts` commands.

`alerts` only reads the catalog and never imports Prefect; `serve` starts or finds the Prefect
API before Prefect is imported, since Prefect reads PREFECT_API_URL at import.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from flows.cli.command import EXIT_PARTIAL, Command


def add_settings_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument("--settings", type=Path, help="settings file (default $GAZETTE_SETTINGS, "
                                                       "else config/settings.toml)")


def add_serve_arguments(serve: argparse.ArgumentParser) -> None:
    add_settings_argument(serve)
    serve.add_argument("--port", type=int, default=4200, help="port of a local Prefect server (default 4200)")


def add_nightly_arguments(nightly: argparse.ArgumentParser) -> None:
    add_settings_argument(nightly)
    nightly.add_argument("--verbose", action="store_true", help="show Prefect's flow and task log")


def add_alerts_arguments(alerts: argparse.ArgumentParser) -> None:
    alerts.add_argument("--since", type=date.fromisoformat, metavar="DATE",
                        help="only alerts created on or after DATE (YYYY-MM-DD)")
    alerts.add_argument("--undelivered", action="store_true",
                        help="only alerts some channel has not received yet")
    alerts.add_argument("--format", choices=("text", "json"), default="text")


def run_serve(args) -> int:
    from flows.server import prefect_api
    from flows.settings import load_settings, settings_path

    settings = load_settings(args.settings)
    with prefect_api(port=args.port) as api_url:
        from prefect import serve

        from flows.nightly.flow import nightly_deployment
        print(f"serving nightly-ingest ({settings.schedule.cron}, {settings.schedule.timezone}) "
              f"on {api_url}; UI at {api_url.removesuffix('/api')}", file=sys.stderr)
        serve(nightly_deployment(settings, settings_path(args.settings), args.db))
    return 0


def run_nightly(args) -> int:
    from flows.settings import load_settings

    settings = load_settings(args.settings)
    if not settings.feeds and not nightly_work(args.db, settings):
        # No feed to fetch and nothing to ingest, alert or deliver: the run would orchestrate
        # nothing, so it ends before Prefect is imported or a server is started, both slow.
        print("nothing new: no feeds, no new files, no alerts to derive or deliver")
        return 0
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows.ingest.runners import foreground_run
    from flows.nightly.flow import nightly_flow

    with foreground_run():
        report = nightly_flow(str(args.settings) if args.settings else None, str(args.db))
    for feed in report.feeds:
        print(f"feed {feed.feed}: {len(feed.saved)} new file(s), {feed.unchanged} unchanged")
        for error in feed.errors.values():
            print(f"feed {feed.feed}: {error}", file=sys.stderr)
    print(f"ingested {len(report.ingest.added)} source(s), {report.ingest.documents} document(s); "
          f"{len(report.alerts)} new alert(s); "
          + ", ".join(f"{len(ids)} sent to {name}" for name, ids in report.delivery.sent.items()))
    for name, error in report.delivery.failed.items():
        print(f"delivery to {name} failed, retried next run: {error}", file=sys.stderr)
    return 0 if report.ok else EXIT_PARTIAL


def nightly_work(db: Path, settings) -> list[str]:
    """What a nightly run without feeds would do, found on a read-only connection: new files,
    alerts to derive, alerts some configured channel has not had, deliveries to record."""
    from flows import catalog
    from flows.alerts.delivery import delivered_pairs, journal_path, owed
    from flows.alerts.derive import list_alerts, new_alerts
    from flows.ingest.plan import discover, plan_files

    work = []
    if settings.raw_dir.exists() and not plan_files(db, discover([settings.raw_dir]), force=False).nothing_new:
        work.append("new files")
    if not Path(db).exists():
        return work
    journal = journal_path(Path(db))
    if journal.exists() and journal.stat().st_size:
        work.append("deliveries to record")
    channels = list(settings.channels)
    con = catalog.connect(db, read_only=True)
    try:
        if new_alerts(con):
            work.append("alerts to derive")
        if owed(list_alerts(con, undelivered=True), channels, delivered_pairs(con)):
            work.append("alerts to deliver")
    finally:
        con.close()
    return work


def run_alerts(args) -> int:
    from flows import catalog
    from flows.alerts.derive import list_alerts

    con = catalog.connect(args.db, read_only=True)
    try:
        found = list_alerts(con, since=args.since, undelivered=args.undelivered)
    finally:
        con.close()
    if args.format == "json":
        json.dump([{**a.__dict__, "created_at": a.created_at.isoformat(),
                    "delivered_at": a.delivered_at.isoformat() if a.delivered_at else None} for a in found],
                  sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for alert in found:
        state = f"delivered {alert.delivered_at:%Y-%m-%d %H:%M}" if alert.delivered_at else "undelivered"
        print(f"{alert.created_at:%Y-%m-%d %H:%M}  {alert.kind}  {alert.alert_id}  ({state})")
        print("  " + alert.summary.replace("\n", "\n  ") + "\n")
    print(f"({len(found)} alert{'s' if len(found) != 1 else ''})")
    return 0


SERVE = Command(
    "serve", help="run the nightly-ingest deployment on its schedule (needs a Prefect server)",
    description="Serve the `nightly-ingest` deployment on the cron schedule of the settings file "
                "(default 02:00 Asia/Shanghai). Uses PREFECT_API_URL when set, else a Prefect server "
                "already on 127.0.0.1:PORT, else starts `prefect server start` there and stops it "
                "on exit. Watch runs in the Prefect UI at http://127.0.0.1:PORT.",
    add_arguments=add_serve_arguments, run=run_serve)

NIGHTLY = Command(
    "nightly", help="run the nightly flow once: fetch feeds, ingest, alert, deliver",
    description="Fetch every feed of the settings file into data/raw/<feed>/, ingest data/raw, "
                "derive alerts for what is new and deliver undelivered alerts to every channel.",
    add_arguments=add_nightly_arguments, run=run_nightly)

ALERTS = Command(
    "alerts", help="list alerts (read-only)",
    description="List the alerts the nightly runs created, oldest first, with their delivery state.",
    add_arguments=add_alerts_arguments, run=run_alerts)
