"""The parse chain (extractors/pipeline.py) on a file, on a string, and streamed in parts."""
from __future__ import annotations

from extractors.parts import text_parts
from extractors.pipeline import StageTimer, StreamedText, parse_file, parse_text
from tests.conftest import SAMPLES

JJGF = SAMPLES / "jjgf-2025-9.txt"


def test_a_text_parses_as_the_file_holding_it_with_each_stage_timed():
    timer = StageTimer()
    from_file = parse_file(JJGF, timer)
    assert parse_text(JJGF.read_text(encoding="utf-8")) == from_file
    assert list(timer.seconds) == ["read", "clean", "split", "segment", "extract"]
    [doc] = from_file.documents
    assert (timer.text_chars, timer.pages) == (6004, None) and len(doc.span.text) <= 6004
    assert doc.span.doc_number == "京技管发〔2025〕9号" and len(doc.facts) > 50


def test_a_text_streamed_in_one_part_parses_as_it_does_whole():
    whole = parse_file(JJGF)
    text = StreamedText(JJGF.name)
    [part] = list(text_parts([JJGF.read_text(encoding="utf-8")], 10_000_000))
    assert text.parse_part(part, StageTimer()) == whole.documents
    assert text.source().warnings == whole.warnings and text.documents == 1
