"""Rows built by hand reach a catalog as every source's do: staged as one part, then loaded."""
from __future__ import annotations

from pathlib import Path

from flows.ingest.loader import load_staged
from flows.ingest.source_rows import SourceRows
from flows.ingest.stager import StagedFolder


def stage_rows(rows: SourceRows, folder: Path) -> Path:
    """Write `rows` as the one part of a staged folder; returns the folder, published."""
    typed = rows.typed()
    staged = StagedFolder(folder)
    staged.write([typed])
    return staged.publish()


def load_rows(con, rows: SourceRows, tmp: Path) -> None:
    """Stage `rows` under `tmp` and load them into the catalog `con` in one transaction."""
    load_staged(con, stage_rows(rows, Path(tmp) / f"staged-{rows.source_id}"))
