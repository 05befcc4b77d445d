"""Alert delivery: each alert to each configured channel of flows/channels.py's CHANNELS (a JSONL
file, a webhook, e-mail over SMTP), each at most once.

Each (alert, channel) send is noted, right after it succeeds or fails, in a journal beside the
catalog (`<catalog>.deliveries.jsonl`, one line each, flushed and fsynced before the next send);
what is pending is what neither the catalog's `alert_deliveries` nor the journal has delivered.
At the end of the run the journal is folded into `alert_deliveries` and `alerts.delivered_at` in
one publish of the catalog and emptied, so a run killed once a send is journaled neither sends it
again nor loses it: the next run folds it in with its own. A run holds the journal's lock, so a
second run waits for it. A failed send keeps `delivered_at` null and is tried again on the next
run (`attempts` counts the tries); a channel that fails is not tried again in the same run (a
dead webhook costs one timeout, not one per alert). `alerts.delivered_at` is set once every
configured channel has the alert. Receivers can deduplicate by the alert id: it is the
`alert_id` of the JSONL record and webhook body, and `alert_token` of it (flows/channels.py) in the
webhook's `Idempotency-Key` header and the e-mail's Message-ID.
"""
from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flows import catalog
from flows.alerts.derive import Alert, list_alerts
from flows.channels import CHANNELS, DeliveryError


@dataclass
class DeliveryReport:
    """Sends per channel in one run, and the alerts still waiting for some channel."""
    sent: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    pending: int = 0


def alert_record(alert: Alert) -> dict:
    """The JSON form of an alert, as written to the JSONL file and posted to the webhook."""
    return {"alert_id": alert.alert_id, "kind": alert.kind, "created_at": alert.created_at.isoformat(),
            "issue_id": alert.issue_id, "doc_id": alert.doc_id, "subject": alert.subject,
            "summary": alert.summary}


def journal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".deliveries.jsonl")


def deliver_pending(db_path: Path, channels: Mapping[str, object],
                    lock_timeout: float = 600.0) -> DeliveryReport:
    """Send every undelivered alert to each configured channel (name → its config, as
    `Settings.channels` holds them) that has not had it yet; one publish of the catalog records
    the sends (none when nothing was sent). No catalog, no alerts."""
    db_path = Path(db_path)
    if not db_path.exists():
        return DeliveryReport()
    configured = list(channels.items())
    with open(journal_path(db_path), "a+", encoding="utf-8") as journal:
        fcntl.flock(journal, fcntl.LOCK_EX)  # released on close; sends are bounded by channel timeouts
        entries = read_journal(journal)
        con = catalog.connect(db_path, read_only=True)
        try:
            pending = list_alerts(con, undelivered=True)
            done = delivered_pairs(con)
        finally:
            con.close()
        done |= {(e["alert_id"], e["channel"]) for e in entries if e["error"] is None}
        report = _send_all(pending, configured, done, journal)
        fold_journal(db_path, journal, [name for name, _ in configured], lock_timeout)
    return report


def _send_all(pending: list[Alert], configured: list[tuple[str, object]], done: set,
              journal) -> DeliveryReport:
    report = DeliveryReport()
    for alert in pending:
        for name, config in configured:
            if (alert.alert_id, name) in done or name in report.failed:
                continue
            try:
                CHANNELS[name].send(config, alert_record(alert))
            except DeliveryError as exc:
                report.failed[name] = str(exc)
                _note(journal, alert.alert_id, name, str(exc))
                continue
            _note(journal, alert.alert_id, name, None)
            report.sent.setdefault(name, []).append(alert.alert_id)
            done.add((alert.alert_id, name))
        if not configured or owed([alert], [n for n, _ in configured], done):
            report.pending += 1
    return report


def delivered_pairs(con) -> set[tuple[str, str]]:
    """(alert id, channel) of every delivery the catalog records."""
    return set(con.execute("select alert_id, channel from alert_deliveries "
                           "where delivered_at is not null").fetchall())


def owed(alerts: list[Alert], channel_names: list[str], done: set[tuple[str, str]]) -> list[Alert]:
    """The alerts some of these channels has not had."""
    return [a for a in alerts if any((a.alert_id, name) not in done for name in channel_names)]


def _note(journal, alert_id: str, channel: str, error) -> None:
    """Journal one send's outcome, on disk before anything else happens."""
    journal.write(json.dumps({"alert_id": alert_id, "channel": channel, "at": catalog.now_utc().isoformat(),
                              "error": error}, ensure_ascii=False) + "\n")
    journal.flush()
    os.fsync(journal.fileno())


def read_journal(journal) -> list[dict]:
    """The journal's entries, oldest first. A line cut short by a crash is left out and ended, so
    that the next entry starts on a line of its own."""
    journal.seek(0)
    text = journal.read()
    if text and not text.endswith("\n"):
        journal.write("\n")
    entries = []
    for line in text.splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def fold_journal(db_path: Path, journal, channel_names: list[str], lock_timeout: float) -> None:
    """Record the journal's entries in the catalog in one publish, then empty the journal."""
    entries = read_journal(journal)
    if entries:
        with catalog.writing(db_path, lock_timeout) as con:
            for entry in entries:
                _record(con, entry, channel_names)
    journal.truncate(0)
    journal.flush()
    os.fsync(journal.fileno())


def _record(con, entry: dict, channel_names: list[str]) -> None:
    """Note one send's outcome; mark the alert delivered when every channel has had it. A channel
    that has the alert is left alone, so folding an entry twice (killed between the publish and
    emptying the journal) cannot undo a delivery."""
    alert_id, at = entry["alert_id"], datetime.fromisoformat(entry["at"])
    con.execute(
        "insert into alert_deliveries (alert_id, channel, delivered_at, attempts, last_error) values (?, ?, ?, 1, ?) "
        "on conflict (alert_id, channel) do update "
        "set attempts = alert_deliveries.attempts + 1, delivered_at = excluded.delivered_at, "
        "last_error = excluded.last_error where alert_deliveries.delivered_at is null",
        [alert_id, entry["channel"], None if entry["error"] else at, entry["error"]])
    delivered = con.execute(
        "select count(*) from alert_deliveries where alert_id = ? and delivered_at is not null "
        "and list_contains(?, channel)", [alert_id, channel_names]).fetchone()[0]
    if channel_names and delivered == len(channel_names):
        con.execute("update alerts set delivered_at = ? where alert_id = ? and delivered_at is null",
                    [at, alert_id])
