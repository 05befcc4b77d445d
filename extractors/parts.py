"""Cutting a very large text into parts that can be parsed one at a time, so that memory stays
bounded by the part size rather than the file size.

A part ends just before a document's title when one starts past the target size; failing that
(a text with no 文号 lines), at the last paragraph break before the hard limit.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from extractors.split import document_starts

PARAGRAPH_BREAK = "\n"


def text_parts(blocks: Iterable[str], target_chars: int) -> Iterator[str]:
    """Join decoded blocks and yield parts of about `target_chars` (at most 4× that), each cut
    before a document title or, failing that, at a line break."""
    buffer = ""
    for block in blocks:
        buffer += block
        while len(buffer) >= target_chars:
            cut = _cut(buffer, target_chars)
            if cut is None:
                break
            yield buffer[:cut]
            buffer = buffer[cut:]
    if buffer.strip():
        yield buffer


def _cut(buffer: str, target: int) -> int | None:
    """Where to end the next part, or None to wait for more text."""
    starts = [s for s in document_starts(buffer) if s >= target // 2]
    if starts:
        return starts[0]
    if len(buffer) < 4 * target:
        return None
    cut = buffer.rfind(PARAGRAPH_BREAK, 0, 4 * target)
    return cut + 1 if cut > 0 else 4 * target
