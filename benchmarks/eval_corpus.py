"""Score the catalog against every gold set: the bundled gold and the development corpus's gold,
in the text and the PDF renditions, per kind, per document, and the corpus's structure blocks.

    .venv/bin/python benchmarks/eval_corpus.py [--db data/warehouse/eval.duckdb] [--no-ingest]
                                               [--out benchmarks/results_eval.md] [--json FILE]

It builds its own catalog (never data/warehouse/catalog.duckdb) from data/samples (the bundled
documents), data/corpus/texts and data/corpus/pdf with `gazette ingest --force`, then scores it
with ../shared/eval/score.py's own `score` (so the numbers are the ones `score.py` prints) and
checks each corpus gold file's `structure` block (data/corpus/CONVENTIONS.md) against the
document's row and article tree. Results go to --out as markdown; the exit status is 0, or 1 with
--min-f1 when a kind of the corpus gold scores below it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))
CORPUS = ROOT / "data" / "corpus"
KINDS = ("money", "percent", "date", "bureau", "doc_number")
# A structure block's numbering patterns, as the article tree's kinds.
NUMBERING_KINDS = {
    "第X编": "part", "第X章": "chapter", "第X节": "subchapter", "第X条": "article",
    "一、": "section", "（一）": "item", "1.": "subitem", "（1）": "point",
}
UNCOUNTED_KINDS = ("attachment", "table")


def score_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ingest(db: Path) -> None:
    """A fresh catalog of the bundled samples and the corpus, both renditions."""
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    paths = [ROOT / "data" / "samples", CORPUS / "texts"]
    if (CORPUS / "pdf").is_dir():
        paths.append(CORPUS / "pdf")
    gazette = Path(sys.executable).with_name("gazette")
    subprocess.run([str(gazette), "--db", str(db), "ingest", "--force", "--no-progress",
                    *map(str, paths)], check=True)


def fold(text) -> str | None:
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def structure_checks(con, score: ModuleType, gold: dict, media: str) -> list[dict]:
    """One row per key of the gold file's structure block: expected, found, whether they agree."""
    expected = gold.get("structure")
    if not expected:
        return []
    docs = score.find_documents(con, gold["match"], media)
    if docs is None:
        return []
    if len(docs) != 1:
        return [{"key": key, "expected": value, "found": f"{len(docs)} documents", "ok": False}
                for key, value in expected.items()]
    doc_id = docs[0]
    title, doc_number, issuer, issued, effective = con.execute(
        "select title, doc_number, issuer, issued_date, effective_date from documents"
        " where doc_id = ?", [doc_id]).fetchone()
    top = con.execute(
        "select label from articles where doc_id = ? and parent_id is null"
        f" and kind not in {UNCOUNTED_KINDS} order by seq", [doc_id]).fetchall()
    kinds = {k for (k,) in con.execute(
        "select distinct kind from articles where doc_id = ?", [doc_id]).fetchall()}
    found = {
        "title": fold(title), "doc_number": doc_number, "issuer": fold(issuer),
        "issued_date": issued.isoformat() if issued else None,
        "effective_date": effective.isoformat() if effective else None,
        "top_level_count": len(top),
        "first_label": top[0][0] if top else None,
        "last_label": top[-1][0] if top else None,
        "numbering": sorted(kinds - set(UNCOUNTED_KINDS)),
    }
    if found["doc_number"]:
        found["doc_number"] = score.fold_doc_number(found["doc_number"])
    expect = {
        "title": fold, "issuer": fold,
        "doc_number": lambda v: score.fold_doc_number(v) if v else None,
        "numbering": lambda v: sorted(NUMBERING_KINDS.get(p, p) for p in v),
    }
    rows = []
    for key, want in expected.items():
        if key in found:
            want = expect.get(key, lambda v: v)(want)
            rows.append({"key": key, "expected": want, "found": found[key], "ok": want == found[key]})
    return rows


def evaluate(db: Path) -> dict:
    import duckdb

    score = score_module()
    con = duckdb.connect(str(db), read_only=True)
    results = {}
    for gold_set, gold_dir in (("bundled", SHARED / "gold"), ("corpus", CORPUS / "gold")):
        golds = score.load_gold(str(gold_dir)) if gold_dir.is_dir() else []
        for media in ("text", "pdf"):
            result = score.score(con, golds, media)
            checks = {g["_name"]: structure_checks(con, score, g, media) for g in golds}
            result["structure"] = {name: rows for name, rows in checks.items() if rows}
            results[f"{gold_set}/{media}"] = result
    con.close()
    return results


def f1(tp: int, n_gold: int, n_pred: int) -> float:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def render(results: dict) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"# Gold scores, {now}", "",
           f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}."
           " Made by `make eval` (benchmarks/eval_corpus.py).", ""]
    out += ["## Per kind", "",
            "| gold / rendition | docs | " + " | ".join(KINDS) + " | money role | date role | structure |",
            "|---|---|" + "---|" * len(KINDS) + "---|---|---|"]
    for name, result in results.items():
        kinds = result["kinds"]
        scored = [d for d in result["documents"] if "skipped" not in d]
        cells = [f"{kinds[k]['f1']:.3f} ({kinds[k]['tp']}/{kinds[k]['gold']}/{kinds[k]['predicted']})"
                 if kinds[k]["gold"] or kinds[k]["predicted"] else "–" for k in KINDS]
        roles = [f"{kinds[k]['role_accuracy']:.3f}" if "role_accuracy" in kinds[k] else "–"
                 for k in ("money", "date")]
        checks = [row for rows in result["structure"].values() for row in rows]
        held = sum(row["ok"] for row in checks)
        structure = f"{held / len(checks):.3f} ({held}/{len(checks)})" if checks else "–"
        out.append(f"| {name} | {len(scored)} | " + " | ".join(cells) + f" | {' | '.join(roles)} | {structure} |")
    out += ["", "A cell is F1 (true positives / gold / predicted).", ""]
    for name, result in results.items():
        docs = [d for d in result["documents"] if "skipped" not in d]
        if not docs:
            continue
        out += [f"## {name}: per document", "", "| gold file | F1 | missed | spurious | structure |",
                "|---|---|---|---|---|"]
        for d in docs:
            if "error" in d:
                out.append(f"| {d['gold']} | – | {d['error']} | | |")
                continue
            missed, spurious = d["missed"], d["spurious"]
            n_gold, n_pred = d["tp"] + len(missed), d["tp"] + len(spurious)
            rows = result["structure"].get(d["gold"], [])
            bad = [f"{r['key']}: want {r['expected']!r}, got {r['found']!r}" for r in rows if not r["ok"]]
            structure = (f"{len(rows) - len(bad)}/{len(rows)}" + ("; " + "; ".join(bad) if bad else "")
                         if rows else "–")
            out.append(f"| {d['gold']} | {f1(d['tp'], n_gold, n_pred):.3f} | {_facts(missed)} | "
                       f"{_facts(spurious)} | {structure} |")
        skipped = [d["gold"] for d in result["documents"] if "skipped" in d]
        if skipped:
            out += ["", "Not in the catalog: " + ", ".join(skipped)]
        out.append("")
    return "\n".join(out)


def _facts(facts: list) -> str:
    return ", ".join(f"{k}:{v}" for k, v in facts).replace("|", "/") or "–"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "warehouse" / "eval.duckdb")
    ap.add_argument("--no-ingest", action="store_true", help="score the catalog --db as it is")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results_eval.md")
    ap.add_argument("--json", type=Path, help="also write the whole result as JSON")
    ap.add_argument("--min-f1", type=float, help="exit 1 when a corpus kind's F1 is below this")
    args = ap.parse_args(argv)
    if not (SHARED / "eval" / "score.py").exists():
        print(f"no score.py under {SHARED}: set SHARED to the shared folder", file=sys.stderr)
        return 2
    if not args.no_ingest:
        args.db.parent.mkdir(parents=True, exist_ok=True)
        ingest(args.db)
    results = evaluate(args.db)
    report = render(results)
    args.out.write_text(report + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print("\n## ".join(report.split("\n## ")[:2]))
    print(f"whole report: {args.out}")
    if args.min_f1 is not None:
        low = [k for name, r in results.items() if name.startswith("corpus")
               for k, v in r["kinds"].items() if v["gold"] and v["f1"] < args.min_f1]
        return 1 if low else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
