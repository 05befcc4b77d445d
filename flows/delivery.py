"""Alert delivery: a JSONL file, a webhook (POST JSON) and e-mail over SMTP, each at most once.

Each (alert, channel) send is recorded in `alert_deliveries` right after it succeeds, in its own
short transaction, so the catalog is not held while a network call waits. A failed send keeps
`delivered_at` null and is tried again on the next run; a channel that fails is not tried again
in the same run (a dead webhook costs one timeout, not one per alert). `alerts.delivered_at` is
set once every configured channel has the alert. Receivers can deduplicate by the alert id: it is
the `alert_id` of the JSONL record and webhook body, and `alert_token` of it in the webhook's
`Idempotency-Key` header and the e-mail's Message-ID.
"""
from __future__ import annotations

import hashlib
import json
import os
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

import httpx

from flows import catalog
from flows.alerts import Alert, list_alerts
from flows.settings import Channels, JsonlChannel, SmtpChannel, WebhookChannel
from schemas.errors import GazetteError


class DeliveryError(GazetteError):
    """A channel refused or could not take an alert; it is tried again on the next run."""


@dataclass
class DeliveryReport:
    """Sends per channel in one run, and the alerts still waiting for some channel."""
    sent: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    pending: int = 0


def alert_token(alert_id: str) -> str:
    """An ASCII stand-in for an alert id (ids hold Chinese 文号), for HTTP and mail headers."""
    return hashlib.sha256(alert_id.encode("utf-8")).hexdigest()[:32]


def alert_record(alert: Alert) -> dict:
    """The JSON form of an alert, as written to the JSONL file and posted to the webhook."""
    return {"alert_id": alert.alert_id, "kind": alert.kind, "created_at": alert.created_at.isoformat(),
            "issue_id": alert.issue_id, "doc_id": alert.doc_id, "subject": alert.subject,
            "summary": alert.summary}


def send_jsonl(channel: JsonlChannel, alert: Alert) -> None:
    """Append one line; an alert id already in the file is not written again."""
    path = Path(channel.path)
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            if any(json.loads(line).get("alert_id") == alert.alert_id for line in fh if line.strip()):
                return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(alert_record(alert), ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def send_webhook(channel: WebhookChannel, alert: Alert) -> None:
    try:
        resp = httpx.post(channel.url, json=alert_record(alert), timeout=channel.timeout_seconds,
                          headers={"Idempotency-Key": alert_token(alert.alert_id)})
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook {channel.url}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= resp.status_code < 300:
        raise DeliveryError(f"webhook {channel.url}: HTTP {resp.status_code}")


def send_smtp(channel: SmtpChannel, alert: Alert) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"[gazette] {alert.subject}"
    msg["From"] = channel.sender
    msg["To"] = ", ".join(channel.recipients)
    msg["Message-ID"] = f"<{alert_token(alert.alert_id)}@gazette-catalog>"
    msg["X-Gazette-Alert-Id"] = alert.alert_id
    msg.set_content(alert.summary + "\n")
    try:
        with smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout_seconds) as smtp:
            if channel.starttls:
                smtp.starttls()
            if channel.username:
                smtp.login(channel.username, os.environ.get(channel.password_env or "", ""))
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"smtp {channel.host}:{channel.port}: {type(exc).__name__}: {exc}") from exc


SENDERS = {"jsonl": send_jsonl, "webhook": send_webhook, "smtp": send_smtp}


def deliver_pending(db_path: Path, channels: Channels) -> DeliveryReport:
    """Send every undelivered alert to each configured channel that has not had it yet."""
    report = DeliveryReport()
    configured = channels.configured()
    con = catalog.connect(db_path)
    try:
        pending = list_alerts(con, undelivered=True)
        done = set(con.execute("select alert_id, channel from alert_deliveries "
                               "where delivered_at is not null").fetchall())
    finally:
        con.close()
    for alert in pending:
        for name, channel in configured:
            if (alert.alert_id, name) in done or name in report.failed:
                continue
            try:
                SENDERS[name](channel, alert)
            except DeliveryError as exc:
                report.failed[name] = str(exc)
                _record(db_path, alert.alert_id, name, str(exc), [n for n, _ in configured])
                continue
            report.sent.setdefault(name, []).append(alert.alert_id)
            done.add((alert.alert_id, name))
            _record(db_path, alert.alert_id, name, None, [n for n, _ in configured])
        if not configured or any((alert.alert_id, n) not in done for n, _ in configured):
            report.pending += 1
    return report


def _record(db_path: Path, alert_id: str, channel: str, error, channel_names: list[str]) -> None:
    """Note one send's outcome; mark the alert delivered when every channel has had it."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con = catalog.connect(db_path)
    try:
        con.execute("begin transaction")
        con.execute(
            "insert into alert_deliveries values (?, ?, ?, 1, ?) on conflict (alert_id, channel) do update "
            "set attempts = alert_deliveries.attempts + 1, delivered_at = excluded.delivered_at, "
            "last_error = excluded.last_error",
            [alert_id, channel, None if error else now, error])
        delivered = con.execute(
            "select count(*) from alert_deliveries where alert_id = ? and delivered_at is not null "
            "and list_contains(?, channel)", [alert_id, channel_names]).fetchone()[0]
        if delivered == len(channel_names):
            con.execute("update alerts set delivered_at = ? where alert_id = ?", [now, alert_id])
        con.execute("commit")
    finally:
        con.close()
