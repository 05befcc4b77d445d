"""The ingest flow on a 2-worker local Dask cluster writes the catalog a serial run writes, and
its parse tasks report to the flow's Prefect API (no temporary server per Dask worker)."""
from __future__ import annotations

import shutil
import time

import pytest

from flows.ingest.flow import ingest
from flows.ingest.runners import RunnerChoice, task_runner
from tests.conftest import SAMPLES
from tests.test_reliability import snapshot

SUBSET = ["beijing-gazette-2025-27.txt", "beijing-tech-services-2025-draft.txt", "changping-pharma-2025-draft.txt",
          "jjgf-2025-9.txt", "yizhuang-pharma-service-guide-2026.txt", "jjgf-2025-9.pdf"]
# A name no other test ingests, so that this test's task runs can be counted in the shared API.
PDF_COPY = "jjgf-2025-9-dask.pdf"
PDF_TASK = f"parse {PDF_COPY}"


def parse_task_runs(name: str) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        return len(client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(any_=[name]))))


def wait_for_task_runs(name: str, count: int, seconds: float = 30.0) -> int:
    """Task runs reach the API as events, recorded a moment after the flow returns."""
    deadline = time.monotonic() + seconds
    while (found := parse_task_runs(name)) < count and time.monotonic() < deadline:
        time.sleep(0.5)
    return found


@pytest.mark.usefixtures("prefect_harness")
def test_two_worker_dask_cluster_gives_the_catalog_of_a_serial_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    names = [PDF_COPY if name.endswith(".pdf") else name for name in SUBSET]
    for name, copy in zip(SUBSET, names):
        shutil.copy(SAMPLES / name, raw / copy)
    serial = ingest([raw], db_path=tmp_path / "serial" / "catalog.duckdb", workers=1)
    assert wait_for_task_runs(PDF_TASK, 1) == 1
    dask = ingest([raw], db_path=tmp_path / "dask" / "catalog.duckdb", runner="dask", workers=2)
    assert sorted(dask.added) == sorted(names) and dask.ok and serial.ok
    assert dask.documents == serial.documents == 13
    assert snapshot(tmp_path / "dask" / "catalog.duckdb") == snapshot(tmp_path / "serial" / "catalog.duckdb")
    assert wait_for_task_runs(PDF_TASK, 2) == 2


def test_runner_choice():
    assert type(task_runner(RunnerChoice())).__name__ == "ThreadPoolTaskRunner"
    local = task_runner(RunnerChoice("dask", workers=2))
    assert (type(local).__name__, local.cluster_kwargs["n_workers"], local.address) == ("DaskTaskRunner", 2, None)
    remote = task_runner(RunnerChoice("dask", dask_address="tcp://10.0.0.5:8786"))
    assert remote.address == "tcp://10.0.0.5:8786"
    with pytest.raises(ValueError, match="--dask-address needs --runner dask"):
        RunnerChoice("thread", dask_address="tcp://10.0.0.5:8786")
