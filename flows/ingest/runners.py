"""Which Prefect task runner parses the sources: threads feeding local worker processes, or Dask.

- `thread` (default): a ThreadPoolTaskRunner whose tasks hand each source to a `WorkerPool` of
  worker processes (per-file timeout, memory ceiling); the GIL is escaped by the processes.
- `dask`: prefect-dask's DaskTaskRunner. Without an address it starts a local cluster of
  `workers` single-threaded worker processes; with `address` (``tcp://host:8786``) it uses an
  existing cluster, whose workers must see the raw files and the staging folder at the same
  paths (a shared file system) and have this project installed. Dask workers run the parse
  task themselves: no WorkerPool inside Dask.

Tasks that run in a Dask worker report to the flow's Prefect API, which the worker learns from
the settings the flow serialises with each task. Without a configured server every process
would start a slow temporary one of its own; `orchestration` therefore starts the
flow's temporary server first and hands its URL to the flow and the workers.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

RUNNERS = ("thread", "dask")


@dataclass(frozen=True)
class RunnerChoice:
    """A task runner by name, with how many workers it parses with and where its cluster is."""
    kind: str = "thread"
    workers: int = 2
    dask_address: str | None = None

    def __post_init__(self):
        if self.kind not in RUNNERS:
            raise ValueError(f"unknown task runner {self.kind!r}; choose one of {', '.join(RUNNERS)}")
        if self.dask_address and self.kind != "dask":
            raise ValueError("--dask-address needs --runner dask")

    @property
    def in_process_pool(self) -> bool:
        """True when tasks hand sources to a local WorkerPool (not under Dask)."""
        return self.kind == "thread"


def task_runner(choice: RunnerChoice):
    """The Prefect task runner for `choice` (imports prefect-dask only when Dask is chosen)."""
    workers = max(1, choice.workers)
    if choice.kind == "dask":
        from prefect_dask import DaskTaskRunner

        if choice.dask_address:
            return DaskTaskRunner(address=choice.dask_address)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs={
            "n_workers": workers, "threads_per_worker": 1, "processes": True,
            "dashboard_address": None, "silence_logs": logging.WARNING})
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=workers)


@contextlib.contextmanager
def orchestration(choice: RunnerChoice) -> Iterator[None]:
    """Point the flow and its Dask workers at one Prefect API, and let Dask's log follow
    Prefect's level; a no-op for the thread runner. With `PREFECT_API_URL` set (a running
    server, or the test harness) that API is used."""
    from prefect.settings import PREFECT_API_URL, PREFECT_LOGGING_LEVEL, temporary_settings

    if choice.kind != "dask":
        yield
        return
    import distributed  # noqa: F401  (importing it sets its loggers' levels: set ours after)

    dask_log = logging.getLogger("distributed")
    level = dask_log.level
    dask_log.setLevel(max(logging.getLevelName(PREFECT_LOGGING_LEVEL.value()), logging.INFO))
    try:
        if PREFECT_API_URL.value():
            yield
            return
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        dask_log.setLevel(level)


def foreground_run():
    """Settings for a flow run in the foreground of a command (`gazette ingest`, `gazette
    nightly`): no flow-run heartbeats. Prefect's heartbeat thread sleeps in whole seconds and
    each flow run would wait up to a second for it as it ends. Runs of the served
    nightly deployment keep them, for crash detection."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
