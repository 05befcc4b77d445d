"""What an analyst sees of Prefect on a terminal: nothing. Its client telemetry prints a notice
to stderr on the first import in a terminal; the flows turn it off before importing Prefect."""
from __future__ import annotations

import os
import pty
import subprocess
import sys

from prefect._internal.analytics.ci_detection import CI_ENV_VARS

from tests.conftest import ROOT, sample


def run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run with stdout on a pseudo-terminal (as `gazette` in a shell) and stderr captured; the
    exit code, what the terminal showed and stderr."""
    leader, follower = pty.openpty()
    try:
        run = subprocess.run(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=follower,
                             stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 65536):
            shown += chunk
    except OSError:  # EIO: the terminal's other end is closed and everything was read
        pass
    finally:
        os.close(leader)
    return run.returncode, shown.decode("utf-8", "replace"), run.stderr


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
