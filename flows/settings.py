"""The settings file of nightly runs: schedule, feeds, HTTP limits and alert channels (TOML).
Each channel's table is read by its own `parse` (flows/channels.py).

Chosen by `--settings PATH`, else the `GAZETTE_SETTINGS` environment variable, else
`config/settings.toml` when it exists; with none, the drop folder is ingested and alerts are
appended to `data/warehouse/alerts.jsonl`. `config/settings.example.toml` documents every key.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from flows.channels import CHANNELS, JsonlConfig
from flows.feed_guard import host_entry, url_origin
from schemas.errors import GazetteError

SETTINGS_ENV = "GAZETTE_SETTINGS"
DEFAULT_SETTINGS = Path("config/settings.toml")
DEFAULT_JSONL = Path("data/warehouse/alerts.jsonl")
FeedKind = Literal["listing", "json", "page"]
FEED_KINDS = ("listing", "json", "page")
# Links a listing page offers as issue files, unless a feed sets its own `pattern`.
DEFAULT_LINK_PATTERN = r"(?i)\.(pdf|txt)$"


class SettingsError(GazetteError):
    """The settings file is missing a key or has a wrong value; the message names it."""


@dataclass(frozen=True)
class Schedule:
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class HttpSettings:
    timeout_seconds: float = 30.0
    retries: int = 3                     # after the first try, for timeouts, 429 and 5xx
    backoff_seconds: float = 2.0         # doubled after each retry
    max_bytes: int = 50 * 1024 * 1024    # larger bodies are refused, not truncated
    user_agent: str = "gazette-catalog/0.1"
    use_env_proxy: bool = True           # honour HTTP(S)_PROXY / NO_PROXY


@dataclass(frozen=True)
class Feed:
    """An HTTP source: a listing page of issue files, a JSON feed of them, or one policy page."""
    name: str
    url: str
    kind: FeedKind = "listing"
    pattern: str = DEFAULT_LINK_PATTERN
    allowed_hosts: tuple[str, ...] = ()  # `host` or `host:port` beyond the URL's own (flows/feed_guard.py)


@dataclass(frozen=True)
class Settings:
    raw_dir: Path = Path("data/raw")
    schedule: Schedule = Schedule()
    http: HttpSettings = HttpSettings()
    feeds: tuple[Feed, ...] = ()
    # channel name → its config, in the delivery order of flows/channels.py's CHANNELS
    channels: Mapping[str, object] = field(default_factory=lambda: {"jsonl": JsonlConfig(DEFAULT_JSONL)})


def settings_path(explicit: Path | None = None) -> Path | None:
    """The settings file in force: the one given, else $GAZETTE_SETTINGS, else config/settings.toml."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(SETTINGS_ENV):
        return Path(os.environ[SETTINGS_ENV])
    return DEFAULT_SETTINGS if DEFAULT_SETTINGS.exists() else None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file in force (see `settings_path`); defaults when there is none."""
    chosen = settings_path(path)
    if chosen is None:
        return Settings()
    if not chosen.exists():
        raise SettingsError(f"settings file {chosen} not found: copy config/settings.example.toml there")
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{chosen}: not valid TOML: {exc}") from exc
    return parse_settings(data, str(chosen))


def parse_settings(data: dict, where: str = "settings") -> Settings:
    """Settings from the parsed TOML; unknown keys are refused so that a typo is not ignored."""
    top = _table(data, where, {"raw_dir", "schedule", "http", "feeds", "channels"})
    schedule = Schedule(**_table(top.get("schedule", {}), f"{where} [schedule]", {"cron", "timezone"}))
    http = HttpSettings(**_table(top.get("http", {}), f"{where} [http]", set(HttpSettings.__annotations__)))
    feeds = tuple(_feed(entry, f"{where} [[feeds]] #{i + 1}") for i, entry in enumerate(top.get("feeds", [])))
    names = [f.name for f in feeds]
    if len(set(names)) != len(names):
        raise SettingsError(f"{where}: feed names must be unique (they name folders of data/raw): {names}")
    channels = _channels(top.get("channels"), where)
    return Settings(raw_dir=Path(top.get("raw_dir", "data/raw")), schedule=schedule, http=http,
                    feeds=feeds, channels=channels)


def _table(value, where: str, allowed: set[str]) -> dict:
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: expected a table, got {value!r}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise SettingsError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    return value


def _feed(entry, where: str) -> Feed:
    entry = dict(_table(entry, where, {"name", "url", "kind", "pattern", "allowed_hosts"}))
    for key in ("name", "url"):
        if not entry.get(key):
            raise SettingsError(f"{where}: `{key}` is required")
    if entry.get("kind", "listing") not in FEED_KINDS:
        raise SettingsError(f"{where}: kind must be one of {FEED_KINDS}, not {entry['kind']!r}")
    if "/" in entry["name"] or entry["name"].startswith("."):
        raise SettingsError(f"{where}: name {entry['name']!r} must be a plain folder name")
    try:
        url_origin(entry["url"])
    except ValueError as exc:
        raise SettingsError(f"{where}: url {entry['url']!r}: {exc}") from exc
    entry["allowed_hosts"] = _allowed_hosts(entry.get("allowed_hosts", []), where)
    return Feed(**entry)


def _allowed_hosts(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(host, str) for host in value):
        raise SettingsError(f"{where}: allowed_hosts must be a list of strings, like "
                            f'["files.example.gov.cn", "127.0.0.1:8080"], not {value!r}')
    for host in value:
        try:
            host_entry(host)
        except ValueError as exc:
            raise SettingsError(f"{where}: allowed_hosts entry {host!r}: {exc}") from exc
    return tuple(value)


def _channels(value, where: str) -> dict[str, object]:
    """Each channel's config from its table under [channels], in CHANNELS' order."""
    if value is None:
        return {"jsonl": JsonlConfig(DEFAULT_JSONL)}
    value = _table(value, f"{where} [channels]", set(CHANNELS))
    configs = {}
    for name, channel in CHANNELS.items():
        if name in value:
            table_where = f"{where} [channels.{name}]"
            try:
                configs[name] = channel.parse(_table(value[name], table_where, set(channel.keys)))
            except ValueError as exc:
                raise SettingsError(f"{table_where}: {exc}") from exc
    return configs
