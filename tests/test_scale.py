"""Scale: read-only commands never import Prefect, a run with nothing new parses and stages
nothing (and from the CLI ends before Prefect is imported), and the benchmark's corpus copies are distinct sources that still parse."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks.ingest import build_corpus
from extractors.read import read_pdf
from flows.catalog import SourceFile
from flows.ingest.flow import MAX_BATCH_SOURCES, batch_name, ingest, parse_batches, staging_root
from flows.ingest.parse import parse_source
from flows.ingest.plan import discover, plan_files
from tests.conftest import ROOT

READ_ONLY_COMMANDS = textwrap.dedent("""
    import sys
    from flows.cli.main import main
    db, raw = sys.argv[1], sys.argv[2]
    codes = [main(["--db", db, "query", "select count(*) from documents", "--format", "csv"]),
             main(["--db", db, "doctor"]),
             main(["--db", db, "alerts"]),
             main(["--db", db, "diff", f"{raw}/jjgf-2025-9.txt", f"{raw}/beijing-gazette-2025-27.txt"])]
    print("codes", codes, "prefect imported:", any(m.split(".")[0] == "prefect" for m in sys.modules))
""")


def test_query_doctor_alerts_and_diff_never_import_prefect(corpus_catalog):
    db, raw, _ = corpus_catalog
    out = subprocess.run([sys.executable, "-c", READ_ONLY_COMMANDS, str(db), str(raw)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "codes [0, 0, 0, 0] prefect imported: False", out.stderr


def test_a_run_with_nothing_new_parses_and_stages_nothing(corpus_catalog):
    db, raw, _ = corpus_catalog
    report = ingest([raw], db_path=db)
    assert (report.added, report.seconds, report.stage_seconds, report.doc_ids) == ([], {}, {}, [])
    assert not staging_root(db).exists() or not any(staging_root(db).iterdir())


NOOP_INGEST = textwrap.dedent("""
    import sys
    from flows.cli.main import main
    code = main(["--db", sys.argv[1], "ingest", sys.argv[2]])
    print("code", code, "prefect imported:", any(m.split(".")[0] == "prefect" for m in sys.modules))
""")


def test_cli_ingest_with_nothing_new_ends_before_prefect_is_imported(corpus_catalog):
    db, raw, _ = corpus_catalog
    out = subprocess.run([sys.executable, "-c", NOOP_INGEST, str(db), str(raw)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines() == ["nothing new: 10 file(s) already in the catalog",
                                               "code 0 prefect imported: False"], out.stderr


def test_known_bytes_under_a_new_name_are_not_nothing_new(corpus_catalog, tmp_path):
    db, raw, _ = corpus_catalog
    shutil.copy(raw / "jjgf-2025-9.txt", tmp_path / "jjgf-renamed.txt")
    plan = plan_files(db, discover([raw, tmp_path]), force=False)
    assert not plan.parse and [s.path for s in plan.new_paths] == ["jjgf-renamed.txt"]
    assert not plan.nothing_new
    assert plan_files(db, discover([raw]), force=False).nothing_new


def test_benchmark_copies_are_distinct_sources_that_parse_like_the_original(tmp_path):
    files, _ = build_corpus(tmp_path / "pdf", ".pdf", 2)
    copies = sorted((tmp_path / "pdf").glob("jjgf-2025-9-*.pdf"))
    assert files == 6 and len(copies) == 2
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "pdf").iterdir()}) == 6
    original = read_pdf(ROOT / "data" / "samples" / "jjgf-2025-9.pdf")
    assert read_pdf(copies[1]) == original
    build_corpus(tmp_path / "text", ".txt", 1)
    parsed, _ = parse_source(tmp_path / "text" / "jjgf-2025-9-00000.txt")
    reference, _ = parse_source(ROOT / "data" / "samples" / "jjgf-2025-9.txt")
    assert [d.span.doc_number for d in parsed.documents] == [d.span.doc_number for d in reference.documents]
    assert [len(d.facts) for d in parsed.documents] == [len(d.facts) for d in reference.documents]


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_start_before_the_flow_warm_and_stop_before_the_load(prefect_harness, tmp_path, monkeypatch,
                                                                       workers):
    """ingest() starts the parsing workers before the flow run (their spaCy and jieba loading
    overlaps Prefect's start-up) and the flow uses that pool. Two workers are stopped before the
    load, which must not share the memory with them; beside one worker the writer loads each
    batch as it is staged (flows/ingest/flow.py: loads_while_parsing), but the last after the worker
    stopped."""
    from flows.ingest import loader
    from flows.ingest import workers as worker_module
    from flows.ingest.workers import WorkerPool

    events = []

    class CountedPool(WorkerPool):
        def __init__(self, *args, **kwargs):
            events.append(("pool", kwargs.get("warm_up").__name__))
            super().__init__(*args, **kwargs)

        def close(self):
            events.append(("close",))
            super().close()

    real_load = loader.load_staged

    def load(con, staged, replacing=()):
        events.append(("load",))
        return real_load(con, staged, replacing)

    monkeypatch.setattr(worker_module, "WorkerPool", CountedPool)
    monkeypatch.setattr(loader, "load_staged", load)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("jjgf-2025-9.txt", "yizhuang-pharma-service-guide-2026.txt"):
        shutil.copy(ROOT / "data" / "samples" / name, raw)
    report = ingest([raw], db_path=tmp_path / "c.duckdb", workers=workers)
    assert len(report.added) == 2 and report.ok
    assert events[0] == ("pool", "warm_up") and events.count(("pool", "warm_up")) == 1
    close = events.index(("close",))
    loads = [k for k, event in enumerate(events) if event == ("load",)]
    if workers == 1:  # the first batch while the second parses; the last once the worker stopped
        assert loads[0] < close < loads[-1], events
    else:
        assert close < loads[0], events
    # start-up ran in warm_up, not inside the first source's extraction
    assert report.seconds["extract"] < 1.0, report.seconds
    # every stage is timed, the workers' and the writer's (the benchmark reads these)
    assert list(report.stage_seconds) == ["read", "clean", "split", "segment", "extract", "stage",
                                          "load", "relate", "revisions", "publish"], report.stage_seconds
    assert all(seconds > 0 for seconds in report.stage_seconds.values()), report.stage_seconds


def _sources(sizes):
    return [(Path(f"f{k:03d}.txt"), SourceFile(f"{k:064d}", f"raw/f{k:03d}.txt", "text", size))
            for k, size in enumerate(sizes)]


def test_sources_reach_workers_in_batches_of_a_quarter_of_a_workers_share():
    """100 files of 31 kB and 2 workers: 8 tasks, not 100; a large file alone; order kept."""
    parse = _sources([31_000] * 100)
    batches = parse_batches(parse, workers=2)
    assert [item for batch in batches for item in batch] == parse
    assert 8 <= len(batches) <= 9 and max(len(b) for b in batches) == 12
    mixed = _sources([10_000, 10_000, 5_000_000, 10_000])
    assert [len(b) for b in parse_batches(mixed, workers=1)] == [2, 1, 1]
    assert [len(b) for b in parse_batches(_sources([100] * 1000), workers=1)] == [MAX_BATCH_SOURCES] * 15 + [40]
    assert parse_batches([], workers=2) == []
    assert batch_name(batches[0]) == "f000.txt and 11 more" and batch_name(mixed[2:3]) == "f002.txt"


def test_cli_ingest_starts_the_workers_before_importing_the_flow(tmp_path, monkeypatch):
    """`gazette ingest` starts and warms its parsing workers before it imports Prefect (the flow
    module) and hands them to the flow, which stops them; the CLI closes them in any case. The
    flow module here is a stand-in that records when the CLI first reaches into it."""
    import sys
    import types

    from flows.cli import main as cli
    from flows.ingest import workers
    from flows.ingest.plan import IngestReport

    events = []

    class FlowModule(types.ModuleType):
        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            events.append(("import", name))
            if name == "ingest":
                return fake_ingest
            raise AttributeError(name)

    class RecordedPool:
        def __init__(self, size, timeout, memory_bytes=None, warm_up=None, preload=None):
            events.append(("pool", size, warm_up.__name__))

        def close(self):
            events.append(("close",))

    def fake_ingest(paths, db_path, plan, pool, **options):
        events.append(("ingest", type(pool).__name__, len(plan.parse), options["workers"]))
        return IngestReport()

    monkeypatch.setattr(workers, "WorkerPool", RecordedPool)
    monkeypatch.setitem(sys.modules, "flows.ingest.flow", FlowModule("flows.ingest.flow"))
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "data" / "samples" / "jjgf-2025-9.txt", raw)
    assert cli.main(["--db", str(tmp_path / "c.duckdb"), "ingest", str(raw), "--no-progress"]) == 0
    assert events == [("pool", 1, "warm_up"), ("import", "ingest"), ("ingest", "RecordedPool", 1, 2), ("close",)]


def test_a_foreground_ingest_runs_its_flow_without_heartbeats(tmp_path, monkeypatch):
    """Prefect's heartbeat thread sleeps in whole seconds and every flow waited for it at its end
    (0–1 s a run): `ingest()` turns heartbeats off for its flow, and only for it."""
    from prefect.settings import get_current_settings

    import flows.ingest.flow as ingest_module
    from flows.ingest.plan import IngestReport

    seen = []

    class RecordingFlow:
        def with_options(self, **_):
            return lambda *a, **k: seen.append(get_current_settings().flows.heartbeat_frequency) or IngestReport()

    before = get_current_settings().flows.heartbeat_frequency
    monkeypatch.setattr(ingest_module, "ingest_flow", RecordingFlow())
    ingest_module.ingest([tmp_path], db_path=tmp_path / "c.duckdb", workers=1)
    assert seen == [None] and before is not None
    assert get_current_settings().flows.heartbeat_frequency == before
