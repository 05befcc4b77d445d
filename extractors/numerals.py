"""Chinese numerals: 二十三 ↔ 23, 二千五百万 ↔ 25000000, 壹佰零伍 → 105, 三点五 → 3.5.

Mixed forms such as 1.5万 belong to the money extractor.
"""
from __future__ import annotations

from decimal import Decimal

DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6,
    "柒": 7, "捌": 8, "玖": 9,
}
SMALL_UNITS: dict[str, int] = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000,
}
BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
# 万亿 closes a group of its own, which groups of 亿 and 万 may follow: 一万亿二千亿 = 1.2万亿.
# 兆 is no unit here: 10^6 as a metric prefix (兆瓦), 10^12 in older and Taiwanese usage.
WAN_YI = 10**12
ZEROS = frozenset("〇零")
DECIMAL_POINT = "点"

_DIGIT_CHARS = "零一二三四五六七八九"
_SMALL_UNIT_CHARS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_to_int(text: str) -> int:
    """Value of a Chinese integer numeral (一百零五, 十五, 二〇二五, 壹佰, 23).

    Raises ValueError for anything that is not a well-formed numeral: empty text,
    unknown characters, two digits in a row (unless the whole numeral is digit-by-digit
    like 二〇二五), or units out of order (十十, 百千).
    """
    if not text:
        raise ValueError("empty numeral")
    if text.isascii() and text.isdigit():
        return int(text)
    if all(ch in DIGITS for ch in text):
        if len(text) == 1 or text[0] not in ZEROS:
            return int("".join(str(DIGITS[ch]) for ch in text))
        raise ValueError(f"numeral {text!r} starts with a zero")
    return _parse_with_units(text)


def _parse_with_units(text: str) -> int:
    total = 0          # value of completed 亿/万 groups
    section = 0        # value of the current group below 万
    digit = None       # pending digit not yet multiplied by a unit
    last_small = 10**5  # the smallest unit used so far in this group
    last_big = 0       # the last 万/亿 seen
    for i, ch in enumerate(text):
        if ch in ZEROS:
            if digit is not None or i == 0:
                raise ValueError(f"misplaced zero in numeral {text!r}")
        elif ch in DIGITS:
            if digit is not None:
                raise ValueError(f"two digits in a row in numeral {text!r}")
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_small:
                raise ValueError(f"unit {ch!r} out of order in numeral {text!r}")
            if digit is None:
                # 十五, 十万: a bare 十 only opens a group.
                if unit != 10 or section:
                    raise ValueError(f"unit {ch!r} without a digit in numeral {text!r}")
                digit = 1
            section += digit * unit
            digit, last_small = None, unit
        elif ch in BIG_UNITS:
            unit, group = BIG_UNITS[ch], section + (digit or 0)
            total = _apply_big_unit(text, unit, total, group, last_big)
            if unit == 10**8 and last_big == 10**4 and not group:
                unit = WAN_YI
            section, digit, last_small, last_big = 0, None, 10**5, unit
        else:
            raise ValueError(f"{ch!r} is not a Chinese numeral character in {text!r}")
    if text[-1] in ZEROS:
        raise ValueError(f"numeral {text!r} ends with a zero")
    return total + section + (digit or 0)


def _apply_big_unit(text: str, unit: int, total: int, group: int, last_big: int) -> int:
    """Fold the group before a 万 or 亿 into the running total; 亿 scales everything before it
    (一万二千亿 = 12000亿), so only one 亿 may close a numeral's high part, but for a group of
    亿 after 万亿 (一万亿零五百亿)."""
    if unit == 10**4:
        if group == 0 or last_big == 10**4:
            raise ValueError(f"misplaced 万 in numeral {text!r}")
        return total + group * unit
    if last_big == WAN_YI and group:
        return total + group * unit
    if total + group == 0 or last_big == 10**8 or total >= 10**8:
        raise ValueError(f"misplaced 亿 in numeral {text!r}")
    return (total + group) * unit


def chinese_decimal(text: str) -> Decimal:
    """Value of a Chinese numeral with an optional decimal part (三点五 → 3.5, 十二点零五 → 12.05);
    raises ValueError as chinese_to_int does, or for a malformed decimal part."""
    whole, point, fraction = text.partition(DECIMAL_POINT)
    value = Decimal(chinese_to_int(whole))
    if not point:
        return value
    if not fraction or any(ch not in DIGITS for ch in fraction):
        raise ValueError(f"malformed decimal part in numeral {text!r}")
    return value + Decimal("0." + "".join(str(DIGITS[ch]) for ch in fraction))


def int_to_chinese(value: int) -> str:
    """The standard Chinese numeral for a non-negative integer: 100010 → 十万零一十."""
    if value < 0:
        raise ValueError(f"negative value {value}")
    if value == 0:
        return "零"
    text = _spell(value)
    return text[1:] if text.startswith("一十") else text


def _spell(value: int) -> str:
    for unit, char in ((10**8, "亿"), (10**4, "万")):
        if value >= unit:
            high, low = divmod(value, unit)
            tail = ""
            if low:
                tail = ("零" if low < unit // 10 else "") + _spell(low)
            return _spell(high) + char + tail
    return _spell_below_10000(value)


def _spell_below_10000(value: int) -> str:
    out: list[str] = []
    pending_zero = False
    for unit, char in _SMALL_UNIT_CHARS:
        digit, value = divmod(value, unit)
        if digit:
            if pending_zero:
                out.append("零")
            out.append(_DIGIT_CHARS[digit] + char)
            pending_zero = False
        elif out:
            pending_zero = True
    if value:
        if pending_zero:
            out.append("零")
        out.append(_DIGIT_CHARS[value])
    return "".join(out)
