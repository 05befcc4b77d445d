"""文号 facts: 京技管发〔2025〕9号, 京商消二字〔2025〕16 号, 京技管〔2013〕102号, 国务院令第427号.

`extract_doc_numbers(text)` accepts 〔〕, [], (), 【】 and ［］ around the year and spaces
anywhere inside; value_text is the number as printed with 〔〕 and no whitespace. A decree
(令第N号, N in digits or Chinese numerals) is numbered by its issuing body: the fact starts at
the body's first character (国家市场监督管理总局令第47号, 中华人民共和国主席令第十号).
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
# 国务院令第427号 / 北京市人民政府令第312号 / 中华人民共和国主席令第十号: numbered without a year;
# old municipal decrees leave out 第 (济南市人民政府令19号).
DECREE_PATTERN = regex.compile(rf"令{SP}(?:第{SP})?(?P<serial>\d{{1,5}}|[一二三四五六七八九十百千零〇两]{{1,8}}){SP}号")
MAX_DECREE_BODY_CHARS = 32
DECREE_BODY_BEFORE = regex.compile(rf"\p{{Han}}{{2,{MAX_DECREE_BODY_CHARS}}}$")
# What ends the sentence before a decree's body: a date (2021年8月26日国家市场监督管理总局令),
# 的, or the verb of an earlier decree (…令第1号公布根据国务院令…).
DECREE_BODY_AFTER = regex.compile(r"^.*(?:[年月日的]|公布|发布|修订|修正|施行|通过|废止)")
# Words that lead into a body without being part of it: 原中华人民共和国国家发展计划委员会令,
# 以国务院令, 根据国务院令, 和国务院令. Names hold 和 inside (中华人民共和国, 住房和城乡建设部),
# never at their start. Matched at a position, so the pattern has no ^.
DECREE_LEAD_WORDS = regex.compile(r"(?:原|以|经(?!济)|由|根据|依据|按照|依照|参照|见|及|与|和|或|号|并|即|将|于|在|是|为)+")
# A decree's body is an organ: 国务院, 主席, …部, …委员会, …总局, 海关总署, 中国人民银行, …人民政府.
DECREE_BODY_END = regex.compile(r"(?:院|主席|部|委员会|委|局|署|银行|政府|厅|办公室|会)$")
WHITESPACE = regex.compile(r"\s+")
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
        body = decree_body_start(folded, m.start())
        if body is not None:
            value = WHITESPACE.sub("", folded[body:m.end()])
            facts.append(_fact(text, body, m.end(), value))
    return sorted(facts, key=lambda f: f.char_start)


def decree_body_start(text: str, end: int) -> int | None:
    """Start of the issuing body whose name ends at `end` (just before 令), or None when the
    Han characters before it do not end like an organ's name."""
    m = DECREE_BODY_BEFORE.search(text, max(0, end - MAX_DECREE_BODY_CHARS), end)
    if m is None or not DECREE_BODY_END.search(m.group()):
        return None
    run = m.group()
    after = DECREE_BODY_AFTER.match(run)
    skip = after.end() if after else 0
    lead = DECREE_LEAD_WORDS.match(run, skip)
    skip = lead.end() if lead else skip
    return m.start() + skip if len(run) - skip >= 2 else None


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
