"""A revision for people: a coloured terminal summary (changes grouped by provision, fact
changes first), JSON, and one self-contained side-by-side redline page (flows/revisions/html.py)."""
from __future__ import annotations

import json
from decimal import Decimal

from extractors.diff.align import describe_counts, describe_pair
from schemas.records import ArticlePair, DiffOp, FactChange

CONTEXT = 14
PREVIEW = 90
RED, GREEN, YELLOW, CYAN, BOLD, DIM, RESET = (
    "\033[31m", "\033[32m", "\033[33m", "\033[36m", "\033[1m", "\033[2m", "\033[0m")
STRIKE, UNDERLINE = "\033[9m", "\033[4m"
KIND_COLOUR = {"added": GREEN, "removed": RED, "changed": YELLOW, "modified": YELLOW,
               "split": YELLOW, "merged": YELLOW, "moved": CYAN, "renumbered": CYAN, "unchanged": DIM,
               "not_in_newer": DIM}


def facts_of(pair: ArticlePair, changes) -> list[FactChange]:
    """The fact changes that stand in a pair's provisions."""
    def inside(fact, provisions) -> bool:
        return fact is not None and any(p.char_start <= fact.char_start < p.char_end for p in provisions)
    return [c for c in changes if inside(c.old, pair.old) or inside(c.new, pair.new)]


class Paint:
    """ANSI colours, or plain markers ([-deleted-] {+inserted+}) when colour is off."""

    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{RESET}" if self.colour and codes else text

    def deleted(self, text: str) -> str:
        return self(text, RED, STRIKE) if self.colour else f"[-{text}-]"

    def inserted(self, text: str) -> str:
        return self(text, GREEN, UNDERLINE) if self.colour else f"{{+{text}+}}"


def render_text(rev, colour: bool = False, show_all: bool = False) -> str:
    """The terminal summary: both documents, counts, then each changed provision with its
    fact changes first and its text changes after."""
    paint, diff = Paint(colour), rev.diff
    lines = [paint(f"{rev.new.doc_number or ''} {rev.new.title}".strip(), BOLD)]
    if rev.family_id:
        lines.append(f"  family  {rev.family_id}")
    for side, v in (("old", rev.old), ("new", rev.new)):
        lines.append(f"  {side}     {v.doc_id or '-'}  {v.source}  {_dates(v)}")
    lines += [f"  {describe_counts(diff)}", ""]
    for pair in diff.pairs:
        facts = facts_of(pair, diff.fact_changes)
        # the counts line says where a newer text cut short ends; its missing tail is no change
        if pair.kind in ("unchanged", "not_in_newer") and not facts and not show_all:
            continue
        lines.append(paint(describe_pair(pair), BOLD, KIND_COLOUR[pair.kind]))
        lines += [f"    {paint(c.summary, KIND_COLOUR[c.kind])}" for c in facts]
        lines += [f"    {snippet}" for snippet in _text_lines(pair, paint)]
    return "\n".join(lines).rstrip() + "\n"


def _dates(version) -> str:
    parts = []
    if version.issued_date:
        parts.append(f"issued {version.issued_date}")
    if version.published:
        parts.append(f"published {version.published}")
    if version.is_draft:
        parts.append("draft")
    return ", ".join(parts)


def _text_lines(pair: ArticlePair, paint: Paint) -> list[str]:
    if pair.kind == "added":
        return [paint.inserted(_preview(pair.new_text))]
    if pair.kind == "removed":
        return [paint.deleted(_preview(pair.old_text))]
    return [redline_snippet(pair.old_text, pair.new_text, group, paint) for group in _groups(pair.ops)]


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW else flat[:PREVIEW - 1] + "…"


def _groups(ops: tuple[DiffOp, ...]) -> list[list[DiffOp]]:
    """Changes close enough to read in one snippet."""
    groups: list[list[DiffOp]] = []
    for op in ops:
        if groups and op.new_start - groups[-1][-1].new_end <= 2 * CONTEXT:
            groups[-1].append(op)
        else:
            groups.append([op])
    return groups


def redline_snippet(old: str, new: str, ops: list[DiffOp], paint: Paint) -> str:
    """…context [-deleted-]{+inserted+} context… for a run of nearby changes."""
    start = max(0, ops[0].new_start - CONTEXT)
    end = min(len(new), ops[-1].new_end + CONTEXT)
    out = ["…" if start else ""]
    cursor = start
    for op in ops:
        out.append(new[cursor:op.new_start])
        if op.old_end > op.old_start:
            out.append(paint.deleted(old[op.old_start:op.old_end]))
        if op.new_end > op.new_start:
            out.append(paint.inserted(new[op.new_start:op.new_end]))
        cursor = op.new_end
    out.append(new[cursor:end] + ("…" if end < len(new) else ""))
    return "".join(out).replace("\n", " ⏎ ")


def revision_json(rev, show_all: bool = False) -> dict:
    """The revision as plain data: documents, counts, provision changes, fact changes."""
    diff = rev.diff
    return {
        "family": rev.family_id,
        "old": _doc(rev.old), "new": _doc(rev.new),
        "summary": describe_counts(diff),
        "counts": {k: diff.count(k) for k in ("unchanged", "modified", "renumbered", "moved", "added",
                                               "removed", "split", "merged", "not_in_newer")},
        "ends_at": diff.ends_at,
        "fact_changes": [_fact_change(c) for c in diff.fact_changes],
        "changes": [_pair(p) for p in diff.pairs if show_all or p.kind not in ("unchanged", "not_in_newer")],
    }


def render_json(rev, show_all: bool = False) -> str:
    return json.dumps(revision_json(rev, show_all), ensure_ascii=False, indent=1) + "\n"


def _doc(v) -> dict:
    return {"doc_id": v.doc_id, "source": v.source, "doc_number": v.doc_number, "title": v.title,
            "is_draft": v.is_draft, "issued_date": str(v.issued_date) if v.issued_date else None}


def _pair(p: ArticlePair) -> dict:
    return {"kind": p.kind, "old": [q.label for q in p.old], "new": [q.label for q in p.new],
            "summary": describe_pair(p), "similarity": round(p.similarity, 4),
            "ops": [{"tag": o.tag, "old": p.old_text[o.old_start:o.old_end],
                     "new": p.new_text[o.new_start:o.new_end], "old_start": o.old_start,
                     "old_end": o.old_end, "new_start": o.new_start, "new_end": o.new_end} for o in p.ops]}


def _fact_change(c: FactChange) -> dict:
    return {"kind": c.kind, "fact_kind": c.fact_kind, "label": c.label, "role": c.role,
            "summary": c.summary, "old": _fact(c.old), "new": _fact(c.new)}


def _fact(f) -> dict | None:
    if f is None:
        return None
    value = f.value_num
    return {"text": f.text, "value_num": str(value.normalize()) if isinstance(value, Decimal) else value,
            "value_text": f.value_text, "role": f.role, "scope": f.scope, "condition": f.condition,
            "basis": f.basis}

