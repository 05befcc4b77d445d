"""A Prefect API for `gazette serve`: the configured one, else a local `prefect server` child.

Schedules do not run on Prefect's temporary per-process server (shared/STACK.md), so serving
needs a real one. This module does not import Prefect: PREFECT_API_URL has to be set before
Prefect reads its settings at import.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from schemas.errors import GazetteError

HOST = "127.0.0.1"
DEFAULT_PORT = 4200
START_TIMEOUT = 90.0
SERVER_LOG = Path("data/warehouse/prefect-server.log")


class ServerError(GazetteError):
    """The local Prefect server did not come up; its log says why."""


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def prefect_api(port: int = DEFAULT_PORT, log_path: Path = SERVER_LOG) -> Iterator[str]:
    """Yield the API URL to use, starting `prefect server start` on 127.0.0.1 when none is
    configured (PREFECT_API_URL) or already listening there; a server started here is stopped
    on exit."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    api_url = f"http://{HOST}:{port}/api"
    if healthy(api_url):
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_healthy(child, api_url, log_path)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _wait_healthy(child: subprocess.Popen, api_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise ServerError(f"prefect server exited with code {child.returncode}: see {log_path}")
        if healthy(api_url):
            return
        time.sleep(0.5)
    raise ServerError(f"prefect server not healthy at {api_url} after {START_TIMEOUT:.0f} s: see {log_path}")
