"""One HTTP request of a feed: a total deadline, the size limit, and checked addresses only.

httpx's timeout bounds each read, not a request, so a body that drips a byte at a time never
times out. Here a request (connect, TLS, headers and the whole body) has one deadline,
`http.timeout_seconds` from its start. Without a proxy every connection is opened by
`GuardedBackend`: it resolves the host once, checks every address (`flows.feed_guard`) and
connects to a checked address, so the name is not resolved again between the check and the
connection (DNS rebinding); TLS still sends and verifies the host name. Through a proxy of the
environment, the proxy resolves the name: the addresses are checked beforehand from our own
resolution, and the deadline is checked between chunks of the body.
"""
from __future__ import annotations

import contextvars
import socket
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import httpcore
import httpx

from flows.feed_guard import HostPolicy
from flows.settings import HttpSettings
from schemas.errors import FeedError

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# (monotonic end, seconds) of the request under way in this thread, read by every socket operation.
_DEADLINE: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "feed_request_deadline", default=None)


class RetryableStatus(Exception):
    """An answer worth another try (429, 5xx)."""


@dataclass(frozen=True)
class Response:
    """A fetched URL: status 304 (unchanged, no body) or 200."""
    url: str
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    charset: str | None = None


@dataclass(frozen=True)
class Redirect:
    """A 3xx answer: where it points (absolute, without fragment)."""
    location: str


def _deadline_message(seconds: float) -> str:
    return f"no complete response within the deadline of {seconds:g} s (http.timeout_seconds)"


def _left(timeout: float | None) -> float | None:
    """The time a socket operation may take: its own timeout, cut to what is left of the deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    end, seconds = deadline
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout(_deadline_message(seconds))
    return left if timeout is None else min(timeout, left)


def _bounded(operation, timeout: float | None, *args, **kwargs):
    try:
        return operation(*args, timeout=_left(timeout), **kwargs)
    except httpcore.TimeoutException:
        _left(None)  # says "deadline" when the deadline is what cut the wait
        raise


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(self._inner.read, timeout, max_bytes)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _bounded(self._inner.write, timeout, buffer)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(_bounded(self._inner.start_tls, timeout, ssl_context,
                                        server_hostname=server_hostname))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Opens connections only to addresses the feed's policy allows, by the checked address."""

    def __init__(self, policy: HostPolicy):
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options=None) -> httpcore.NetworkStream:
        try:
            addresses = self._policy.addresses(host)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"{host}: name not resolved: {exc}") from exc
        for address in addresses:
            try:
                return _DeadlineStream(_bounded(self._inner.connect_tcp, timeout, address, port,
                                                local_address=local_address, socket_options=socket_options))
            except httpcore.ConnectError as exc:
                error = exc  # the next address may answer (localhost: ::1, then 127.0.0.1)
        raise error

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a pool that connects through `backend`. httpx has no parameter for
    a network backend, so the pool is built here instead of by HTTPTransport.__init__."""

    def __init__(self, backend: httpcore.NetworkBackend, trust_env: bool):
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=trust_env),
                                             network_backend=backend, keepalive_expiry=5.0)


def feed_client(http: HttpSettings, policy: HostPolicy) -> httpx.Client:
    """A client for one feed: redirects are returned, not followed (the caller checks each hop)."""
    common = dict(timeout=http.timeout_seconds, follow_redirects=False, trust_env=http.use_env_proxy,
                  headers={"User-Agent": http.user_agent})
    if http.use_env_proxy and _environment_proxy():
        return httpx.Client(event_hooks={"request": [lambda request: _precheck(policy, request.url.host)]},
                            **common)
    return httpx.Client(transport=_GuardedTransport(GuardedBackend(policy), http.use_env_proxy), **common)


def _environment_proxy() -> bool:
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


def _precheck(policy: HostPolicy, host: str) -> None:
    try:
        policy.addresses(host)
    except socket.gaierror:
        pass  # only the proxy can resolve the name: it reaches the host for us


def get_once(client: httpx.Client, url: str, headers: dict, http: HttpSettings) -> Response | Redirect:
    """One GET of `url` within the deadline. Raises RetryableStatus (429, 5xx), httpx.TransportError
    (timeouts, the deadline, connection errors) or FeedError (another status, the size limit)."""
    end = time.monotonic() + http.timeout_seconds
    token = _DEADLINE.set((end, http.timeout_seconds))
    try:
        with client.stream("GET", url, headers=headers) as resp:
            answer = _answer(resp, url, headers, http.max_bytes)
            if answer is not None:
                return answer
            body = _body(resp, url, http.max_bytes, end, http.timeout_seconds)
            content_type = resp.headers.get("content-type", "")
            return Response(url, 200, body, resp.headers.get("etag"), resp.headers.get("last-modified"),
                            content_type.split(";")[0].strip().lower(), resp.charset_encoding)
    finally:
        _DEADLINE.reset(token)


def _answer(resp: httpx.Response, url: str, headers: dict, max_bytes: int) -> Response | Redirect | None:
    """What a status says without a body (304, a redirect), None for a 200 to read; raises for others."""
    status = resp.status_code
    if status == 304:
        return Response(url, 304, etag=resp.headers.get("etag") or headers.get("If-None-Match"),
                        last_modified=resp.headers.get("last-modified") or headers.get("If-Modified-Since"))
    if status in REDIRECT_STATUSES:
        if not resp.headers.get("location"):
            raise FeedError(f"{url}: HTTP {status} without a Location to go to")
        return Redirect(urldefrag(urljoin(url, resp.headers["location"].strip()))[0])
    if status in RETRY_STATUSES:
        raise RetryableStatus(f"HTTP {status}")
    if status != 200:
        raise FeedError(f"{url}: HTTP {status}")
    declared = int(resp.headers.get("content-length") or 0)
    if declared > max_bytes:
        raise FeedError(f"{url}: {declared} bytes, over the limit of {max_bytes} (http.max_bytes)")
    return None


def _body(resp: httpx.Response, url: str, max_bytes: int, end: float, seconds: float) -> bytes:
    chunks, size = [], 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(f"{url}: more than {max_bytes} bytes, over the limit (http.max_bytes)")
        if time.monotonic() > end:  # through a proxy, sockets do not see the deadline
            raise httpx.ReadTimeout(_deadline_message(seconds))
        chunks.append(chunk)
    return b"".join(chunks)
