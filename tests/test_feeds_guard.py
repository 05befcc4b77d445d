"""Feeds reach only what their settings name: hosts (allowed_hosts), redirects checked hop by hop,
public addresses, http(s) only, and one deadline per request. Against loopback servers started
here on ephemeral ports; names like feeds.test resolve only through this file's resolver."""
from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from flows import catalog
from flows.feed_guard import address_kind, host_policy
from flows.nightly.feeds import fetch_feed
from flows.settings import Feed, HttpSettings, SettingsError, parse_settings
from tests.test_feeds import FAST, LoopbackSite, _QuietServer


class ScriptedSite:
    """A loopback server whose paths answer as scripted: `routes[path](handler)` writes the whole
    answer. Every GET path is recorded in `gets`."""

    def __init__(self, routes: dict, tls: ssl.SSLContext | None = None):
        self.gets: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.gets.append(self.path)
                routes[self.path](self)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        if tls:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def links(*hrefs: str) -> bytes:
    return "".join(f"<a href='{href}'>{href}</a>" for href in hrefs).encode("utf-8")


def redirect(location: str, status: int = 302):
    def answer(handler):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return answer


def text(body: str):
    def answer(handler):
        data = body.encode("utf-8")
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    return answer


def drip(size: int, gap: float, in_headers: bool = False):
    """`size` bytes, one every `gap` seconds: in the body, or in a header line before it."""
    def answer(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
        if not in_headers:
            handler.wfile.write(f"Content-Length: {size}\r\n\r\n".encode())
        for _ in range(size):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(gap)
    return answer


@pytest.fixture()
def sites():
    made = []

    def make(routes=None, tls=None):
        made.append(ScriptedSite(routes, tls) if routes is not None else LoopbackSite())
        return made[-1]
    yield make
    for site in made:
        site.close()


@pytest.fixture()
def dirs(tmp_path):
    return tmp_path / "raw", tmp_path / "catalog.duckdb"


@pytest.fixture()
def resolver(monkeypatch):
    """`names[host] = address` makes `host` resolve to `address`; `lookups` lists every name asked."""
    real = socket.getaddrinfo
    names, lookups = {}, []

    def getaddrinfo(host, *args, **kwargs):
        lookups.append(host)
        return real(names.get(host, host), *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names, lookups


@pytest.fixture()
def no_proxy_env(monkeypatch):
    """No proxy from the environment of whoever runs the tests (use_env_proxy = true tests)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


# 1. The hosts a feed may fetch -----------------------------------------------------------------

def test_listed_links_to_other_hosts_are_skipped_with_one_warning_each(sites, dirs, caplog):
    raw, db = dirs
    site, other = sites(), sites()
    port = site.server.server_address[1]
    away = [f"{other.url}/files/b.txt", f"http://localhost:{port}/files/c.txt",
            f"http://2130706433:{port}/files/d.txt"]
    site.pages["/list.html"] = (links("files/a.txt", *away), "text/html")
    site.pages["/files/a.txt"] = ("甲".encode(), "text/plain")
    other.pages["/files/b.txt"] = ("乙".encode(), "text/plain")
    feed = Feed(name="f", url=f"{site.url}/list.html")

    report = fetch_feed(feed, FAST, raw, db)
    assert (len(report.saved), report.errors) == (1, {})
    assert report.skipped == {
        away[0]: f"host 127.0.0.1:{other.server.server_address[1]} is not allowed: add it to allowed_hosts of feed 'f'",
        away[1]: f"host localhost:{port} is not allowed: add it to allowed_hosts of feed 'f'",
        away[2]: f"host 2130706433:{port} is not allowed: add it to allowed_hosts of feed 'f'"}
    assert other.requests == [] and [p for _, p, _ in site.requests] == ["/list.html", "/files/a.txt"]
    assert [r.getMessage() for r in caplog.records if r.name == "flows.nightly.feeds"] == [
        f"feed f: skipped {url}: {reason}" for url, reason in report.skipped.items()]
    # the index is not marked seen: once allowed_hosts names the host, the next run reaches it
    again = fetch_feed(Feed(name="f", url=feed.url, allowed_hosts=(f"127.0.0.1:{other.server.server_address[1]}",)),
                       FAST, raw, db)
    assert "If-None-Match" not in site.gets("/list.html")[1]
    assert (len(again.saved), again.unchanged, list(again.skipped)) == (1, 1, away[1:])
    assert len(other.gets("/files/b.txt")) == 1


@pytest.mark.parametrize("url, allowed", [
    ("https://www.beijing.gov.cn/zhengce/a.pdf", True),
    ("http://www.beijing.gov.cn/zhengce/a.pdf", True),         # the site's own host over http
    ("https://WWW.Beijing.gov.cn./a.pdf", True),               # case and a trailing dot do not matter
    ("https://www.beijing.gov.cn:8443/a.pdf", False),          # another port: another service
    ("https://beijing.gov.cn/a.pdf", False),                   # a parent domain is another host
    ("https://files.beijing.gov.cn/a.pdf", True),              # allowed_hosts, default ports
    ("https://127.0.0.1:8080/a.pdf", True),                    # allowed_hosts with a port: that one
    ("http://127.0.0.1/a.pdf", False),
    ("http://[::1]:8080/a.pdf", False), ("http://2130706433:8080/a.pdf", False)])
def test_which_hosts_and_ports_a_feed_may_fetch(url, allowed):
    policy = host_policy("f", "https://www.beijing.gov.cn/zhengce/", ("files.beijing.gov.cn", "127.0.0.1:8080"))
    assert (policy.host_refusal(url) is None) == allowed


def test_a_feed_url_with_a_port_allows_that_port_only():
    policy = host_policy("f", "http://127.0.0.1:8000/list.html")
    assert [policy.host_refusal(u) for u in ("http://127.0.0.1:8000/a", "http://127.0.0.1/a",
                                            "https://127.0.0.1/a", "http://127.0.0.1:8001/a")] == [
        None, "host 127.0.0.1 is not allowed: add it to allowed_hosts of feed 'f'",
        "host 127.0.0.1 is not allowed: add it to allowed_hosts of feed 'f'",
        "host 127.0.0.1:8001 is not allowed: add it to allowed_hosts of feed 'f'"]


def test_allowed_hosts_are_read_and_checked_in_settings():
    def feed(**keys):
        return parse_settings({"feeds": [{"name": "f", "url": "https://www.beijing.gov.cn/gongbao/", **keys}]},
                              "s.toml")
    assert feed(allowed_hosts=["files.beijing.gov.cn", "127.0.0.1:8080", "[::1]:81"]).feeds[0].allowed_hosts == (
        "files.beijing.gov.cn", "127.0.0.1:8080", "[::1]:81")
    assert feed().feeds[0].allowed_hosts == ()
    for value, message in [
            ("files.beijing.gov.cn", "s.toml [[feeds]] #1: allowed_hosts must be a list of strings"),
            ([8080], "s.toml [[feeds]] #1: allowed_hosts must be a list of strings"),
            (["https://files.beijing.gov.cn"], "s.toml [[feeds]] #1: allowed_hosts entry 'https://files.beijing.gov.cn': "
                                               "expected a host name or address, optionally with :port, nothing else"),
            (["files.beijing.gov.cn/pdf"], "entry 'files.beijing.gov.cn/pdf': expected a host name"),
            (["user@files.beijing.gov.cn"], "entry 'user@files.beijing.gov.cn': expected a host name"),
            (["files.beijing.gov.cn:99999"], "entry 'files.beijing.gov.cn:99999': Port out of range"),
            (["2130706433"], "entry '2130706433': 2130706433 is a numeric host: write the address it means "
                             "in dotted form"),
            (["0x7f.1"], "entry '0x7f.1': 0x7f.1 is a numeric host")]:
        with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace(".", r"\.")):
            feed(allowed_hosts=value)
    for url, message in [("ftp://www.beijing.gov.cn/a.pdf", "expected an http:// or https:// URL with a host"),
                         ("file:///etc/passwd", "expected an http:// or https:// URL with a host"),
                         ("http://2130706433/", "2130706433 is a numeric host")]:
        with pytest.raises(SettingsError, match=rf"s\.toml \[\[feeds\]\] #1: url '{url}': {message}"):
            parse_settings({"feeds": [{"name": "f", "url": url}]}, "s.toml")


# 2. Redirects, followed by our code hop by hop -------------------------------------------------------

def test_a_redirect_to_a_host_not_allowed_is_refused_without_retry(sites, dirs):
    raw, db = dirs
    other = sites({"/b.txt": text("乙")})
    site = sites({"/go": redirect(f"{other.url}/b.txt"), "/go-numeric": redirect("http://2130706433/b.txt")})
    report = fetch_feed(Feed(name="f", url=f"{site.url}/go", kind="page"), FAST, raw, db)
    assert report.errors == {f"{site.url}/go": f"{site.url}/go: redirect to {other.url}/b.txt refused: host "
                                               f"127.0.0.1:{other.port} is not allowed: add it to allowed_hosts of feed 'f'"}
    report = fetch_feed(Feed(name="f", url=f"{site.url}/go-numeric", kind="page"), FAST, raw, db)
    assert "redirect to http://2130706433/b.txt refused: host 2130706433 is not allowed" in report.errors[
        f"{site.url}/go-numeric"]
    assert (site.gets, other.gets, report.saved) == (["/go", "/go-numeric"], [], [])


def test_a_redirect_to_an_allowed_host_is_followed(sites, dirs):
    raw, db = dirs
    other = sites({"/files/b.txt": text("乙"), "/hop": redirect("/files/b.txt", 307)})
    site = sites({"/go": redirect(f"{other.url}/hop", 301)})
    feed = Feed(name="f", url=f"{site.url}/go", kind="page", allowed_hosts=(f"127.0.0.1:{other.port}",))
    report = fetch_feed(feed, FAST, raw, db)
    assert report.errors == {} and len(report.saved) == 1 and report.saved[0].endswith("-go.txt")
    assert (raw / report.saved[0]).read_text(encoding="utf-8") == "乙"
    assert (site.gets, other.gets) == (["/go"], ["/hop", "/files/b.txt"])
    con = catalog.connect(db, read_only=True)
    assert con.execute("select url from feed_state").fetchall() == [(f"{site.url}/go",)]
    con.close()


def test_redirects_stop_at_the_hop_limit(sites, dirs):
    raw, db = dirs
    site = sites({"/loop": redirect("/loop")})
    report = fetch_feed(Feed(name="f", url=f"{site.url}/loop", kind="page"), FAST, raw, db)
    assert report.errors == {f"{site.url}/loop": f"{site.url}/loop: more than 5 redirects (the last to {site.url}/loop)"}
    assert len(site.gets) == 6


# 3. Addresses: public ones, or those the settings name ----------------------------------------------

@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.1.2.3", "private"), ("2002:7f00:1::", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fc00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("240.0.0.1", "private"),
    ("64:ff9b::7f00:1", "reserved"), ("100.64.0.1", "non-public"),
    ("8.8.8.8", None), ("2001:4860:4860::8888", None), ("2002:808:808::", None)])
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


@pytest.mark.parametrize("address", ["127.0.0.1", "::ffff:127.0.0.1"])
def test_a_name_resolving_to_loopback_is_refused_unless_the_address_is_named(sites, dirs, resolver, address):
    raw, db = dirs
    names, lookups = resolver
    site = sites({"/page.txt": text("甲")})
    names["feeds.test"] = address
    url = f"http://feeds.test:{site.port}/page.txt"
    report = fetch_feed(Feed(name="f", url=url, kind="page"), FAST, raw, db)
    assert report.errors == {url: f"{url}: refused: feeds.test resolves to {address}, a loopback address; "
                                  f"if feed 'f' is meant to reach it, add {address} to its allowed_hosts"}
    assert site.gets == [] and lookups == ["feeds.test"]  # refused at once: one lookup, no retry


def test_a_named_address_is_reached_by_the_address_that_was_checked(sites, dirs, resolver):
    raw, db = dirs
    names, lookups = resolver
    site = sites({"/page.txt": text("甲")})
    names["feeds.test"] = "127.0.0.1"
    url = f"http://feeds.test:{site.port}/page.txt"
    report = fetch_feed(Feed(name="f", url=url, kind="page", allowed_hosts=("127.0.0.1",)), FAST, raw, db)
    assert report.errors == {} and len(report.saved) == 1
    # the name was resolved once, by the check; the connection went to the address it gave
    assert lookups.count("feeds.test") == 1


def test_feeds_on_loopback_named_by_their_own_url(sites, dirs):
    raw, db = dirs
    site = sites({"/a.txt": text("甲"), "/b.txt": text("乙")})
    by_address = fetch_feed(Feed(name="a", url=f"{site.url}/a.txt", kind="page"), FAST, raw, db)
    by_name = fetch_feed(Feed(name="b", url=f"http://localhost:{site.port}/b.txt", kind="page"), FAST, raw, db)
    assert (by_address.errors, len(by_address.saved), by_name.errors, len(by_name.saved)) == ({}, 1, {}, 1)


def test_https_is_verified_against_the_host_name_not_the_checked_address(sites, dirs, resolver, tmp_path,
                                                                         monkeypatch, no_proxy_env):
    if not shutil.which("openssl"):
        pytest.skip("the openssl command makes the test certificate")
    raw, db = dirs
    names, _ = resolver
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=feeds.test", "-addext", "subjectAltName=DNS:feeds.test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    site = sites({"/a.txt": text("甲")}, tls=tls)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    names["feeds.test"] = names["other.test"] = "127.0.0.1"
    http = HttpSettings(retries=0, use_env_proxy=True)
    good = fetch_feed(Feed(name="a", url=f"https://feeds.test:{site.port}/a.txt", kind="page",
                           allowed_hosts=("127.0.0.1",)), http, raw, db)
    assert (good.errors, [(raw / p).read_text(encoding="utf-8") for p in good.saved]) == ({}, ["甲"])
    wrong = fetch_feed(Feed(name="b", url=f"https://other.test:{site.port}/a.txt", kind="page",
                            allowed_hosts=("127.0.0.1",)), http, raw, db)
    error = wrong.errors[f"https://other.test:{site.port}/a.txt"]
    assert "ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED]" in error and "Hostname mismatch" in error


# 4. http and https only -------------------------------------------------------------------------

def test_other_schemes_are_refused_at_once_without_retry(sites, dirs, monkeypatch):
    raw, db = dirs
    sends = []
    real_send = httpx.Client.send
    monkeypatch.setattr(httpx.Client, "send", lambda self, request, **kw: sends.append(str(request.url))
                        or real_send(self, request, **kw))
    items = ["ftp://127.0.0.1/a.txt", "file:///etc/passwd", "javascript:alert(1)"]
    site = sites({"/feed.json": text(json.dumps({"items": [{"url": u} for u in items]})),
                  "/go": redirect("ftp://127.0.0.1/a.txt")})
    slow = HttpSettings(timeout_seconds=2.0, retries=3, backoff_seconds=0.5, use_env_proxy=False)
    started = time.monotonic()
    report = fetch_feed(Feed(name="j", url=f"{site.url}/feed.json", kind="json"), slow, raw, db)
    hop = fetch_feed(Feed(name="r", url=f"{site.url}/go", kind="page"), slow, raw, db)
    direct = fetch_feed(Feed(name="d", url="ftp://127.0.0.1/a.txt", kind="page"), slow, raw, db)
    assert time.monotonic() - started < 0.5  # no backoff: 0.5 + 1 + 2 s a URL if they were retried
    assert report.errors == {
        "ftp://127.0.0.1/a.txt": "ftp://127.0.0.1/a.txt: refused: scheme 'ftp' is not fetched (only http and https)",
        "file:///etc/passwd": "file:///etc/passwd: refused: scheme 'file' is not fetched (only http and https)",
        "javascript:alert(1)": "javascript:alert(1): refused: scheme 'javascript' is not fetched (only http and https)"}
    assert hop.errors == {f"{site.url}/go": f"{site.url}/go: redirect to ftp://127.0.0.1/a.txt refused: "
                                            "scheme 'ftp' is not fetched (only http and https)"}
    assert direct.errors == {"ftp://127.0.0.1/a.txt": "ftp://127.0.0.1/a.txt: feed 'd' cannot be fetched: "
                                                      "expected an http:// or https:// URL with a host"}
    assert sends == [f"{site.url}/feed.json", f"{site.url}/go"]  # the refused URLs: no attempt at all


# 5. One deadline per request ------------------------------------------------------------------------

@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_dripping_answer_fails_at_the_deadline(sites, dirs, in_headers):
    raw, db = dirs
    site = sites({"/drip.txt": drip(40, 0.2, in_headers)})  # 8 s in all; each byte well within 1 s
    http = HttpSettings(timeout_seconds=1.0, retries=0, use_env_proxy=False)
    started = time.monotonic()
    report = fetch_feed(Feed(name="d", url=f"{site.url}/drip.txt", kind="page"), http, raw, db)
    elapsed = time.monotonic() - started
    assert report.errors == {f"{site.url}/drip.txt": f"{site.url}/drip.txt: failed after 1 tries: ReadTimeout: "
                                                     "no complete response within the deadline of 1 s (http.timeout_seconds)"}
    assert 1.0 <= elapsed < 1.0 + 1.5


def test_the_deadline_is_a_timeout_retried_with_backoff(sites, dirs):
    raw, db = dirs
    site = sites({"/drip.txt": drip(40, 0.1)})
    http = HttpSettings(timeout_seconds=0.5, retries=1, backoff_seconds=0.01, use_env_proxy=False)
    report = fetch_feed(Feed(name="d", url=f"{site.url}/drip.txt", kind="page"), http, raw, db)
    assert "failed after 2 tries: ReadTimeout: no complete response within the deadline of 0.5 s" in report.errors[
        f"{site.url}/drip.txt"]
    assert site.gets == ["/drip.txt", "/drip.txt"]


def test_the_size_limit_holds_for_a_body_of_unknown_length(sites, dirs):
    raw, db = dirs

    def unsized(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        for _ in range(4):
            handler.wfile.write(b"x" * 500)
    site = sites({"/big.txt": unsized})
    http = HttpSettings(max_bytes=1000, retries=0, use_env_proxy=False)
    report = fetch_feed(Feed(name="b", url=f"{site.url}/big.txt", kind="page"), http, raw, db)
    assert report.errors == {f"{site.url}/big.txt": f"{site.url}/big.txt: more than 1000 bytes, over the limit "
                                                    "(http.max_bytes)"}


# Through a proxy of the environment, the proxy resolves names: ours is checked beforehand ---------

def test_through_a_proxy_addresses_are_checked_before_the_request(sites, dirs, resolver, monkeypatch,
                                                                   no_proxy_env):
    raw, db = dirs
    names, _ = resolver
    proxy = sites({"http://feeds.test/a.txt": text("甲"), "http://127.0.0.1/b.txt": text("乙")})
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    names["feeds.test"] = "10.1.2.3"
    http = HttpSettings(retries=0, use_env_proxy=True)
    refused = fetch_feed(Feed(name="p", url="http://feeds.test/a.txt", kind="page"), http, raw, db)
    allowed = fetch_feed(Feed(name="q", url="http://127.0.0.1/b.txt", kind="page"), http, raw, db)
    assert refused.errors == {"http://feeds.test/a.txt": "http://feeds.test/a.txt: refused: feeds.test resolves to "
                              "10.1.2.3, a private address; if feed 'p' is meant to reach it, add 10.1.2.3 to its "
                              "allowed_hosts"}
    assert (allowed.errors, len(allowed.saved)) == ({}, 1)
    assert proxy.gets == ["http://127.0.0.1/b.txt"]
