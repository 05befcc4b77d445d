"""A document's article tree as the policy page shows it: nested provisions, each with its own
words cut into runs, the runs inside a fact highlighted and each fact's reading after its words.

The readings and where they go are `gazette show`'s (`show.annotations`); this module only cuts
the text at them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flows.cli.show import Annotation


@dataclass(frozen=True)
class Run:
    """Words of the text: `fact` the kind of the innermost fact they belong to (None outside any),
    then the readings (kind, reading) of the facts that end with them."""
    text: str
    fact: str | None = None
    readings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Passage:
    """Words of a provision outside its sub-provisions (its heading line, or text between them)."""
    runs: tuple[Run, ...]


@dataclass
class ArticleNode:
    """A provision (None's for the document itself) with its passages and sub-provisions in
    reading order (`items`), `children` the sub-provisions alone; `page` the printed page it begins on."""
    article_id: str | None
    label: str = ""
    path_label: str = ""
    heading: str | None = None
    level: int = 0
    page: int | None = None
    items: list[Passage | ArticleNode] = field(default_factory=list)
    children: list[ArticleNode] = field(default_factory=list)


def article_tree(text: str, articles: list[dict], notes: list[Annotation],
                 pages: dict[int, int] | None = None) -> ArticleNode:
    """The document as one node whose items are its words before, between and after its
    top-level provisions and those provisions, nested; `articles` in reading order (seq), each
    with article_id, parent_id, label, path_label, heading, level, char_start and char_end;
    `pages` the printed page of an article by where it begins."""
    pages = pages or {}
    spans = {None: (0, len(text))}
    nodes = {None: ArticleNode(None)}
    for a in articles:
        node = ArticleNode(a["article_id"], a["label"], a["path_label"], a["heading"], a["level"],
                           pages.get(a["char_start"]))
        nodes[a["article_id"]] = node
        spans[a["article_id"]] = (a["char_start"], a["char_end"])
        nodes[a["parent_id"]].children.append(node)
    facts = [n for n in notes if n.kind != "page"]
    for article_id, node in nodes.items():
        at, end = spans[article_id]
        for child in node.children:
            child_start, child_end = spans[child.article_id]
            _add_passage(node, text, at, child_start, facts)
            node.items.append(child)
            at = child_end
        _add_passage(node, text, at, end, facts)
    return nodes[None]


def _add_passage(node: ArticleNode, text: str, start: int, end: int, facts: list[Annotation]) -> None:
    runs = fact_runs(text, start, end, facts)
    if any(r.text.strip() or r.readings for r in runs):
        node.items.append(Passage(tuple(runs)))


def fact_runs(text: str, start: int, end: int, facts: list[Annotation]) -> list[Run]:
    """text[start:end] cut wherever a fact begins or ends; a fact's reading follows the run it
    ends with (a fact running past `end` is read where it ends)."""
    inside = [f for f in facts if f.start < end and f.at > start]
    cuts = sorted({start, end} | {min(max(p, start), end) for f in inside for p in (f.start, f.at)})
    runs = []
    for left, right in zip(cuts, cuts[1:]):
        covering = [f for f in inside if f.start <= left and f.at >= right]
        innermost = min(covering, key=lambda f: f.at - f.start).kind if covering else None
        readings = tuple((f.kind, f.label) for f in inside if f.at == right)
        runs.append(Run(text[left:right], innermost, readings))
    return runs
