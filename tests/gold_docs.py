"""The documents the hand-labelled gold files (../shared/gold) label, sliced from data/samples.

Shared by tests/test_facts_gold.py and benchmarks/extract_vs_jionlp.py: a gold file's `match`
names a sample and, inside a gazette issue, one document's 文号; `document_text` gives that text
with only blank lines and markup residue removed. `score_module` loads shared/eval/score.py,
whose `key` / `gold_key` define how facts are compared.
"""
from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import regex

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD_DIR = SHARED / "gold"
SCORE_PY = SHARED / "eval" / "score.py"
SAMPLES = ROOT / "data" / "samples"
CORPUS_GOLD = ROOT / "data" / "corpus" / "gold"
CORPUS_TEXTS = ROOT / "data" / "corpus" / "texts"
# A 文号 alone on its line opens a document of a gazette issue (its title block is just above).
DOC_NUMBER_LINE = regex.compile(r"^[\u4e00-\u9fff]+〔\d{4}〕\s*\d+\s*号$", regex.MULTILINE)
MARKUP = regex.compile(r"\*\*|\[bookmark: [^\]\n]*\]")


def gold_available() -> bool:
    return SCORE_PY.exists() and GOLD_DIR.is_dir()


def score_module() -> ModuleType:
    """shared/eval/score.py as a module (its `key`, `gold_key`, `fold_bureau`)."""
    spec = importlib.util.spec_from_file_location("shared_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_documents(gold_dir: Path = GOLD_DIR, texts: Path = SAMPLES) -> Iterator[tuple[str, dict, str]]:
    """(gold file name, gold record, the text it labels) for every gold file, by name; the
    bundled gold by default, the development corpus's with CORPUS_GOLD and CORPUS_TEXTS."""
    for path in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        yield path.name, gold, document_text(gold["match"], texts)


def minimal_clean(text: str) -> str:
    """Drop blank lines and the `**` / `[bookmark: …]` markup residue; nothing else."""
    text = MARKUP.sub("", text)
    return "\n".join(line for line in text.splitlines() if line.strip())


def document_text(match: dict, texts: Path = SAMPLES) -> str:
    """The text a gold file labels: a whole file, or one document of a gazette issue."""
    raw = (texts / match["path"]).read_text(encoding="utf-8")
    if not match.get("doc_number"):
        return minimal_clean(raw)
    want = "".join(match["doc_number"].split())
    lines = list(DOC_NUMBER_LINE.finditer(raw))
    index = next(i for i, m in enumerate(lines) if "".join(m.group().split()) == want)
    start = _title_start(raw, lines[index].start())
    end = _title_start(raw, lines[index + 1].start()) if index + 1 < len(lines) else len(raw)
    return minimal_clean(raw[start:end])


def _title_start(raw: str, doc_number_line: int) -> int:
    """Start of the title block: the run of non-blank lines before the blank line above the 文号."""
    head = raw[:doc_number_line].rstrip("\n")
    block = head.rfind("\n\n")
    return block + 2 if block >= 0 else 0
