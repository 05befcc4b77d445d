"""The nightly flow: fetch the feeds, ingest the drop folder, derive alerts, deliver them.

Each step reads what the one before left in the catalog or the drop folder, so a run that stops
anywhere is completed by the next: files already downloaded are skipped by hash, documents without
an alert get one, alerts without a delivery are sent. Every step reads the published catalog
read-only and writes it through `catalog.writing`, so an analyst's open reader never blocks a
run. `nightly_deployment` is the scheduled deployment `nightly-ingest` that `gazette serve` runs
(it needs a real Prefect server: shared/STACK.md); `gazette nightly` runs the flow once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.schedules import Cron

from flows import catalog
from flows.alerts.delivery import DeliveryReport, deliver_pending
from flows.alerts.derive import derive_alerts
from flows.ingest.plan import IngestReport, discover, plan_files
from flows.nightly.feeds import FeedReport, fetch_feed
from flows.settings import Feed, HttpSettings, Settings, load_settings

DEPLOYMENT_NAME = "nightly-ingest"


@dataclass
class NightlyReport:
    """What one nightly run did: per feed, the ingest, the alerts created and their delivery."""
    feeds: list[FeedReport] = field(default_factory=list)
    ingest: IngestReport | None = None
    alerts: list[str] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)

    @property
    def ok(self) -> bool:
        return (not any(f.errors for f in self.feeds) and (self.ingest is None or self.ingest.ok)
                and not self.delivery.failed)


@task(cache_policy=NO_CACHE, task_run_name="fetch {feed.name}")
def fetch_feed_task(feed: Feed, http: HttpSettings, raw_dir: Path, db_path: Path) -> FeedReport:
    return fetch_feed(feed, http, raw_dir, db_path)


@task(cache_policy=NO_CACHE)
def derive_alerts_task(db_path: Path) -> list[str]:
    return [alert.alert_id for alert in derive_alerts(db_path)]


@task(cache_policy=NO_CACHE)
def deliver_alerts_task(db_path: Path, settings: Settings) -> DeliveryReport:
    return deliver_pending(db_path, settings.channels)


@flow(name="nightly", log_prints=False, validate_parameters=False, persist_result=False)
def nightly_flow(settings_path: str | None = None, db_path: str = str(catalog.DEFAULT_DB)) -> NightlyReport:
    """Fetch every feed, ingest the drop folder (feeds' folders included), alert, deliver."""
    settings = load_settings(Path(settings_path) if settings_path else None)
    db = Path(db_path)
    report = NightlyReport()
    report.feeds = [fetch_feed_task(feed, settings.http, settings.raw_dir, db) for feed in settings.feeds]
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_files(db, discover([settings.raw_dir]), force=False)
    if plan.nothing_new:   # no ingest subflow: its run alone costs orchestration for nothing
        report.ingest = IngestReport(skipped=plan.skipped)
    else:
        from flows.ingest.flow import ingest_flow  # imported only when there is something to ingest

        report.ingest = ingest_flow([settings.raw_dir], db_path=db)
    report.alerts = derive_alerts_task(db)
    report.delivery = deliver_alerts_task(db, settings)
    return report


def nightly_deployment(settings: Settings, settings_path: Path | None, db_path: Path):
    """The `nightly-ingest` deployment on the settings' cron schedule, in their time zone
    (a plain `cron=` string would be UTC). Paths are made absolute: the runner may start the
    flow elsewhere."""
    params = {"settings_path": str(Path(settings_path).resolve()) if settings_path else None,
              "db_path": str(Path(db_path).resolve())}
    return nightly_flow.to_deployment(
        name=DEPLOYMENT_NAME, parameters=params,
        schedules=[Cron(settings.schedule.cron, timezone=settings.schedule.timezone)],
        description="Fetch the feeds, ingest data/raw, derive and deliver alerts.")
