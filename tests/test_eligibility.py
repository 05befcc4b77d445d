"""Eligibility conditions: cases from tests/cases/eligibility/conditions.yaml (not a fact kind,
so not beside the fact kinds' case files), offsets on every corpus text,
the catalog's rows and view from data/samples, and the scorer's figure on the gold."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from benchmarks.eval_eligibility import score
from extractors.eligibility import extract_eligibility
from tests.test_properties import any_texts

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((Path(__file__).parent / "cases" / "eligibility" / "conditions.yaml").read_text(encoding="utf-8"))
FIELDS = ("op", "unit", "basis_year", "rule")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_eligibility_case(case):
    found = extract_eligibility(case["text"])
    assert [(c.kind, c.text) for c in found] == [(e["kind"], e["text"]) for e in case["expect"]]
    for condition, expected in zip(found, case["expect"]):
        assert case["text"][condition.char_start:condition.char_end] == condition.text
        value = condition.value_text if condition.value_num is None else condition.value_num
        if condition.kind in ("revenue", "output", "investment", "rd_spend", "tax"):
            assert condition.value_text == expected.get("qualifier"), condition.text
            value = condition.value_num
        assert value == (Decimal(str(expected["value"])) if isinstance(expected.get("value"), int)
                         else expected.get("value")), condition.text
        assert [getattr(condition, f) for f in FIELDS] == [expected.get(f) for f in FIELDS], condition.text
        assert condition.parsed == expected.get("parsed", True)


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "samples").glob("*.txt"))
                         + sorted((ROOT / "data" / "corpus" / "texts").glob("*.txt")), ids=lambda p: p.stem)
def test_offsets_hold_on_every_corpus_text(path):
    text = path.read_text(encoding="utf-8")
    for condition in extract_eligibility(text):
        assert text[condition.char_start:condition.char_end] == condition.text
        assert condition.parsed or condition.kind == "other"


def test_nothing_found_is_an_empty_list():
    assert extract_eligibility("") == [] and extract_eligibility("第一条 总则。\n\n") == []


def test_catalog_rows_of_the_changping_draft(corpus_con):
    rows = corpus_con.execute(
        "select a.path_label, c.kind, c.op, c.value_num, c.unit, c.value_text, c.basis_year, c.rule, c.parsed "
        "from eligibility_conditions c join articles a using (article_id) join v_documents d on d.doc_id = c.doc_id "
        "where d.source_path = 'changping-pharma-2025-draft.txt' and a.path_label = '第四章/第十三条' "
        "order by c.char_start").fetchall()
    assert rows == [
        ("第四章/第十三条", "revenue", "<", Decimal(30000000), "yuan", None, "previous_year", None, True),
        ("第四章/第十三条", "rd_spend", ">=", Decimal(10000000), "yuan", None, "last_2_years", None, True),
        ("第四章/第十三条", "status", None, None, None, "中小微企业", None, None, True),
        ("第四章/第十三条", "combination", "<=", Decimal(3), "years", None, None, "max_support_years", True),
    ]


def test_measure_view_of_the_pharma_opinion(corpus_con):
    (row,) = corpus_con.execute(
        "select m.doc_number, [c.value_text for c in conditions], [c.rule for c in conditions], "
        "[coalesce(c.value_text, c.rule) for c in document_conditions] from v_measure_eligibility m "
        "where m.doc_number = '京技管发〔2025〕9号' and article_label = '二/(三)/13'"
    ).fetchall()
    assert row == ("京技管发〔2025〕9号", ["首次中标集采", "药品批发零售", "首次", "首次"], [None, None, None, None],
                   ["亦庄新城225平方公里", "医药健康", "无重大违法记录", "best_not_cumulative"])


def test_the_scorer_reaches_its_measured_figure_on_the_gold():
    result = score()
    precision, recall, f1 = result.prf()
    assert result.measures >= 30 and len(result.documents) >= 4
    assert (round(precision, 3), round(recall, 3), round(f1, 3)) == (0.965, 0.878, 0.919)
    assert round(score(split="held_out").prf()[2], 3) == 0.844
    assert result.thresholds_exact == result.thresholds_matched == 40


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_texts)
def test_never_raises_and_offsets_slice(text):
    for condition in extract_eligibility(text):
        assert text[condition.char_start:condition.char_end] == condition.text and condition.text


@pytest.mark.parametrize("text", ["带动就业百百人以上的，给予", "成立不满十十年的企业，给予", "累计支持不超过十年"])
def test_odd_numerals_never_raise(text):
    extract_eligibility(text)
