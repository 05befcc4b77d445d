"""The innermost article holding a span, found through the article tree (ArticleLocator), is
the one testing every node finds (deepest_article): on every fact and term of the corpus, on
spans around every node's edges, and on a tree that is not nested."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.article_locator import ArticleLocator, deepest_article
from flows.ingest.parse import parse_source
from schemas.records import ArticleNode
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def corpus_documents():
    return [d for p in sorted(SAMPLES.iterdir()) for d in parse_source(Path(p))[0].documents]


def test_every_corpus_tree_is_nested_so_the_tree_is_searched(corpus_documents):
    with_articles = [d for d in corpus_documents if d.tree.nodes]
    assert len(with_articles) >= 20
    assert all(ArticleLocator(d.tree.nodes).nested for d in with_articles)


def test_every_fact_and_term_of_the_corpus_gets_the_article_every_node_test_gives(corpus_documents):
    spans = 0
    for doc in corpus_documents:
        locator = ArticleLocator(doc.tree.nodes)
        for item in (*doc.facts, *doc.terms):
            assert locator.seq_at(item.char_start, item.char_end) == \
                deepest_article(doc.tree.nodes, item.char_start, item.char_end)
            spans += 1
    assert spans > 1000


def test_spans_around_every_node_edge_get_the_article_every_node_test_gives(corpus_documents):
    for doc in corpus_documents:
        nodes, locator = doc.tree.nodes, ArticleLocator(doc.tree.nodes)
        edges = sorted({e + d for n in nodes for e in (n.char_start, n.char_end) for d in (-1, 0, 1)})
        for start in edges:
            for end in (start, start + 1, start + 5, *[e for e in edges if e > start][:3]):
                assert locator.seq_at(start, end) == deepest_article(nodes, start, end), (start, end)


def node(seq, parent, level, start, end):
    return ArticleNode(seq, parent, level, "article", f"第{seq}条", seq, None, start, end, "")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 3)), min_size=1, max_size=8),
       st.integers(0, 45), st.integers(0, 10))
def test_any_tree_nested_or_not_gets_the_article_every_node_test_gives(shapes, start, length):
    """Generated trees: overlapping siblings, children outside their parents, empty nodes; the
    locator searches the tree only when it is nested, and answers as the definition does."""
    nodes = tuple(node(i, (i - 1 if i and level > 1 else None), level, min(a, b), max(a, b))
                  for i, (a, b, level) in enumerate(shapes))
    assert ArticleLocator(nodes).seq_at(start, start + length) == deepest_article(nodes, start, start + length)


def test_a_tree_that_is_not_nested_is_searched_node_by_node():
    # 第2条 overlaps 第1条: the node starting last before the span does not lie inside 第1条
    nodes = (node(1, None, 1, 0, 20), node(2, None, 1, 10, 30))
    locator = ArticleLocator(nodes)
    assert not locator.nested
    assert locator.seq_at(12, 15) == deepest_article(nodes, 12, 15) == 2
