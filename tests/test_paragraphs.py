"""款 (the paragraphs of a 第X条) and 节 (between 章 and 条) on national laws of the corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.article_locator import ArticleLocator
from extractors.paragraphs import ParagraphLocator
from extractors.pipeline import parse_text
from flows import catalog
from flows.ingest.source_rows import path_labels

TEXTS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "texts"


def law(name: str):
    doc, = parse_text((TEXTS / name).read_text(encoding="utf-8")).documents
    return doc


def paragraph_of(doc, words: str, after: str = "") -> tuple[str, int | None]:
    """(path label of the article holding `words`, its 款) for their first place after `after`."""
    text = doc.span.text
    start = text.index(words, text.index(after) if after else 0)
    seq = ArticleLocator(doc.tree.nodes).seq_at(start, start + len(words))
    return path_labels(doc.tree.nodes)[seq], ParagraphLocator(text, doc.tree.nodes).paragraph_at(seq, start)


@pytest.fixture(scope="module")
def statistics_law():
    return law("nat-statistics-law-2024.txt")


@pytest.fixture(scope="module")
def land_regs():
    return law("nat-land-admin-law-implementing-regs-2021.txt")


def test_each_later_line_of_a_条_is_its_next_款(statistics_law):
    """第四十五条: 前款所列行为…五万元以下的罚款 is its 第二款, 个体工商户…一千元 its 第三款."""
    assert paragraph_of(statistics_law, "五万元", "第四十五条") == ("第六章/第四十五条", 2)
    assert paragraph_of(statistics_law, "一千元", "第四十五条") == ("第六章/第四十五条", 3)


def test_a_条_of_one_paragraph_numbers_no_款(statistics_law):
    assert paragraph_of(statistics_law, "虚假统计资料", "第十二条") == ("第一章/第十二条", None)


def test_items_are_of_the_款_before_them(land_regs):
    """第十七条 国有土地有偿使用的方式包括：（一）国有土地使用权出让；… : its 第二款's 项."""
    assert paragraph_of(land_regs, "国有土地租赁", "第十七条") == ("第四章/第一节/第十七条/（二）", 2)


def test_a_节_stands_between_its_章_and_its_条(land_regs):
    kinds = {n.label: n.kind for n in land_regs.tree.nodes if n.label.startswith("第") and "节" in n.label}
    assert kinds == {f"第{n}节": "subchapter" for n in "一二三四五"}
    # 第十四条 …优先使用存量建设用地… / 从事土地开发利用活动…防止、减少土壤污染…: two 款.
    assert paragraph_of(land_regs, "优先使用存量建设用地", "第十四条") == ("第四章/第一节/第十四条", 1)
    assert paragraph_of(land_regs, "土壤污染", "第十四条") == ("第四章/第一节/第十四条", 2)


def test_a_heading_line_is_no_款_of_its_条():
    """changping: 第五条  支持新药临床研发 / 对开展临床试验…: / （一）…: one 款, its items, no second."""
    doc, = parse_text((Path(__file__).resolve().parents[1] / "data" / "samples"
                       / "changping-pharma-2025-draft.txt").read_text(encoding="utf-8")).documents
    assert paragraph_of(doc, "1类生物制品", "第五条") == ("第二章/第五条/（一）", None)


@pytest.mark.parametrize("path_label, paragraph, cited", [
    ("第四十五条", 2, "第四十五条第二款"),
    ("第四章/第一节/第十七条/（二）", 2, "第十七条第二款（二）"),
    ("第二章", None, "第二章"),
    ("二/(二)/10", None, "第二部分（二）10"),
])
def test_an_article_as_cited(path_label, paragraph, cited):
    assert catalog.memory().execute("select citation_label(?, ?)", [path_label, paragraph]).fetchone()[0] == cited
