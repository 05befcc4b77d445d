"""文号 facts: 京技管发〔2025〕9号, 京商消二字〔2025〕16 号, 京技管〔2013〕102号, 国务院令第427号.

`extract_doc_numbers(text)` accepts 〔〕, [], (), 【】 and ［］ around the year and spaces
anywhere inside; value_text is the number as printed with 〔〕 and no whitespace.
"""
from __future__ import annotations

import regex

from extractors.textnorm import fold_width
from schemas.records import Fact

SP = r"[ \t]*"
# The issuer's code: Han characters ending the code (京技管发, 京商消二字, 环办大气函), no spaces.
ISSUER_CODE = r"[\u4e00-\u9fff]{1,12}"
DOC_NUMBER_PATTERN = regex.compile(
    rf"(?P<code>{ISSUER_CODE}){SP}[〔\[(【](?P<year>(?:19|20)\d{{2}}){SP}[〕\])】]{SP}"
    rf"(?:第{SP})?(?P<serial>\d{{1,5}}){SP}号"
)
# 国务院令第427号 / 北京市人民政府令第312号: decrees are numbered without a year.
DECREE_PATTERN = regex.compile(rf"(?P<code>[\u4e00-\u9fff]{{1,16}}令){SP}第{SP}(?P<serial>\d{{1,5}}){SP}号")
# A code never starts with these: the words before a 文号 in running text.
CODE_LEAD_WORDS = regex.compile(r"^.*(?:根据|依据|按照|印发|转发|关于|和|及|与|的|见|号|年|以)")


def extract_doc_numbers(text: str) -> list[Fact]:
    """文号 in document order; value_text normalised to 〔YYYY〕 with no whitespace."""
    if not text:
        return []
    folded = fold_width(text)
    facts = []
    for m in DOC_NUMBER_PATTERN.finditer(folded):
        start = m.start("code") + _lead_length(m.group("code"))
        code = folded[start:m.start("code") + len(m.group("code"))]
        value = f"{code}〔{m.group('year')}〕{m.group('serial')}号"
        facts.append(_fact(text, start, m.end(), value))
    for m in DECREE_PATTERN.finditer(folded):
        start = m.start("code") + _lead_length(m.group("code"))
        value = f"{folded[start:m.end('code')]}第{m.group('serial')}号"
        facts.append(_fact(text, start, m.end(), value))
    return sorted(facts, key=lambda f: f.char_start)


def _lead_length(code: str) -> int:
    """Characters at the front of a matched code that belong to the sentence, not the 文号."""
    m = CODE_LEAD_WORDS.match(code)
    if m and m.end() < len(code):
        return m.end()
    return 0


def _fact(text: str, start: int, end: int, value: str) -> Fact:
    return Fact(kind="doc_number", text=text[start:end], char_start=start, char_end=end, value_text=value)
