"""A progress bar on stderr for long runs; silent when disabled or not on a terminal."""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextlib.contextmanager
def progress_bar(total: int, enabled: bool, label: str = "ingest") -> Iterator[Callable[[str], None]]:
    """Yields `advance(name)`, to call once per finished item."""
    if not enabled or total == 0 or not sys.stderr.isatty():
        yield lambda name: None
        return
    columns = (TextColumn(f"{label} [bold]{{task.fields[item]}}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        job = bar.add_task(label, total=total, item="")
        yield lambda name: bar.update(job, advance=1, item=name)
