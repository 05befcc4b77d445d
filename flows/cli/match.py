"""The `gazette match PROFILE` command: a company profile against every current measure, read-only.

It loads the profile file and the measures with their money and citations, and prints what
extractors/match/ decides; it decides nothing itself.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from flows.cli.command import Command
from flows.match_rows import catalog_measures, load_profile_file, match_totals

SECTIONS = (("qualifies", "Qualifies"), ("might", "Might (a condition unknown)"), ("does_not", "Does not"))


def add_match_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", type=Path, help="company profile, TOML or JSON (see docs/match.md)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--all", action="store_true", help="list every measure it does not qualify for, and why")


def run_match(args) -> int:
    from extractors.match import match_measures, read_profile
    from flows import catalog

    profile = read_profile(load_profile_file(args.profile), str(args.profile), date.today())
    with catalog.reading(args.db) as con:
        measures = catalog_measures(con)
    verdicts = match_measures(profile, measures)
    totals = match_totals(verdicts)
    if args.format == "json":
        print(json.dumps(as_json(profile, verdicts, totals, args.all), ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(as_text(profile, verdicts, totals, args.all))
    return 0


def as_text(profile, verdicts, totals, show_all: bool) -> str:
    from extractors.diff.facts import money_words

    lines = [f"{profile.name} (as of {profile.as_of.isoformat()})"]
    for verdict, heading in SECTIONS:
        chosen = [v for v in verdicts if v.verdict == verdict]
        lines.append(f"\n{heading}: {len(chosen)}")
        if verdict == "does_not" and not show_all:
            lines.append("  (--all lists them with the condition that fails)" if chosen else "")
            continue
        for v in chosen:
            lines += measure_lines(v)
    lines.append("\nMoney (most per measure; 择优不重复 keeps a document's largest)")
    for name, label in (("qualifies", "qualifies"), ("with_might", "qualifies + might")):
        total = totals[name]
        lines.append(f"  {label}: {money_words(total.yuan)} from {len(total.counted)} measure(s)")
        if name == "qualifies":
            lines += [f"    not added: {v.measure.article_label} of 《{v.measure.document}》 ({why})"
                      for v, why in total.left_out]
        elif total.left_out:
            lines.append(f"    {len(total.left_out)} more not added under their documents' 择优不重复 rules")
    return "\n".join(line for line in lines if line is not None) + "\n"


def measure_lines(v) -> list[str]:
    from extractors.diff.facts import money_words

    m = v.measure
    amount = f"  up to {money_words(v.amount.yuan)}" if v.amount else "  (no amount stated)"
    draft = " (征求意见稿)" if m.is_draft else ""
    lines = [f"  《{m.document}》{m.article_label}{draft}{amount}"]
    if v.amount:
        lines.append(f"      {v.amount.text}: {v.amount.citation}")
    for check in v.failing if v.verdict == "does_not" else v.unknown:
        word = "fails" if check.state == "fails" else "unknown"
        lines.append(f"      {word}: {check.text[:60]} — {check.reason}")
    return lines


def as_json(profile, verdicts, totals, show_all: bool) -> dict:
    def amount(a):
        return None if a is None else {"yuan": f"{a.yuan.normalize():f}", "text": a.text, "citation": a.citation}

    def check(c):
        return {"kind": c.conditions[0].kind if c.conditions else None, "text": c.text, "state": c.state, "reason": c.reason}

    return {
        "profile": profile.name, "as_of": profile.as_of.isoformat(),
        "measures": [{"verdict": v.verdict, "document": v.measure.document, "doc_number": v.measure.doc_number,
                      "article": v.measure.article_label, "article_id": v.measure.article_id,
                      "is_draft": v.measure.is_draft,
                      "amount": amount(v.amount), "conditions": [check(c) for c in v.checks]}
                     for v in verdicts if show_all or v.verdict != "does_not"],
        "counts": {name: sum(v.verdict == name for v in verdicts) for name, _ in SECTIONS},
        "totals": {name: {"yuan": f"{t.yuan.normalize():f}", "measures": [v.measure.article_id for v in t.counted],
                          "left_out": [{"article_id": v.measure.article_id, "why": why} for v, why in t.left_out]}
                   for name, t in totals.items()},
    }


MATCH = Command(
    "match", help="the measures a company profile qualifies for, and the money (read-only)",
    description="Match a company profile (TOML or JSON, docs/match.md) with every measure of the "
                "current versions: those it qualifies for, those it might (a condition the profile "
                "does not answer, or one kept unparsed), those it does not (which condition fails), "
                "and the most money per measure and in total under the combination rules, each "
                "amount with its citation.",
    add_arguments=add_match_arguments, run=run_match)
