"""Condition sentences: the sentences of a text that state what a company must be or have.

A sentence is matched on its squeezed form (width folded, whitespace dropped, so that
`亦庄新城 225 平方公里` and `1000 万元` read as printed elsewhere), with a map back to the
document's offsets. A sentence states conditions when it grants on a condition (对…的…给予), says
who a text applies to (适用于, 申报对象), or obliges (须, 应当); the part that names the company is
where the named conditions are looked for.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from extractors.sentences import SENTENCE_END
from extractors.textnorm import fold_width

# Who a whole text or section applies to: its conditions hold for every measure of the document.
SCOPE_CUE = regex.compile(r"适用于|所指企业|申报对象|申请对象|支持对象|扶持对象")
# An obligation or a list of conditions a company must meet.
DUTY_CUE = regex.compile(r"申报条件|申请条件|以下条件|(?:须|需|应当?)(?=属于|为|在|满足|符合|具有|具备|纳入|注册|取得|获得)")
# A grant on a condition: 对(于) the company or product, then the verb that gives the money or status.
# Not 对接, 对标, 针对, 面对, nor 加大对…的支持力度 (a direction, not a grant).
GRANT = regex.compile(r"对于|(?<![针面相绝应大强])对(?![接标外象])|凡")
# The verb ending the company part: the first 给予 or 予以, else the first other granting word
# (昌平 第十二条（二）: 对获…资金支持的企业，经认定后可给予).
GIVES = regex.compile(r"给予|予以|可享受")
GRANT_WORDS = regex.compile(r"奖励|补贴|资助|支持|提供")
# A grant with no 对 (昌平 第五条: 1类生物制品…，进入Ⅰ期、Ⅱ期、Ⅲ期临床试验，每个品种分别给予): what
# comes before the verb names the company or product.
# 柳河县 第8条: …年销售额在5000万元及以上的，单品种奖励企业100万元.
PLAIN_GRANT = regex.compile(r"给予|予以|(?:奖励|补贴|资助)(?:企业|单位)")
# Where the company part of a grant ends when it is a 的-clause (对…的企业，给予).
WHO_END = regex.compile(r"的[^，,。；]{0,6}?(?:企业|单位|机构|项目|品种|产品|药品|动物药|主体|平台|活动)|的(?:[，,]|给予|予以)")
# 北京科技服务业措施 (四): 对符合条件的企业给予 — a condition stated elsewhere, not here.
VAGUE_WHO = regex.compile(r"(?:符合条件|经认定|入选)的[^，,]{0,8}?(?:按照|按|给予|予以)")
# 渝北区科技局 申报通知: the items under 一、申报对象 carry no cue of their own.
SECTION_HEADING = regex.compile(r"^[一二三四五六七八九十]+、")
CONDITION_HEADING = regex.compile(r"对象|条件")
# 京技管发〔2025〕9号 3: 实现受试者 / 入组的 — a sentence cut across a page; headings are shorter.
CONTINUED_LINE_CHARS = 30
NONBLANK = regex.compile(r"\S")
OPEN_END = regex.compile(r"[。;；!！?？:：)）」”]$")
# 京技管发〔2025〕9号 13: 支持药品批发和零售企业发展,对于营收…的企业 — the lead names the company.
SUPPORT_LEAD = regex.compile(r"^支持[^，,。]+[，,]$")
# A line that only names a category (1.高层次人才。, （一）申请类别) or introduces a list (…以下条件：)
# states no condition of its own.
HEADING_CHARS = 14
INTRODUCES_LIST = regex.compile(r"[:：]$")


@dataclass(frozen=True)
class ConditionSentence:
    """A sentence read as stating conditions: its squeezed text, the offset map back to the
    document, where in it the company is named, and whether it is a text's scope or a grant."""
    squeezed: str
    offsets: tuple[int, ...]
    who_start: int
    who_end: int
    scope: bool
    grant_with_condition: bool

    @property
    def states_own_condition(self) -> bool:
        """Whether the sentence is more than a heading or a list's introduction."""
        return len(self.squeezed) >= HEADING_CHARS and not INTRODUCES_LIST.search(self.squeezed)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Document offsets of squeezed[start:end]."""
        return self.offsets[start], self.offsets[end - 1] + 1


def squeeze(text: str, start: int, end: int) -> tuple[str, tuple[int, ...]]:
    """text[start:end] width folded without spaces, and each kept character's offset in text."""
    folded = fold_width(text)
    kept = [i for i in range(start, end) if not folded[i].isspace()]
    return "".join(folded[i] for i in kept), tuple(kept)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence, end marks included, empty ones left out. A long line cut
    without punctuation goes on after the blank lines that follow it (a PDF's page break)."""
    bounds, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.group() == "\n" and _continued(text, start, m.start()):
            continue
        if text[start:m.end()].strip():
            bounds.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def _continued(text: str, start: int, end: int) -> bool:
    """Whether the line ending at `end` stops mid-sentence: long, and no mark ends it."""
    last = end
    while last > start and text[last - 1].isspace():
        last -= 1
    if last == start:
        return False
    line = text[text.rfind("\n", 0, last) + 1:last]
    return len(line) >= CONTINUED_LINE_CHARS and not OPEN_END.search(line) and NONBLANK.search(text, end) is not None


def condition_sentences(text: str) -> list[ConditionSentence]:
    """The sentences of `text` that state conditions, in order."""
    found = []
    in_condition_section = False
    for start, end in sentence_bounds(text):
        squeezed, offsets = squeeze(text, start, end)
        if not squeezed:
            continue
        at_line_start = start == 0 or text[start - 1] == "\n"
        if at_line_start and SECTION_HEADING.match(squeezed):
            in_condition_section = bool(CONDITION_HEADING.search(squeezed))
            continue
        sentence = _read(squeezed, offsets, in_condition_section)
        if sentence is not None:
            found.append(sentence)
    return found


def _read(squeezed: str, offsets: tuple[int, ...], in_condition_section: bool) -> ConditionSentence | None:
    scope = SCOPE_CUE.search(squeezed) is not None
    grant = GRANT.search(squeezed)
    verb = None if grant is None else (GIVES.search(squeezed, grant.end()) or GRANT_WORDS.search(squeezed, grant.end()))
    if verb is not None and not scope:
        if VAGUE_WHO.match(squeezed, grant.end()):
            return None
        who_start = 0 if SUPPORT_LEAD.match(squeezed[:grant.start()]) else grant.end()
        return ConditionSentence(squeezed, offsets, who_start, verb.start(), scope=False,
                                 grant_with_condition=WHO_END.search(squeezed, who_start, verb.end()) is not None)
    if scope or in_condition_section or DUTY_CUE.search(squeezed):
        return ConditionSentence(squeezed, offsets, 0, len(squeezed), scope=scope, grant_with_condition=False)
    plain = PLAIN_GRANT.search(squeezed)
    if plain is not None:
        return ConditionSentence(squeezed, offsets, 0, plain.start(), scope=False, grant_with_condition=False)
    return None
