"""Percent facts: N%, N％, N‰, 百分之N and ratios a:b, as fractions, with what they apply to.

`extract_percent(text)` gives value_num as a Decimal fraction (20% → 0.2, 2‰ → 0.002,
1:1 → 1.0, i.e. b/a). Clock times (9:00—12:00), page counters (1/10) and words such as
一定比例 are not percents. `basis` is the quantity a share is taken of when the clause says so:
按照设备租赁费用20%的比例 → 设备租赁费用, 不超过合同金额20% → 合同金额.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import regex

from extractors.cues import across_cjk_spaces, clause_start
from extractors.numerals import chinese_decimal
from extractors.textnorm import fold_width
from schemas.records import Fact

NUMBER = r"\d+(?:\.\d+)?"
PER_MILLE, PER_CENT = "‰", "%"
PERCENT_PATTERN = regex.compile(rf"(?<![\d.])(?P<num>{NUMBER})[ \t]*(?P<sign>[%‰])")
CHINESE_PERCENT_PATTERN = regex.compile(
    r"(?P<base>百分之|千分之)(?P<num>[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
)
RATIO_PATTERN = regex.compile(rf"(?<![\d.:：/-])(?P<a>{NUMBER})[ \t]*[:：][ \t]*(?P<b>{NUMBER})(?![\d.:：/-])")
# A ratio is told from a clock time by its context: 1:1的比例 / 1:1资金配套 / 按照…1:1.
RATIO_CONTEXT_AFTER = regex.compile(r"^[ \t]*(?:的)?[ \t]*(?:比例|配套|匹配|比|配比|资金配套)")
RATIO_CONTEXT_BEFORE = regex.compile(r"(?:按|按照|比例|配比|比)[^,，。;；]{0,12}$")
CLOCK_CONTEXT = regex.compile(r"(?:上午|下午|早上|晚上|时间|至|—|-|~)[ \t]*$")
BASIS_CUE_PATTERN = regex.compile(r"按照|依照|按|不超过|不高于|不低于|占|给予")
BASIS_STOP = regex.compile(r"[\d%‰:]")
# A possessor in front of a basis is not part of it: 按照企业设备租赁费用20% → 设备租赁费用.
BASIS_POSSESSOR = regex.compile(r"^(?:企业|单位|申报主体|其)(?=.{2,})")
MAX_BASIS_CHARS = 20
PARENTHETICAL = regex.compile(r"[(（][^()（）]*[)）]")


@across_cjk_spaces
def extract_percent(text: str) -> list[Fact]:
    """Percentages and ratios in document order; value_num is a Decimal fraction."""
    if not text:
        return []
    folded = fold_width(text)
    facts = []
    for start, end, value in _find_percents(folded):
        facts.append(Fact(kind="percent", text=text[start:end], char_start=start, char_end=end,
                          value_num=value, basis=_basis(text, folded, start)))
    return facts


def _find_percents(folded: str) -> list[tuple[int, int, Decimal]]:
    found = []
    for m in PERCENT_PATTERN.finditer(folded):
        scale = 1000 if m.group("sign") == PER_MILLE else 100
        found.append((m.start(), m.end(), Decimal(m.group("num")) / scale))
    for m in CHINESE_PERCENT_PATTERN.finditer(folded):
        try:
            value = chinese_decimal(m.group("num"))
        except ValueError:
            continue
        scale = 1000 if m.group("base") == "千分之" else 100
        found.append((m.start(), m.end(), value / scale))
    for m in RATIO_PATTERN.finditer(folded):
        if _is_ratio(folded, m):
            try:
                value = Decimal(m.group("b")) / Decimal(m.group("a"))
            except (InvalidOperation, ArithmeticError):
                continue
            found.append((m.start(), m.end(), value))
    return sorted(found)


def _is_ratio(folded: str, m: regex.Match) -> bool:
    """Ratio or clock time? A two-digit right side (9:00, 11:12) is a time unless told otherwise."""
    after = folded[m.end():m.end() + 8]
    before = folded[max(0, m.start() - 16):m.start()]
    if RATIO_CONTEXT_AFTER.match(after) or RATIO_CONTEXT_BEFORE.search(before):
        return True
    if CLOCK_CONTEXT.search(before) or folded[m.end():m.end() + 1] in ("—", "-", "~", "至"):
        return False
    return len(m.group("b")) != 2 and "." not in m.group("a")


def _basis(text: str, folded: str, start: int) -> str | None:
    """What the share is taken of: the words between the last basis cue and the number."""
    lo = clause_start(folded, start)
    if lo > 0 and folded[lo - 1] == ")":
        # 按照不超过实际注册费用(含海外注册费、检测费、当地代理费)的30%: look past the aside.
        opening = folded.rfind("(", 0, lo)
        if opening >= 0:
            lo = clause_start(folded, opening)
    cues = list(BASIS_CUE_PATTERN.finditer(folded, lo, start))
    if not cues:
        return None
    basis = PARENTHETICAL.sub("", text[cues[-1].end():start]).strip()
    if basis.endswith("的"):
        basis = basis[:-1].rstrip()
    basis = BASIS_POSSESSOR.sub("", basis)
    if not 2 <= len(basis) <= MAX_BASIS_CHARS or BASIS_STOP.search(basis):
        return None
    return basis
