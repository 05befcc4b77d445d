"""Commands run as in an analyst's shell: stdout on a pseudo-terminal, so that `isatty()` is true."""
from __future__ import annotations

import os
import pty
import subprocess

from tests.conftest import ROOT


def run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run with stdout on a pseudo-terminal and stderr captured: the exit code, what the
    terminal showed (its \\r\\n line ends back to \\n) and stderr."""
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
    return run.returncode, shown.decode("utf-8", "replace").replace("\r\n", "\n"), run.stderr
