"""The paragraphs (款) of a law's articles (第X条): where a fact stands within its 条 (第三条第二款).

An article's first line is its first 款 (with the line after it when it holds only the 条's
heading) and every later line of its own text another, except the lines of its items (（一）…,
the 项 of the 款 before them). 款 are no nodes of the article tree: a
fact's article stays the 条 or item that holds it, as the gold labels it, and takes its 款 number
beside it. Only articles of two 款 or more number them: a single paragraph is cited as the 条.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from schemas.records import ArticleNode


def article_paragraphs(doc_text: str, nodes: Sequence[ArticleNode]) -> dict[int, tuple[int, ...]]:
    """For each 条 (kind `article`) of two 款 or more, by seq, the offsets where its 款 begin."""
    children: dict[int, list[ArticleNode]] = {}
    for node in nodes:
        if node.parent_seq is not None:
            children.setdefault(node.parent_seq, []).append(node)
    found = {}
    for node in nodes:
        if node.kind != "article":
            continue
        items = children.get(node.seq, [])
        starts = [node.char_start]
        line_end = doc_text.find("\n", node.char_start, node.char_end)
        # 第五条  支持新药临床研发: a line holding only the 条's heading is no 款; its first 款 follows.
        heading_line = node.heading is not None and line_end != -1 and \
            doc_text[node.char_start:line_end].rstrip().endswith(node.heading)
        while line_end != -1 and line_end + 1 < node.char_end:
            line_start = line_end + 1
            if not any(item.char_start <= line_start < item.char_end for item in items):
                starts.append(line_start)
            line_end = doc_text.find("\n", line_start, node.char_end)
        if heading_line:
            starts = [node.char_start] + starts[2:]
        if len(starts) > 1:
            found[node.seq] = tuple(starts)
    return found


class ParagraphLocator:
    """The 款 of a 条 holding an offset, from the innermost article holding it (a 条 or one of
    its items)."""

    def __init__(self, doc_text: str, nodes: Sequence[ArticleNode]):
        self.by_seq = {node.seq: node for node in nodes}
        self.paragraphs = article_paragraphs(doc_text, nodes)

    def paragraph_at(self, article_seq: int | None, offset: int) -> int | None:
        """The 1-based 款 of `offset` in the 条 that is or holds article `article_seq`; None
        outside a 条 or in one of a single 款."""
        node = self.by_seq.get(article_seq) if article_seq is not None else None
        while node is not None and node.kind != "article":
            node = self.by_seq.get(node.parent_seq) if node.parent_seq is not None else None
        if node is None or node.seq not in self.paragraphs:
            return None
        return bisect_right(self.paragraphs[node.seq], offset)
