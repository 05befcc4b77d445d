"""The tables of benchmarks/results.md from the numbers benchmarks/ingest.py measured, and the row
each run adds to the file's history."""
from __future__ import annotations

from ingest_memory import MEMORY_BUDGET  # beside this file

HISTORY = "## History"
# A run's headline numbers, newest first; the reference loop tells a slow hour from slower code.
HISTORY_TABLE = ("| measured | arguments | reference loop s | text, 500 files: MB/s per core, 1 / 2 workers | "
                 "text, 100 files: MB/s per core, 1 / 2 workers | PDF: pages/s per core, 1 / 2 workers | "
                 "nothing new, server running: ingest / nightly s |\n" + "| --- " * 7 + "|")
PARSE_STAGES = ("read", "clean", "split", "segment", "extract", "stage")
# The writer's stages the tables show as one "load": the catalog's copy, the loads, the relations
# and bureaus, the publish; revisions (linking versions, diffing new ones) are shown apart.
LOAD_STAGES = ("load", "relate", "publish")


def stage(run: dict, name: str) -> float:
    """Seconds of a stage as the flow timed it (IngestReport.stage_seconds)."""
    stages = run["stages"]
    return sum(stages.get(s, 0.0) for s in LOAD_STAGES) if name == "load" else stages.get(name, 0.0)


def mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def steady_rate(run: dict, amount: float) -> float:
    """`amount` per second of the workers' parse stages: the rate per core once start-up
    (process spawn, imports, jieba and spaCy loading) and the flow's serial part are paid."""
    return amount / sum(stage(run, s) for s in PARSE_STAGES)


def _run(corpus: dict, workers: int, runner: str = "thread") -> dict | None:
    return next((r for r in corpus["runs"] if r["workers"] == workers and r["runner"] == runner), None)


def _verdict(ok: dict[int, bool]) -> str:
    return ("met" if all(ok.values()) else "**missed**" if not any(ok.values()) else
            "; ".join(f"{'met' if good else '**missed**'} with {n}" for n, good in ok.items()))


def _text_rows(corpus: dict, fixed: dict, judged: bool) -> list[str]:
    """Per core with 1 worker, and with 2 workers on threads (the run's MB/s over 2 cores). A
    small corpus is not judged: start-up and the catalog's serial work are paid whatever its size."""
    out = []
    for workers in (1, 2):
        run = _run(corpus, workers)
        if run is None:
            continue
        rate, walls = corpus["text_mb"] / run["wall"] / workers, run.get("walls", [run["wall"]])
        spread = (f"; median of {len(walls)} runs, {corpus['text_mb'] / max(walls) / workers:.2f}–"
                  f"{corpus['text_mb'] / min(walls) / workers:.2f}" if len(walls) > 1 else "")
        missed, one_file = "**missed**", fixed.get(workers)
        if not judged:
            missed = "not judged, a small run" + (
                f": {one_file['wall']:.1f} s of its {run['wall']:.1f} s is what a one-file run takes, and the rest "
                f"runs at {corpus['text_mb'] / max(run['wall'] - one_file['wall'], 1e-3) / workers:.2f} MB/s per core"
                if one_file else "")
        without = corpus["text_mb"] / (run["wall"] - stage(run, "revisions")) / workers
        out.append(f"| text, end to end, per core ({workers} worker{'s' if workers > 1 else ''}), "
                   f"{corpus['files']} files | ≥ 1 MB/s | {rate:.2f} MB/s ({without:.2f} without revisions{spread}) | "
                   f"{'met' if rate >= 1 else missed} |")
    return out


def targets(results: dict) -> list[str]:
    text, pdf, noop = results["text"], results["pdf"], results.get("noop", {})
    fixed = {int(k): v for k, v in results.get("fixed", {}).items()}  # keys are strings once read from JSON
    t1, p1, p2 = _run(text, 1), _run(pdf, 1), _run(pdf, 2)
    plumber, ours = results["readers"]["pdfplumber extract_text"], results["readers"]["read_pdf (pdfium + pdfplumber tables)"]
    rss = max(p1["rss_flow"], p1["rss_worker"], p2["rss_flow"], p2["rss_worker"])

    def row(name, target, value, ok):
        return f"| {name} | {target} | {value} | {'met' if ok else '**missed**'} |"

    out = ["| target | wanted | measured | |", "| --- | --- | --- | --- |"]
    if "text-backfill" in results:
        out += _text_rows(results["text-backfill"], fixed, judged=True)
    out += _text_rows(text, fixed, judged="text-backfill" not in results)
    out += [row("text, parse stages, per core", "≥ 1 MB/s", f"{steady_rate(t1, text['text_mb']):.2f} MB/s",
                steady_rate(t1, text["text_mb"]) >= 1),
            row("PDF, end to end, per core", "≥ 40 pages/s", f"{pdf['pages'] / p1['wall']:.0f} (1 worker), "
                f"{pdf['pages'] / p2['wall'] / 2:.0f} (2 workers)", pdf["pages"] / p2["wall"] / 2 >= 40),
            row("PDF, parse stages, per core", "≥ 40 pages/s", f"{steady_rate(p1, pdf['pages']):.0f} pages/s",
                steady_rate(p1, pdf["pages"]) >= 40),
            row("PDF reading faster than bare pdfplumber", f"> {plumber:.0f} pages/s", f"{ours:.0f} pages/s", ours > plumber)]
    walls = noop.get("walls", {})
    for name, key in (("`gazette ingest`", "`gazette ingest` (nothing new), `prefect server start` running"),
                      ("`gazette nightly` (one feed)",
                       "`gazette nightly` (a feed with nothing new), `prefect server start` running")):
        if key in walls:
            out.append(row(f"nothing new, server running: {name}", "≤ 3 s", f"{walls[key]:.2f} s", walls[key] <= 3))
    out += [row("peak RSS, 1,000-page backfill, per process", "≤ 500 MB", mb(rss), rss <= MEMORY_BUDGET),
            "| peak RSS summed over the processes, 1,000-page backfill, temporary server apart (1 / 2 workers) | – | "
            f"{mb(p1['rss_tree'])} / {mb(p2['rss_tree'])} | not the measure: shared pages counted in every process |"]
    if backfills := {int(k): v for k, v in noop.get("backfills", {}).items()}:
        value = "; ".join(f"{n} worker{'s' if n > 1 else ''}: {mb(run.get('pss_tree', 0))} PSS ({mb(run['rss_tree'])} RSS)"
                          for n, run in sorted(backfills.items()))
        ok = {n: 0 < run.get("pss_tree", 0) <= MEMORY_BUDGET for n, run in sorted(backfills.items())}
        out.append("| peak memory, 1,000-page backfill, `gazette ingest` against a running `prefect server start` | "
                   f"≤ 500 MB | {value} | {_verdict(ok)} |")
    limited = {int(k): v for k, v in noop.get("limited", {}).items()}
    name = (f"1,000-page backfill against a running server, inside a memory cgroup limited to {mb(MEMORY_BUDGET)} "
            "(each page its processes use charged once, page cache they bring in included; no swap)")
    if not limited or not all(limited.values()):
        return out + [f"| {name} | completes | not measured (no writable memory cgroup here) | – |"]
    good = {n: run["code"] == 0 and not run["oom_kills"] for n, run in sorted(limited.items())}
    value = "; ".join(f"{n} worker{'s' if n > 1 else ''}: " + (
        f"completed in {run['wall']:.1f} s, {mb(run['charged_peak'])} at most charged" if good[n] else
        f"failed ({run['code']}, {run['oom_kills']} OOM kills)") for n, run in sorted(limited.items()))
    return out + [f"| {name} | completes | {value} | {_verdict(good)} |"]


def _corpus_tables(title: str, corpus: dict) -> list[str]:
    pages = corpus["pages"]
    out = [f"\n## {title}: {corpus['files']} files, {corpus['text_mb']:.1f} MB of text"
           + (f", {pages} pages" if pages else "") + "\n",
           "| runner | workers | wall s | of which revisions s | MB/s | MB/s per core | CPU s | MB per CPU s | pages/s | "
           "pages/s per core | peak RSS: flow / largest worker / all but the server |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in corpus["runs"]:
        n, wall = run["workers"], run["wall"]
        out.append(f"| {run['runner']} | {n} | {wall:.1f} | {stage(run, 'revisions'):.1f} | "
                   f"{corpus['text_mb'] / wall:.2f} | {corpus['text_mb'] / wall / n:.2f} | "
                   + (f"{run['cpu']:.1f} | {corpus['text_mb'] / run['cpu']:.2f} | " if run.get("cpu") else "– | – | ")
                   + (f"{pages / wall:.0f} | {pages / wall / n:.0f} | " if pages else "– | – | ")
                   + f"{mb(run['rss_flow'])} / {mb(run['rss_worker'])} / {mb(run['rss_tree'])} |")
    if repeated := [r for r in corpus["runs"] if len(r.get("walls", [])) > 1]:
        out.append("\nRuns on threads are the median of " + "; ".join(
            f"{len(r['walls'])} with {r['workers']} worker(s) ({', '.join(f'{w:.1f}' for w in r['walls'])} s)"
            for r in repeated) + ".")
    out.append("\nPrefect's temporary server, started before each run and not counted: "
               + ", ".join(f"{r['server_start']:.1f} s" for r in corpus["runs"])
               + f"; its peak RSS {mb(max(r['rss_server'] for r in corpus['runs']))}.")
    one = _run(corpus, 1)
    out.append("\nPer stage, 1 worker (seconds summed over sources as the worker timed them; load (the catalog's copy, "
               "the loads, relations, publish) as the flow timed it, most of it while the worker parses; MB/s and "
               "pages/s per core):\n")
    out.append("| stage | seconds | MB/s | pages/s |\n| --- | --- | --- | --- |")
    for name in (*PARSE_STAGES, "load"):
        seconds = stage(one, name)
        rate = f"{pages / seconds:,.0f}" if pages and seconds else "–"
        out.append(f"| {name} | {seconds:.2f} | {corpus['text_mb'] / seconds:.2f} | {rate} |" if seconds
                   else f"| {name} | 0 | – | – |")
    out.append(f"| revisions | {stage(one, 'revisions'):.2f} | | |")
    page_rate = f"{steady_rate(one, pages):.0f}" if pages else "–"
    out.append(f"| read … stage, per core | {sum(stage(one, s) for s in PARSE_STAGES):.2f} | "
               f"{steady_rate(one, corpus['text_mb']):.2f} | {page_rate} |")
    out.append("\nPeak traced Python memory per stage, one copy of each file: " + ", ".join(
        f"{k} {v:.0f} MB" for k, v in corpus["stage_memory"].items()) + ".\n")
    return out


def render(results: dict) -> str:
    before, after = results["reference_before"], results.get("reference_after", results["reference_before"])
    out = [f"# Ingestion benchmark\n\nMeasured {results['date']} by `benchmarks/ingest.py` "
           f"({' '.join(results['argv'])}) on: {results['machine']}.\n",
           "The machine is shared: timings vary by ±30% from run to run.\n",
           f"A fixed pure-Python loop (`reference_seconds`, 5 runs) took {min(before):.2f}–{max(before):.2f} s before "
           f"the run and {min(after):.2f}–{max(after):.2f} s after: compare it across runs before comparing their "
           "timings.\n", "## Targets (issue 6)\n", *targets(results)]
    titles = {"text": "Texts", "text-backfill": "Texts, backfill-sized", "pdf": "PDFs"}
    for media in (m for m in titles if m in results):
        out += _corpus_tables(titles[media], results[media])
    if results.get("fixed"):
        out += ["\n## The fixed cost of a run: the smallest sample text alone\n",
                "| workers | wall s | runs |\n| --- | --- | --- |"]
        out += [f"| {n} | {run['wall']:.2f} | {', '.join(f'{w:.2f}' for w in run.get('walls', [run['wall']]))} |"
                for n, run in sorted(results["fixed"].items(), key=lambda item: int(item[0]))]
        out.append("\nPrefect's flow run, the workers' warm-up and the catalog's copy and publish, paid by "
                   "every run: on 100 files it is most of the wall time.\n")
    out += ["\n## Reading the PDFs' text (the 3 corpus PDFs, 100 pages, median of 3)\n",
            "| reader | pages/s |\n| --- | --- |", *(f"| {k} | {v:.0f} |" for k, v in results["readers"].items())]
    if noop := results.get("noop"):
        out += ["\n## Nothing new, and read-only commands (CLI wall time, median of 3)\n",
                "| command | wall s |\n| --- | --- |", *(f"| {k} | {v:.2f} |" for k, v in noop["walls"].items())]
        for n, run in sorted(noop.get("backfills", {}).items()):
            out.append(f"| `gazette ingest` of the 1,000 PDF pages, {n} worker(s), `prefect server start` running "
                       f"(peak RSS: flow {mb(run['rss_flow'])}, all processes {mb(run['rss_tree'])}"
                       + (f"; summed PSS {mb(run['pss_tree'])}" if run.get("pss_tree") else "") + f") | {run['wall']:.2f} |")
        out.append(f"\n`prefect server start` was healthy after {noop['server_start']:.1f} s. Prefect imported by "
                   f"`query`: {noop['query_imports_prefect']}; by `doctor`: {noop['doctor_imports_prefect']}.\n")
    if "ocr" in results:
        out.append(render_ocr(results["ocr"]))
    return "\n".join(out) + "\n"


def render_ocr(ocr: dict) -> str:
    found = [n for n in ocr["documents"] if n]
    lines = ["\n## OCR of the 79-page scan\n",
             f"Read (render + Tesseract, {ocr['pages']} pages, 2 Tesseracts at a time in one worker): "
             f"{ocr['seconds']:.0f} s, {ocr['pages'] / ocr['seconds']:.2f} pages/s; the whole flow: {ocr['flow_wall']:.0f} s. "
             f"Issue and total number: {ocr['issue']}; TOC 文号 found: {len(ocr['toc'])} of 8; "
             f"documents found: {len(ocr['documents'])} ({len(found)} with their 文号): {', '.join(found)}.\n"]
    if not isinstance(ocr["scores"], dict):
        return "\n".join([*lines, f"score.py failed: {ocr['scores']}"])
    lines += ["score.py --media pdf on a catalog of the scan alone (gold: 京技管发〔2025〕1号):\n",
              "| kind | gold | predicted | tp | P | R | F1 |\n| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {kind} | {s['gold']} | {s['predicted']} | {s['tp']} | {s['precision']:.3f} | {s['recall']:.3f} | "
              f"{s['f1']:.3f} |" for kind, s in ocr["scores"]["kinds"].items()]
    return "\n".join(lines)


def history_row(results: dict) -> str:
    """This run's line of the history table: the reference loop and the headline rates."""
    def per_core(media: str) -> str:
        corpus = results.get(media)
        if not corpus:
            return "–"
        rates = [(corpus["text_mb"] if media.startswith("text") else corpus["pages"]) / run["wall"] / n
                 for n in (1, 2) if (run := _run(corpus, n))]
        return " / ".join(f"{r:.2f}" if media.startswith("text") else f"{r:.0f}" for r in rates)

    walls = results.get("noop", {}).get("walls", {})
    noop = " / ".join(f"{walls[k]:.2f}" for k in walls if "`prefect server start` running" in k
                      and ("ingest` (nothing" in k or "a feed" in k)) or "–"
    ref = results["reference_before"] + results.get("reference_after", [])
    return (f"| {results['date']} | {' '.join(results['argv'])} | {min(ref):.2f}–{max(ref):.2f} | "
            f"{per_core('text-backfill')} | {per_core('text')} | {per_core('pdf')} | {noop} |")
