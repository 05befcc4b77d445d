from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.numerals import chinese_decimal, chinese_to_int, int_to_chinese

CASES = [
    ("二十三", 23),
    ("十五", 15),
    ("一十五", 15),
    ("三十九", 39),           # 京技管发〔2025〕5号 第三十九条
    ("一百零五", 105),
    ("两千", 2000),
    ("二千五百万", 25_000_000),
    ("十万零一十", 100_010),
    ("一亿零五百万", 105_000_000),
    ("十亿", 1_000_000_000),
    ("一万亿", 10**12),
    ("一万二千亿", 1_200_000_000_000),  # 1.2万亿: 亿 scales the 万 before it
    ("一万零一亿", 1_000_100_000_000),
    ("一万亿二千亿", 1_200_000_000_000),   # a group of 亿 after 万亿
    ("一万亿零五百亿", 1_050_000_000_000),
    ("十万亿二千亿三千万", 10_200_030_000_000),
    ("二〇二五", 2025),
    ("五五", 55),            # digit by digit, like a year
    ("〇", 0),
    ("零", 0),
    ("壹佰零伍", 105),
    ("贰拾叁", 23),
    ("肆仟陆佰柒拾捌", 4678),
    ("玖万", 90_000),
    ("20", 20),
]


@pytest.mark.parametrize("text,value", CASES, ids=[c[0] for c in CASES])
def test_chinese_to_int(text, value):
    assert chinese_to_int(text) == value


JUNK = ["", "十十", "百", "百千", "零五", "一百零", "万", "一万二万", "一亿二亿", "一亿二万三亿",
        "1.5万", "二十三条", "abc", "一 二", "第一", "一万亿亿", "一万亿万", "一万亿二亿三亿", "一兆"]


@pytest.mark.parametrize("text", JUNK)
def test_junk_raises(text):
    with pytest.raises(ValueError):
        chinese_to_int(text)


@pytest.mark.parametrize("text,value", [("三点五", "3.5"), ("十二点零五", "12.05"), ("一百", "100"),
                                        ("零点五", "0.5")])
def test_chinese_decimal(text, value):
    assert chinese_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["三点", "点五", "三点五点", "三点十"])
def test_malformed_decimal_raises(text):
    with pytest.raises(ValueError):
        chinese_decimal(text)


@pytest.mark.parametrize("value,text", [
    (0, "零"), (10, "十"), (110, "一百一十"), (1010, "一千零一十"), (100_010, "十万零一十"),
    (20_000_001, "二千万零一"), (100_000_010, "一亿零一十"), (1_000_000_000, "十亿"),
])
def test_int_to_chinese(value, text):
    assert int_to_chinese(value) == text


@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_round_trip(value):
    assert chinese_to_int(int_to_chinese(value)) == value


@given(st.text(max_size=8))
def test_never_raises_anything_but_value_error(text):
    try:
        value = chinese_to_int(text)
    except ValueError:
        return
    assert value >= 0
