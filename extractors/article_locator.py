"""The innermost article of a document that holds a span: where a fact or a policy term stands.

A fact's article is the deepest node of the article tree whose span holds the fact's (the last
in document order among equally deep ones); a preamble fact has none. Testing every node for
every fact grew with nodes × facts (a 1,000-article regulation with 2,000 facts: 2 million
tests), so a document's spans are looked up through its tree: the node that starts last at or
before a span's start is the span's innermost candidate, and only its ancestors can hold the
span too.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from schemas.records import ArticleNode


def deepest_article(nodes: Sequence[ArticleNode], start: int, end: int) -> int | None:
    """The seq of the innermost article whose span holds [start, end), or None in a preamble:
    every node tested (the definition `ArticleLocator` answers faster)."""
    best = None
    for node in nodes:
        if node.char_start <= start and end <= node.char_end:
            if best is None or node.level >= best.level:
                best = node
    return None if best is None else best.seq


class ArticleLocator:
    """`deepest_article` for many spans of one document. In a tree whose nodes lie inside their
    parents and whose siblings do not overlap, a node that holds a span starts at or before it,
    so the node starting last at or before the span lies inside it: the nodes holding the span
    are among that node and its ancestors. A tree that is not nested so is searched node by
    node."""

    def __init__(self, nodes: Sequence[ArticleNode]):
        self.nodes = tuple(nodes)
        self.position = {n.seq: i for i, n in enumerate(self.nodes)}
        self.by_seq = {n.seq: n for n in self.nodes}
        order = sorted(range(len(self.nodes)), key=lambda i: (self.nodes[i].char_start, i))
        self.starts = [self.nodes[i].char_start for i in order]
        self.order = order
        self.nested = _nested(self.nodes, self.by_seq, self.position)

    def seq_at(self, start: int, end: int) -> int | None:
        if not self.nested or end <= start:  # an empty span may sit on a boundary: test all
            return deepest_article(self.nodes, start, end)
        k = bisect_right(self.starts, start)
        node = self.nodes[self.order[k - 1]] if k else None
        best = None
        while node is not None:
            if node.char_start <= start and end <= node.char_end:
                if best is None or (node.level, self.position[node.seq]) > (best.level, self.position[best.seq]):
                    best = node
            node = self.by_seq.get(node.parent_seq) if node.parent_seq is not None else None
        return None if best is None else best.seq


def _nested(nodes: Sequence[ArticleNode], by_seq: dict[int, ArticleNode], position: dict[int, int]) -> bool:
    """Every node non-empty and inside its parent, a parent before its children, siblings
    apart: then of two nodes that start together the later one lies inside the earlier."""
    last_end: dict[int | None, int] = {}
    for i, node in enumerate(nodes):
        parent = by_seq.get(node.parent_seq) if node.parent_seq is not None else None
        if node.parent_seq is not None and (parent is None or position[parent.seq] > i or not (
                parent.char_start <= node.char_start and node.char_end <= parent.char_end)):
            return False
        if node.char_start < last_end.get(node.parent_seq, node.char_start) or node.char_end <= node.char_start:
            return False
        last_end[node.parent_seq] = node.char_end
    return True
