"""extract_facts against the hand-labelled gold (../shared/gold), scored the way shared/eval/score.py scores.

Facts are compared as (kind, value) multisets per document with score.py's own `key` (money to the
yuan, percent to 1e-6, bureaus folded by `fold_bureau`). Run with `-s` to see misses and spurious facts.
"""
from __future__ import annotations

import collections

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.facts import extract_facts
from tests.gold_docs import SAMPLES, document_text, gold_available, gold_documents, minimal_clean, score_module

KINDS = ("money", "percent", "date", "bureau", "doc_number")
MIN_F1 = 0.98
MIN_ROLE_ACCURACY = 0.90

pytestmark = pytest.mark.skipif(not gold_available(), reason="needs ../shared/eval/score.py and ../shared/gold")


def score_gold() -> dict:
    score = score_module()
    tp, n_gold, n_pred = collections.Counter(), collections.Counter(), collections.Counter()
    role_ok, role_n = collections.Counter(), collections.Counter()
    report = {}
    for name, gold, text in gold_documents():
        predicted = collections.defaultdict(list)
        for f in extract_facts(text):
            value = f.value_num if f.kind in ("money", "percent") else f.value_text
            k = score.key(f.kind, value)
            if k is not None:
                predicted[k].append(f.role)
                n_pred[f.kind] += 1
        missed, wrong_role = [], []
        for fact in gold["facts"]:
            k, role = score.gold_key(fact), fact.get("role")
            n_gold[k[0]] += 1
            roles = predicted.get(k)
            if not roles:
                missed.append((k, fact["text"]))
                continue
            got = roles.pop(roles.index(role) if role in roles else 0)
            tp[k[0]] += 1
            if role and k[0] in ("money", "date"):
                role_n[k[0]] += 1
                role_ok[k[0]] += got == role
                if got != role:
                    wrong_role.append((k, fact["text"], role, got))
        spurious = [k for k, roles in predicted.items() for _ in roles]
        report[name] = {"missed": missed, "spurious": spurious, "wrong_role": wrong_role}
    kinds = {}
    for kind in KINDS:
        p = tp[kind] / n_pred[kind] if n_pred[kind] else 1.0
        r = tp[kind] / n_gold[kind] if n_gold[kind] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        kinds[kind] = {"gold": n_gold[kind], "pred": n_pred[kind], "tp": tp[kind], "p": p, "r": r, "f1": f1,
                       "role": role_ok[kind] / role_n[kind] if role_n[kind] else None}
    return {"kinds": kinds, "documents": report}


@pytest.fixture(scope="module")
def gold_score() -> dict:
    result = score_gold()
    for name, doc in result["documents"].items():
        if any(doc.values()):
            print(f"\n{name}\n  missed {doc['missed']}\n  spurious {doc['spurious']}\n  wrong role {doc['wrong_role']}")
    for kind, k in result["kinds"].items():
        role = "" if k["role"] is None else f"  role {k['role']:.3f}"
        print(f"{kind:<11} gold {k['gold']:>4} pred {k['pred']:>4} tp {k['tp']:>4} "
              f"P {k['p']:.3f} R {k['r']:.3f} F1 {k['f1']:.3f}{role}")
    return result


def test_gazette_document_slice_is_the_notice_and_its_measures():
    text = document_text({"path": "beijing-gazette-2025-27.txt", "doc_number": "京技管发〔2025〕1号"})
    assert text.startswith("北京经济技术开发区管理委员会\n印发《北京经济技术开发区关于推动经济持续")
    assert text.endswith("政策兑现原则上于 2026 年 6 月 30 日前完成。")


@pytest.mark.parametrize("kind", KINDS)
def test_gold_f1(gold_score, kind):
    k = gold_score["kinds"][kind]
    assert k["f1"] >= MIN_F1, f"{kind}: F1 {k['f1']:.3f} (P {k['p']:.3f}, R {k['r']:.3f})"


@pytest.mark.parametrize("kind", ["money", "date"])
def test_gold_role_accuracy(gold_score, kind):
    role = gold_score["kinds"][kind]["role"]
    assert role is not None and role >= MIN_ROLE_ACCURACY, f"{kind}: role accuracy {role}"


# Characters the extractors react to, so that generated text reaches their branches.
CUE_ALPHABET = (
    "0123456789０１２.,:：%％‰/-—~ \n\t()（）〔〕[]【】《》、，。；;“”"
    "年月日号元万亿千百十一二三四五六七八九零〇两壹佰"
    "分别给予最高不超过达以上含规模设立发放单个企业每年品种项目合同"
    "责任单位部门主责由负责解释具体工作承担对联系人处局委会中心政府经开区市科委中关村管"
    "京技管发令第美至前起施行有效期按照比例"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(alphabet=CUE_ALPHABET, max_size=120), st.text(max_size=80)))
def test_extract_facts_never_raises_and_offsets_slice(text):
    for fact in extract_facts(text):
        assert text[fact.char_start:fact.char_end] == fact.text
        assert fact.text


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_offsets_slice_every_corpus_text(name):
    raw = (SAMPLES / name).read_text(encoding="utf-8")
    for text in (raw, minimal_clean(raw)):
        facts = extract_facts(text)
        assert facts
        assert all(text[f.char_start:f.char_end] == f.text for f in facts)
