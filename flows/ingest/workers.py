"""Worker processes that parse sources in isolation: each job has a wall-clock timeout and the
process a memory ceiling, so a PDF that makes a parser run away costs one quarantined source,
not the batch. Workers are started once and reused: spawned, each loading jieba and spaCy, or
forked from a fork server that loaded them once (`preload`). A worker that times out, crashes
or runs out of memory is replaced.

A worker takes a list of jobs at once (`run_each`) and reports each as it starts and ends, so the
timeout stays per job while many small sources cost one hand-over, not one each.
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flows.lifetime import exit_when_parent_gone
from schemas.errors import seconds_text

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_BYTES = 4 << 30
# Receiving a job imports the modules its function lives in; that is start-up, not the job.
STARTUP_TIMEOUT_S = 120.0
# How a worker ends when the process that started it is gone (not 0: it did not finish).
PARENT_GONE_EXIT = 75


# Put in the idle queue by `WorkerPool.close`, for callers still waiting for a worker.
_CLOSED = object()


@dataclass(frozen=True)
class JobFailure:
    """Why a job gave no result: its exception text, a timeout, or the worker's death."""
    reason: str


def _serve(conn, memory_bytes: int | None, warm_up: Callable | None = None) -> None:
    exit_when_parent_gone(conn, PARENT_GONE_EXIT)
    # A Ctrl-C in the terminal reaches every process of its group: the parent stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if warm_up is not None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001 — a job that needs what failed here reports it itself
            pass
    try:
        _answer(conn, memory_bytes)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        # The parent is gone (its end of the pipe closed): no one is left to tell.
        sys.exit(PARENT_GONE_EXIT)


def _answer(conn, memory_bytes: int | None) -> None:
    """Run the jobs the parent sends, reporting each as it starts and ends, until it sends None."""
    while True:
        job = conn.recv()
        if job is None:
            return
        fn, jobs = job
        for args in jobs:
            conn.send(("started", None))
            try:
                conn.send(("ok", fn(*args)))
            except MemoryError:
                conn.send(("error", f"ran out of memory (limit {memory_bytes >> 20} MiB)"))
            except Exception as exc:  # reported to the parent, which quarantines the source
                conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, ctx, memory_bytes: int | None, warm_up: Callable | None = None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, memory_bytes, warm_up), daemon=True)
        self.process.start()
        child.close()
        self.pid = self.process.pid

    def run_each(self, fn: Callable, jobs: list[tuple], timeout: float) -> list[Any]:
        """Results of fn(*args) for the jobs, in order, up to and including the first one that
        kills this worker (a timeout, a crash): the caller goes on with the rest elsewhere."""
        try:
            self.conn.send((fn, jobs))
        except (BrokenPipeError, ConnectionResetError):
            return [self._died()]
        results = []
        for _ in jobs:
            result = self._next_result(timeout)
            results.append(result)
            if isinstance(result, JobFailure) and not self.alive:
                break
        return results

    def _next_result(self, timeout: float) -> Any:
        try:
            if not self.conn.poll(STARTUP_TIMEOUT_S):
                self.kill()
                return JobFailure(f"the parser process did not start within {seconds_text(STARTUP_TIMEOUT_S)}")
            self.conn.recv()
            if not self.conn.poll(timeout):
                self.kill()
                return JobFailure(f"gave up after {seconds_text(timeout)} (per-file timeout)")
            status, value = self.conn.recv()
        except (EOFError, ConnectionResetError):  # reset: it died with a message unread
            return self._died()
        return value if status == "ok" else JobFailure(value)

    def _died(self) -> JobFailure:
        code = self.wait(5)
        self.kill()
        return JobFailure(f"the parser process died (exit code {code}; out of memory or a crash)")

    def exitcode(self) -> int | None:
        """How the worker ended (a negative signal number when killed), None while it runs."""
        return self.process.exitcode

    def wait(self, timeout: float) -> int | None:
        """The exit code once the worker has ended, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.exitcode() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.exitcode()

    @property
    def alive(self) -> bool:
        return self.exitcode() is None

    def kill(self) -> None:
        if self.alive:
            try:
                self.process.kill()
            except ProcessLookupError:  # ended meanwhile
                pass
        self.wait(5)

    def stop(self) -> None:
        if self.alive:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            if self.wait(5) is None:
                self.kill()


class WorkerPool:
    """`size` worker processes; `run(fn, *args)` is safe to call from several threads.

    `warm_up`, a module-level function, runs in each worker as it starts (loading what jobs need),
    so that start-up overlaps whatever the caller does meanwhile and stays out of job timeouts.

    With `preload`, the name of a module whose import warms up a process, the workers are forked
    from multiprocessing's fork server, which warmed up once: one warm-up for the pool, and the
    pages it loaded are shared, not copied. The server lives as long as this process (the
    standard library offers no way to stop it), so a replaced worker is forked warm too. The
    workers start in the background, since forking the first waits for the server's warm-up.
    """

    def __init__(self, size: int, timeout: float = DEFAULT_TIMEOUT_S,
                 memory_bytes: int | None = DEFAULT_MEMORY_BYTES, warm_up: Callable | None = None,
                 preload: str | None = None):
        # Windows has no fork server: its workers are spawned, each warming up on its own.
        self._forked = bool(preload) and "forkserver" in mp.get_all_start_methods()
        if self._forked:
            self._ctx = mp.get_context("forkserver")
            self._ctx.set_forkserver_preload([preload])
        else:
            self._ctx = mp.get_context("spawn")
        self._timeout, self._memory, self._warm_up = timeout, memory_bytes, warm_up
        self._idle: queue.Queue[_Worker | BaseException | object] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closing = False
        self._starter = threading.Thread(target=self._start, args=(max(1, size),), daemon=True)
        self._starter.start()

    def _start(self, count: int) -> None:
        try:
            if self._forked:
                # Before the first worker's arguments are pickled, which may take a while (see
                # parse.parsing_workers): the server's warm-up is the longer wait.
                _ensure_fork_server()
            for _ in range(count):
                self._add()
        except Exception as exc:  # noqa: BLE001 — raised to whoever waits for a worker
            self._idle.put(exc)
            return

    def _add(self) -> None:
        worker = _Worker(self._ctx, self._memory, self._warm_up)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def _next_idle(self) -> _Worker | None:
        """An idle worker, waited for; None once the pool is closed."""
        worker = None if self._closing else self._idle.get()
        if worker is _CLOSED:
            self._idle.put(worker)  # every waiting caller sees it
            return None
        if isinstance(worker, BaseException):
            self._idle.put(worker)
            raise RuntimeError(f"could not start a parsing worker: {worker}") from worker
        return worker

    def run(self, fn: Callable, *args) -> Any:
        """fn(*args) in a worker: its result, or a JobFailure."""
        return self.run_each(fn, [args])[0]

    def run_each(self, fn: Callable, jobs: list[tuple]) -> list[Any]:
        """fn(*args) for each args of `jobs`, in order, in one worker while it lives: each job's
        result or JobFailure, each within the per-job timeout. A job that kills its worker (a
        timeout, a crash) fails alone; the jobs after it go on in a fresh worker."""
        results: list[Any] = []
        while len(results) < len(jobs):
            worker = self._next_idle()
            if worker is None:  # the run stops (an interrupt, an error) with jobs still waiting
                return results + [JobFailure("not parsed: the run stopped")] * (len(jobs) - len(results))
            try:
                results += worker.run_each(fn, jobs[len(results):], self._timeout)
            finally:
                if worker.alive:
                    self._idle.put(worker)
                else:
                    with self._lock:
                        self._all.remove(worker)
                    if not self._closing:
                        self._add()
        return results

    @property
    def size(self) -> int:
        with self._lock:
            return len(self._all)

    def close(self) -> None:
        self._closing = True
        self._idle.put(_CLOSED)
        self._starter.join()
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            worker.stop()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _ensure_fork_server() -> None:
    from multiprocessing import forkserver

    forkserver.ensure_running()
