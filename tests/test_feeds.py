"""HTTP feeds against a loopback site on 127.0.0.1 (started here, nothing else is contacted):
conditional requests, retries with backoff, timeouts, the size limit, content-hashed files."""
from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from flows import catalog
from flows.nightly.feeds import fetch_feed
from flows.settings import Feed, HttpSettings
from tests.conftest import sample
from tests.test_reliability import held_reader

FAST = HttpSettings(timeout_seconds=2.0, retries=2, backoff_seconds=0.01, max_bytes=1_000_000,
                    use_env_proxy=False)
LAST_MODIFIED = "Thu, 24 Jul 2025 02:00:00 GMT"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that timed out on purpose closes its end: nothing to report


@dataclass
class LoopbackSite:
    """A tiny web site and webhook on 127.0.0.1: GET serves `pages` with an ETag and answers 304
    to a matching If-None-Match; `fail[path] = n` answers the next n requests with 503;
    `delay[path]` sleeps first. POSTs are kept in `posts`; `fail_posts = n` answers n with 500."""
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    fail: dict[str, int] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    fail_posts: int = 0

    def __post_init__(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append(("GET", self.path, dict(self.headers)))
                time.sleep(site.delay.get(self.path, 0))
                if site.fail.get(self.path, 0) > 0:
                    site.fail[self.path] -= 1
                    return self._reply(503, b"busy")
                if self.path not in site.pages:
                    return self._reply(404, b"not found")
                body, ctype = site.pages[self.path]
                etag = f'"{hashlib.sha256(body).hexdigest()[:12]}"'
                if self.headers.get("If-None-Match") == etag:
                    return self._reply(304, b"", {"ETag": etag})
                self._reply(200, body, {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Content-Type": ctype})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                site.requests.append(("POST", self.path, dict(self.headers)))
                if site.fail_posts > 0:
                    site.fail_posts -= 1
                    return self._reply(500, b"down")
                site.posts.append(json.loads(body))
                self._reply(204, b"")

            def _reply(self, status, body, headers=None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                if status not in (204, 304):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status not in (204, 304):
                    self.wfile.write(body)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def gets(self, path: str) -> list[dict]:
        return [headers for method, p, headers in self.requests if method == "GET" and p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def html_page(title: str, text: str) -> bytes:
    """A policy page the way a TRS CMS publishes it: navigation, a title, the body in div.TRS_Editor."""
    paragraphs = "".join(f"<p style='text-indent:2em'>{line}</p>\n" for line in text.splitlines() if line.strip())
    return (f"<html><head><meta charset='utf-8'><title>{title}_北京市人民政府网站</title>"
            f"<script>var nav = '<p>不是正文</p>';</script></head><body>"
            f"<div class='nav'><a href='/'>首页</a> &gt; <a href='/zhengce/'>政策文件</a></div>"
            f"<h1>{title}</h1><div class='TRS_Editor'>{paragraphs}</div>"
            f"<div class='footer'>主办：北京市人民政府办公厅</div></body></html>").encode()


@pytest.fixture()
def site():
    s = LoopbackSite()
    yield s
    s.close()


@pytest.fixture()
def dirs(tmp_path):
    return tmp_path / "raw", tmp_path / "catalog.duckdb"


def listing(*names: str) -> bytes:
    links = "".join(f"<li><a href='files/{n}'>{n}</a></li>" for n in names)
    return f"<html><body><a href='/about.html'>关于</a><ul>{links}</ul></body></html>".encode()


def serve_listing(site: LoopbackSite, files: dict[str, str]) -> None:
    """Serve /list.html linking each file, and each file's text under /files/."""
    site.pages["/list.html"] = (listing(*files), "text/html")
    site.pages.update({f"/files/{name}": (text.encode("utf-8"), "text/plain") for name, text in files.items()})


def test_listing_downloads_linked_files_once_with_conditional_requests(site, dirs):
    raw, db = dirs
    gazette = sample("beijing-gazette-2025-27.txt").read_bytes()
    site.pages["/list.html"] = (listing("beijing-gazette-2025-27.txt"), "text/html; charset=utf-8")
    site.pages["/files/beijing-gazette-2025-27.txt"] = (gazette, "text/plain")
    feed = Feed(name="bjgb", url=f"{site.url}/list.html")

    first = fetch_feed(feed, FAST, raw, db)
    name = f"bjgb/{hashlib.sha256(gazette).hexdigest()[:16]}-beijing-gazette-2025-27.txt"
    assert (first.saved, first.errors) == ([name], {})
    assert (raw / name).read_bytes() == gazette
    assert site.gets("/about.html") == []  # only links matching the pattern are fetched

    second = fetch_feed(feed, FAST, raw, db)
    assert (second.saved, second.unchanged, second.errors) == ([], 1, {})
    assert site.gets("/list.html")[1]["If-None-Match"].startswith('"')
    assert site.gets("/list.html")[1]["If-Modified-Since"] == LAST_MODIFIED
    assert len(site.gets("/files/beijing-gazette-2025-27.txt")) == 1  # unchanged index: items not refetched
    con = catalog.connect(db)
    assert con.execute("select url, path from feed_state order by url").fetchall() == [
        (f"{site.url}/files/beijing-gazette-2025-27.txt", name), (f"{site.url}/list.html", None)]
    con.close()


def test_a_changed_file_is_saved_beside_the_old_one(site, dirs):
    raw, db = dirs
    serve_listing(site, {"notice.txt": "第一版"})
    feed = Feed(name="notices", url=f"{site.url}/list.html")
    fetch_feed(feed, FAST, raw, db)
    site.pages["/files/notice.txt"] = ("第二版".encode(), "text/plain")
    site.pages["/list.html"] = (listing("notice.txt") + b" ", "text/html")
    report = fetch_feed(feed, FAST, raw, db)
    assert len(report.saved) == 1
    files = sorted(p.read_text(encoding="utf-8") for p in (raw / "notices").glob("*-notice.txt"))
    assert files == ["第一版", "第二版"]
    # the item's own ETag was sent back: the server could answer 304 for an unchanged file
    assert site.gets("/files/notice.txt")[1]["If-None-Match"].startswith('"')


def test_json_feed_lists_issue_files(site, dirs):
    raw, db = dirs
    site.pages["/feed.json"] = (json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "url": "/files/jjgf-2025-9.pdf"}]}).encode(), "application/feed+json")
    pdf = sample("jjgf-2025-9.pdf").read_bytes()
    site.pages["/files/jjgf-2025-9.pdf"] = (pdf, "application/pdf")
    report = fetch_feed(Feed(name="jjgf", url=f"{site.url}/feed.json", kind="json"), FAST, raw, db)
    assert report.saved == [f"jjgf/{hashlib.sha256(pdf).hexdigest()[:16]}-jjgf-2025-9.pdf"]


def test_server_errors_are_retried_with_backoff(site, dirs):
    raw, db = dirs
    site.pages["/page.html"] = (html_page("通知", "第一条 正文。"), "text/html")
    site.fail["/page.html"] = 2
    report = fetch_feed(Feed(name="p", url=f"{site.url}/page.html", kind="page"), FAST, raw, db)
    assert report.errors == {} and len(report.saved) == 1
    assert len(site.gets("/page.html")) == 3


def test_a_feed_failing_after_its_retries_is_reported_and_tried_again(site, dirs):
    raw, db = dirs
    site.pages["/list.html"] = (listing("a.txt"), "text/html")
    site.pages["/files/a.txt"] = ("正文".encode(), "text/plain")
    site.fail["/files/a.txt"] = 3
    feed = Feed(name="f", url=f"{site.url}/list.html")
    report = fetch_feed(feed, FAST, raw, db)
    assert list(report.errors) == [f"{site.url}/files/a.txt"]
    assert "failed after 3 tries: HTTP 503" in report.errors[f"{site.url}/files/a.txt"]
    again = fetch_feed(feed, FAST, raw, db)  # the index was not marked seen: the file is fetched
    assert again.errors == {} and len(again.saved) == 1


def test_timeout(site, dirs):
    raw, db = dirs
    site.pages["/slow.txt"] = (b"x", "text/plain")
    site.delay["/slow.txt"] = 0.6
    http = HttpSettings(timeout_seconds=0.2, retries=1, backoff_seconds=0.01, use_env_proxy=False)
    report = fetch_feed(Feed(name="s", url=f"{site.url}/slow.txt", kind="page"), http, raw, db)
    assert "failed after 2 tries: ReadTimeout" in report.errors[f"{site.url}/slow.txt"]


def test_size_limit(site, dirs):
    raw, db = dirs
    site.pages["/list.html"] = (listing("big.pdf"), "text/html")
    site.pages["/files/big.pdf"] = (b"%PDF" + b"0" * 2000, "application/pdf")
    http = HttpSettings(max_bytes=1000, retries=0, use_env_proxy=False)
    report = fetch_feed(Feed(name="b", url=f"{site.url}/list.html"), http, raw, db)
    assert "2004 bytes, over the limit of 1000" in report.errors[f"{site.url}/files/big.pdf"]
    assert not (raw / "b").exists()


def test_html_policy_page_is_kept_and_its_article_text_saved_for_ingest(site, dirs):
    raw, db = dirs
    text = sample("changping-pharma-2025-draft.txt").read_text(encoding="utf-8")
    page = html_page("昌平组团促进医药健康产业发展支持办法（修订稿）（征求意见稿）", text)
    site.pages["/zhengce/t20250601_1.html"] = (page, "text/html; charset=utf-8")
    report = fetch_feed(Feed(name="cp", url=f"{site.url}/zhengce/t20250601_1.html", kind="page"), FAST, raw, db)
    [saved] = report.saved
    assert saved.startswith("cp/") and saved.endswith("-t20250601_1.txt")
    assert [p.name for p in (raw / "cp" / ".html").iterdir()] == [
        f"{hashlib.sha256(page).hexdigest()[:16]}-t20250601_1.html"]
    # the title printed at the top of the body is not repeated; navigation, script, footer left out
    lines = (raw / saved).read_text(encoding="utf-8").splitlines()
    assert lines == [re.sub(r"\s+", " ", line.strip()) for line in text.splitlines() if line.strip()]


def test_listing_of_policy_pages(site, dirs):
    raw, db = dirs
    site.pages["/zhengce/index.html"] = (
        b"<html><body><a href='/'>home</a><a href='t20250430_9.html'>9</a></body></html>", "text/html")
    site.pages["/zhengce/t20250430_9.html"] = (html_page("关于促进医药健康产业高质量发展的若干意见",
                                                         "第一条 单个企业每年支持额度不超过 1 亿元。"), "text/html")
    feed = Feed(name="kfq", url=f"{site.url}/zhengce/index.html", pattern=r"/zhengce/t\d+_\d+\.html$")
    [saved] = fetch_feed(feed, FAST, raw, db).saved
    assert (raw / saved).read_text(encoding="utf-8") == (
        "关于促进医药健康产业高质量发展的若干意见\n第一条 单个企业每年支持额度不超过 1 亿元。\n")
    assert site.gets("/") == []


def test_a_reader_holding_the_catalog_does_not_block_saving_feed_state(site, dirs):
    raw, db = dirs
    serve_listing(site, {"a.txt": "甲"})
    feed = Feed(name="f", url=f"{site.url}/list.html")
    fetch_feed(feed, FAST, raw, db)
    with held_reader(db, "select count(*) from feed_state") as ask:
        assert ask() == "2"
        serve_listing(site, {"a.txt": "甲", "b.txt": "乙"})
        report = fetch_feed(feed, FAST, raw, db)
        assert (len(report.saved), report.unchanged, report.errors) == (1, 1, {})
        assert ask() == "2"  # its snapshot
    con = catalog.connect(db, read_only=True)
    assert con.execute("select count(*) from feed_state").fetchone()[0] == 3
    con.close()


def test_feed_state_of_a_catalog_from_older_code_is_read_after_migrating_it(site, dirs):
    from schemas.ddl import latest_version, migrations

    raw, db = dirs
    body = "甲".encode()
    site.pages["/a.txt"] = (body, "text/plain")
    con = duckdb.connect(str(db))  # the catalog as the code before the latest migration left it
    for mg in migrations()[:-1]:
        con.execute(mg.sql)
        con.execute("insert into schema_migrations values (?, ?, now())", [mg.version, mg.name])
    con.execute("insert into feed_state (url, feed, etag, checked_at) values (?, 'f', ?, now())",
                [f"{site.url}/a.txt", f'"{hashlib.sha256(body).hexdigest()[:12]}"'])
    con.close()
    report = fetch_feed(Feed(name="f", url=f"{site.url}/a.txt", kind="page"), FAST, raw, db)
    assert (report.saved, report.unchanged, report.errors) == ([], 1, {})  # its ETag sent back: 304
    con = catalog.connect(db, read_only=True)
    assert catalog.schema_version(con) == latest_version()
    con.close()
