"""What an analyst sees of Prefect on a terminal: nothing. Its client telemetry prints a notice
to stderr on the first import in a terminal; the flows turn it off before importing Prefect."""
from __future__ import annotations

import os
import sys

from prefect._internal.analytics.ci_detection import CI_ENV_VARS

from tests.conftest import ROOT, sample
from tests.terminal import run_in_terminal


def test_an_ingest_on_a_terminal_prints_no_prefect_notice(tmp_path):
    # A first Prefect import outside CI, with nothing of the test set-up's opt-outs.
    env = {name: value for name, value in os.environ.items()
           if name not in CI_ENV_VARS and name not in ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PYTHONPATH=str(ROOT))
    code, shown, err = run_in_terminal(
        [sys.executable, "-m", "flows.cli", "--db", str(tmp_path / "catalog.duckdb"), "ingest",
         str(sample("jjgf-2025-9.txt"))], env)
    assert code == 0 and "ingested 1 source(s), 1 document(s)" in shown, (shown, err)
    assert [line for line in err.splitlines() if "prefect" in line.lower() or "telemetry" in line.lower()] == []
    assert err == ""
