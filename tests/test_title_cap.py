"""A title is a heading, never a paragraph: capped at TITLE_CAP characters, cut where a sentence
or a clause ends, and never empty."""
from __future__ import annotations

import pytest

from extractors import clean, read, split
from extractors.title_cap import TITLE_CAP, capped_title
from tests.conftest import ROOT, SAMPLES

SENTENCE = "为促进本区生物医药产业高质量发展，根据有关规定，结合实际，制定本办法。"


def _standalone(text: str):
    issue, spans = split.split_documents(clean.clean_text_source(read.decode_text(text.encode("utf-8"), "x.txt")))
    assert issue is None and len(spans) == 1
    return spans[0]


def test_a_two_megabyte_one_line_text_is_titled_by_its_first_sentence():
    text = (SENTENCE * (2 * 2**20 // len(SENTENCE) + 1))[: 2 * 2**20]
    span = _standalone(text)
    assert span.title == "为促进本区生物医药产业高质量发展，根据有关规定，结合实际，制定本办法"
    assert (span.char_start, span.char_end) == (0, 2 * 2**20)


def test_a_text_without_a_title_line_is_titled_by_its_first_clauses():
    """loc-jl-liuhe-tourism-opinions-2019 opens with a 132-character sentence."""
    path = ROOT / "data" / "corpus" / "texts" / "loc-jl-liuhe-tourism-opinions-2019.txt"
    span = _standalone(path.read_text(encoding="utf-8"))
    assert span.title == ("为把我县旅游业培育成为新的支柱产业，推动旅游业转型升级、跨越发展，积极打造“古韵罗通山、"
                          "文化旅游城”的城市名片，更好的完成创建国家全域旅游示范区任务")


def test_a_real_title_is_kept_whole():
    span = _standalone((SAMPLES / "jjgf-2025-9.txt").read_text(encoding="utf-8"))
    assert span.title == "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见"


@pytest.mark.parametrize("title,capped", [
    ("政" * TITLE_CAP, "政" * TITLE_CAP),
    ("政" * (TITLE_CAP + 1), "政" * TITLE_CAP),
    ("通知。" + "政" * 200, "通知。" + "政" * (TITLE_CAP - 3)),  # a sentence end too early to cut at
    ("政" * 30 + "，" + "策" * 30 + "、" + "文" * 100, "政" * 30 + "，" + "策" * 30),
    ("政" * 40 + "。" + "策" * 40 + "。" + "文" * 100, "政" * 40),
], ids=["at-the-cap", "one-over", "early-sentence-end", "last-clause-end", "first-sentence-end"])
def test_capped_title(title, capped):
    assert capped_title(title) == capped
