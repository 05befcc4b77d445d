"""The revisions flow: after ingest, recognise the versions of every policy and diff each new
version against its predecessor (flows/revisions.py does the work; this only orchestrates).

The diffs are computed on a read-only connection, so analysts' readers are never blocked, and
written in one short transaction of a catalog writer (`catalog.writing`).
"""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from flows import catalog, revisions  # noqa: E402


@task(cache_policy=NO_CACHE)
def plan_and_diff(db_path: Path) -> tuple[revisions.RevisionPlan, list[revisions.Revision]]:
    """Families of every document, and the diffs of the versions that need one."""
    con = catalog.connect(db_path, read_only=True)
    try:
        plan = revisions.plan_revisions(con)
        return plan, revisions.compute_revisions(con, plan)
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def write_revisions(db_path: Path, plan: revisions.RevisionPlan, diffs: list[revisions.Revision]) -> list[str]:
    with catalog.writing(db_path) as con:
        revisions.write_revisions(con, plan, diffs)
    return [r.revision_id for r in diffs]


def link_revisions(db_path: Path) -> list[str]:
    """Link versions of one policy and diff every new version against its predecessor, as two
    tasks of the calling flow (the ingest flow runs them itself: a subflow cost ~0.5–1 s of
    Prefect's start-up and heartbeat shutdown); returns the ids of the revisions written."""
    plan, diffs = plan_and_diff(Path(db_path))
    # quote(): Prefect would otherwise walk every diff's texts and ops looking for futures (~2 s
    # for a hundred revisions).
    return write_revisions(Path(db_path), quote(plan), quote(diffs))


@flow(name="revisions", log_prints=False, validate_parameters=False, persist_result=False)
def revisions_flow(db_path: Path = catalog.DEFAULT_DB) -> list[str]:
    """Link versions of one policy and diff every new version against its predecessor;
    returns the ids of the revisions written."""
    return link_revisions(Path(db_path))
