"""The non-blank lines of a text with their offsets, as the splitter and the segmenter read it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextLine:
    """A stripped line; `text == source[start:end]`."""
    start: int
    end: int
    text: str


def text_lines(text: str) -> list[TextLine]:
    """Every line holding more than whitespace, stripped, with offsets into `text`."""
    out, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            out.append(TextLine(pos + lead, pos + len(raw.rstrip()), raw.strip()))
        pos += len(raw) + 1
    return out
