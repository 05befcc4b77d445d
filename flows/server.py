"""Prefect APIs for the commands: `gazette serve`'s (the configured one, else a local `prefect
server` child) and the temporary one a foreground run uses when none is configured.

Schedules do not run on Prefect's temporary per-process server (shared/STACK.md), so serving
needs a real one. This module does not import Prefect: PREFECT_API_URL has to be set before
Prefect reads its settings at import.

Every server started here is a child bound to this process (flows/lifetime.py): it is stopped
when the process exits and killed by the kernel when the process is killed, so none is left
running. Prefect's own temporary server (SubprocessASGIServer) outlives a killed process.
"""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flows.lifetime import dies_with_this_process
from schemas.errors import GazetteError, seconds_text

HOST = "127.0.0.1"
DEFAULT_PORT = 4200
START_TIMEOUT = 90.0
SERVER_LOG = Path("data/warehouse/prefect-server.log")
STOP_GRACE_S = 15.0
TEMPORARY_STOP_GRACE_S = 5.0
TEMPORARY_SERVER = "from flows.server import serve_temporary; serve_temporary({port})"
TASK_RUN_RECORDER_LOG = "prefect.server.services.task_run_recorder"
# uvicorn's exit code when it cannot start, e.g. on a port taken since it was picked: try another.
UVICORN_STARTUP_FAILURE = 3
PORT_ATTEMPTS = 3


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
        child = _bound_child(
            [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_healthy(child, api_url, START_TIMEOUT, f"see {log_path}")
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        _stop(child, STOP_GRACE_S)


@dataclass
class _Temporary:
    child: subprocess.Popen | None = None
    api_url: str = ""


_temporary = _Temporary()
_temporary_lock = threading.Lock()


def temporary_api(settings_env: dict[str, str], timeout: float) -> str:
    """The URL of this process's temporary Prefect API on 127.0.0.1, started on first use (and
    again should it have died), stopped when the process exits, killed with it. Start it from
    the main thread (flows/lifetime.py). `settings_env`: the Prefect settings of this process
    as environment variables, for the server to share."""
    with _temporary_lock:
        if _temporary.child is None or _temporary.child.poll() is not None:
            _temporary.child, _temporary.api_url = _start_temporary(settings_env, timeout)
        return _temporary.api_url


def _start_temporary(settings_env: dict[str, str], timeout: float) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, **settings_env, "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    attempt = 1
    while True:
        port = _free_port()
        api_url = f"http://{HOST}:{port}/api"
        child = _bound_child([sys.executable, "-c", TEMPORARY_SERVER.format(port=port)], env=env)
        # Stopped at exit, after Prefect's services have sent what they hold: they drain as
        # the interpreter's threads shut down, before atexit handlers run.
        atexit.register(_stop, child, TEMPORARY_STOP_GRACE_S)
        try:
            _wait_healthy(child, api_url, timeout, "see its messages above")
            return child, api_url
        except ServerError:
            _stop(child, TEMPORARY_STOP_GRACE_S)
            if child.returncode != UVICORN_STARTUP_FAILURE or attempt == PORT_ATTEMPTS:
                raise
        attempt += 1


def serve_temporary(port: int) -> None:
    """The temporary server's process: Prefect's app from its public factory (`ephemeral`: no
    UI, only the services a run needs), served as Prefect's own SubprocessASGIServer serves it."""
    import uvicorn
    from prefect.server.api.server import create_app

    app = create_app(ephemeral=True, final=True)  # sets up Prefect's logging: filter after it
    logging.getLogger(TASK_RUN_RECORDER_LOG).addFilter(_not_cut_short_by_shutdown)
    uvicorn.run(app, host=HOST, port=port, log_level="error", lifespan="on")


def _not_cut_short_by_shutdown(record: logging.LogRecord) -> bool:
    """False for the task-run recorder's "Error flushing N events" with a CancelledError: the
    server is stopped as soon as the run has sent its last events, and the recorder, cancelled
    mid-flush, logs two tracebacks of it (Prefect has no switch for that record). What it was
    writing is the temporary server's own bookkeeping of the task runs; its other records show."""
    return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _bound_child(args: list[str], **popen) -> subprocess.Popen:
    """A child process that dies with this one (flows/lifetime.py), in a session of its own: a
    Ctrl-C in the terminal reaches this process only, which may still report to the server as
    it stops (a server stopped by it too makes Prefect retry a crash report for a minute)."""
    return subprocess.Popen(args, preexec_fn=dies_with_this_process(), start_new_session=True, **popen)


def _stop(child: subprocess.Popen, grace: float) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _wait_healthy(child: subprocess.Popen, api_url: str, timeout: float, where: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise ServerError(f"prefect server exited with code {child.returncode}: {where}")
        if healthy(api_url):
            return
        time.sleep(0.2)
    raise ServerError(f"prefect server not healthy at {api_url} after {seconds_text(timeout)}: {where}")
