"""Revisions, pure side: scripted edits of the Changping draft are each diffed exactly right,
article by article and fact by fact; 京技管发〔2025〕9号 standalone vs in the gazette differs in
one place only; the character diff ignores what is not substantive."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from extractors import clean, segment, split
from extractors.diff.align import align_articles, describe_counts, diff_versions
from extractors.diff.text import char_diff
from extractors.facts import extract_facts
from extractors.numerals import int_to_chinese

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
DRAFT = (SAMPLES / "changping-pharma-2025-draft.txt").read_text(encoding="utf-8")
ARTICLE_LABEL = re.compile(r"^第[一二三四五六七八九十]+条", re.M)
BLOCK_START = re.compile(r"^第[一二三四五六七八九十]+[条章]", re.M)


@cache
def parse(text: str, doc_number: str | None = None):
    """(text, article nodes, facts) of the document in `text` (the one with `doc_number`)."""
    _, spans = split.split_documents(clean.clean_text_source(text))
    span = next(s for s in spans if doc_number is None or s.doc_number == doc_number)
    return span.text, segment.article_tree(span.text).nodes, tuple(extract_facts(span.text, issued=span.issued_date))


def diff(old: str, new: str):
    return diff_versions(*parse(old), *parse(new))


def blocks(text: str) -> tuple[str, list[str]]:
    """The text before the first chapter, and one block per 第X章 line or 第X条 with its items."""
    starts = [m.start() for m in BLOCK_START.finditer(text)]
    return text[:starts[0]], [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def index_of(parts: list[str], label: str) -> int:
    return next(i for i, p in enumerate(parts) if p.startswith(label))


def renumber(text: str, first: int = 1) -> str:
    """Number the 第X条 of `text` again from `first`, in order, as a drafter's editor would."""
    counter = iter(range(first, 1000))
    return ARTICLE_LABEL.sub(lambda m: f"第{int_to_chinese(next(counter))}条", text)


def edited(edit) -> str:
    head, parts = blocks(DRAFT)
    edit(parts)
    return renumber(head + "".join(parts))


def changes(result) -> list[tuple[str, list[str], list[str]]]:
    return [(p.kind, [q.label for q in p.old], [q.label for q in p.new])
            for p in result.pairs if p.kind != "unchanged"]


def renumbered(old_from: int, old_to: int, shift: int) -> list[tuple[str, list[str], list[str]]]:
    return [("renumbered", [f"第{int_to_chinese(n)}条"], [f"第{int_to_chinese(n + shift)}条"])
            for n in range(old_from, old_to + 1)]


def facts(result) -> list[str]:
    return [c.summary for c in result.fact_changes]


def test_the_draft_against_itself_is_unchanged():
    result = diff(DRAFT, DRAFT)
    assert changes(result) == [] and facts(result) == []
    # 18 条, 6 chapter headings, the preamble (title lines)
    assert len(result.pairs) == 25


def test_renumbered_articles():
    result = diff(DRAFT, renumber(DRAFT, first=2))
    assert changes(result) == renumbered(1, 18, +1)
    assert facts(result) == []


def test_deleted_article():
    result = diff(DRAFT, edited(lambda parts: parts.pop(index_of(parts, "第十三条"))))
    assert changes(result) == [("removed", ["第十三条"], [])] + renumbered(14, 18, -1)
    assert facts(result) == [
        "第十三条 removed threshold 3000万元 (对上一年度营业收入不足)",
        "第十三条 removed threshold 1000万元 (对上一年度营业收入不足3000万元、上两年研发…)",
        "第十三条 removed cap 10% of 上一年度研发投入 (对上一年度营业收入不足3000万元、上两年研发…)",
    ]


def test_inserted_article():
    new_article = "第十一条  对新落户昌平的医药健康企业，经认定后，给予最高500万元落地奖励。\n"
    result = diff(DRAFT, edited(lambda parts: parts.insert(index_of(parts, "第十条") + 1, new_article)))
    assert changes(result) == [("added", [], ["第十一条"])] + renumbered(11, 18, +1)
    assert facts(result) == ["第十一条 new cap 500万元 (对新落户昌平的医药健康企业，经认定后，给予最高)"]


def test_moved_article():
    def move(parts):
        article = parts.pop(index_of(parts, "第七条"))
        parts.insert(index_of(parts, "第十条") + 1, article)
    result = diff(DRAFT, edited(move))
    assert changes(result) == [
        ("renumbered", ["第八条"], ["第七条"]),
        ("renumbered", ["第九条"], ["第八条"]),
        ("renumbered", ["第十条"], ["第九条"]),
        ("moved", ["第七条"], ["第十条"]),
    ]
    assert facts(result) == []


def test_split_article():
    def split_item_three(parts):
        i = index_of(parts, "第十二条")
        head, item = parts[i].split("（三）")
        parts[i] = head.rstrip() + "\n"
        parts.insert(i + 1, "第十三条  支持单品种做大做强\n" + item)
    result = diff(DRAFT, edited(split_item_three))
    assert changes(result) == [("split", ["第十二条"], ["第十二条", "第十三条"])] + renumbered(13, 18, +1)
    assert facts(result) == []


def test_merged_articles():
    def merge(parts):
        i = index_of(parts, "第九条")
        parts[i] = parts[i].rstrip() + parts.pop(i + 1).removeprefix("第十条").lstrip()
    result = diff(DRAFT, edited(merge))
    assert changes(result) == [("merged", ["第九条", "第十条"], ["第九条"])] + renumbered(11, 18, -1)
    assert facts(result) == []


@pytest.mark.parametrize("old, new, label, fact_line", [
    ("单品种给予最高1000万元资金支持", "单品种给予最高1500万元资金支持", "第六条",
     "第六条（一） cap: 1000万元 per product → 1500万元"),
    ("按照不超过年度实际服务金额的20%", "按照不超过年度实际服务金额的30%", "第十五条",
     "第十五条（一） cap: 20% of 年度实际服务金额 → 30%"),
    ("北京未来科学城管理委员会（北京中关村生命科学园管理委员会）", "昌平区科学技术委员会", "第十八条",
     "第十八条 interpreting bureau: 北京未来科学城管理委员会 → 昌平区科学技术委员会"),
    ("分别给予50万元、100万元、200万元的奖励", "分别给予50万元、100万元、300万元的奖励", "第五条",
     "第五条（一） award: 200万元 → 300万元"),
], ids=["cap", "percentage", "bureau", "award"])
def test_changed_fact(old, new, label, fact_line):
    assert DRAFT.count(old) == 1
    result = diff(DRAFT, DRAFT.replace(old, new))
    assert changes(result) == [("modified", [label], [label])]
    assert facts(result) == [fact_line]


def test_changed_deadline():
    gazette = (SAMPLES / "beijing-gazette-2025-27.txt").read_text(encoding="utf-8")
    later = gazette.replace("于2025年7月31日前汇总上报", "于2025年8月15日前汇总上报")
    result = diff_versions(*parse(gazette, "京商流通字〔2025〕6号"), *parse(later, "京商流通字〔2025〕6号"))
    assert changes(result) == [("modified", ["六"], ["六"])]
    assert facts(result) == ["六 deadline: 2025-07-31 → 2025-08-15"]


def test_changed_cap_text_ops_point_at_the_printed_characters():
    result = diff(DRAFT, DRAFT.replace("单品种给予最高1000万元", "单品种给予最高1500万元"))
    pair = next(p for p in result.pairs if p.kind == "modified")
    assert [(o.tag, pair.old_text[o.old_start:o.old_end], pair.new_text[o.new_start:o.new_end])
            for o in pair.ops] == [("replace", "0", "5")]


def test_gazette_and_standalone_jjgf_9_differ_in_measure_10_only():
    gazette = (SAMPLES / "beijing-gazette-2025-27.txt").read_text(encoding="utf-8")
    standalone = (SAMPLES / "jjgf-2025-9.txt").read_text(encoding="utf-8")
    result = diff_versions(*parse(standalone), *parse(gazette, "京技管发〔2025〕9号"))
    assert changes(result) == [("modified", ["二/(二)/10"], ["二/(二)/10"])]
    pair = next(p for p in result.pairs if p.kind == "modified")
    assert [(o.tag, pair.old_text[o.old_start - 2:o.old_end + 2], pair.new_text[o.new_start - 2:o.new_end + 2])
            for o in pair.ops] == [("insert", "生产能力", "生产服务能力")]
    assert facts(result) == []


def test_alignment_without_document_text_leaves_the_preamble_out():
    text, nodes, _ = parse(DRAFT)
    pairs = align_articles(nodes, nodes)
    assert [p.old[0].label for p in pairs][:3] == ["第一章", "第一条", "第二条"]
    assert {p.kind for p in pairs} == {"unchanged"}


@pytest.mark.parametrize("old, new, expected", [
    ("提升生产能力，对企业", "提升生产服务能力,对企业", [("insert", "", "服务")]),
    ("研发\n投入的10%", "研发投入的 10％", []),
    ("全年最高 500 万元", "全年最高500万元", []),
    ("给予（一次性）奖励", "给予(一次性)奖励", []),
    ("最高20%，", "最高30%，", [("replace", "2", "3")]),
    ("甲乙丙丁", "甲戊丙己", [("replace", "乙丙丁", "戊丙己")]),
    ("", "新增条款", [("insert", "", "新增条款")]),
], ids=["insert", "page-break", "spaces", "width", "replace", "island", "from-empty"])
def test_char_diff_is_character_level_and_ignores_what_is_not_substantive(old, new, expected):
    ops = char_diff(old, new)
    assert [(o.tag, old[o.old_start:o.old_end], new[o.new_start:o.new_end]) for o in ops] == expected


def test_char_diff_places_an_insertion_after_the_printed_character_before_it():
    old, new = "生产 能力", "生产服务能力"
    (op,) = char_diff(old, new)
    assert (op.old_start, op.old_end, op.new_start, op.new_end) == (2, 2, 2, 4)


def test_a_newer_text_cut_short_ends_early_instead_of_removing_the_rest():
    # a copy of the Changping draft that stops inside 第六条, as a web page cut off mid-way
    cut = DRAFT[:DRAFT.index("第七条")]
    result = diff(DRAFT, cut)
    assert result.ends_at == "第六条"
    assert result.count("removed") == 0 and result.count("not_in_newer") >= 10
    assert facts(result) == []
    assert "not in the newer text: it ends at 第六条" in describe_counts(result)


def test_provisions_removed_at_the_end_of_a_text_that_goes_on_are_removed():
    # the newer text drops 第十七条 but keeps its closing article: a real removal
    result = diff(DRAFT, edited(lambda parts: parts.pop(index_of(parts, "第十七条"))))
    assert result.ends_at is None
    assert ("removed", ["第十七条"], []) in changes(result)
