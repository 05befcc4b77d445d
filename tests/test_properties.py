"""Properties of the extraction stages on any text, and invariance of the facts and the article
tree under harmless changes to a real document.

- every stage (clean, split, segment, facts, each fact kind, relations) returns on any text;
- every fact's and every article node's offsets slice exactly its text;
- a Chinese numeral amount reads back as the integer it spells (二千五百万元 → 25000000);
- jjgf-2025-9 and changping-pharma-2025-draft keep their article labels and their (kind, value)
  facts when full-width punctuation is printed half-width or spaces fall between CJK characters
  inside a paragraph (as justified PDF text extracts).
"""
from __future__ import annotations

import collections
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.clean import clean_text_source
from extractors.facts import extract_facts
from extractors.facts.bureaus import extract_bureaus
from extractors.facts.dates import extract_dates
from extractors.facts.doc_numbers import extract_doc_numbers
from extractors.facts.money import extract_money
from extractors.facts.percent import extract_percent
from extractors.numerals import int_to_chinese
from extractors.relations import extract_relations
from extractors.segment import article_tree
from extractors.sentences import SENTENCE_END, Sentences
from extractors.split import split_documents
from extractors.textnorm import fold_width, is_cjk

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
FACT_EXTRACTORS = (extract_money, extract_percent, extract_dates, extract_bureaus, extract_doc_numbers)

# The characters the extractors and the segmenter react to.
CORPUS_ALPHABET = (
    "0123456789０１２３５.,:%％‰-—～ \n\t"
    "万元亿千百十一二三四五六七八九零〇两"
    "%‰年月日号〔〕第条章款项、（）()．.，。；;：:“”《》【】[]"
    "最高不超过给予分别达以上含责任单位局委中心政府负责解释起施行有效期至前附件表"
    "北京经济技术开发区管理委员会市科委中关村生物医药产业企业项目支持奖励资金"
)


def _corpus_sentences() -> list[str]:
    sentences = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            sentences += [s for s in regex.split(r"(?<=[。；;])", line.strip()) if len(s) >= 4]
    return sentences


CORPUS_SENTENCES = _corpus_sentences()


@st.composite
def corpus_fragments(draw) -> str:
    """A real sentence of the corpus, or a slice of one."""
    sentence = draw(st.sampled_from(CORPUS_SENTENCES))
    start = draw(st.integers(0, len(sentence) - 1))
    end = draw(st.integers(start + 1, len(sentence)))
    return sentence[start:end] if draw(st.booleans()) else sentence


corpus_texts = st.lists(
    st.one_of(corpus_fragments(), st.text(alphabet=CORPUS_ALPHABET, max_size=30),
              st.sampled_from(["\n", "\n\n", "第一条 ", "一、", "（一）", "1.", "（1）", "附件1", "表1"])),
    max_size=12,
).map("".join)
any_texts = st.one_of(corpus_texts, st.text(alphabet=CORPUS_ALPHABET, max_size=120), st.text(max_size=60))
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_facts_slice(text, facts):
    for fact in facts:
        assert fact.text, fact
        assert text[fact.char_start:fact.char_end] == fact.text, fact


@PROPERTY_SETTINGS
@given(any_texts)
def test_fact_extractors_never_raise_and_offsets_slice(text):
    _assert_facts_slice(text, extract_facts(text))
    for extract in FACT_EXTRACTORS:
        _assert_facts_slice(text, extract(text))


@PROPERTY_SETTINGS
@given(any_texts, st.data())
def test_indexed_sentences_match_the_walk_back(text, data):
    """The staging's per-document sentence index gives every fact the sentence the character
    walk gives it, on any span, at the text's ends and on line breaks."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert Sentences(text).bounds(start, end) == _walked_sentence(text, start, end)


def _walked_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The reference: walk back to the previous end mark, search forward for the next one."""
    s = start
    while s > 0 and not SENTENCE_END.match(text, s - 1):
        s -= 1
    m = SENTENCE_END.search(text, end)
    e = m.end() if m and text[m.start()] != "\n" else (m.start() if m else len(text))
    return s, e


@PROPERTY_SETTINGS
@given(any_texts)
def test_relations_never_raise_and_evidence_slices(text):
    for relation in extract_relations(text):
        assert text[relation.char_start:relation.char_end] == relation.evidence


@PROPERTY_SETTINGS
@given(any_texts)
def test_article_tree_never_raises_and_nodes_slice(text):
    tree = article_tree(text)
    for node in tree.nodes:
        assert text[node.char_start:node.char_end] == node.text
        assert node.label


@PROPERTY_SETTINGS
@given(any_texts)
def test_clean_and_split_never_raise_and_spans_slice(text):
    clean = clean_text_source(text)
    _, spans = split_documents(clean)
    for span in spans:
        assert clean.text[span.char_start:span.char_end] == span.text


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**12 - 1), st.sampled_from(["", "万", "亿"]))
def test_chinese_numeral_amounts_round_trip(value, unit):
    """int_to_chinese(n) + unit + 元 reads back as n × unit; the amount is the whole text."""
    spelled = int_to_chinese(value)
    if unit == "亿" and "亿" in spelled or unit == "万" and ("万" in spelled or "亿" in spelled):
        return  # 三亿亿元 is no amount anyone prints
    if value < 10 and not unit:
        return  # 一元 / 三元 are read as words (一元化, 多元), by design
    text = f"给予{spelled}{unit}元支持"
    facts = extract_money(text)
    assert [f.text for f in facts] == [f"{spelled}{unit}元"]
    assert facts[0].value_num == Decimal(value) * {"": 1, "万": 10**4, "亿": 10**8}[unit]


def test_numeral_round_trip_through_money():
    """二千五百万元 ↔ 25000000: spelled by int_to_chinese, read back by the money extractor."""
    assert int_to_chinese(25_000_000) + "元" == "二千五百万元"
    (fact,) = extract_money("二千五百万元")
    assert fact.value_num == 25_000_000


@pytest.mark.parametrize("text, value", [
    ("两千五百万元", 25_000_000), ("一千万元", 10_000_000), ("壹佰万元", 1_000_000),
    ("十万元", 100_000), ("二千五百元", 2_500), ("一万二千亿元", 1_200_000_000_000),
])
def test_chinese_numeral_amounts(text, value):
    (fact,) = extract_money(text)
    assert fact.value_num == value


# ---------------------------------------------------------------- corpus mutations

MUTATED_SAMPLES = ("jjgf-2025-9.txt", "changping-pharma-2025-draft.txt")
WIDTH_SWAPS = {"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"}
# A numbered line's label (第十五条, 一、, （二）, 1.) is printed tight; spaces go after it.
LABEL_ROOM = 8


def _pipeline(raw: str) -> tuple[list[list[str]], list[collections.Counter]]:
    """Per document: article labels (width-folded: (二) and （二） are the same label) and facts."""
    clean = clean_text_source(raw)
    _, spans = split_documents(clean)
    labels, facts = [], []
    for span in spans:
        labels.append([fold_width(n.label) for n in article_tree(span.text).nodes])
        facts.append(collections.Counter(
            (f.kind, f.value_num if f.kind in ("money", "percent") else f.value_text)
            for f in extract_facts(span.text, issued=span.issued_date)))
    return labels, facts


@pytest.fixture(scope="module")
def originals():
    out = {}
    for name in MUTATED_SAMPLES:
        raw = (SAMPLES / name).read_text(encoding="utf-8")
        out[name] = (raw, _pipeline(raw))
    return out


def _swap_widths(raw: str, chosen: list[bool]) -> str:
    positions = [i for i, ch in enumerate(raw) if ch in WIDTH_SWAPS]
    chars = list(raw)
    for pos, swap in zip(positions, chosen * (len(positions) // max(len(chosen), 1) + 1)):
        if swap:
            chars[pos] = WIDTH_SWAPS[chars[pos]]
    return "".join(chars)


def _cjk_gaps(raw: str) -> list[int]:
    """Offsets between two CJK characters inside a paragraph line, past its label."""
    gaps, line_start = [], 0
    for i in range(1, len(raw)):
        if raw[i - 1] == "\n":
            line_start = i
        if i - line_start >= LABEL_ROOM and is_cjk(raw[i - 1]) and is_cjk(raw[i]):
            gaps.append(i)
    return gaps


def _insert_spaces(raw: str, picks: list[int], spaces: str) -> str:
    gaps = _cjk_gaps(raw)
    chosen = sorted({gaps[p % len(gaps)] for p in picks}, reverse=True)
    for pos in chosen:
        raw = raw[:pos] + spaces + raw[pos:]
    return raw


@pytest.mark.parametrize("name", MUTATED_SAMPLES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(st.booleans(), min_size=1, max_size=40),
       picks=st.lists(st.integers(min_value=0, max_value=10**6), max_size=400),
       spaces=st.sampled_from([" ", "  ", "\u3000"]))
def test_facts_and_labels_survive_width_swaps_and_cjk_spaces(originals, name, chosen, picks, spaces):
    raw, (labels, facts) = originals[name]
    mutated = _insert_spaces(_swap_widths(raw, chosen), picks, spaces)
    got_labels, got_facts = _pipeline(mutated)
    assert got_labels == labels
    assert got_facts == facts, (facts[0] - got_facts[0], got_facts[0] - facts[0])


@pytest.mark.parametrize("name", MUTATED_SAMPLES)
def test_every_punctuation_mark_half_width(originals, name):
    raw, expected = originals[name]
    assert _pipeline(raw.translate(str.maketrans(WIDTH_SWAPS))) == expected


# An old page break cut a body paragraph in two (the corpus has 41: "…并实现受试者" / "入组的,…").
BREAK_AFTER = 30
NO_BREAK_BEFORE = regex.compile(r"[\d（(第一二三四五六七八九十]")
TERMINAL = set("。；;：:！？!?…）)")


def _page_break_points(raw: str) -> list[int]:
    """Offsets inside body lines where the cleaner must heal a page break: past 30 characters
    of a line that already has a comma, between two Han characters, not before a numeral."""
    points, line_start = [], 0
    for i in range(1, len(raw)):
        if raw[i - 1] == "\n":
            line_start = i
        prefix = raw[line_start:i]
        if (i - line_start >= BREAK_AFTER and ("，" in prefix or "," in prefix) and "\t" not in prefix
                and is_cjk(raw[i - 1]) and raw[i - 1] not in TERMINAL and is_cjk(raw[i])
                and not NO_BREAK_BEFORE.match(raw[i]) and raw[i] not in TERMINAL | set("，,、")):
            points.append(i)
    return points


@pytest.mark.parametrize("name", MUTATED_SAMPLES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12))
def test_facts_and_labels_survive_page_breaks_inside_paragraphs(originals, name, picks):
    raw, (labels, facts) = originals[name]
    points = _page_break_points(raw)
    brk = "\n\n" if name.startswith("jjgf") else "\n"
    for pos in sorted({points[p % len(points)] for p in picks}, reverse=True):
        raw = raw[:pos] + brk + raw[pos:]
    got_labels, got_facts = _pipeline(raw)
    assert got_labels == labels
    assert got_facts == facts, (facts[0] - got_facts[0], got_facts[0] - facts[0])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="支持企业资金万元的一二三四五和与CRO", max_size=60), min_size=2, max_size=5))
def test_character_count_bound_is_never_below_the_similarity_it_bounds(texts):
    """Pairs are dropped before rapidfuzz when the bound is under the threshold: a bound under
    the real ratio would lose a version link."""
    from unittest import mock

    from rapidfuzz import fuzz

    from extractors.diff import family as diff_family

    # 4 buckets: rare characters share counts; the basis (the new documents) is the first text
    # only, so the others' characters may all fall in the shared count
    for buckets in (diff_family.CHAR_BUCKETS, 4):
        with mock.patch.object(diff_family, "CHAR_BUCKETS", buckets):
            counts = diff_family._CharCounts(texts[:1])
            vectors = [counts.vector(t) for t in texts]
        for a, va in zip(texts, vectors):
            for b, vb in zip(texts, vectors):
                if a or b:
                    assert counts.bounds(va, vb[None, :])[0] + 1e-9 >= fuzz.ratio(a, b)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="支持企业资金万元的一二三四五和与CRO", min_size=1, max_size=80),
       st.lists(st.floats(min_value=0.3, max_value=2.5), min_size=1, max_size=12),
       st.lists(st.text(alphabet="支持企业资金万元的一二三四五和与CRO", min_size=1, max_size=80), max_size=4))
def test_the_texts_a_text_may_link_to_are_those_a_loop_over_every_pair_finds(text, factors, others):
    """Version linking looks up the texts within reach of a new one by length and character
    counts (`_Texts.candidates`) instead of testing every pair: the rows, in order, must be
    those the test of each pair keeps. Most texts here are the text itself cut or repeated to
    other lengths, so that their bounds stay high and lengths near the limits decide."""
    from extractors.diff import family as diff_family

    texts = [(text * 3)[:max(1, round(len(text) * f))] for f in factors] + others
    counts = diff_family._CharCounts(texts)
    keys = [f"k{i}" for i in range(len(texts))]
    by_key = dict(zip(keys, texts))
    vectors = {k: counts.vector(t) for k, t in by_key.items()}
    vector = counts.vector(text)
    bounds = counts.bounds(vector, np.stack([vectors[k] for k in keys]))
    expected = [row for row, k in enumerate(keys)
                if min(len(text), len(by_key[k])) / max(len(text), len(by_key[k])) >= diff_family.MIN_LENGTH_RATIO
                and bounds[row] >= diff_family.SIMILAR_TEXT_MIN]
    found = diff_family._Texts(keys, by_key, vectors).candidates(len(text), vector, counts).tolist()
    assert found == expected
