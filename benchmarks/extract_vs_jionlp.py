"""Money and date extraction: our extractors against JioNLP 1.5.31, on the gold documents.

    .venv/bin/pip install -e '.[bench]'        # jionlp==1.5.31
    .venv/bin/python benchmarks/extract_vs_jionlp.py [--runs 3] [--out benchmarks/results_extract.md]

Not a test (the test suite never imports jionlp). Both systems read the same texts: the five
documents that ../shared/gold labels, sliced from data/samples by `tests.gold_docs.document_text`
(the slicing tests/test_facts_gold.py uses), and, scored apart, the documents data/corpus/gold
labels, from data/corpus/texts. Each system's money and date facts are scored like
../shared/eval/score.py: (kind, value) multisets per document with score.py's own `key`, i.e.
money as its value in yuan rounded to the yuan and dates as ISO text (2025-04-30, 2025-06, 2027);
true positives, predictions and gold facts are summed over the documents (micro P/R/F1). Roles are
not compared (JioNLP has none). A second date row counts full dates (YYYY-MM-DD) only, on both
sides, since which year-only mentions count is a gold convention no general extractor can know.

How JioNLP's outputs become facts (`jio.ner.extract_money(text)`, `jio.ner.extract_time(text,
time_base=…)`, both with parsing):

money
  - an entity whose detail `case` is '元' (renminbi) gives its `num`, rounded to the yuan; any other
    currency (美元 …) gives nothing, as the gold leaves out US dollars;
  - a range (`num` is a [low, high] list, 10-50万元) gives both ends, as the gold labels both;
  - `definition` (accurate / blur+ / blur-) is ignored: 超过1000万元 (blur+) counts as 1000万元.
date
  - only `time_point` and `time_span` entities; `time_delta` (3年) and `time_period` (每年) name
    durations and recurrences, not dates, and are dropped;
  - a span whose text holds a range joiner (至 到 — – ~ ～, or - between a year and a year) gives
    two dates: its start at the granularity of the text before the joiner, its end at that of the
    text after (2026年6月4日至2026年6月23日 → 2026-06-04, 2026-06-23; 2024—2026年 → 2024, 2026; a
    side without a unit borrows the other side's);
  - otherwise one date: the calendar day, month or year that the span covers exactly (2025年4月30日,
    2025年, and 2025 alone, which JioNLP reads as a year); for an open span (2025年4月30日起 runs to
    `time_base`; 2026年6月30日前 runs from `time_base` or '-inf') the dated end, told by the
    text's last word (起/后 → start, 前 → end), at the unit the text names (日/号 → day,
    月 → month, 年 → year);
  - an entity with no Arabic digit and no 〇/零 year (全年, 上一年, 近三年, 第一季度, 十一 read as
    National Day) is relative to `time_base` or not a calendar date, and gives nothing; nor does a
    span that is not a calendar unit (2025年第一季度, clock times 9:00—12:00). Dropping these can
    only help JioNLP's precision;
  - `time_base` (which fills a date printed without its year or month) is the first full date
    printed in the document (its issue date in these texts), else 2025-06-01; no gold date is
    printed without its year.

Throughput is characters of document text per second, over a gold set's documents, the median of
`--runs` timed runs after one untimed warm-up run (so JioNLP's lazy dictionaries and our spaCy
pipeline are loaded before timing); the two systems' timed runs alternate, so a busy machine
slows both alike. "money + date" runs both extractors of a system; our
`extract_facts` row adds percents, bureaus (spaCy + jieba) and 文号 for reference.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extractors.facts import extract_facts  # noqa: E402
from extractors.facts.dates import extract_dates  # noqa: E402
from extractors.facts.money import extract_money  # noqa: E402
from tests.gold_docs import CORPUS_GOLD, CORPUS_TEXTS, gold_documents, score_module  # noqa: E402

KINDS = ("money", "date")
# Also reported: dates scored on full dates only (YYYY-MM-DD on both sides), leaving out the
# year-only mentions whose labelling is a gold convention (title qualifiers yes, 2025年全年 no).
FULL_DATES = "date, full dates only"
JIONLP_VERSION = "1.5.31"
DEFAULT_OUT = ROOT / "benchmarks" / "results_extract.md"
FALLBACK_TIME_BASE = dt.datetime(2025, 6, 1, 12, 0)
FULL_DATE = regex.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
# A range joiner inside a time entity's text; a hyphen only between a year and a year (2026-2028年),
# never inside an ISO date (2026-03-10).
RANGE_JOINER = regex.compile(r"至|到|—+|–|~|～|(?<=^\D*\d{4}\s*年?)-(?=\d{4}(?!-))")
DAY_UNIT, MONTH_UNIT, YEAR_UNIT = regex.compile(r"[日号]|\d{4}-\d{1,2}-\d{1,2}"), regex.compile(r"月"), regex.compile(r"年")
# Text that names a calendar date rather than one relative to time_base: an Arabic digit or a 〇/零 year.
ABSOLUTE = regex.compile(r"\d|[一二][〇零]")  # 2025 / 二〇二五
# A span open on one side, dated on the other: 2025年4月30日起 (dated start), 2026年6月30日前 (dated end).
DATED_START = regex.compile(r"(?:起|以来|之后|以后|后)$")
DATED_END = regex.compile(r"(?:之前|以前|前)$")

Prediction = tuple[str, object]  # score.py key: (kind, value)


# ---------------------------------------------------------------- JioNLP outputs → fact keys

def jionlp_money_values(entities: Iterable[dict]) -> list[int]:
    values = []
    for entity in entities:
        detail = entity.get("detail") or {}
        if detail.get("case") != "元":
            continue
        nums = detail.get("num")
        for num in nums if isinstance(nums, list) else [nums]:
            try:
                values.append(round(float(num)))
            except (TypeError, ValueError):
                continue
    return values


def jionlp_date_values(entities: Iterable[dict]) -> list[str]:
    values: list[str] = []
    for entity in entities:
        if entity.get("type") not in ("time_point", "time_span"):
            continue
        span = (entity.get("detail") or {}).get("time")
        if not isinstance(span, list) or len(span) != 2:
            continue
        values.extend(_time_entity_dates(entity["text"], span[0], span[1]))
    return values


def _time_entity_dates(text: str, start: str, end: str) -> list[str]:
    if not ABSOLUTE.search(text):
        return []
    joiner = RANGE_JOINER.search(text)
    if joiner:
        left, right = text[:joiner.start()], text[joiner.end():]
        left_unit, right_unit = _unit(left), _unit(right)
        out = [_at(start, left_unit or right_unit), _at(end, right_unit or left_unit)]
        return [v for v in out if v]
    covered = _covered_unit(start, end)
    if covered:
        return [covered]
    value = None
    if DATED_START.search(text):
        value = _at(start, _unit(text))
    elif DATED_END.search(text):
        value = _at(end, _unit(text))
    return [value] if value else []


def _unit(text: str) -> str | None:
    if DAY_UNIT.search(text):
        return "day"
    if MONTH_UNIT.search(text):
        return "month"
    if YEAR_UNIT.search(text):
        return "year"
    return None


def _at(timestamp: str, unit: str | None) -> str | None:
    if unit is None or not regex.match(r"\d{4}-\d{2}-\d{2}", timestamp):  # not '-inf' / 'inf'
        return None
    return timestamp[:{"day": 10, "month": 7, "year": 4}[unit]]


def _covered_unit(start: str, end: str) -> str | None:
    """The one calendar day, month or year that [start, end] covers exactly, as ISO text."""
    try:
        a = dt.datetime.fromisoformat(start)
        b = dt.datetime.fromisoformat(end)
    except ValueError:
        return None
    if (a.hour, a.minute, a.second) != (0, 0, 0) or (b.hour, b.minute, b.second) != (23, 59, 59):
        return None
    if a.date() == b.date():
        return a.date().isoformat()
    next_day = b.date() + dt.timedelta(days=1)
    if a.day == 1 and next_day.day == 1 and (a.year, a.month) == (b.year, b.month):
        return f"{a.year:04d}-{a.month:02d}"
    if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year:
        return f"{a.year:04d}"
    return None


def time_base(text: str) -> dt.datetime:
    for m in FULL_DATE.finditer(text):
        try:
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), 12, 0)
        except ValueError:
            continue
    return FALLBACK_TIME_BASE


class JioNLP:
    name = f"JioNLP {JIONLP_VERSION}"

    def __init__(self) -> None:
        import jionlp

        self.jio = jionlp
        # JioNLP logs a traceback at ERROR for every time string it fails to parse.
        logging.getLogger().setLevel(logging.CRITICAL)

    def money(self, text: str) -> list[Prediction]:
        return [("money", v) for v in jionlp_money_values(self.jio.ner.extract_money(text))]

    def date(self, text: str) -> list[Prediction]:
        entities = self.jio.ner.extract_time(text, time_base=time_base(text))
        return [("date", v) for v in jionlp_date_values(entities)]


class Ours:
    name = "ours (extractors/)"

    def __init__(self) -> None:
        self.score = score_module()

    def money(self, text: str) -> list[Prediction]:
        return [self.score.key("money", f.value_num) for f in extract_money(text)]

    def date(self, text: str) -> list[Prediction]:
        return [self.score.key("date", f.value_text) for f in extract_dates(text)]


# ---------------------------------------------------------------- scoring and timing

def f1_scores(system, documents: list[tuple[str, dict, str]]) -> dict[str, dict]:
    """score.py's counting: per-document multisets of keys, micro-averaged over documents."""
    score = score_module()
    tp, n_gold, n_pred = collections.Counter(), collections.Counter(), collections.Counter()
    for _, gold, text in documents:
        predicted = collections.Counter(system.money(text) + system.date(text))
        wanted = collections.Counter(k for k in map(score.gold_key, gold["facts"]) if k and k[0] in KINDS)
        for kind in KINDS:
            n_pred[kind] += sum(n for k, n in predicted.items() if k[0] == kind)
            n_gold[kind] += sum(n for k, n in wanted.items() if k[0] == kind)
            tp[kind] += sum(min(n, predicted[k]) for k, n in wanted.items() if k[0] == kind)
        full = lambda counter: collections.Counter(  # noqa: E731
            {k: n for k, n in counter.items() if k[0] == "date" and len(str(k[1])) == 10})
        n_pred[FULL_DATES] += sum(full(predicted).values())
        n_gold[FULL_DATES] += sum(full(wanted).values())
        tp[FULL_DATES] += sum((full(predicted) & full(wanted)).values())
    out = {}
    for kind in (*KINDS, FULL_DATES):
        p = tp[kind] / n_pred[kind] if n_pred[kind] else 0.0
        r = tp[kind] / n_gold[kind] if n_gold[kind] else 1.0
        out[kind] = {"gold": n_gold[kind], "pred": n_pred[kind], "tp": tp[kind], "p": p, "r": r,
                     "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return out


def throughput(runners: dict[str, Callable[[str], object]], texts: list[str], runs: int) -> dict[str, float]:
    """Characters per second over all texts for each runner: one untimed warm-up pass each, then
    `runs` timed passes taken in turn (A, B, A, B, …) so that both see the same machine load;
    the median pass counts."""
    chars = sum(len(t) for t in texts)
    for run in runners.values():
        for text in texts:
            run(text)
    timings: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(runs):
        for name, run in runners.items():
            t0 = time.perf_counter()
            for text in texts:
                run(text)
            timings[name].append(time.perf_counter() - t0)
    return {name: chars / statistics.median(t) for name, t in timings.items()}


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = "unknown"
    try:
        load = f"{os.getloadavg()[0]:.1f}"
    except OSError:
        load = "unknown"
    return {"nproc": nproc, "cpu": cpu, "python": platform.python_version(),
            "date": dt.date.today().isoformat(), "load": load}


def report(sets: dict[str, tuple[list, dict, dict]], runs: int) -> str:
    env = machine()
    ours, jio = Ours.name, JioNLP.name
    lines = [
        "# Money and date extraction: ours vs JioNLP",
        "",
        f"Generated by `benchmarks/extract_vs_jionlp.py` on {env['date']}; machine: {env['nproc']} CPUs "
        f"(`nproc`), {env['cpu']}, Python {env['python']}, jionlp {JIONLP_VERSION}; 1-minute load "
        f"average {env['load']} when the run ended (other jobs shared the machine).",
        "",
        "Each gold set is scored like shared/eval/score.py (money in yuan, dates as ISO text; micro "
        "P/R/F1). How JioNLP's outputs are mapped to those values is in the script's docstring.",
    ]
    for name, (documents, scores, speeds) in sets.items():
        chars = sum(len(t) for _, _, t in documents)
        lines += ["", f"## {name}: {len(documents)} gold documents, {chars} characters", "",
                  f"| measure | {ours} | {jio} |", "|---|---:|---:|"]
        for kind in (*KINDS, FULL_DATES):
            a, b = scores[ours][kind], scores[jio][kind]
            lines.append(f"| {kind} F1 | **{a['f1']:.3f}** | {b['f1']:.3f} |")
            lines.append(f"| {kind} P / R | {a['p']:.3f} / {a['r']:.3f} | {b['p']:.3f} / {b['r']:.3f} |")
            lines.append(f"| {kind} gold / predicted / tp | {a['gold']} / {a['pred']} / {a['tp']} "
                         f"| {b['gold']} / {b['pred']} / {b['tp']} |")
        for task in ("money", "date", "money + date"):
            lines.append(f"| throughput {task} (chars/s) | {speeds[ours][task]:,.0f} | {speeds[jio][task]:,.0f} |")
        lines.append(f"| throughput extract_facts, all five kinds (chars/s) | {speeds[ours]['all kinds']:,.0f} | — |")
    lines += ["", f"Throughput: median of {runs} timed runs over a set's documents after one warm-up run, "
              "single process; the two systems' runs alternate so that both see the same machine load.", "",
              "Caveat: our extractors were written against the bundled documents and their gold labels "
              "(an in-sample score); the development corpus (data/corpus) was gathered and labelled apart "
              "from them, though rules were then generalised on it. JioNLP is a general-purpose extractor "
              "seeing both for the first time. Its date precision suffers most from year-only mentions the "
              "gold conventions leave out (2025 年全年, the 〔2025〕 of a 文号) and from the serial of a "
              "文号 read as a day (1号).", ""]
    return "\n".join(lines)


def measure(systems, documents: list, runs: int) -> tuple[dict, dict]:
    """Each system's scores and throughputs on one gold set."""
    texts = [t for _, _, t in documents]
    scores = {s.name: f1_scores(s, documents) for s in systems}
    speeds: dict[str, dict[str, float]] = {s.name: {} for s in systems}
    tasks = {
        "money": lambda s: s.money,
        "date": lambda s: s.date,
        "money + date": lambda s: (lambda t: (s.money(t), s.date(t))),
    }
    for task, runner in tasks.items():
        for name, speed in throughput({s.name: runner(s) for s in systems}, texts, runs).items():
            speeds[name][task] = speed
    speeds[Ours.name]["all kinds"] = throughput({"all": extract_facts}, texts, runs)["all"]
    return scores, speeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        jio_system = JioNLP()
    except ImportError:
        print(f"needs jionlp=={JIONLP_VERSION}: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    systems = [Ours(), jio_system]
    sets = {"bundled gold (../shared/gold)": list(gold_documents()),
            "development corpus gold (data/corpus/gold)": list(gold_documents(CORPUS_GOLD, CORPUS_TEXTS))}
    measured = {name: (docs, *measure(systems, docs, args.runs)) for name, docs in sets.items() if docs}
    table = report(measured, args.runs)
    print(table)
    args.out.write_text(table, encoding="utf-8")
    print(f"written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
