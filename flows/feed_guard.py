"""Where a feed may go: http(s) URLs on the hosts its settings name, at public addresses.

A feed reaches its own URL's host and the hosts in its `allowed_hosts`, nothing else: a host named
without a port is reached on the default ports (80 and 443, so both http and https links of a site
pass), a host named with a port (the feed URL's own, or `host:port`) only on that port. A name is
resolved and every address it has must be public; a loopback, private, link-local, multicast,
reserved or unspecified address passes only when the settings name it, as an IP literal (in the
feed URL or `allowed_hosts`) or as `localhost` (the loopback addresses).
"""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from schemas.errors import FeedError, RefusedURLError

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Forms the C resolver reads as an IPv4 address (2130706433, 0x7f000001, 127.1, 0177.0.0.1): in
# settings they must be written as the dotted address they mean.
NUMERIC_HOST = re.compile(r"(?i)(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Checked in this order, so that a message names the narrowest kind (127.0.0.1 is also private).
ADDRESS_KINDS = (("unspecified", lambda a: a.is_unspecified), ("loopback", lambda a: a.is_loopback),
                 ("link-local", lambda a: a.is_link_local), ("multicast", lambda a: a.is_multicast),
                 ("private", lambda a: a.is_private), ("reserved", lambda a: a.is_reserved),
                 ("non-public", lambda a: not a.is_global))


def canonical_host(host: str) -> str:
    """A host as compared: lower case, no trailing dot, an IP literal in its short form, a
    non-ASCII name in IDNA. Raises ValueError for a name IDNA cannot encode."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        return host.encode("idna").decode("ascii")


def host_entry(entry: str) -> tuple[str, int | None]:
    """(canonical host, port or None) of an `allowed_hosts` entry `host` or `host:port`
    (`[::1]:8080` for IPv6). Raises ValueError saying what is wrong with it."""
    parts = urlsplit("//" + entry)
    if not parts.hostname or parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError("expected a host name or address, optionally with :port, nothing else")
    return _checked_host(parts.hostname), parts.port


def url_origin(url: str) -> tuple[str, int | None]:
    """(canonical host, port or None when it is the scheme's default) of an http(s) URL;
    ValueError when it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("expected an http:// or https:// URL with a host")
    port = parts.port
    return _checked_host(parts.hostname), None if port == DEFAULT_PORTS[parts.scheme] else port


def _checked_host(host: str) -> str:
    canonical = canonical_host(host)
    if NUMERIC_HOST.fullmatch(canonical) and not _is_address(canonical):
        raise ValueError(f"{host} is a numeric host: write the address it means in dotted form")
    return canonical


def scheme_refusal(url: str) -> str | None:
    """Why `url` is never fetched (a scheme other than http and https), or None."""
    scheme = urlsplit(url).scheme
    return None if scheme in SCHEMES else f"scheme {scheme or '(none)'!r} is not fetched (only http and https)"


def address_kind(address: str) -> str | None:
    """The kind of a special address (`loopback`, `private`, ...), None for a public one. An
    IPv4-mapped or 6to4 IPv6 address is judged by the IPv4 address inside it."""
    addr = ipaddress.ip_address(address)
    inner = getattr(addr, "ipv4_mapped", None) or getattr(addr, "sixtofour", None)
    for candidate in (inner, addr) if inner else (addr,):
        kind = next((name for name, test in ADDRESS_KINDS if test(candidate)), None)
        if kind:
            return kind
    return None


def _unwrapped(address: str) -> IPAddress:
    addr = ipaddress.ip_address(address)
    return getattr(addr, "ipv4_mapped", None) or addr


@dataclass(frozen=True)
class HostPolicy:
    """The hosts one feed may fetch, and the special addresses its settings name."""
    feed: str
    origins: frozenset[tuple[str, int]]
    named_addresses: frozenset[IPAddress]
    names_localhost: bool

    def host_refusal(self, url: str) -> str | None:
        """Why the host of http(s) `url` is not fetched, or None when it is allowed."""
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]  # a password in the URL stays out of messages
        try:
            host = canonical_host(parts.hostname or "")
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            return f"{netloc!r} is not a host and port"
        if (host, port) in self.origins:
            return None
        return f"host {netloc} is not allowed: add it to allowed_hosts of feed {self.feed!r}"

    def addresses(self, host: str) -> list[str]:
        """The addresses `host` resolves to, in the resolver's order, each checked. Raises
        RefusedURLError for a special address the settings do not name, socket.gaierror when
        the name does not resolve."""
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(info[4][0] for info in found))
        for address in addresses:
            kind = address_kind(address)
            if kind and not self._named(address):
                raise RefusedURLError(f"{host} resolves to {address}, a {kind} address; if feed "
                                      f"{self.feed!r} is meant to reach it, add {address} to its allowed_hosts")
        return addresses

    def _named(self, address: str) -> bool:
        addr = _unwrapped(address)
        return addr in self.named_addresses or (self.names_localhost and addr.is_loopback)


def host_policy(feed: str, url: str, allowed_hosts: tuple[str, ...] = ()) -> HostPolicy:
    """The policy of the feed `feed` at `url` with extra `allowed_hosts`. Raises FeedError when
    the URL or an entry is not valid (settings check them first, with their file and entry)."""
    try:
        named = [url_origin(url)] + [host_entry(entry) for entry in allowed_hosts]
    except ValueError as exc:
        raise FeedError(f"{url}: feed {feed!r} cannot be fetched: {exc}") from exc
    origins = frozenset((host, port) for host, explicit in named
                        for port in ((explicit,) if explicit else DEFAULT_PORTS.values()))
    literals = frozenset(_unwrapped(host) for host, _ in named if _is_address(host))
    return HostPolicy(feed, origins, literals, any(host == "localhost" for host, _ in named))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
