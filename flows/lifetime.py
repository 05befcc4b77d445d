"""No process a run starts outlives it, however the run ends (an exit, an exception, SIGTERM,
SIGINT, SIGKILL): each child is bound to this process by a mechanism the kernel or the child
keeps, since a killed process runs no clean-up of its own.

- Children this process starts with `subprocess` (Prefect's API server) get a parent-death
  signal (Linux prctl(2): PR_SET_PDEATHSIG, SIGKILL), set between fork and exec.
- Parsing workers are the fork server's children, not this process's, so a parent-death signal
  would follow the server instead: each watches its pipe to this process, and ends when the pipe
  hangs up (`exit_when_parent_gone`).
- The fork server and multiprocessing's resource tracker end by themselves when their pipes
  from this process close.
"""
from __future__ import annotations

import functools
import os
import select
import signal
import sys
import threading
from collections.abc import Callable

# prctl's options (linux/prctl.h).
PR_SET_PDEATHSIG = 1


@functools.lru_cache(maxsize=1)
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, None off Linux; looked up once, in the parent, so that a child between
    fork and exec only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def dies_with_this_process() -> Callable[[], None] | None:
    """A `preexec_fn` for `subprocess.Popen` that has the child killed when this process ends,
    even by SIGKILL; None where the kernel offers no parent-death signal.

    The kernel sends it when the *thread* that started the child ends, not only the process:
    start a child meant to live as long as the process from a thread that does (the main one)."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def bind() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was set
            os._exit(1)

    return bind


def exit_when_parent_gone(conn, code: int) -> None:
    """End this process at once, quietly and with `code`, when the other end of `conn` (a
    multiprocessing pipe to the parent) is closed: the parent died, or let this process go. A
    thread waits for the pipe's hang-up without reading it, so a job running in this process's
    main thread is cut short instead of running on for no one."""
    if not hasattr(select, "poll"):  # Windows: its spawned workers end with their job
        return
    hang_up = getattr(select, "POLLRDHUP", 0) | select.POLLHUP

    def watch() -> None:
        poller = select.poll()
        poller.register(conn.fileno(), hang_up)
        poller.poll()  # returns only on a hang-up or an error: data on the pipe is not asked for
        os._exit(code)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
