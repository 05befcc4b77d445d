"""Alerts derived from the corpus catalog, their text, delivery to a JSONL file, a loopback
webhook and a loopback SMTP server, and `gazette alerts`."""
from __future__ import annotations

import json
import shutil
import socket
import textwrap
from datetime import date
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

from flows import catalog
from flows.alerts.delivery import deliver_pending, journal_path
from flows.alerts.derive import derive_alerts, list_alerts
from flows.alerts.text import format_yuan
from flows.channels import JsonlConfig, SmtpConfig, WebhookConfig
from flows.cli.main import main
from flows.settings import SettingsError, load_settings, parse_settings
from tests.test_feeds import LoopbackSite
from tests.test_reliability import held_reader, run_script

ROOT = Path(__file__).resolve().parent.parent

GAZETTE_ISSUE_SUMMARY = """\
北京市人民政府公报 2025年第27期（总第903期，2025-07-24）：8件文件
1. 京商消二字〔2025〕16号 北京市商务局关于进一步扩围2025年消费品以旧换新补贴商品的公告
   最高 2000元（单品种）
2. 京商流通字〔2025〕6号 北京市商务局关于申报2025年北京市县域商业体系建设项目的通知
   最高 1000万元（单个项目）；截止 2025-07-31；截止 2026-01
3. 京技管发〔2025〕1号 北京经济技术开发区关于推动经济持续回升向好的若干措施
   最高 2000万元；申报 2024-12-01 至 2025-04-01；截止 2026-06-30；有效期至 2025-12-31
4. 京技管发〔2025〕3号 北京经济技术开发区关于加快建设开源开放信创产业高地的若干措施
   最高 1亿元；有效期至 2029-12-31
5. 京技管发〔2025〕4号 北京经济技术开发区关于进一步激发创新活力打造高精尖产业主阵地的若干意见
   最高 1亿元；废止 京技管〔2024〕125号、京技管发〔2023〕32号；有效期至 2027-12-31
6. 京技管发〔2025〕5号 亦庄新城科技企业孵化器认定管理办法
   废止 京技管发〔2023〕8号
7. 京技管发〔2025〕8号 北京经济技术开发区声环境功能区划实施细则
   废止 京技管〔2013〕102号
8. 京技管发〔2025〕9号 北京经济技术开发区关于促进医药健康产业高质量发展的若干意见
   最高 1亿元（单个企业每年）；废止 京技管发〔2023〕5号；有效期至 2027-12-31"""


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 keeping every message it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(message_from_bytes(envelope.content, policy=default_policy))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def channel(self) -> SmtpConfig:
        return SmtpConfig(host="127.0.0.1", port=self.port, sender="gazette@localhost",
                           recipients=("analysts@localhost",), timeout_seconds=5)

    def alert_ids(self) -> list[str]:
        return [m["X-Gazette-Alert-Id"] for m in self.messages]

    def close(self):
        self.controller.stop()


@pytest.fixture()
def smtp_sink():
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture()
def webhook():
    site = LoopbackSite()
    yield site
    site.close()


@pytest.fixture()
def catalog_copy(corpus_catalog, tmp_path):
    """A writable copy of the corpus catalog (text and PDF renditions of the gazette and 9号)."""
    db = tmp_path / "catalog.duckdb"
    shutil.copy(corpus_catalog[0], db)
    return db


@pytest.mark.parametrize("amount, words", [
    ("100000000", "1亿元"), ("150000000", "1.5亿元"), ("5000000", "500万元"), ("25000000", "2500万元"),
    ("2000", "2000元"), ("15000.5", "1.50005万元"),
])
def test_format_yuan(amount, words):
    assert format_yuan(Decimal(amount)) == words


def test_corpus_alerts_one_per_issue_document_and_revision(catalog_copy):
    created = derive_alerts(catalog_copy)
    assert sorted((a.kind, a.alert_id) for a in created) == [
        ("document", "document:26b7b7b7d6e674c3"),   # yizhuang-pharma-service-guide-2026
        ("document", "document:2fa825f3a2f7f56e"),   # beijing-tech-services-2025-draft
        ("document", "document:304287588cce5dea"),   # changping-pharma-2025-draft, text and PDF
        ("document", "document:9d1dfe8868f74638"),   # nat-statistics-law-2009
        ("issue", "issue:北京市人民政府公报/2025/27"),  # text and PDF; its 8 documents in its alert
        ("revision", "revision:中华人民共和国统计法@64eae9eea270c906")]  # nat-statistics-law-2024
    # jjgf-2025-9 (text and PDF) is a printing of the gazette's 9号: announced by the issue alone
    issue = next(a for a in created if a.kind == "issue")
    assert issue.summary == GAZETTE_ISSUE_SUMMARY
    assert issue.subject == "北京市人民政府公报 2025年第27期（总第903期，2025-07-24）：8件文件"
    # renditions are one document: the changping draft's text and PDF give one alert
    changping = next(a for a in created if a.alert_id == "document:304287588cce5dea")
    assert changping.summary.splitlines() == [
        "新文件：中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）（征求意见稿）",
        "   来源：changping-pharma-2025-draft.txt", "   最高 1亿元（单个企业每年）；废止 昌政办发〔2023〕13号"]
    assert derive_alerts(catalog_copy) == []  # derived again: nothing twice


def test_versions_by_policy_key_without_the_revision_stage(catalog_copy, monkeypatch):
    import flows.alerts.derive

    monkeypatch.setattr(flows.alerts.derive, "has_revisions", lambda con: False)
    assert sorted(a.alert_id for a in derive_alerts(catalog_copy)) == [
        "document:26b7b7b7d6e674c3", "document:2fa825f3a2f7f56e", "document:304287588cce5dea",
        "document:9d1dfe8868f74638", "issue:北京市人民政府公报/2025/27",
        "revision:中华人民共和国统计法@64eae9eea270c906"]


STATISTICS_LAW_REVISION = [
    "修订：中华人民共和国统计法",
    "   来源：nat-statistics-law-2024.txt；上一版本：nat-statistics-law-2009.txt",
    "   preamble new date 2024-09-13",
    # 第四十四条第二款: 五万元以下 and 五万元以上二十万元以下 become 十万元 and 十万元以上五十万元
    "   第四十四条 amount: 5万元 → 10万元",
    "   第四十四条 amount: 5万元 → 10万元",
    "   第四十四条 amount: 20万元 → 50万元",
    "   第四十五条 amount: 1万元 → 5万元"]


def test_revision_alert_names_the_previous_version(catalog_copy):
    revisions = {a.doc_id: a for a in derive_alerts(catalog_copy) if a.kind == "revision"}
    # the one real revision: 统计法 2024 against 2009 (9号's two printings are no revision)
    assert list(revisions) == ["5f53ceaf9604-01"]
    assert revisions["5f53ceaf9604-01"].summary.splitlines() == STATISTICS_LAW_REVISION


def test_a_newer_version_seen_first_is_still_the_new_side_of_its_alert(catalog_copy):
    """Issue #22: a revision alert named the older text as the newer one, because versions were
    ordered as the catalog first saw them; the 2024 统计法 dropped in before the 2009 one must
    still be announced as the revision of the 2009 one, with the fines it raised."""
    con = catalog.connect(catalog_copy)
    con.execute("update source_paths set first_seen = first_seen - interval 1 day "
                "where path = 'nat-statistics-law-2024.txt'")
    con.close()
    alerts = {a.alert_id: a for a in derive_alerts(catalog_copy)}
    revision = alerts["revision:中华人民共和国统计法@64eae9eea270c906"]
    assert (revision.kind, revision.doc_id) == ("revision", "5f53ceaf9604-01")
    assert revision.summary.splitlines() == STATISTICS_LAW_REVISION
    older = alerts["document:9d1dfe8868f74638"]
    assert (older.kind, older.doc_id, older.subject) == ("document", "8b6e9f545b0d-01", "新文件：中华人民共和国统计法")


def test_delivery_to_every_channel_once_and_retried_after_a_failure(catalog_copy, tmp_path, webhook, smtp_sink):
    created = derive_alerts(catalog_copy)
    ids = sorted(a.alert_id for a in created)
    channels = {"jsonl": JsonlConfig(tmp_path / "alerts.jsonl"),
                "webhook": WebhookConfig(url=f"{webhook.url}/hook", timeout_seconds=5),
                "smtp": smtp_sink.channel()}
    webhook.fail_posts = 1
    first = deliver_pending(catalog_copy, channels)
    assert (sorted(first.sent["jsonl"]), sorted(first.sent["smtp"])) == (ids, ids)
    assert "webhook" not in first.sent and "HTTP 500" in first.failed["webhook"]
    assert first.pending == len(ids)
    con = catalog.connect(catalog_copy, read_only=True)
    assert len(list_alerts(con, undelivered=True)) == len(ids)
    assert con.execute("select attempts, last_error from alert_deliveries where channel = 'webhook'").fetchall() \
        == [(1, first.failed["webhook"])]
    con.close()

    second = deliver_pending(catalog_copy, channels)
    assert (second.sent, second.failed, second.pending) == ({"webhook": [a.alert_id for a in sorted(
        created, key=lambda a: (a.created_at, a.alert_id))]}, {}, 0)
    assert deliver_pending(catalog_copy, channels).sent == {}
    lines = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["alert_id"] for r in lines) == ids
    assert sorted(p["alert_id"] for p in webhook.posts) == ids
    assert sorted(smtp_sink.alert_ids()) == ids
    issue_mail = next(m for m in smtp_sink.messages if m["X-Gazette-Alert-Id"].startswith("issue:"))
    assert issue_mail["Subject"] == "[gazette] 北京市人民政府公报 2025年第27期（总第903期，2025-07-24）：8件文件"
    assert issue_mail.get_content().rstrip("\n") == GAZETTE_ISSUE_SUMMARY
    con = catalog.connect(catalog_copy, read_only=True)
    assert list_alerts(con, undelivered=True) == []
    con.close()


def test_jsonl_channel_skips_an_alert_already_in_the_file(catalog_copy, tmp_path):
    derive_alerts(catalog_copy)
    path = tmp_path / "alerts.jsonl"
    deliver_pending(catalog_copy, {"jsonl": JsonlConfig(path)})
    con = catalog.connect(catalog_copy)
    con.execute("delete from alert_deliveries")  # as if the run had died after writing the file
    con.execute("update alerts set delivered_at = null")
    con.close()
    deliver_pending(catalog_copy, {"jsonl": JsonlConfig(path)})
    assert len(path.read_text(encoding="utf-8").splitlines()) == 6


def test_a_reader_holding_the_catalog_does_not_block_deriving_or_delivering(catalog_copy, tmp_path):
    with held_reader(catalog_copy, "select count(*) from alerts") as ask:
        assert ask() == "0"
        assert len(derive_alerts(catalog_copy)) == 6
        report = deliver_pending(catalog_copy, {"jsonl": JsonlConfig(tmp_path / "alerts.jsonl")})
        assert (len(report.sent["jsonl"]), report.failed, report.pending) == (6, {}, 0)
        assert ask() == "0"  # its snapshot
    con = catalog.connect(catalog_copy, read_only=True)
    assert [a.delivered_at is not None for a in list_alerts(con)] == [True] * 6
    con.close()


KILL_AFTER_JOURNALING = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from flows.alerts import delivery
    from flows.channels import JsonlConfig, WebhookConfig

    real_note, notes = delivery._note, []

    def note_then_die(journal, *outcome):
        real_note(journal, *outcome)
        notes.append(outcome)
        if len(notes) == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    delivery._note = note_then_die
    delivery.deliver_pending(Path(sys.argv[1]), {"jsonl": JsonlConfig(Path(sys.argv[2])),
                                                 "webhook": WebhookConfig(url=sys.argv[3])})
""")


def test_killed_after_a_send_the_next_run_neither_sends_it_again_nor_loses_it(catalog_copy, tmp_path, webhook):
    ids = sorted(a.alert_id for a in derive_alerts(catalog_copy))
    path, hook = tmp_path / "alerts.jsonl", f"{webhook.url}/hook"
    code = run_script(KILL_AFTER_JOURNALING, str(catalog_copy), str(path), hook, tmp_path=tmp_path)
    assert code == -9, (tmp_path / "script.log").read_text()[-2000:]
    [first] = [p["alert_id"] for p in webhook.posts]  # killed after journaling its webhook send
    assert [json.loads(line)["channel"] for line in journal_path(catalog_copy).read_text().splitlines()] == [
        "jsonl", "webhook"]
    con = catalog.connect(catalog_copy, read_only=True)
    assert con.execute("select count(*) from alert_deliveries").fetchone()[0] == 0  # not folded
    con.close()
    with open(journal_path(catalog_copy), "a", encoding="utf-8") as journal:
        journal.write('{"alert_id": "iss')  # as if killed while journaling a third send

    report = deliver_pending(catalog_copy, {"jsonl": JsonlConfig(path), "webhook": WebhookConfig(url=hook)})
    assert first not in report.sent["webhook"] and sorted(report.sent["webhook"] + [first]) == ids
    assert sorted(p["alert_id"] for p in webhook.posts) == ids
    assert sorted(json.loads(line)["alert_id"] for line in path.read_text(encoding="utf-8").splitlines()) == ids
    assert journal_path(catalog_copy).read_text() == ""
    con = catalog.connect(catalog_copy, read_only=True)
    assert con.execute("select channel, count(*), sum(attempts), count(delivered_at) from alert_deliveries "
                       "group by all order by all").fetchall() == [("jsonl", 6, 6, 6), ("webhook", 6, 6, 6)]
    assert list_alerts(con, undelivered=True) == []
    con.close()


def test_gazette_alerts_command(catalog_copy, capsys):
    derive_alerts(catalog_copy)
    assert main(["--db", str(catalog_copy), "alerts", "--undelivered"]) == 0
    out = capsys.readouterr().out
    assert "issue  issue:北京市人民政府公报/2025/27  (undelivered)" in out and out.rstrip().endswith("(6 alerts)")
    assert main(["--db", str(catalog_copy), "alerts", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == "(0 alerts)\n"
    assert main(["--db", str(catalog_copy), "alerts", "--since", date.today().isoformat(), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["kind"] for a in listed].count("document") == 4 and listed[0]["delivered_at"] is None


def test_example_settings_parse():
    settings = load_settings(ROOT / "config" / "settings.example.toml")
    assert (settings.schedule.cron, settings.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert list(settings.channels) == ["jsonl", "webhook", "smtp"]
    assert [f.kind for f in settings.feeds] == ["listing", "json", "page"]


def test_settings_refuse_unknown_keys():
    with pytest.raises(SettingsError, match=r"unknown key\(s\) \['crn'\]"):
        parse_settings({"schedule": {"crn": "0 3 * * *"}})
    with pytest.raises(SettingsError, match="kind must be one of"):
        parse_settings({"feeds": [{"name": "a", "url": "http://127.0.0.1/", "kind": "rss"}]})


def test_a_printing_found_after_its_issue_is_announced_is_no_news(prefect_harness, tmp_path):
    """jjgf-2025-9.txt (9号 as issued on 2025-04-30) dropped in after the gazette that reprinted it
    is a printing of the document the issue's alert announced: no alert of its own."""
    from flows.ingest.flow import ingest
    from tests.conftest import sample

    raw, db = tmp_path / "raw", tmp_path / "catalog.duckdb"
    raw.mkdir()
    shutil.copy(sample("beijing-gazette-2025-27.txt"), raw)
    ingest([raw], db_path=db)
    assert [a.alert_id for a in derive_alerts(db)] == ["issue:北京市人民政府公报/2025/27"]
    shutil.copy(sample("jjgf-2025-9.txt"), raw)
    ingest([raw], db_path=db)
    assert derive_alerts(db) == []
