"""Policy terms analysts filter measures by, on sentences from the corpus."""
from __future__ import annotations

from extractors.facts.policy_terms import extract_policy_terms
from tests.conftest import SAMPLES


def terms(text):
    found = extract_policy_terms(text)
    assert all(text[t.char_start:t.char_end] == t.text for t in found)
    return [(t.term, t.text) for t in found]


def test_changping_first_class_new_drugs():
    text = "（一）对获得药品注册证书且实施产业化的1类生物制品、1类化学药和1类中药，单品种给予最高1000万元资金支持。"
    assert terms(text) == [("1类新药", "1类生物制品"), ("1类新药", "1类化学药"), ("1类新药", "1类中药")]


def test_service_organisations_of_the_2026_guide():
    text = "面向医药产品早期研发、成果转化、临床研究、中试生产的CRO、CDMO、CMO等专业化服务机构"
    assert terms(text) == [("临床试验", "临床研究"), ("中试", "中试"), ("CRO", "CRO"), ("CDMO", "CDMO"),
                           ("CMO", "CMO")]


def test_a_latin_abbreviation_is_a_whole_word_only():
    assert terms("支持MICRO企业和AIDS防治，鼓励AI辅助诊断") == [("人工智能", "AI")]


def test_every_corpus_mention_slices_its_text():
    for path in SAMPLES.glob("*.txt"):
        terms(path.read_text(encoding="utf-8"))


def test_nothing_to_find():
    assert extract_policy_terms("") == [] and extract_policy_terms("第一条 总则。") == []
