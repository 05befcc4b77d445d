"""Memory measurements for benchmarks/ingest.py: an ingest run's process tree, sampled (RSS, PSS)
and inside a memory cgroup of its own that the kernel charges each page once; and peak Python
allocation per parse stage.

Summed RSS counts a page each process maps once per process: the shared libraries (DuckDB, numpy,
spaCy's) of the flow and of every worker, and the pages forked workers share with their fork
server. Summed PSS counts a shared page once, split among the processes that map it. A cgroup
charges each page once whichever process maps it, the page cache the run brings in too, and a
run that completes inside its limit with no swap to spill to never needed more.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BUDGET = 500_000_000  # issue 6: a 1,000-page backfill's peak memory


class TreeSampler(threading.Thread):
    """Peak summed memory of a process (this one unless `pid`) and its descendants, the Prefect
    server apart; and the peak of the process alone. PSS is read only with `pss=True`, every
    PSS_EVERY samples: the kernel walks a process's page tables for it, and reading it at every
    sample would take a good part of a core from the run it measures."""

    PSS_EVERY = 5

    def __init__(self, pid: int | None = None, interval: float = 0.1, pss: bool = False):
        super().__init__(daemon=True)
        import psutil

        self.root, self.interval, self.pss = psutil.Process(pid), interval, pss
        self.peak = self.server_peak = self.root_peak = self.pss_peak = 0
        self.running = True

    def run(self):
        import psutil

        samples = 0
        while self.running:
            total = server = pss = 0
            with_pss = self.pss and samples % self.PSS_EVERY == 0
            samples += 1
            try:
                members = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                return
            for proc in members:
                try:
                    rss = proc.memory_info().rss
                    is_server = "uvicorn" in " ".join(proc.cmdline())
                    pss += _pss(proc.pid) if with_pss and not is_server else 0
                except psutil.Error:
                    continue
                server += rss if is_server else 0
                total += 0 if is_server else rss
                if proc.pid == self.root.pid:
                    self.root_peak = max(self.root_peak, rss)
            self.peak, self.server_peak = max(self.peak, total), max(self.server_peak, server)
            self.pss_peak = max(self.pss_peak, pss)
            time.sleep(self.interval)


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes (Linux's smaps_rollup); 0 where unreadable."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def cli_memory(argv: list[str], env: dict) -> dict:
    """Wall time and peak memory of a CLI run's process tree (a Prefect server outside it)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = TreeSampler(proc.pid, interval=0.05, pss=True)
    sampler.start()
    code = proc.wait()
    sampler.running = False
    sampler.join()
    return {"wall": time.perf_counter() - started, "rss_tree": sampler.peak, "pss_tree": sampler.pss_peak,
            "rss_flow": sampler.root_peak, "code": code}


class MemoryLimit:
    """A memory cgroup of its own with a hard limit and no swap, for a CLI run and every process
    it starts: cgroup v1 (`memory/`) or v2 (`memory.max`); not `available` where neither is
    writable (not root, or no memory controller)."""

    def __init__(self, limit_bytes: int):
        self.path, self.v2 = None, False
        v1, v2 = Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup")
        name = f"gazette-bench-{os.getpid()}"
        try:
            if (v1 / "memory.limit_in_bytes").exists():
                self.path = v1 / name
                self.path.mkdir()
                (self.path / "memory.limit_in_bytes").write_text(str(limit_bytes))
            elif "memory" in (v2 / "cgroup.subtree_control").read_text().split():
                self.path, self.v2 = v2 / name, True
                self.path.mkdir()
                (self.path / "memory.max").write_text(str(limit_bytes))
                (self.path / "memory.swap.max").write_text("0")
        except OSError:
            self.close()

    @property
    def available(self) -> bool:
        return self.path is not None

    def enter(self) -> None:
        """Moves the calling process in (a child's preexec_fn, before exec)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def oom_kills(self) -> int:
        text = (self.path / ("memory.events" if self.v2 else "memory.oom_control")).read_text()
        return next((int(line.split()[1]) for line in text.splitlines() if line.startswith("oom_kill ")), 0)

    def peak(self) -> int:
        return int((self.path / ("memory.peak" if self.v2 else "memory.max_usage_in_bytes")).read_text())

    def close(self) -> None:
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:
                pass
        self.path = None


def cli_in_memory_limit(argv: list[str], env: dict, limit_bytes: int, timeout: float) -> dict | None:
    """A CLI run inside a MemoryLimit: its wall time, exit code and OOM kills, or None where no
    memory cgroup can be made. A run the limit makes thrash is killed after `timeout` seconds."""
    limit = MemoryLimit(limit_bytes)
    if not limit.available:
        return None
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=limit.enter)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = "timeout"
        return {"wall": time.perf_counter() - started, "code": code, "limit": limit_bytes,
                "oom_kills": limit.oom_kills(), "charged_peak": limit.peak()}
    finally:
        # The processes it held end with the flow (the fork server and workers with it).
        deadline = time.time() + 10
        while (limit.path / "cgroup.procs").read_text().strip() and time.time() < deadline:
            time.sleep(0.1)
        limit.close()


def stage_memory(files: list[Path]) -> dict[str, float]:
    """Peak traced Python allocation per stage (MB), the largest over the given files."""
    import tracemalloc

    from extractors.pipeline import StageTimer
    from flows.ingest.parse import parse_source

    class PeakTimer(StageTimer):
        peaks: dict[str, float] = {}

        def run(self, stage, fn, *a):
            tracemalloc.reset_peak()
            try:
                return super().run(stage, fn, *a)
            finally:
                self.peaks[stage] = max(self.peaks.get(stage, 0.0), tracemalloc.get_traced_memory()[1] / 1e6)

    for path in files:
        parse_source(path)  # load jieba and spaCy outside the trace
    tracemalloc.start()
    timer = PeakTimer()
    for path in files:
        parse_source(path, timer)
    tracemalloc.stop()
    return timer.peaks
