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

That temporary server is started here for the thread runner too (`local_api`), in place of the
one Prefect would start by itself, which outlives a killed run (flows/server.py).
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
def local_api() -> Iterator[None]:
    """Runs in the block use the configured Prefect API (PREFECT_API_URL: a server, or the test
    harness), else this process's temporary one, which dies with the process (flows/server.py)."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        get_current_settings,
        temporary_settings,
    )

    from flows.server import temporary_api

    if PREFECT_API_URL.value():
        yield
        return
    api_url = temporary_api(get_current_settings().to_environment_variables(exclude_unset=True),
                            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        yield


@contextlib.contextmanager
def orchestration(choice: RunnerChoice) -> Iterator[None]:
    """Point the flow and its Dask workers at one Prefect API (`local_api`), and let Dask's log
    follow Prefect's level."""
    from prefect.settings import PREFECT_LOGGING_LEVEL

    with local_api():
        if choice.kind != "dask":
            yield
            return
        import distributed  # noqa: F401  (importing it sets its loggers' levels: set ours after)

        dask_log = logging.getLogger("distributed")
        level = dask_log.level
        dask_log.setLevel(max(logging.getLevelName(PREFECT_LOGGING_LEVEL.value()), logging.INFO))
        try:
            yield
        finally:
            dask_log.setLevel(level)


@contextlib.contextmanager
def foreground_run() -> Iterator[None]:
    """Settings for a flow run in the foreground of a command (`gazette ingest`, `gazette
    nightly`): the API of `local_api`, and no flow-run heartbeats. Prefect's heartbeat thread
    sleeps in whole seconds and each flow run would wait up to a second for it as it ends. Runs
    of the served nightly deployment keep them, for crash detection."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with local_api(), temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
