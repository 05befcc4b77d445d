"""The development corpus's gold is usable: every file names a text that is there, every fact's
text occurs in that text in document order, values have the form score.py compares, and every
text and PDF has its source written down (data/corpus/CONVENTIONS.md)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
GOLD_FILES = sorted((CORPUS / "gold").glob("*.gold.json"))
KINDS = {"money", "percent", "date", "bureau", "doc_number"}
ROLES = {
    "money": {"cap", "award", "fund_size", "threshold", "other"},
    "date": {"issued", "effective", "expires", "window_start", "window_end", "deadline", "other"},
}
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
STRUCTURE_KEYS = {"title", "doc_number", "issuer", "issued_date", "effective_date",
                  "top_level_count", "first_label", "last_label", "numbering"}
NUMBERING = {"第X编", "第X章", "第X节", "第X条", "一、", "（一）", "1.", "（1）"}


def _sources_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((CORPUS / "sources").glob("*.md")))


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_facts_are_in_their_text_in_order(path: Path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    text_path = CORPUS / "texts" / gold["match"]["path"]
    assert text_path.exists(), f"{path.name}: no text {gold['match']['path']}"
    text = text_path.read_text(encoding="utf-8")
    cursor = 0
    for n, fact in enumerate(gold["facts"]):
        where = f"{path.name} fact {n} {fact.get('text')!r}"
        assert fact["kind"] in KINDS, where
        at = text.find(fact["text"], cursor)
        assert at >= 0, f"{where}: not in the text after offset {cursor}"
        cursor = at
        if fact["kind"] == "money":
            assert isinstance(fact["value_yuan"], int), where
        elif fact["kind"] == "percent":
            assert isinstance(fact["value"], (int, float)), where
        elif fact["kind"] == "date":
            assert ISO_DATE.match(str(fact["value"])), where
        else:
            assert isinstance(fact["value"], str) and fact["value"].strip(), where
        if fact["kind"] in ROLES:
            assert fact.get("role") in ROLES[fact["kind"]], where


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_structure_blocks_use_the_documented_keys(path: Path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert gold.get("labelled_by"), f"{path.name}: say who labelled it and how"
    structure = gold.get("structure", {})
    assert set(structure) <= STRUCTURE_KEYS, f"{path.name}: {set(structure) - STRUCTURE_KEYS}"
    assert set(structure.get("numbering", [])) <= NUMBERING, path.name
    for key in ("issued_date", "effective_date"):
        if structure.get(key) is not None:
            assert ISO_DATE.match(structure[key]), f"{path.name}: {key}"


def test_every_corpus_file_has_its_source_written_down():
    sources = _sources_text()
    # A rendered PDF shares its text's stem, and so its source row.
    files = sorted((CORPUS / "texts").glob("*.txt")) + sorted((CORPUS / "pdf").glob("*.pdf"))
    missing = [p.name for p in files if p.stem not in sources]
    assert not missing, f"no row in data/corpus/sources/ for {missing}"
