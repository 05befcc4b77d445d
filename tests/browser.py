"""Headless Chromium for the browser tests: render a URL, keep its screenshot in tests/artifacts/
and return the DOM it built. A test module skips without Chromium, except on CI, where `make
test` installs it and a missing browser fails."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no chromium: `make test` installs Debian `chromium` when run as root with apt-get")


def render(url: str, name: str, profile: Path, height: int = 1000) -> tuple[str, Path]:
    """The DOM Chromium builds for `url`, and its screenshot at tests/artifacts/<name>.png."""
    assert CHROMIUM, "chromium is not installed: run `make browser` (Debian package `chromium`)"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={profile}", f"--window-size=1280,{height}", f"--screenshot={shot}",
         "--dump-dom", url],
        capture_output=True, text=True, timeout=90)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout, shot
