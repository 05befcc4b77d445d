"""Fact changes between two versions: a cap, award, percentage, date or bureau that appears,
disappears or changes value, told in words an analyst reads at a glance:

    第十五条（一） cap: 20% of 年度实际服务金额 → 30%
    第六条（一） new cap 1500万元 per product (对获得药品注册证书且实施产业化的…)

A fact of the old text is matched to the fact of the new text that stands where its characters
went (through the character alignment of the two provisions), so a value edited in place is a
change, not one fact removed and another added.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from extractors.cues import clause_start
from extractors.diff.text import align_chars
from extractors.facts import FACT_KINDS
from extractors.textnorm import fold_width
from schemas.records import ArticlePair, Fact, FactChange, Provision

# What makes two facts in the same place the same fact: a change of value, role or scope is
# a change; a changed condition or basis alone shows in the text diff instead.
SAME_FACT_FIELDS = ("value_num", "value_text", "role", "scope")
SCOPE_WORDS = {"per_enterprise_per_year": "per enterprise per year", "per_product": "per product",
               "per_project": "per project", "per_contract": "per contract",
               "per_application": "per application", "total": "in total"}
CONTEXT_CHARS = 24
YI, WAN = Decimal(100_000_000), Decimal(10_000)


def fact_changes(pairs: Sequence[ArticlePair], old_facts: Sequence[Fact],
                 new_facts: Sequence[Fact]) -> list[FactChange]:
    """Every fact that appeared, disappeared or changed, pair by pair in the pairs' order.

    Facts carry offsets into their document; each is read in the provision that holds it.
    """
    out: list[FactChange] = []
    for pair in pairs:
        # what a newer text cut short does not hold was not removed from the policy
        if pair.kind in ("unchanged", "renumbered", "not_in_newer") or (pair.old and pair.new and not pair.ops):
            continue
        out += _pair_changes(pair, _placed(pair.old, old_facts), _placed(pair.new, new_facts))
    return out


def _placed(units: Sequence[Provision], facts: Sequence[Fact]) -> list[tuple[int, Fact, str]]:
    """(offset in the units' joined body text, fact, where it stands) for facts inside bodies."""
    out, offset = [], 0
    for unit in units:
        body_from = unit.char_start + unit.body_start
        for fact in facts:
            if body_from <= fact.char_start and fact.char_end <= unit.char_end:
                out.append((offset + fact.char_start - body_from, fact, _where(unit, fact)))
        offset += len(unit.body) + 1
    return sorted(out, key=lambda t: t[0])


def _where(unit: Provision, fact: Fact) -> str:
    rel = fact.char_start - unit.char_start
    inside = [(end - start, label) for start, end, label in unit.inner if start <= rel < end]
    return unit.label + (min(inside)[1] if inside else "")


def _pair_changes(pair: ArticlePair, old: list, new: list) -> list[FactChange]:
    old_text, new_text = pair.old_text, pair.new_text
    matched: dict[int, int] = {}
    if old and new:
        chars = align_chars(old_text, new_text)
        for i, (pos, fact, _) in enumerate(old):
            span = chars.map_span(pos, pos + len(fact.text))
            j = _twin(fact, span, new, set(matched.values())) if span else None
            if j is not None:
                matched[i] = j
    changes = []
    for i, (pos, fact, where) in enumerate(old):
        if i not in matched:
            changes.append(_removed(fact, where, old_text, pos))
        else:
            npos, nfact, nwhere = new[matched[i]]
            if any(getattr(fact, f) != getattr(nfact, f) for f in SAME_FACT_FIELDS):
                changes.append(_changed(fact, nfact, nwhere, old_text, pos, new_text, npos))
    taken = set(matched.values())
    changes += [_added(f, where, new_text, pos) for j, (pos, f, where) in enumerate(new) if j not in taken]
    return sorted(changes, key=lambda c: _order(c, old, new))


def _order(change: FactChange, old: list, new: list) -> int:
    for pos, fact, _ in (new if change.new is not None else old):
        if fact is (change.new if change.new is not None else change.old):
            return pos
    return 0


def _twin(fact: Fact, span: tuple[int, int], new: list, taken: set[int]) -> int | None:
    """The new fact of the same kind standing where the old one's characters went."""
    lo, hi = span
    best = None
    for j, (pos, other, _) in enumerate(new):
        end = pos + len(other.text)
        if j in taken or other.kind != fact.kind or not (pos < hi and lo < end or pos == lo == hi):
            continue
        rank = (other.value_num == fact.value_num and other.value_text == fact.value_text,
                min(hi, end) - max(lo, pos))
        if best is None or rank > best[0]:
            best = (rank, j)
    return best[1] if best else None


def _removed(fact: Fact, where: str, text: str, pos: int) -> FactChange:
    role = fact_role(fact, text, pos)
    summary = f"{where} removed {role} {describe(fact)}{_context(fact, text, pos)}"
    return FactChange("removed", fact.kind, where, summary, old=fact, role=role)


def _added(fact: Fact, where: str, text: str, pos: int) -> FactChange:
    role = fact_role(fact, text, pos)
    summary = f"{where} new {role} {describe(fact)}{_context(fact, text, pos)}"
    return FactChange("added", fact.kind, where, summary, new=fact, role=role)


def _changed(old: Fact, new: Fact, where: str, old_text: str, old_pos: int, new_text: str,
             new_pos: int) -> FactChange:
    old_role, new_role = fact_role(old, old_text, old_pos), fact_role(new, new_text, new_pos)
    before = describe(old)
    after = describe(new, like=None if old_role != new_role else old)
    if old_role == new_role:
        summary = f"{where} {new_role}: {before} → {after}"
    else:
        summary = f"{where} {old_role} {before} → {new_role} {after}"
    return FactChange("changed", new.kind, where, summary, old=old, new=new, role=new_role)


def fact_role(fact: Fact, text: str, pos: int) -> str:
    """The fact's role in words (cap, award, fund, window opens), by its kind's `FactKindSpec`:
    a role's word, else a cued role (a percentage under 不超过/最高 is a cap), else the kind's
    noun (rate, date, bureau, 文号)."""
    spec = FACT_KINDS[fact.kind]
    if fact.role and fact.role != "other":
        return spec.role_words.get(fact.role, fact.role)
    if spec.cued_roles:
        lead = fold_width(text[clause_start(text, pos):pos])
        for role, cues in spec.cued_roles:
            if any(cue in lead for cue in cues):
                return role
    return spec.noun


def describe(fact: Fact, like: Fact | None = None) -> str:
    """The fact's value as an analyst reads it: 1000万元 per product, 20% of 年度实际服务金额.
    Given `like` (the fact it replaces), what both share is not repeated."""
    value = _value(fact)
    if fact.scope and fact.scope in SCOPE_WORDS and not (like and like.scope == fact.scope):
        value += f" {SCOPE_WORDS[fact.scope]}"
    if fact.basis and not (like and like.basis == fact.basis):
        value += f" of {fact.basis}"
    return value


def _value(fact: Fact) -> str:
    words = VALUE_WORDS.get(FACT_KINDS[fact.kind].value_unit)
    if words and fact.value_num is not None:
        return words(fact.value_num)
    return fact.value_text or fact.text


def money_words(yuan: Decimal) -> str:
    """10000000 → 1000万元, 100000000 → 1亿元, 1500 → 1500元."""
    for unit, name in ((YI, "亿元"), (WAN, "万元")):
        if yuan >= unit:
            return f"{_plain(yuan / unit)}{name}"
    return f"{_plain(yuan)}元"


def percent_words(fraction: Decimal) -> str:
    """0.2 → 20%, 0.002 → 2‰ (a per-mille rate is printed per mille)."""
    per_cent = fraction * 100
    if per_cent < 1 and (fraction * 1000) == (fraction * 1000).to_integral_value():
        return f"{_plain(fraction * 1000)}‰"
    return f"{_plain(per_cent)}%"


VALUE_WORDS = {"yuan": money_words, "fraction": percent_words}


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _context(fact: Fact, text: str, pos: int) -> str:
    """ (whom or what the fact is for): its condition when the extractor found one, else the
    start of its sentence, shortened; nothing when the fact starts its sentence."""
    if fact.condition:
        return f" ({fact.condition})"
    start = pos
    while start > 0 and text[start - 1] not in "。；;\n":
        start -= 1
    lead = text[start:pos].strip()
    if not lead:
        return ""
    return f" ({lead if len(lead) <= CONTEXT_CHARS else lead[:CONTEXT_CHARS - 1] + '…'})"
