"""The provisions two versions of a document are aligned by.

In a document with 条, each 第X条 is one provision with all its items (条 numbers run through the
whole document, so its key is its label: 第十五条). In a document numbered 一、/（一）/1. instead,
each leaf of the article tree is one (key: its label path, 二/(二)/10). Text that belongs to no
provision stays comparable too: a chapter's or group's heading line, the preamble (title, 文号,
an issuing notice) and the closing lines (signature, date).
"""
from __future__ import annotations

from collections.abc import Sequence

from schemas.records import ArticleNode, Provision

# What may follow a printed label before the provision's text: 一、 10. 第五条␣␣ （一）
LABEL_DELIMITERS = "、.．:：,，"
LIST_MARKER = "- "
PREAMBLE, CLOSING = "preamble", "closing"


def provisions(nodes: Sequence[ArticleNode], text: str | None = None) -> list[Provision]:
    """A document's provisions in document order; with its text, the preamble and closing too."""
    nodes = sorted(nodes, key=lambda n: n.seq)
    by_seq = {n.seq: n for n in nodes}
    children: dict[int | None, list[ArticleNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_seq, []).append(node)
    paths = _paths(nodes, by_seq)
    units: list[Provision] = []
    covered: set[int] = set()
    for node in nodes:
        if node.parent_seq in covered:
            covered.add(node.seq)
            continue
        if node.kind == "article" or node.seq not in children:
            covered.add(node.seq)
            key = node.label if node.kind == "article" else paths[node.seq]
            units.append(_unit(node, key, "provision", node.text, _inner(node, children)))
        else:
            lead = node.text[:children[node.seq][0].char_start - node.char_start]
            if lead.strip():
                units.append(_unit(node, paths[node.seq], "heading", lead.rstrip()))
    if text is not None:
        units = _with_margins(units, nodes, text)
    return _unique_keys(units)


def _paths(nodes: Sequence[ArticleNode], by_seq: dict[int, ArticleNode]) -> dict[int, str]:
    out = {}
    for node in nodes:
        parent = by_seq.get(node.parent_seq) if node.parent_seq is not None else None
        out[node.seq] = f"{out[parent.seq]}/{node.label}" if parent is not None else node.label
    return out


def _unit(node: ArticleNode, key: str, kind: str, text: str,
          inner: tuple[tuple[int, int, str], ...] = ()) -> Provision:
    return Provision(key=key, label=key, kind=kind, seq=node.seq, char_start=node.char_start,
                     char_end=node.char_start + len(text), text=text,
                     body_start=body_start(text, node.label), inner=inner)


def body_start(text: str, label: str) -> int:
    """Where a provision's text begins after its printed label and the delimiter after it."""
    pos = len(LIST_MARKER) if text.startswith(LIST_MARKER) else 0
    if not text.startswith(label, pos):
        return 0
    pos += len(label)
    while pos < len(text) and (text[pos] in LABEL_DELIMITERS or text[pos].isspace()):
        pos += 1
    return pos


def _inner(node: ArticleNode, children: dict[int | None, list[ArticleNode]]) -> tuple[tuple[int, int, str], ...]:
    """Spans of a provision's items, relative to its text, labelled 第十五条 + （一） → （一）."""
    out = []
    stack = [(child, child.label) for child in children.get(node.seq, [])]
    while stack:
        child, label = stack.pop()
        out.append((child.char_start - node.char_start, child.char_end - node.char_start, label))
        stack += [(grand, label + grand.label) for grand in children.get(child.seq, [])]
    return tuple(sorted(out))


def _with_margins(units: list[Provision], nodes: Sequence[ArticleNode], text: str) -> list[Provision]:
    first = min((n.char_start for n in nodes), default=len(text))
    last = max((n.char_end for n in nodes), default=len(text))
    head = text[:first].rstrip()
    tail_start = last + (len(text[last:]) - len(text[last:].lstrip()))
    tail = text[tail_start:].rstrip()
    before = [Provision(PREAMBLE, PREAMBLE, "preamble", None, 0, len(head), head)] if head.strip() else []
    after = [Provision(CLOSING, CLOSING, "closing", None, tail_start, tail_start + len(tail), tail)] \
        if tail.strip() and nodes else []
    return before + units + after


def _unique_keys(units: list[Provision]) -> list[Provision]:
    """A repeated label path (a numbering repeat) gets #2, #3 … so that keys stay unique."""
    seen: dict[str, int] = {}
    out = []
    for unit in units:
        seen[unit.key] = seen.get(unit.key, 0) + 1
        if seen[unit.key] > 1:
            key = f"{unit.key}#{seen[unit.key]}"
            unit = Provision(key, key, unit.kind, unit.seq, unit.char_start, unit.char_end, unit.text,
                             unit.body_start, unit.inner)
        out.append(unit)
    return out
