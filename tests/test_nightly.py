"""The nightly flow: its deployment's schedule, and three runs end to end against a loopback feed,
a loopback webhook, a loopback SMTP server and a JSONL file (127.0.0.1 only), with an analyst's
reader holding the catalog open."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows import catalog
from flows.alerts.derive import list_alerts
from flows.settings import Schedule, Settings
from tests.conftest import sample
from tests.test_alerts import SmtpSink
from tests.test_feeds import LoopbackSite, html_page
from tests.test_reliability import held_reader

# 第28期 is made from the 27th: a new masthead over the same eight documents.
ISSUE_28 = (("第 27 期（总第 903 期）", "第 28 期（总第 904 期）"), ("2025年7月24日 第27期", "2025年7月31日 第28期"))
# The revised 9号 raises the med-tech cap of measure 4 (单个企业每年) from 3000万元 to 5000万元.
REVISION = ("单个企业每年支持额度不超过 3000 万元", "单个企业每年支持额度不超过 5000 万元")


def test_deployment_schedule_and_timezone(tmp_path):
    from flows.nightly.flow import nightly_deployment

    default = nightly_deployment(Settings(), None, tmp_path / "c.duckdb")
    assert default.name == "nightly-ingest"
    [schedule] = default.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert default.parameters == {"settings_path": None, "db_path": str((tmp_path / "c.duckdb").resolve())}
    custom = nightly_deployment(Settings(schedule=Schedule("30 6 * * 1-5", "Europe/Berlin")),
                                tmp_path / "s.toml", tmp_path / "c.duckdb")
    assert (custom.schedules[0].schedule.cron, custom.schedules[0].schedule.timezone) == (
        "30 6 * * 1-5", "Europe/Berlin")
    assert custom.parameters["settings_path"] == str((tmp_path / "s.toml").resolve())


def replaced(text: str, *pairs: tuple[str, str]) -> bytes:
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode("utf-8")


@pytest.fixture()
def loopback():
    feed, hook, smtp = LoopbackSite(), LoopbackSite(), SmtpSink()
    yield feed, hook, smtp
    feed.close(), hook.close(), smtp.close()


def write_settings(tmp_path: Path, feed: LoopbackSite, hook: LoopbackSite, smtp: SmtpSink) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f"""
raw_dir = "{tmp_path / 'raw'}"
[http]
timeout_seconds = 5
retries = 1
backoff_seconds = 0.01
use_env_proxy = false
[[feeds]]
name = "bjgb"
url = "{feed.url}/feed.json"
kind = "json"
[channels.jsonl]
path = "{tmp_path / 'alerts.jsonl'}"
[channels.webhook]
url = "{hook.url}/hook"
[channels.smtp]
host = "127.0.0.1"
port = {smtp.port}
from = "gazette@localhost"
to = ["analysts@localhost"]
""", encoding="utf-8")
    return path


def publish(feed: LoopbackSite, files: dict[str, tuple[bytes, str]]) -> None:
    """Add files to the site and list every file in its JSON feed."""
    feed.pages.update(files)
    listed = [{"url": path} for path in feed.pages if path != "/feed.json"]
    feed.pages["/feed.json"] = (json.dumps({"items": listed}).encode(), "application/json")


def test_three_nightly_runs_alert_each_new_item_once_on_every_channel(prefect_harness, tmp_path, loopback):
    from flows.nightly.flow import nightly_flow

    feed, hook, smtp = loopback
    settings, db = write_settings(tmp_path, feed, hook, smtp), tmp_path / "catalog.duckdb"
    gazette = sample("beijing-gazette-2025-27.txt").read_text(encoding="utf-8")
    changping = sample("changping-pharma-2025-draft.txt").read_text(encoding="utf-8")
    publish(feed, {
        "/files/beijing-gazette-2025-27.txt": (gazette.encode("utf-8"), "text/plain; charset=utf-8"),
        "/zhengce/t20250601_1.html": (html_page("昌平组团促进医药健康产业发展支持办法", changping), "text/html"),
    })

    first = nightly_flow(str(settings), str(db))
    assert first.ok and len(first.feeds[0].saved) == 2
    assert sorted(first.alerts) == ["document:304287588cce5dea", "issue:北京市人民政府公报/2025/27"]

    # the next issue reprints its 9号 revised: a newer version, by its issue's date
    publish(feed, {
        "/files/beijing-gazette-2025-28.txt": (replaced(gazette, *ISSUE_28, REVISION), "text/plain; charset=utf-8"),
    })
    hook.fail_posts = 1
    # an analyst's read-only shell stays open through runs 2 and 3: neither waits for it
    with held_reader(db, "select count(*) from alerts where delivered_at is not null") as ask:
        assert ask() == "2"
        second = nightly_flow(str(settings), str(db))
        assert len(second.feeds[0].saved) == 1 and second.feeds[0].unchanged == 2
        [revision_id] = [a for a in second.alerts if a.startswith("revision:")]
        assert revision_id.startswith("revision:京技管发〔2025〕9号@")
        assert sorted(second.alerts) == ["issue:北京市人民政府公报/2025/28", revision_id]
        assert "webhook" not in second.delivery.sent and "HTTP 500" in second.delivery.failed["webhook"]
        assert second.delivery.pending == 2 and not second.ok

        third = nightly_flow(str(settings), str(db))
        assert third.alerts == [] and third.feeds[0].unchanged == 1 and third.feeds[0].saved == []
        assert feed.gets("/feed.json")[-1]["If-None-Match"].startswith('"')  # answered 304
        assert sorted(third.delivery.sent["webhook"]) == sorted(second.alerts)
        assert set(third.delivery.sent) == {"webhook"} and third.ok
        assert ask() == "2"  # its snapshot

    every = sorted(first.alerts + second.alerts)
    jsonl = [json.loads(line)["alert_id"] for line in (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(jsonl) == every
    assert sorted(p["alert_id"] for p in hook.posts) == every
    assert sorted(smtp.alert_ids()) == every
    con = catalog.connect(db, read_only=True)
    alerts = {a.alert_id: a for a in list_alerts(con)}
    assert sorted(alerts) == every and all(a.delivered_at for a in alerts.values())
    # the webhook failed on run 2's first alert and was not tried again that run
    assert con.execute("select attempts, last_error from alert_deliveries where channel = 'webhook' "
                       "order by attempts").fetchall() == [(1, None), (1, None), (1, None), (2, None)]
    con.close()

    issue_28 = alerts["issue:北京市人民政府公报/2025/28"].summary.splitlines()
    assert issue_28[0] == "北京市人民政府公报 2025年第28期（总第904期，2025-07-31）：8件文件"
    revision = alerts[revision_id].summary.splitlines()
    assert revision[0] == "修订：京技管发〔2025〕9号 北京经济技术开发区关于促进医药健康产业高质量发展的若干意见"
    assert revision[1] == "   来源：北京市人民政府公报 2025年第28期；上一版本：北京市人民政府公报 2025年第27期"
    # the revision stage's diff of exactly this pair
    assert revision[2:] == ["   二/(一)/4 cap: 3000万元 per enterprise per year → 5000万元",
                            "   现行：最高 1亿元（单个企业每年）；废止 京技管发〔2023〕5号；有效期至 2027-12-31"]

    # a fourth night with the feeds gone quiet and nothing undelivered has no work at all, so
    # `gazette nightly` would end before importing Prefect; a new file in data/raw is work again
    from dataclasses import replace as with_changes

    from flows.cli.nightly import nightly_work
    from flows.settings import load_settings

    quiet = with_changes(load_settings(settings), feeds=())
    assert nightly_work(db, quiet) == []
    (quiet.raw_dir / "guide.txt").write_bytes(sample("yizhuang-pharma-service-guide-2026.txt").read_bytes())
    assert nightly_work(db, quiet) == ["new files"]


def test_nightly_work_lists_alerts_a_catalog_has_not_derived(corpus_catalog, tmp_path):
    from flows.cli.nightly import nightly_work

    db, raw, _ = corpus_catalog
    settings = Settings(raw_dir=raw)
    assert nightly_work(db, settings) == ["alerts to derive"]
    assert nightly_work(tmp_path / "none.duckdb", Settings(raw_dir=tmp_path / "empty")) == []


def test_a_foreground_nightly_runs_its_flow_without_heartbeats(tmp_path, monkeypatch):
    """`gazette nightly` runs its flow in the foreground: no heartbeats (Prefect's heartbeat
    thread made each of its flow runs wait 0–1 s as it ended), and the settings are back after."""
    from prefect.settings import get_current_settings

    import flows.nightly.flow as nightly_module
    from flows.cli.main import main
    from flows.ingest.plan import IngestReport
    from flows.nightly.flow import NightlyReport

    seen = []
    monkeypatch.setattr(nightly_module, "nightly_flow",
                        lambda *a: seen.append(get_current_settings().flows.heartbeat_frequency)
                        or NightlyReport(ingest=IngestReport()))
    settings = tmp_path / "settings.toml"
    settings.write_text(f'raw_dir = "{tmp_path / "raw"}"\n\n[[feeds]]\nname = "bjgb"\n'
                        'url = "http://127.0.0.1:9/feed.json"\nkind = "json"\n', encoding="utf-8")
    before = get_current_settings().flows.heartbeat_frequency
    assert main(["--db", str(tmp_path / "c.duckdb"), "nightly", "--settings", str(settings)]) == 0
    assert seen == [None] and before is not None
    assert get_current_settings().flows.heartbeat_frequency == before
