"""Ingestion throughput: stages, workers, task runners, readers, the no-op run, memory, OCR.

    .venv/bin/python benchmarks/ingest.py [--issues 20] [--backfill-issues 100] [--pdf-issues 10]
                                          [--repeats 3] [--skip-ocr] [--quick] [--out benchmarks/results.md]

Not a test. It builds copies of the sample texts and PDFs (data/samples/), each made distinct by
a marker (a line appended to a text, a PDF comment after %%EOF) so that every file is new. Then:

1. each configuration (texts or PDFs; 1 or 2 workers; thread or Dask runner) ingests its corpus
   into an empty catalog in a fresh process (`child`), which reports wall and CPU time, the
   flow's own stage timings (IngestReport.stage_seconds: the workers' parse stages summed over
   sources; the writer's load, relate, revisions and publish) and peak RSS (ingest_memory.py);
2. peak Python memory per stage (tracemalloc) on one copy of each file, in this process;
3. pdfplumber `extract_text`, bare pypdfium2 and our reader (`read_pdf`) on the same PDFs;
4. runs with nothing new by the CLI, with Prefect's temporary server and with `prefect server
   start`; the PDF backfill's memory against that server, sampled and inside a memory cgroup;
   `gazette query` / `doctor`, which must not import Prefect;
5. (unless --skip-ocr) the 79-page scan: OCR time, what is found, and ../shared/eval/score.py.

The tables (ingest_report.py) replace the top of --out; its `## History` section is kept, with
this run's row added. The modules beside this one are imported when used: tests import this one
as `benchmarks.ingest` for its corpus.
`--quick` (one copy of each, one run each, no OCR, the full backfill left out) checks that the
benchmark works in a few minutes; pair it with an --out outside the repository.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED = ROOT.parent / "shared"
SCAN = SHARED / "corpus" / "pdf" / "beijing-gazette-2025-27-scan.pdf"
BIN = Path(sys.executable).parent
# The CLI as `gazette` runs it, through this interpreter (whatever entry point a venv installed).
PYTHON, GAZETTE = sys.executable, [sys.executable, "-m", "flows.cli"]
BASE_ENV = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}


def build_corpus(folder: Path, suffix: str, copies: int) -> tuple[int, int]:
    """`copies` distinct copies of each sample with this suffix; returns (files, bytes)."""
    folder.mkdir(parents=True)
    files = size = 0
    for k in range(copies):
        for sample in sorted(SAMPLES.glob(f"*{suffix}")):
            data = sample.read_bytes()
            data += (f"\n%bench copy {k:05d}\n" if suffix == ".pdf" else f"\n基准副本 {k:05d}\n").encode()
            (folder / f"{sample.stem}-{k:05d}{suffix}").write_bytes(data)
            files, size = files + 1, size + len(data)
    return files, size


def pdf_pages(folder: Path) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(p)) for p in folder.glob("*.pdf"))


def text_bytes(samples: list[Path], copies: int) -> float:
    """UTF-8 bytes of the corpus's cleaned text: each sample's cleaned characters, times copies,
    at the sample texts' bytes per character."""
    from extractors.pipeline import clean_source, read_source

    texts = [p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.txt")]
    ratio = sum(len(t.encode()) for t in texts) / sum(len(t) for t in texts)
    chars = sum(len(clean_source(*read_source(path)[:2]).text) for path in samples)
    return chars * copies * ratio


def child(args) -> None:
    """One configuration's run in this fresh process, printed as one JSON line."""
    from ingest_memory import TreeSampler
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.ingest.flow import ingest

    sampler = TreeSampler()
    sampler.start()
    started = time.perf_counter()
    server = SubprocessASGIServer()
    server.start()
    server_start = time.perf_counter() - started
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        started, cpu_before = time.perf_counter(), cpu_seconds()
        report = ingest([Path(args.corpus)], db_path=Path(args.db), workers=args.workers, runner=args.runner,
                        timeout=args.timeout)
        wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
    sampler.running = False
    sampler.join()
    print(json.dumps({
        "wall": wall, "cpu": cpu, "server_start": server_start, "stages": report.stage_seconds,
        "sources": len(report.added), "documents": report.documents, "quarantined": report.quarantined,
        "rss_flow": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "rss_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "rss_tree": sampler.peak, "rss_server": sampler.server_peak}))


def cpu_seconds() -> float:
    """CPU time of this process and of its ended children: the flow and its parsing workers (a
    Dask cluster's once it closes), not the Prefect server, which runs on."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def run_config(corpus: Path, workdir: Path, workers: int, runner: str, env: dict, timeout: float = 600) -> dict:
    db = workdir / f"{corpus.name}-{runner}-{workers}" / "catalog.duckdb"
    shutil.rmtree(db.parent, ignore_errors=True)  # every run ingests into a fresh catalog
    out = subprocess.run([PYTHON, __file__, "child", "--corpus", str(corpus), "--db", str(db), "--workers",
                          str(workers), "--runner", runner, "--timeout", str(timeout)],
                         capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "db": str(db), "workers": workers, "runner": runner}


def run_repeated(corpus: Path, workdir: Path, workers: int, runner: str, env: dict, repeats: int) -> dict:
    """The median of `repeats` runs into fresh catalogs, every run's wall time in `walls`."""
    runs = sorted((run_config(corpus, workdir, workers, runner, env) for _ in range(repeats)),
                  key=lambda run: run["wall"])
    return {**runs[len(runs) // 2], "walls": [run["wall"] for run in runs]}


def readers(pdfs: list[Path], runs: int = 3) -> dict[str, float]:
    """Pages per second of each way to read the PDFs' text (median of `runs`)."""
    import pdfplumber
    import pypdfium2 as pdfium

    from extractors.clean import clean_pdf_pages
    from extractors.read import read_pdf

    def plumber(path):
        with pdfplumber.open(path) as pdf:
            return [page.extract_text() for page in pdf.pages]

    def pdfium_text(path):
        doc = pdfium.PdfDocument(path)
        try:
            return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        finally:
            doc.close()

    pages = sum(len(pdfium.PdfDocument(p)) for p in pdfs)
    ways = {"pdfplumber extract_text": plumber, "pypdfium2 get_text_range": pdfium_text,
            "read_pdf (pdfium + pdfplumber tables)": read_pdf, "read_pdf + clean": lambda p: clean_pdf_pages(read_pdf(p))}
    return {name: pages / statistics.median(_timed_runs(lambda way=way: [way(p) for p in pdfs], runs))
            for name, way in ways.items()}


def _timed_runs(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def cli_wall(argv: list[str], env: dict, runs: int = 3) -> float:
    run = lambda: subprocess.run([*GAZETTE, *argv], env=env, cwd=ROOT, capture_output=True, check=False)  # noqa: E731
    return statistics.median(_timed_runs(run, runs))


def imports_prefect(argv: list[str], env: dict) -> bool:
    code = ("import sys; from flows.cli.main import main; main(sys.argv[1:]); "
            "print('PREFECT' if 'prefect' in sys.modules else 'NO PREFECT', file=sys.stderr)")
    out = subprocess.run([PYTHON, "-c", code, *argv], env=env, cwd=ROOT, capture_output=True, text=True)
    return "NO PREFECT" not in out.stderr


def prefect_server(env: dict, port: int = 4299):
    """`prefect server start` on its own PREFECT_HOME; returns (process, api_url, seconds to healthy)."""
    import httpx

    started, url = time.perf_counter(), f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - started < 180:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url, time.perf_counter() - started
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("prefect server did not become healthy in 180 s")


def noop_runs(results: dict, env: dict) -> dict:
    """Nothing new, by the CLI, with each kind of server; the PDF backfill against a running server."""
    from ingest_memory import MEMORY_BUDGET, cli_in_memory_limit, cli_memory

    pdf_run = next(r for r in results["pdf"]["runs"] if r["workers"] == 2 and r["runner"] == "thread")
    db, corpus = Path(pdf_run["db"]), results["pdf"]["corpus"]
    settings = db.with_name("settings.toml")
    settings.write_text(f'raw_dir = "{corpus}"\n\n[channels.jsonl]\npath = "{db.with_name("alerts.jsonl")}"\n')
    nightly = ["--db", str(db), "nightly", "--settings", str(settings)]
    subprocess.run([*GAZETTE, *nightly], env=env, cwd=ROOT, capture_output=True)  # announces the corpus once
    site = db.with_name("site")
    site.mkdir()
    (site / "feed.json").write_text('{"items": []}')
    httpd = subprocess.Popen([PYTHON, "-m", "http.server", "4298", "--bind", "127.0.0.1", "--directory", str(site)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fed = db.with_name("settings-feed.toml")
    fed.write_text(settings.read_text() + '\n[http]\nuse_env_proxy = false\n\n[[feeds]]\nname = "bjgb"\n'
                   'url = "http://127.0.0.1:4298/feed.json"\nkind = "json"\n')
    commands = {"`gazette ingest` (nothing new)": ["--db", str(db), "ingest", corpus, "--no-progress"],
                "`gazette nightly` (no feeds, nothing new)": nightly,
                "`gazette nightly` (a feed with nothing new)": ["--db", str(db), "nightly", "--settings", str(fed)]}
    time.sleep(1)

    def backfill(name: str, workers: int) -> list[str]:
        return [*GAZETTE, "--db", str(db.with_name(f"{name}-{workers}.duckdb")), "ingest", corpus, "--no-progress",
                "--workers", str(workers)]
    try:
        walls = {f"{name}, temporary server": cli_wall(argv, env) for name, argv in commands.items()}
        server, url, server_start = prefect_server(env)
        try:
            served = {**env, "PREFECT_API_URL": url}
            walls.update({f"{name}, `prefect server start` running": cli_wall(argv, served)
                          for name, argv in commands.items()})
            backfills = {n: cli_memory(backfill("backfill", n), served) for n in (1, 2)}
            limited = {n: cli_in_memory_limit(backfill("limited", n), served, MEMORY_BUDGET,
                                              timeout=5 * backfills[n]["wall"] + 30) for n in (1, 2)}
        finally:
            server.terminate()
            server.wait(30)
    finally:
        httpd.terminate()
        httpd.wait(10)
    walls['`gazette query "select count(*) from documents"`'] = cli_wall(
        ["--db", str(db), "query", "select count(*) from documents"], env)
    walls["`gazette doctor`"] = cli_wall(["--db", str(db), "doctor"], env)
    return {"walls": walls, "server_start": server_start, "backfills": backfills, "limited": limited,
            "query_imports_prefect": imports_prefect(["--db", str(db), "query", "select 1"], env),
            "doctor_imports_prefect": imports_prefect(["--db", str(db), "doctor"], env)}


def ocr_scan(workdir: Path, env: dict) -> dict:
    """The scan through the flow (1 worker, OCR on both cores): time, issue, TOC 文号 and documents
    found, and score.py --media pdf on its catalog (the scan is named as the PDF score.py looks up)."""
    from flows import catalog

    raw = workdir / "scan"
    raw.mkdir()
    shutil.copy(SCAN, raw / "beijing-gazette-2025-27.pdf")
    run = run_config(raw, workdir, 1, "thread", env, timeout=3600)
    con = catalog.connect(Path(run["db"]), read_only=True)
    try:
        issue = con.execute("select issue_no, total_no from issues").fetchall()
        toc = [r[0] for r in con.execute("select doc_number from issue_toc order by seq").fetchall()]
        docs = [r[0] for r in con.execute("select doc_number from documents order by doc_id").fetchall()]
        pages = con.execute("select pages from sources").fetchone()[0]
    finally:
        con.close()
    scores = subprocess.run([PYTHON, str(SHARED / "eval" / "score.py"), run["db"], "--media", "pdf", "--json"],
                            capture_output=True, text=True, cwd=ROOT)
    return {"pages": pages, "seconds": run["stages"].get("read", 0.0), "flow_wall": run["wall"], "run": run,
            "issue": issue, "toc": toc, "documents": docs,
            "scores": json.loads(scores.stdout) if scores.returncode == 0 else scores.stderr}


def reference_seconds(runs: int = 5) -> list[float]:
    """Seconds of a fixed pure-Python loop, `runs` times: the speed of this shared machine at the
    time, so that runs of different hours can be told apart from changes of the code."""
    def loop():
        total = 0
        for i in range(5_000_000):
            total += i
    return _timed_runs(loop, runs)


def machine() -> str:
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    libs = ", ".join(f"{name} {version(name)}" for name in
                     ("prefect", "prefect-dask", "distributed", "duckdb", "pdfplumber", "pypdfium2", "spacy", "jieba"))
    tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0] \
        if shutil.which("tesseract") else "no tesseract"
    return (f"{cpu}, {os.cpu_count()} cores, {mem} MiB RAM; {platform.platform()}; Python {platform.python_version()}; "
            f"{libs}; {tess}")


def measure(args, workdir: Path) -> dict:
    from ingest_memory import stage_memory

    env = {**os.environ, **BASE_ENV, "PREFECT_HOME": str(workdir / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    results = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
               "argv": _measured_argv(sys.argv[1:]) or ["defaults"], "reference_before": reference_seconds()}
    configs = {"text": [(1, "thread"), (2, "thread"), (2, "dask")], "text-backfill": [(1, "thread"), (2, "thread")],
               "pdf": [(1, "thread"), (2, "thread"), (2, "dask")]}
    for media, suffix, copies in (("text", ".txt", args.issues), ("text-backfill", ".txt", args.backfill_issues),
                                  ("pdf", ".pdf", args.pdf_issues)):
        if not copies:
            continue
        corpus = workdir / media
        files, _ = build_corpus(corpus, suffix, copies)
        runs = []
        for workers, runner in configs[media]:
            repeats = args.repeats if media.startswith("text") and runner == "thread" else 1
            runs.append(run_repeated(corpus, workdir, workers, runner, env, repeats))
            print(f"{media} {runner} x{workers}: {runs[-1]['wall']:.1f} s", file=sys.stderr)
        samples = sorted(SAMPLES.glob(f"*{suffix}"))
        results[media] = {"files": files, "runs": runs, "pages": pdf_pages(corpus) if media == "pdf" else 0,
                          "text_mb": text_bytes(samples, copies) / 1e6, "stage_memory": stage_memory(samples),
                          "corpus": str(corpus)}
    if args.issues:
        smallest = workdir / "one-text"
        smallest.mkdir()
        shutil.copy(min(SAMPLES.glob("*.txt"), key=lambda p: p.stat().st_size), smallest)
        results["fixed"] = {n: run_repeated(smallest, workdir, n, "thread", env, args.repeats) for n in (1, 2)}
    results["readers"] = readers(sorted(SAMPLES.glob("*.pdf")))
    if args.pdf_issues:
        results["noop"] = noop_runs(results, env)
    if not args.skip_ocr and SCAN.exists():
        results["ocr"] = ocr_scan(workdir, env)
    results["reference_after"] = reference_seconds()
    return results


def write(results: dict, out: Path, add_to_history: bool = True) -> None:
    """The tables at the top of `out`; its history kept below them, this run's row first."""
    from ingest_report import HISTORY, HISTORY_TABLE, history_row, render

    old = out.read_text(encoding="utf-8") if out.exists() else ""
    lines = (old[old.index(HISTORY):] if HISTORY in old else f"{HISTORY}\n\n{HISTORY_TABLE}\n").split("\n")
    if add_to_history:
        lines.insert(next(k for k, line in enumerate(lines) if line.startswith("| ---")) + 1, history_row(results))
    out.write_text(render(results) + "\n" + "\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("child")
    for name, kind in (("--corpus", str), ("--db", str), ("--workers", int), ("--runner", str), ("--timeout", float)):
        one.add_argument(name, type=kind)
    parser.add_argument("--issues", type=int, default=20, help="copies of the texts (default 20: 100 files)")
    parser.add_argument("--backfill-issues", type=int, default=100,
                        help="copies of the texts for the backfill-sized run (default 100: 500 files)")
    parser.add_argument("--pdf-issues", type=int, default=10, help="copies of the PDFs (default 10: 1,000 pages)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each text configuration on threads, the median reported (default 3)")
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="a check that the benchmark works: --issues 1 --backfill-issues 0 --pdf-issues 1 "
                             "--repeats 1 --skip-ocr")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON", help="only rewrite --out from a run's raw numbers")
    args = parser.parse_args(argv)
    if args.command == "child":
        child(args)
        return 0
    if args.quick:
        args.issues, args.backfill_issues, args.pdf_issues, args.repeats, args.skip_ocr = 1, 0, 1, 1, True
    if args.render:
        write(json.loads(args.render.read_text(encoding="utf-8")), args.out, add_to_history=False)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
    results = measure(args, workdir)
    (workdir / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    write(results, args.out)
    print(f"wrote {args.out} (raw numbers: {workdir / 'results.json'})", file=sys.stderr)
    return 0


def _measured_argv(argv: list[str]) -> list[str]:
    """The arguments that change what is measured: `--out`, a path of this machine, is left out."""
    kept = [arg for arg in argv if not arg.startswith("--out=")]
    return [arg for k, arg in enumerate(kept) if arg != "--out" and (k == 0 or kept[k - 1] != "--out")]


if __name__ == "__main__":
    sys.exit(main())
