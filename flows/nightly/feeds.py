"""HTTP sources: fetch a feed's new issue files and policy pages into the drop folder.

A feed is a listing page of links, a JSON feed of URLs, or one HTML policy page. Each URL is
fetched with a conditional request (the ETag / Last-Modified it last answered with, kept in
`feed_state`), a total deadline, retries with exponential backoff for timeouts, 429 and 5xx, and a
size limit (`flows.nightly.http_fetch`). Only http(s) URLs on the hosts the feed's settings allow are
fetched (`flows.feed_guard`): a listed link to another host is skipped with a warning, and each
redirect is followed here, checked like a link, up to MAX_REDIRECTS. A body is saved as
`data/raw/<feed>/<sha256 prefix>-<name>`: content-hashed, never overwritten. An HTML page keeps
its raw HTML under `data/raw/<feed>/.html/` (hidden from ingest) and its article text as a
`.txt` beside the other files, which is what gets ingested.
`feed_state` is read read-only and written by one publish of the catalog per feed fetch.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import httpx

from extractors.html_text import decode_html, html_article, page_links
from flows import catalog
from flows.feed_guard import HostPolicy, host_policy, scheme_refusal
from flows.nightly.http_fetch import Redirect, Response, RetryableStatus, feed_client, get_once
from flows.settings import Feed, HttpSettings
from schemas.errors import FeedError, RefusedURLError

HASH_PREFIX = 16
MAX_REDIRECTS = 5
SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
SUFFIX_BY_TYPE = {"application/pdf": ".pdf", "text/plain": ".txt", "text/html": ".html"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UrlState:
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None


@dataclass
class FeedReport:
    """What one feed fetch did: files saved (relative to the drop folder), unchanged URLs, errors,
    and listed links skipped because their host is not allowed (URL → why)."""
    feed: str
    saved: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def fetch(client: httpx.Client, url: str, state: UrlState, http: HttpSettings, policy: HostPolicy) -> Response:
    """GET `url` conditionally, following up to MAX_REDIRECTS redirects, each checked against the
    feed's policy; retries timeouts, connection errors, 429 and 5xx with backoff. A scheme, host
    or address the policy refuses raises FeedError at once, without a retry."""
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    target = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            refusal = scheme_refusal(target) or policy.host_refusal(target)
            if refusal:
                raise RefusedURLError(refusal)
            answer = _with_retries(client, target, headers, http)
        except RefusedURLError as exc:
            hop = "" if target == url else f" redirect to {target}"
            raise RefusedURLError(f"{url}:{hop} refused: {exc}") from exc
        if isinstance(answer, Response):
            return replace(answer, url=url)
        target = answer.location
    raise FeedError(f"{url}: more than {MAX_REDIRECTS} redirects (the last to {target})")


def _with_retries(client: httpx.Client, url: str, headers: dict, http: HttpSettings) -> Response | Redirect:
    for attempt in range(http.retries + 1):
        try:
            return get_once(client, url, headers, http)
        except (httpx.TransportError, RetryableStatus) as exc:
            if attempt == http.retries:
                raise FeedError(f"{url}: failed after {attempt + 1} tries: {_reason(exc)}") from exc
            time.sleep(http.backoff_seconds * 2 ** attempt)
    raise AssertionError("unreachable")


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, RetryableStatus) else f"{type(exc).__name__}: {exc}"


def load_state(db_path: Path, feed: str) -> dict[str, UrlState]:
    """Each URL's validators and body hash, read from the published catalog; {} before there is one.
    A catalog of older code is migrated first (one publish), as any writer would."""
    db_path = Path(db_path)
    if not db_path.exists():
        return {}
    con = catalog.connect_current(db_path)
    try:
        rows = con.execute("select url, etag, last_modified, sha256 from feed_state where feed = ?",
                           [feed]).fetchall()
    finally:
        con.close()
    return {url: UrlState(etag, modified, sha) for url, etag, modified, sha in rows}


def save_state(db_path: Path, feed: str, seen: list[tuple[Response, str | None]],
               lock_timeout: float = 600.0) -> None:
    """Remember each URL's validators and body hash, in one publish of the catalog (none when
    nothing was fetched)."""
    if not seen:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    with catalog.writing(Path(db_path), lock_timeout) as con, catalog.transaction(con):
        for resp, path in seen:
            sha = hashlib.sha256(resp.body).hexdigest() if resp.status == 200 else None
            con.execute(
                "insert into feed_state (url, feed, etag, last_modified, sha256, path, checked_at, changed_at) "
                "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (url) do update set "
                "etag = excluded.etag, last_modified = excluded.last_modified, checked_at = excluded.checked_at, "
                "sha256 = coalesce(excluded.sha256, feed_state.sha256), "
                "path = coalesce(excluded.path, feed_state.path), "
                "changed_at = coalesce(excluded.changed_at, feed_state.changed_at)",
                [resp.url, feed, resp.etag, resp.last_modified, sha, path, now,
                 now if resp.status == 200 else None])


def fetch_feed(feed: Feed, http: HttpSettings, raw_dir: Path, db_path: Path) -> FeedReport:
    """Fetch one feed's index and every URL it lists into `raw_dir/<feed.name>/`.

    The index's validators are stored only when every URL it lists was fetched, so that a URL
    that failed is tried again on the next run even when the index has not changed; likewise
    when a link was skipped, so that a host added to allowed_hosts is reached by the next run.
    """
    report = FeedReport(feed.name)
    state = load_state(db_path, feed.name)
    seen: list[tuple[Response, str | None]] = []
    try:
        policy = host_policy(feed.name, feed.url, feed.allowed_hosts)
    except FeedError as exc:
        report.errors[feed.url] = str(exc)
        return report
    with feed_client(http, policy) as client:
        try:
            index = fetch(client, feed.url, state.get(feed.url, UrlState()), http, policy)
            urls = [] if feed.kind == "page" or index.status == 304 else item_urls(feed, index)
        except FeedError as exc:
            report.errors[feed.url] = str(exc)
            return report
        items = [index] if feed.kind == "page" else []
        for url in _allowed(urls, policy, report):
            try:
                items.append(fetch(client, url, state.get(url, UrlState()), http, policy))
            except FeedError as exc:
                report.errors[url] = str(exc)
    for resp in items:
        _keep(resp, state.get(resp.url, UrlState()), raw_dir, feed.name, report, seen)
    if feed.kind != "page" and not report.errors and not report.skipped:
        if index.status == 304:
            report.unchanged += 1
        seen.append((index, None))
    save_state(db_path, feed.name, seen)
    return report


def _allowed(urls: list[str], policy: HostPolicy, report: FeedReport) -> list[str]:
    """The listed http(s) URLs on allowed hosts; each other one is skipped with a warning line
    (another scheme is left to `fetch`, which refuses it as an error)."""
    kept = []
    for url in urls:
        refusal = None if scheme_refusal(url) else policy.host_refusal(url)
        if refusal is None:
            kept.append(url)
        else:
            report.skipped[url] = refusal
            log.warning("feed %s: skipped %s: %s", report.feed, url, refusal)
    return kept


def _keep(resp: Response, known: UrlState, raw_dir: Path, feed: str, report: FeedReport,
          seen: list) -> None:
    """Save a changed body; note an unchanged one (304, or the same bytes without validators)."""
    if resp.status == 304 or hashlib.sha256(resp.body).hexdigest() == known.sha256:
        report.unchanged += 1
        seen.append((resp, None))
        return
    try:
        path = save_body(resp, raw_dir, feed)
    except FeedError as exc:
        report.errors[resp.url] = str(exc)
        return
    report.saved.append(path)
    seen.append((resp, path))


def item_urls(feed: Feed, index: Response) -> list[str]:
    """The URLs a listing page links to (those matching the feed's pattern), or a JSON feed lists."""
    if feed.kind == "json":
        try:
            data = json.loads(index.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FeedError(f"{feed.url}: not a JSON feed: {exc}") from exc
        entries = data.get("items", []) if isinstance(data, dict) else data
        urls = [e if isinstance(e, str) else (e.get("url") or e.get("external_url"))
                for e in entries if isinstance(e, (str, dict))]
        return [urljoin(feed.url, u) for u in urls if u]
    pattern = re.compile(feed.pattern)
    html = decode_html(index.body, index.charset)
    return [url for url, _ in page_links(html, feed.url) if pattern.search(url)]


def save_body(resp: Response, raw_dir: Path, feed: str) -> str:
    """Write a fetched body under its content hash (never over an existing file); an HTML page is
    kept as HTML in a hidden folder and its article text is saved for ingest. Returns the path
    ingest will read, relative to `raw_dir`.
    """
    folder = raw_dir / feed
    name = _file_name(resp)
    if name.lower().endswith((".html", ".htm")) or resp.content_type == "text/html":
        _write_once(folder / ".html", resp.body, name)
        article = html_article(decode_html(resp.body, resp.charset))
        if not article.paragraphs:
            raise FeedError(f"{resp.url}: no article text found in the HTML page")
        text_name = PurePosixPath(name).stem + ".txt"
        return _write_once(folder, article.text.encode("utf-8"), text_name).relative_to(raw_dir).as_posix()
    return _write_once(folder, resp.body, name).relative_to(raw_dir).as_posix()


def _file_name(resp: Response) -> str:
    name = SAFE_NAME.sub("_", unquote(PurePosixPath(urlparse(resp.url).path).name)).strip("._") or "index"
    if not PurePosixPath(name).suffix and resp.content_type in SUFFIX_BY_TYPE:
        name += SUFFIX_BY_TYPE[resp.content_type]
    return name


def _write_once(folder: Path, body: bytes, name: str) -> Path:
    target = folder / f"{hashlib.sha256(body).hexdigest()[:HASH_PREFIX]}-{name}"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(body)
        partial.replace(target)
    return target
