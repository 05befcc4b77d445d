"""The rows `gazette match` and the web's /match form match a profile with: every measure of the
current versions with its money, citations, conditions' offsets and its bodies' jurisdiction, read on a
connection `catalog.reading` opened; and the profile files they read. Both decide nothing: the
verdicts are extractors/match/'s.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

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

def catalog_measures(con) -> list:
    """Every measure of `v_measure_eligibility` as extractors/match/ takes it."""
    return measures_of(con.execute(MEASURES_SQL).fetchall(), con.execute(MONEY_SQL).fetchall(),
                       dict(con.execute(JURISDICTION_SQL).fetchall()),
                       {i: (s, e) for i, s, e in con.execute(CONDITION_OFFSETS_SQL).fetchall()})


def match_totals(verdicts) -> dict:
    """The money of the verdicts it qualifies for, and of those with the ones it might."""
    from extractors.match import money_total

    return {name: money_total([v for v in verdicts if v.verdict in kinds])
            for name, kinds in (("qualifies", {"qualifies"}), ("with_might", {"qualifies", "might"}))}


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
