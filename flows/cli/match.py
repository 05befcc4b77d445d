"""The `gazette match PROFILE` command: a company profile against every current measure, read-only.

It loads the profile file and the measures with their money and citations, and prints what
extractors/match/ decides; it decides nothing itself.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from datetime import date
from pathlib import Path

from flows.cli.command import Command
from schemas.errors import ProfileError

MEASURES_SQL = """
select m.doc_id, m.article_id, m.document, m.doc_number, m.article_label, m.conditions,
       m.document_conditions, a.seq, m.is_draft, a.text, a.char_start
from v_measure_eligibility m join articles a using (article_id)
"""
CONDITION_OFFSETS_SQL = "select condition_id, char_start, char_end from eligibility_conditions"
# The one place a document's responsible bodies govern (v_measure_bureaus → bureaus.jurisdiction).
JURISDICTION_SQL = """
select m.doc_id, any_value(b.jurisdiction) from v_measure_bureaus m join bureaus b on b.canonical = m.parent_bureau
where b.jurisdiction is not null group by m.doc_id having count(distinct b.jurisdiction) = 1
"""
MONEY_SQL = """
select f.article_id, f.value_num, f.role, f.scope, f.text, c.citation, f.sentence, f.char_start, f.char_end
from facts f join v_fact_citations c using (fact_id)
where f.kind = 'money'
  and f.article_id in (select article_id from v_measure_eligibility)
order by f.char_start
"""
SECTIONS = (("qualifies", "Qualifies"), ("might", "Might (a condition unknown)"), ("does_not", "Does not"))


def add_match_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", type=Path, help="company profile, TOML or JSON (see docs/match.md)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--all", action="store_true", help="list every measure it does not qualify for, and why")


def run_match(args) -> int:
    from extractors.match import match_measures, money_total, read_profile
    from flows import catalog

    profile = read_profile(load_profile_file(args.profile), str(args.profile), date.today())
    with catalog.reading(args.db) as con:
        measures = measures_of(con.execute(MEASURES_SQL).fetchall(), con.execute(MONEY_SQL).fetchall(),
                               dict(con.execute(JURISDICTION_SQL).fetchall()),
                               {i: (s, e) for i, s, e in con.execute(CONDITION_OFFSETS_SQL).fetchall()})
    verdicts = match_measures(profile, measures)
    totals = {name: money_total([v for v in verdicts if v.verdict in kinds])
              for name, kinds in (("qualifies", {"qualifies"}), ("with_might", {"qualifies", "might"}))}
    if args.format == "json":
        print(json.dumps(as_json(profile, verdicts, totals, args.all), ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(as_text(profile, verdicts, totals, args.all))
    return 0


def load_profile_file(path: Path) -> dict:
    """The parsed table of a .toml or .json profile; a file that does not parse is a ProfileError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror}") from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(raw.decode("utf-8"))
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}") from exc


def measures_of(measure_rows: list[tuple], money_rows: list[tuple], jurisdictions: dict[str, str],
                offsets: dict[str, tuple[int, int]] | None = None):
    """Measures of `v_measure_eligibility` rows, each with the money facts of its article, the
    place its document's bodies govern and its conditions' offsets (condition_id → start, end)."""
    from schemas.match import Measure, MoneyAmount

    offsets = offsets or {}
    money: dict[str, list[MoneyAmount]] = {}
    for article_id, yuan, role, scope, text, citation, sentence, start, end in money_rows:
        money.setdefault(article_id, []).append(MoneyAmount(yuan, role, scope, text, citation, sentence or "",
                                                            start, end))
    measures = []
    for (doc_id, article_id, document, doc_number, label, conditions, document_conditions, seq, draft,
         text, text_start) in measure_rows:
        scope = [c for c in document_conditions if c["rule"] == "document_scope"]
        rules = [c for c in document_conditions if c["rule"] != "document_scope"]
        measures.append(Measure(
            doc_id=doc_id, article_id=article_id, document=document, doc_number=doc_number, article_label=label,
            conditions=tuple([condition_of(c, offsets) for c in conditions]
                             + [condition_of(c, offsets, scope=True) for c in scope]),
            document_rules=tuple(condition_of(c, offsets) for c in rules), money=tuple(money.get(article_id, ())),
            seq=seq, is_draft=bool(draft), jurisdiction=jurisdictions.get(doc_id), text=text or "",
            text_start=text_start or 0))
    return measures


def condition_of(struct: dict, offsets: dict[str, tuple[int, int]], scope: bool = False):
    from schemas.match import MeasureCondition

    start, end = offsets.get(struct["condition_id"], (None, None))
    return MeasureCondition(kind=struct["kind"], text=struct["text"], op=struct["op"], value_num=struct["value_num"],
                            unit=struct["unit"], value_text=struct["value_text"], basis_year=struct["basis_year"],
                            rule=struct["rule"], parsed=struct["parsed"], scope=scope, char_start=start,
                            char_end=end)


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
