"""Each ingest run stages its sources under a folder of its own, staging/run-<id>/, locked for
the run's life.

Two runs of one catalog may parse at the same time (the nightly deployment and a backfill run
by hand): both plan before either publishes, so both parse the same new files. Staged under
shared names (staging/<source id>/, staging/batch-<first source id>/), one run's folder replaced
the other's, and the first run to load removed what the other was about to load. A run's folder
is removed when the run ends; the folder of a run that was killed is removed by the next run to
start, once no process holds its lock.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

RUN_PREFIX = "run-"


@contextlib.contextmanager
def run_staging(root: Path) -> Iterator[Path]:
    """A new, empty staging folder under `root` for this run, removed when the block ends; the
    folders of runs that ended without removing theirs are removed first."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    run = f"{RUN_PREFIX}{uuid.uuid4().hex[:12]}"
    folder, lock = root / run, root / f"{run}.lock"
    with _guard(root):
        remove_abandoned(root)
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        lock.unlink(missing_ok=True)
        os.close(fd)


def remove_abandoned(root: Path) -> None:
    """Remove what no live run owns under `root`: the folders (and lock files) of runs whose lock
    no process holds (their run was killed), and what the layout from before run folders left
    (staging/<source id>/, staging/batch-…/), which nothing reads now. Call under `_guard`."""
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(RUN_PREFIX):
            run = entry.name.removesuffix(".lock")
            lock = root / f"{run}.lock"
            if not (lock.exists() and _held(lock)):
                shutil.rmtree(root / run, ignore_errors=True)
                lock.unlink(missing_ok=True)
        elif entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _held(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


@contextlib.contextmanager
def _guard(root: Path) -> Iterator[None]:
    """The staging root itself locked, while a run creates its folder and lock and while
    abandoned folders are removed: a run's lock is never seen free between its creation and its
    locking. A lock on the folder leaves no file behind."""
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
