"""The `gazette web` command: the read-only catalog browser (flows/web/), on loopback by default."""
from __future__ import annotations

import argparse
import ipaddress
import sys

from flows.cli.command import Command
from schemas.errors import GazetteError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_web_arguments(web: argparse.ArgumentParser) -> None:
    web.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    web.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    web.add_argument("--allow-remote", action="store_true",
                     help="listen on an address other machines reach (the catalog is shown to them)")


def run_web(args) -> int:
    import uvicorn

    from flows import catalog
    from flows.web.app import create_app

    if not is_loopback(args.host):
        if not args.allow_remote:
            raise GazetteError(f"{args.host} is not a loopback address: other machines would read the "
                               "catalog; give --allow-remote to serve it there")
        print(f"gazette: warning: serving the catalog to every machine that reaches {args.host}", file=sys.stderr)
    with catalog.reading(args.db):
        pass  # a missing or older catalog fails here, not on the first request
    print(f"serving {args.db} read-only on http://{args.host}:{args.port}/", file=sys.stderr)
    uvicorn.run(create_app(args.db), host=args.host, port=args.port, log_level="warning")
    return 0


def is_loopback(host: str) -> bool:
    """Whether `host` is `localhost` or an address of the loopback range (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


WEB = Command(
    "web", help="browse the catalog in a web browser (read-only, on 127.0.0.1)",
    description="Serve a read-only browser over the catalog: policies, full-text search over "
                "provisions, each policy's article tree with its facts highlighted, its versions "
                "and their side-by-side redline, and the application-windows calendar. Listens on "
                "127.0.0.1 unless --host names another address and --allow-remote is given.",
    add_arguments=add_web_arguments, run=run_web)
