"""Nothing a run starts outlives it, however it ends; a busy catalog is said first, in one line;
durations read as given; workers and shutdowns print no tracebacks."""
from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from flows import catalog
from flows.ingest import workers
from flows.ingest.plan import staging_root
from flows.ingest.workers import JobFailure, WorkerPool
from schemas.errors import seconds_text
from tests.conftest import ROOT, SAMPLES
from tests.jobs import die, pause, sleep_forever

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

TEXTS = ROOT / "data" / "corpus" / "texts"
ONE_TEXT = TEXTS / "guide-lieshan-startup-subsidy.txt"
# What a run of the CLI starts: Prefect's API server (ours, or Prefect's own serving its
# `create_app`) and, under multiprocessing's fork server, the fork server and its 2 workers.
SERVER_MARKS = ("serve_temporary", "create_app")
FORK_SERVER_MARKS = ("multiprocessing.forkserver",)
UP_TIMEOUT_S = 60.0
GONE_TIMEOUT_S = 5.0


def _start_time(pid: int) -> str | None:
    """Field 22 of /proc/<pid>/stat (start time), None once the process is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            todo += [c for c in children if c not in found]
            found.update(children)
    return found


class Tree:
    """Every process started below `pid`, seen by polling, known by pid and start time."""

    def __init__(self, pid: int):
        self.pid = pid
        self.seen: dict[int, tuple[str, str]] = {}

    def poll(self) -> None:
        """Record the processes below `pid` now, and what each runs (read again each time: a
        child runs its parent's command line until it execs its own; an exiting one has none)."""
        for child in _descendants(self.pid) | set(self.seen):
            started = _start_time(child)
            if started is None or self.seen.get(child, (started,))[0] != started:
                continue
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if cmdline:
                self.seen[child] = (started, cmdline)

    def count(self, marks: tuple[str, ...]) -> int:
        return sum(any(mark in cmdline for mark in marks) for _, cmdline in self.seen.values())

    def alive(self) -> list[str]:
        return [f"{pid} {cmdline[:100]}" for pid, (started, cmdline) in self.seen.items()
                if _start_time(pid) == started]

    def wait_gone(self, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.alive()

    def kill_left(self) -> None:
        for pid, (started, _) in self.seen.items():
            if _start_time(pid) == started:
                os.kill(pid, signal.SIGKILL)


def _cli(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-m", "flows.cli.main", "--db", str(tmp_path / "c.duckdb"), *args],
                            cwd=tmp_path, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("how,group", [(signal.SIGKILL, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["SIGKILL", "SIGTERM", "Ctrl-C"])
def test_nothing_an_ingest_started_outlives_it_when_it_is_killed(tmp_path, how, group):
    """Killed once the flow runs on the API server and hands sources to the workers (its run's
    staging folder is there). A Ctrl-C in a terminal signals the whole process group."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for copy in range(3):  # ~5 s of parsing, to be seen: other bytes, other sources
        for text in TEXTS.glob("*.txt"):
            (raw / f"{copy}-{text.name}").write_bytes(text.read_bytes() + b"\n" * (copy + 1))
    cli = _cli(tmp_path, "ingest", "--no-progress", str(raw), str(SAMPLES))
    tree = Tree(cli.pid)
    staging = staging_root(tmp_path / "c.duckdb")
    try:
        deadline = time.monotonic() + UP_TIMEOUT_S
        while not (tree.count(SERVER_MARKS) and tree.count(FORK_SERVER_MARKS) >= 3
                   and any(staging.glob("run-*/"))):
            assert cli.poll() is None and time.monotonic() < deadline, [c for _, c in tree.seen.values()]
            tree.poll()
            time.sleep(0.05)
        if group:
            os.killpg(cli.pid, how)
        else:
            cli.send_signal(how)
        assert cli.wait(10) == -how
        assert tree.wait_gone(GONE_TIMEOUT_S) == []
        # The workers and the server write to the run's stderr: they ended quietly (no broken
        # pipe in a worker, no CancelledError of the server's shutdown).
        err = cli.communicate()[1]
        assert "BrokenPipeError" not in err and "CancelledError" not in err, err
    finally:
        cli.kill()
        tree.kill_left()


def test_a_normal_ingest_stops_what_it_started_and_prints_no_traceback(tmp_path):
    cli = _cli(tmp_path, "ingest", "--no-progress", str(ONE_TEXT))
    tree = Tree(cli.pid)
    try:
        while cli.poll() is None:
            tree.poll()
            time.sleep(0.05)
        out, err = cli.communicate()
        assert (cli.returncode, out) == (0, "ingested 1 source(s), 1 document(s); skipped 0 already in the catalog\n"
                                            "1 new alert(s) (1 document): `gazette alerts` lists them\n")
        assert "Traceback" not in err and "Error" not in err, err
        assert tree.count(SERVER_MARKS) == 1
        assert tree.wait_gone(GONE_TIMEOUT_S) == []
    finally:
        cli.kill()
        tree.kill_left()


BOUND_PARENT = textwrap.dedent("""
    import subprocess, sys, time
    from flows.lifetime import dies_with_this_process
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                             preexec_fn=dies_with_this_process())
    print(child.pid, flush=True)
    time.sleep(60)
""")


def test_a_child_bound_to_its_parent_dies_when_the_parent_is_killed():
    """How `gazette serve`'s `prefect server start` and the temporary API are started."""
    parent = subprocess.Popen([sys.executable, "-c", BOUND_PARENT], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, text=True)
    tree = Tree(parent.pid)
    try:
        child = int(parent.stdout.readline())
        tree.poll()
        assert list(tree.seen) == [child]
        parent.kill()
        parent.wait(5)
        assert tree.wait_gone(GONE_TIMEOUT_S) == []
    finally:
        parent.kill()
        tree.kill_left()


SERVING_PARENT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from flows.server import prefect_api
    with prefect_api(port=int(sys.argv[1]), log_path=Path(sys.argv[2])):
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_the_prefect_server_gazette_serve_started_dies_when_it_is_killed(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    parent = subprocess.Popen([sys.executable, "-c", SERVING_PARENT, str(port), str(tmp_path / "server.log")],
                              env={**env, "PYTHONPATH": str(ROOT)})
    tree = Tree(parent.pid)
    try:
        while parent.poll() is None:
            tree.poll()
            time.sleep(0.05)
        assert parent.returncode == -signal.SIGKILL and tree.count(("prefect server start",)) == 1
        assert tree.wait_gone(GONE_TIMEOUT_S) == []
    finally:
        parent.kill()
        tree.kill_left()


def test_only_the_task_run_recorders_cancelled_flush_is_silenced():
    from flows.server import TASK_RUN_RECORDER_LOG, _not_cut_short_by_shutdown

    def record(exc):
        info = (type(exc), exc, None) if exc else None
        return logging.LogRecord(TASK_RUN_RECORDER_LOG, logging.ERROR, __file__, 1,
                                 "Error flushing 1 events (1 to retry, 0 dropped)", None, info)

    assert not _not_cut_short_by_shutdown(record(asyncio.CancelledError("Cancelled via cancel scope")))
    assert _not_cut_short_by_shutdown(record(OSError("disk full")))
    assert _not_cut_short_by_shutdown(record(None))


def test_a_worker_whose_parent_pipe_closes_ends_at_once_quietly_with_its_code(capfd):
    worker = workers._Worker(mp.get_context("spawn"), None)
    try:
        worker.conn.send((pause, [(30,)]))
        assert worker.conn.poll(workers.STARTUP_TIMEOUT_S) and worker.conn.recv() == ("started", None)
        worker.conn.close()  # as when this process dies mid-job
        assert worker.wait(GONE_TIMEOUT_S) == workers.PARENT_GONE_EXIT
    finally:
        worker.process.kill()
    assert "Traceback" not in capfd.readouterr().err


def test_a_worker_that_dies_with_a_job_unread_is_reported_dead_not_raised():
    """Its pipe is reset, not merely closed, when a message to it was never read."""
    worker = workers._Worker(mp.get_context("spawn"), None)
    try:
        worker.conn.send((die, [()]))
        worker.conn.send((pause, [(0,)]))
        assert worker._next_result(5) == JobFailure("the parser process died (exit code 9; out of memory or a crash)")
    finally:
        worker.process.kill()


def test_a_closed_pool_answers_that_the_run_stopped_without_starting_a_worker():
    """As when an interrupt stops the run while tasks still hand it sources."""
    pool = WorkerPool(1, timeout=5, memory_bytes=None)
    pool.close()
    assert pool.run_each(pause, [(0,), (0,)]) == [JobFailure("not parsed: the run stopped")] * 2
    assert pool.size == 1 and not pool._all[0].alive


def test_an_ingest_into_a_busy_catalog_says_so_in_one_line_before_parsing(tmp_path):
    db = tmp_path / "c.duckdb"
    with catalog.writer_lock(db, timeout=1):
        started = time.monotonic()
        cli = _cli(tmp_path, "ingest", "--no-progress", "--lock-timeout", "0.5", str(TEXTS))
        tree = Tree(cli.pid)
        while cli.poll() is None:
            tree.poll()
            time.sleep(0.05)
        took = time.monotonic() - started
    out, err = cli.communicate()
    assert (cli.returncode, out) == (2, "")
    assert err == (f"gazette: catalog busy: {db} is being written by PID {os.getpid()}; waited 0.5 s. "
                   "Run again when it has finished, or raise --lock-timeout.\n")
    # Nothing planned or parsed: no worker, no Prefect server (which alone takes longer).
    assert tree.seen == {} and took < 5


@pytest.mark.parametrize("seconds,text", [(0.5, "0.5 s"), (300, "300 s"), (300.0, "300 s"), (1.25, "1.25 s"),
                                          (120.0, "120 s"), (0.001, "0.001 s")])
def test_durations_read_as_they_were_given(seconds, text):
    assert seconds_text(seconds) == text


def test_a_half_second_timeout_is_reported_as_half_a_second():
    with WorkerPool(1, timeout=0.5, memory_bytes=None) as pool:
        assert pool.run(sleep_forever) == JobFailure("gave up after 0.5 s (per-file timeout)")
