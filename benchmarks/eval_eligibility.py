"""Score the eligibility extractor against the gold of data/corpus/eligibility/ (its CONVENTIONS.md).

    .venv/bin/python benchmarks/eval_eligibility.py [--gold data/corpus/eligibility]
                                                    [--out benchmarks/results_eligibility.md]

Each gold file names a text; the text is parsed as ingest parses it (extractors/pipeline.py) and
each condition placed in its article by the article path label the catalog gives it. A condition
matches a gold one with the same article, kind and value: the canonical `value_text` of a named
condition, `value_num` of a threshold, the rule (and cap) of a combination, the kind alone for an
unparsed `other`. Each key counts once per article. Thresholds matched are then checked for
exactness: the same op, unit, basis_year and qualifier (首次, 增量) as the gold.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.article_locator import ArticleLocator  # noqa: E402
from extractors.pipeline import parse_file  # noqa: E402
from flows.ingest.source_rows import path_labels  # noqa: E402

GOLD = ROOT / "data" / "corpus" / "eligibility"
OUT = ROOT / "benchmarks" / "results_eligibility.md"
NAMED = ("location", "industry", "status", "project_stage")


@dataclass
class Score:
    """Matched, extracted and gold condition keys per kind, and the thresholds' exactness."""
    tp: Counter = field(default_factory=Counter)
    extracted: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)
    thresholds_matched: int = 0
    thresholds_exact: int = 0
    measures: int = 0
    documents: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        tp, ex, gd = ((sum(c.values()) for c in (self.tp, self.extracted, self.gold)) if kind is None
                      else (self.tp[kind], self.extracted[kind], self.gold[kind]))
        p = tp / ex if ex else 1.0
        r = tp / gd if gd else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def key(article: str | None, kind: str, value=None, rule=None) -> tuple:
    if kind in NAMED:
        return article, kind, value
    if kind == "combination":
        return article, kind, rule, None if value is None else Decimal(value)
    if kind == "other":
        return article, kind
    return article, kind, Decimal(value)


def exactness(record: dict) -> tuple:
    return tuple(record.get(k) for k in ("op", "unit", "basis_year", "qualifier"))


def extracted_conditions(path: Path) -> dict[tuple, dict]:
    """Key → (the first) extracted condition with that key, for the text at `path`."""
    found: dict[tuple, dict] = {}
    for doc in parse_file(path).documents:
        labels, locator = path_labels(doc.tree.nodes), ArticleLocator(doc.tree.nodes)
        for c in doc.eligibility:
            seq = locator.seq_at(c.char_start, c.char_end)
            article = labels.get(seq) if seq is not None else None
            value = c.value_text if c.kind in NAMED else c.value_num
            record = {"op": c.op, "unit": c.unit, "basis_year": c.basis_year,
                      "qualifier": c.value_text if c.kind not in NAMED else None, "text": c.text}
            found.setdefault(key(article, c.kind, value, c.rule if c.kind == "combination" else None), record)
    return found


def score(gold_dir: Path = GOLD, split: str | None = None) -> Score:
    """Precision, recall and threshold exactness over the gold files of `gold_dir`: all of them,
    or those of one split (`development`: the texts the extractor was written against;
    `held_out`: labelled before the extractor first ran on them)."""
    result = Score()
    for gold_path in sorted(gold_dir.glob("*.eligibility.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if split is not None and gold.get("split", "development") != split:
            continue
        result.documents.append(f"{gold['match']['path']} ({gold['jurisdiction']})")
        result.measures += len(gold["measures"])
        expected: dict[tuple, dict] = {}
        for measure in gold["measures"]:
            for c in measure["conditions"]:
                expected.setdefault(key(measure["article"], c["kind"], c.get("value"), c.get("rule")), c)
        found = extracted_conditions(ROOT / gold["match"]["path"])
        for k in expected:
            result.gold[k[1]] += 1
        for k, record in found.items():
            result.extracted[k[1]] += 1
            if k not in expected:
                result.extras.append(f"{gold_path.name}: {k} «{record['text'][:40]}»")
                continue
            result.tp[k[1]] += 1
            if k[1] not in NAMED and k[1] != "other" and len(k) > 2 and k[-1] is not None:
                result.thresholds_matched += 1
                result.thresholds_exact += exactness(record) == exactness(expected[k])
        result.misses += [f"{gold_path.name}: {k} «{c['text'][:40]}»" for k, c in expected.items() if k not in found]
    return result


def report(result: Score, splits: dict[str, Score]) -> str:
    p, r, f = result.prf()
    lines = ["# Eligibility conditions against the gold", "",
             "`benchmarks/eval_eligibility.py` (run by `make eval`) on `data/corpus/eligibility/` "
             f"({result.measures} measures, {len(result.documents)} documents): conditions matched by "
             "article, kind and value; thresholds matched then checked for op, unit, basis year and qualifier.",
             "", "| kind | gold | extracted | matched | precision | recall | F1 |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for kind in sorted(set(result.gold) | set(result.extracted)):
        kp, kr, kf = result.prf(kind)
        lines.append(f"| {kind} | {result.gold[kind]} | {result.extracted[kind]} | {result.tp[kind]} | "
                     f"{kp:.3f} | {kr:.3f} | {kf:.3f} |")
    lines.append(f"| **all** | {sum(result.gold.values())} | {sum(result.extracted.values())} | "
                 f"{sum(result.tp.values())} | {p:.3f} | {r:.3f} | {f:.3f} |")
    exact = result.thresholds_exact / result.thresholds_matched if result.thresholds_matched else 1.0
    lines += [""] + [f"- {name}: {s.measures} measures, precision {s.prf()[0]:.3f}, recall {s.prf()[1]:.3f}, "
                     f"F1 {s.prf()[2]:.3f}" for name, s in splits.items()]
    lines += ["", f"Thresholds and caps exact (op, unit, basis year, qualifier): {result.thresholds_exact} of "
              f"{result.thresholds_matched} matched ({exact:.3f}).", "", "Documents: " + "; ".join(result.documents),
              "", "## Missed", ""] + [f"- {m}" for m in result.misses] + ["", "## Not in the gold", ""] + [
              f"- {e}" for e in result.extras]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    result = score(args.gold)
    splits = {name: score(args.gold, name) for name in ("development", "held_out")}
    args.out.write_text(report(result, splits), encoding="utf-8")
    p, r, f = result.prf()
    print(f"eligibility: precision {p:.3f} recall {r:.3f} F1 {f:.3f} ({result.measures} measures; "
          f"held-out F1 {splits['held_out'].prf()[2]:.3f}); report in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
