"""Money amounts: where a number of yuan stands in a text and its value in yuan.

`find_amounts(folded)` gives (start, end, yuan) for each Arabic (1000 万元, 1.5亿元, 1,000元, 3千万元),
mixed (1亿5000万元) and Chinese (五千万元, 壹佰万元) amount, for bare numbers that share the unit of a
following amount (300、200、100万元, 10-50万元), and for the one borderline unit word the gold keeps
(亿元规模以上 = a 1亿 threshold). Roles, scopes and conditions are extractors/facts/money.py's.
"""
from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

import regex

from extractors.numerals import DECIMAL_POINT, chinese_decimal

UNIT_MULTIPLIERS: dict[str, int] = {
    "": 1, "十": 10, "百": 100, "千": 1000, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7,
    "亿": 10**8, "十亿": 10**9, "百亿": 10**10, "千亿": 10**11, "万亿": 10**12,
}
CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
ARABIC_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
# 三点五亿元: a Chinese number with a decimal part, read whole (not as 五亿元).
CHINESE_NUMBER = rf"[{CHINESE_NUMERAL_CHARS}]+(?:{DECIMAL_POINT}[零〇一二三四五六七八九]+)?"
UNIT = r"(?:万亿|[十百千]?亿|[十百千]?万|[十百千])"
# An amount: a number, an optional multiplier and 元 (not 美元: the unit must follow at once).
# A mixed amount leads with a whole number of 万亿, 亿 or 万 (1万亿2000亿元, 1亿5000万元,
# 2亿零500万元, 1万2千元).
MONEY_PATTERN = regex.compile(
    rf"(?<![\d.])(?:(?P<high>\d+)[ \t]*(?P<high_unit>万亿|[亿万])(?!亿)[ \t]*零?[ \t]*)?"
    rf"(?P<num>{ARABIC_NUMBER}|{CHINESE_NUMBER})"
    rf"[ \t]*(?P<unit>{UNIT})?[ \t]*元"
)
# A bare number before an amount whose unit it shares: 300、200、100万元 / 10-50万元 / 10万至50万元.
SHARED_UNIT_PATTERN = regex.compile(
    rf"(?<![\d.])(?P<num>{ARABIC_NUMBER})[ \t]*(?P<unit>{UNIT})?[ \t]*(?P<sep>、|和|或|至|到|-|—|–|~|～)[ \t]*$"
)
# 京技管发〔2025〕1号 5(2): 2024年总产值亿元规模以上建筑业企业 (a 1亿 threshold with no digit).
BARE_YI_PATTERN = regex.compile(rf"(?<![\d{CHINESE_NUMERAL_CHARS}])亿元(?=规模以上|以上规模|级)")
# Yuan are exact whatever the number's length: the default context keeps 28 digits and rounds a
# longer product (8062357亿元 has 15, an adversarial text 40); these operations never round.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def find_amounts(folded: str) -> list[tuple[int, int, Decimal]]:
    """(start, end, yuan) of every amount in a width-folded text, in document order."""
    found: list[tuple[int, int, Decimal]] = []
    for m in MONEY_PATTERN.finditer(folded):
        parsed = _parse_amount(m)
        if parsed is None:
            continue
        start, value = parsed
        found.extend(_shared_unit_amounts(folded, start, m.group("unit") or ""))
        found.append((start, m.end(), value))
    for m in BARE_YI_PATTERN.finditer(folded):
        found.append((m.start(), m.end(), Decimal(UNIT_MULTIPLIERS["亿"])))
    return sorted(set(found))


def _parse_amount(m: regex.Match) -> tuple[int, Decimal] | None:
    """Start offset and value in yuan of an amount match, or None when the number is not one."""
    parsed = _parse_number(m)
    if parsed is None or m.group("high") is None:
        return parsed
    start, value = parsed
    high_unit = UNIT_MULTIPLIERS[m.group("high_unit")]
    if start == m.start("num") and value < high_unit:
        return m.start(), EXACT.add(EXACT.multiply(Decimal(m.group("high")), high_unit), value)
    return parsed  # 1万2万元 is no mixed amount: only the amount after the lead counts


def _parse_number(m: regex.Match) -> tuple[int, Decimal] | None:
    """Start offset and value in yuan of the number and unit before 元 (the lead not included)."""
    num, unit = m.group("num"), m.group("unit") or ""
    multiplier = UNIT_MULTIPLIERS[unit]
    if num[0].isdigit():
        try:
            return m.start("num"), EXACT.multiply(Decimal(num.replace(",", "")), multiplier)
        except InvalidOperation:
            return None
    # A Chinese run may begin with a word's last character (统一百万元): drop leading characters
    # of its whole part.
    for skip in range(len(num.partition(DECIMAL_POINT)[0])):
        try:
            value = chinese_decimal(num[skip:])
        except ValueError:
            continue
        if len(num) - skip == 1 and not unit and value < 10:
            return None  # 一元 / 三元: a word (一元化, 多元), not an amount
        return m.start("num") + skip, EXACT.multiply(value, multiplier)
    return None


def _shared_unit_amounts(folded: str, start: int, unit: str) -> list[tuple[int, int, Decimal]]:
    """Bare numbers chained before an amount by 、/至/- that take its unit: 300、200、100万元."""
    out: list[tuple[int, int, Decimal]] = []
    while True:
        window_start = max(0, start - 24)
        m = SHARED_UNIT_PATTERN.search(folded, window_start, start)
        if m is None:
            return out
        own_unit = m.group("unit") or unit
        try:
            value = EXACT.multiply(Decimal(m.group("num").replace(",", "")), UNIT_MULTIPLIERS[own_unit])
        except InvalidOperation:
            return out
        num_start = m.start("num")
        num_end = m.end("unit") if m.group("unit") else m.end("num")
        out.insert(0, (num_start, num_end, value))
        start = num_start
