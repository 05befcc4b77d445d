"""文号 facts: 京技管发〔2025〕9号, 京商消二字〔2025〕16 号, 京技管〔2013〕102号, 国务院令第427号.

`extract_doc_numbers(text)` accepts 〔〕, [], (), 【】 and ［］ around the year and spaces
anywhere inside; value_text is the number as printed with 〔〕 and no whitespace.
"""
from __future__ import annotations

import regex

from extractors.cues import across_cjk_spaces
from extractors.textnorm import fold_width
from schemas.records import Fact

SP = r"[ \t]*"
MAX_CODE_CHARS = 16
# The year in brackets and the serial: 〔2025〕9号, [2025] 9 号, (2013)102号. The issuer's code is the
# run of Han characters just before it (京技管发, 京商消二字, 环办大气函); anchoring on the bracket
# keeps the scan linear.
YEAR_SERIAL_PATTERN = regex.compile(
    rf"[〔\[(【]{SP}(?P<year>(?:19|20)\d{{2}}){SP}[〕\])】]{SP}(?:第{SP})?(?P<serial>\d{{1,5}}){SP}号"
)
# 国务院令第427号 / 北京市人民政府令第312号: decrees are numbered without a year.
DECREE_PATTERN = regex.compile(rf"令{SP}第{SP}(?P<serial>\d{{1,5}}){SP}号")
CODE_BEFORE = regex.compile(rf"[\u4e00-\u9fff]{{1,{MAX_CODE_CHARS}}}{SP}$")
# A code never starts with these: the words before a 文号 in running text.
CODE_LEAD_WORDS = regex.compile(r"^.*(?:根据|依据|按照|印发|转发|关于|和|及|与|的|见|号|年|以)")


@across_cjk_spaces
def extract_doc_numbers(text: str) -> list[Fact]:
    """文号 in document order; value_text normalised to 〔YYYY〕 with no whitespace."""
    if not text:
        return []
    folded = fold_width(text)
    facts = []
    for m in YEAR_SERIAL_PATTERN.finditer(folded):
        code = _code_before(folded, m.start())
        if code is not None:
            value = f"{folded[code:m.start()].strip()}〔{m.group('year')}〕{m.group('serial')}号"
            facts.append(_fact(text, code, m.end(), value))
    for m in DECREE_PATTERN.finditer(folded):
        code = _code_before(folded, m.start())
        if code is not None:
            value = f"{folded[code:m.start()]}令第{m.group('serial')}号"
            facts.append(_fact(text, code, m.end(), value))
    return sorted(facts, key=lambda f: f.char_start)


def _code_before(folded: str, end: int) -> int | None:
    """Start of the issuer's code that ends at `end`, or None when no Han characters precede."""
    m = CODE_BEFORE.search(folded, max(0, end - MAX_CODE_CHARS - 4), end)
    if m is None:
        return None
    code = m.group().rstrip(" \t")
    return m.start() + _lead_length(code)


def _lead_length(code: str) -> int:
    """Characters at the front of a matched code that belong to the sentence, not the 文号."""
    m = CODE_LEAD_WORDS.match(code)
    if m and m.end() < len(code):
        return m.end()
    return 0


def _fact(text: str, start: int, end: int, value: str) -> Fact:
    return Fact(kind="doc_number", text=text[start:end], char_start=start, char_end=end, value_text=value)
