"""The revisions flow: after ingest, recognise the versions of every policy and diff each new
version against its predecessor (flows/revisions/versions.py does the work; this only orchestrates).

The diffs are computed on a read-only connection, so analysts' readers are never blocked, and
written in one short transaction of a catalog writer (`catalog.writing`).
"""
from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import catalog
from flows.revisions import status as document_status
from flows.revisions import versions as revisions


@task(cache_policy=NO_CACHE)
def update_revisions(db_path: Path) -> list[str]:
    """Families of every document, the diffs of the versions that need one and every document's
    status history, written by a catalog writer; returns the ids of the revisions written."""
    with catalog.writing(Path(db_path)) as con:
        written = revisions.update_revisions(con)
        document_status.update_status(con)
        return written


@flow(name="revisions", log_prints=False, validate_parameters=False, persist_result=False)
def revisions_flow(db_path: Path = catalog.DEFAULT_DB) -> list[str]:
    """Link versions of one policy and diff every new version against its predecessor;
    returns the ids of the revisions written. (An ingest run does the same in its load.)"""
    return update_revisions(Path(db_path))
