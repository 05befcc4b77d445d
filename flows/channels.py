"""Alert channels: where alerts go, one `Channel` per table under `[channels]` of the settings
file. `CHANNELS` lists them in delivery order: flows/settings.py reads each one's table with its
`parse`, flows/alerts/delivery.py hands it each alert through its `send`.

A channel receives an alert as its record (`alert_id`, `kind`, `created_at`, `issue_id`,
`doc_id`, `subject`, `summary`: the JSONL line, the webhook's body) and raises `DeliveryError`
when it cannot take it; delivery journals each send, retries and never sends twice. Imports only
`schemas`, the standard library and httpx, so that `flows.settings` may read it.
"""
from __future__ import annotations

import hashlib
import json
import os
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx

from schemas.errors import GazetteError


class DeliveryError(GazetteError):
    """A channel refused or could not take an alert; it is tried again on the next run."""


@dataclass(frozen=True)
class Channel:
    """One kind of destination. Its table `[channels.<name>]` may hold `keys` (others are refused
    before `parse` sees it); `parse(table)` returns its config, raising ValueError to say what is
    wrong; `send(config, record)` delivers one alert or raises DeliveryError."""
    name: str
    keys: frozenset[str]
    parse: Callable[[dict], object]
    send: Callable[[object, dict], None]


def alert_token(alert_id: str) -> str:
    """An ASCII stand-in for an alert id (ids hold Chinese 文号), for HTTP and mail headers."""
    return hashlib.sha256(alert_id.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class JsonlConfig:
    path: Path


def parse_jsonl(table: dict) -> JsonlConfig:
    if "path" not in table:
        raise ValueError("`path` is required")
    return JsonlConfig(Path(table["path"]))


def send_jsonl(config: JsonlConfig, record: dict) -> None:
    """Append one line; an alert id already in the file is not written again."""
    path = Path(config.path)
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            if any(json.loads(line).get("alert_id") == record["alert_id"] for line in fh if line.strip()):
                return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    timeout_seconds: float = 10.0


def parse_webhook(table: dict) -> WebhookConfig:
    if "url" not in table:
        raise ValueError("`url` is required")
    return WebhookConfig(**table)


def send_webhook(config: WebhookConfig, record: dict) -> None:
    try:
        resp = httpx.post(config.url, json=record, timeout=config.timeout_seconds,
                          headers={"Idempotency-Key": alert_token(record["alert_id"])})
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook {config.url}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= resp.status_code < 300:
        raise DeliveryError(f"webhook {config.url}: HTTP {resp.status_code}")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    timeout_seconds: float = 10.0
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None   # name of the variable holding the password, never the password


def parse_smtp(table: dict) -> SmtpConfig:
    raw = dict(table)
    to = raw.pop("to", [])
    recipients = (to,) if isinstance(to, str) else tuple(to)
    if not recipients or "from" not in raw or "host" not in raw:
        raise ValueError("`host`, `from` and `to` are required")
    return SmtpConfig(host=raw.pop("host"), port=int(raw.pop("port", 25)), sender=raw.pop("from"),
                      recipients=recipients, **raw)


def send_smtp(config: SmtpConfig, record: dict) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"[gazette] {record['subject']}"
    msg["From"] = config.sender
    msg["To"] = ", ".join(config.recipients)
    msg["Message-ID"] = f"<{alert_token(record['alert_id'])}@gazette-catalog>"
    msg["X-Gazette-Alert-Id"] = record["alert_id"]
    msg.set_content(record["summary"] + "\n")
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, os.environ.get(config.password_env or "", ""))
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"smtp {config.host}:{config.port}: {type(exc).__name__}: {exc}") from exc


CHANNELS: dict[str, Channel] = {channel.name: channel for channel in (
    Channel("jsonl", frozenset({"path"}), parse_jsonl, send_jsonl),
    Channel("webhook", frozenset({"url", "timeout_seconds"}), parse_webhook, send_webhook),
    Channel("smtp", frozenset({"host", "port", "from", "to", "timeout_seconds", "starttls", "username",
                               "password_env"}), parse_smtp, send_smtp),
)}
