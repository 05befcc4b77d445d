"""The whole-token test that spares jieba most policy-term and bureau candidates: wherever it
says yes, jieba's own cut agrees, on the corpus and on generated text."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extractors.cues import sentence_end, sentence_start
from extractors.facts import bureaus, policy_terms
from extractors.jieba_words import whole_token, word_reach
from extractors.textnorm import fold_width
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def nlp():
    nlp, _ = policy_terms._pipeline()
    return nlp


def tokens(nlp, text: str, start: int, end: int) -> set[tuple[int, int]]:
    return {(start + t.idx, start + t.idx + len(t.text)) for t in nlp.make_doc(text[start:end])}


def corpus_texts():
    return [fold_width(path.read_text(encoding="utf-8")) for path in sorted(SAMPLES.glob("*.txt"))]


def test_every_whole_token_candidate_of_the_corpus_is_cut_whole_by_jieba(nlp):
    checked, reach = 0, word_reach()
    for text in corpus_texts():
        for m in policy_terms._prefilter().finditer(text):
            a, b = m.span()
            first, last = sentence_start(text, a), sentence_end(text, b)
            near = sentence_start(text, a, reach), sentence_end(text, b, reach)
            assert whole_token(text, a, b, *near) == whole_token(text, a, b, first, last)
            if whole_token(text, a, b, first, last):
                window = max(a - policy_terms.WINDOW, first), min(b + policy_terms.WINDOW, last)
                assert (a, b) in tokens(nlp, text, first, last), text[first:last]
                assert (a, b) in tokens(nlp, text, *window), text[window[0]:window[1]]
                checked += 1
    assert checked > 200


def test_a_word_of_the_gazetteer_around_a_term_sends_it_to_jieba(nlp):
    # beijing-gazette-2025-27: 集成电路 inside the bureau 北京市集成电路重大项目办公室 is no token.
    text = "(北京市集成电路重大项目办公室)"
    start = text.index("集成电路")
    assert not whole_token(text, start, start + 4, 0, len(text))
    assert (start, start + 4) not in tokens(nlp, text, 0, len(text))
    assert policy_terms.extract_policy_terms(text) == []


def test_the_bureau_shortcut_finds_what_the_entity_ruler_finds_in_every_corpus_span():
    bureaus._nlp()
    spans = 0
    for text in corpus_texts():
        for start, end, _, _ in bureaus._cue_lists(text):
            span = bureaus._mask_parentheticals(text[start:end].replace("\n", ""))
            shortcut = bureaus._whole_token_bodies(span)
            if shortcut is not None:
                assert shortcut == ruler_bodies(span), span
                spans += 1
    assert spans > 100


def ruler_bodies(span: str) -> list[tuple[int, int, str]]:
    doc = bureaus._nlp()(span)
    return [(e.start_char, e.end_char, e.ent_id_) for e in doc.ents if e.label_ == bureaus.ENTITY_LABEL]


# Fragments of the corpus's terms and bureaus that join into dictionary words across each
# other's edges (北京市 + 集成电路 + 重大项目办公室 is one bureau, so 集成电路 is no token there).
PIECES = ["北京市", "集成", "电路", "集成电路", "重大项目", "办公室", "临床", "试验", "研究", "医疗", "器械",
          "注册证", "中", "试", "基地", "验证", "CRO", "MI", "C", "AI", "D", "市", "科委", "、", "中关村",
          "管委会", "经开区", "信创", "园", "国家", "人工", "智能", "的", "创新", "1类", "新药", ",", " "]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
@example(["北京市", "集成电路", "重大项目", "办公室"])
def test_whole_token_agrees_with_jieba_on_generated_text(nlp, pieces):
    text = "".join(pieces)
    cut = tokens(nlp, text, 0, len(text))
    for m in policy_terms._prefilter().finditer(text):
        if whole_token(text, *m.span(), 0, len(text)):
            assert m.span() in cut, (text, m.group())
    shortcut = bureaus._whole_token_bodies(text)
    if shortcut is not None:
        assert shortcut == ruler_bodies(text), text
