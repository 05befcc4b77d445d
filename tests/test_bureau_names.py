"""The naming grammar of bodies and the splitting of their lists (extractors/facts/bureau_names.py,
extractors/facts/bureau_lists.py) on names printed in data/corpus texts."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.facts.bureau_clauses import PREDICATE
from extractors.facts.bureau_lists import leading_bodies, split_bodies
from extractors.facts.bureau_names import is_government_unit, is_place, is_specific, looks_like_body
from extractors.facts.bureaus import extract_bureaus


@pytest.mark.parametrize("name", [
    "国务院自然资源主管部门",  # nat-land-admin-law-implementing-regs-2021 第四条
    "县级以上地方人民政府市场监督管理部门",
    "市、县人民政府自然资源主管部门",  # ibid. 第三十九条
    "国家安全机关", "宣传主管部门",  # nat-mss-order-2-2022-reporting-rewards 第七条
    "市场监督管理所",  # nat-samr-order-57-2022-special-equipment-inspection 第三条
    "派出调查机构",  # nat-statistics-law-2024 第三十条
    "区级残联组织",  # loc-gd-guangzhou-assistive-devices-2019 第七条
    "地方各级人民政府办公厅(室)",  # notice-gov-office-gov-new-media-2018 二, width-folded
    "镇人民政府(街道办事处)",  # loc-gd-guangzhou-temporary-relief-rules-2021 第三条
    "各县(市、区)人民政府",
    "天河区科工信局信息技术发展科",  # guide-tianhe-talent-apartments-2025 四（一）3
    "工业和信息化部", "总参谋部",
])
def test_names_of_bodies(name):
    assert looks_like_body(name)


@pytest.mark.parametrize("words", [
    "委托相关技术机构",  # nat-samr-order-43-2021-car-warranty 第六条: an object of 委托
    "军区也要相应指定有关部门",  # notice-gov-office-abandoned-chemical-weapons-1996 一: a clause
    "交易场所",  # nat-samr-order-56-2022-price-marking: 场所 is a place, not a 所
    "销售者", "农村集体经济组织", "建设单位",
    "加强部署", "重点产业布局",
])
def test_words_that_are_no_names(words):
    assert not looks_like_body(words)


@pytest.mark.parametrize("name", ["有关部门", "同级有关部门", "其他有关单位", "各有关单位", "各项目牵头单位",
                                  "专门司局", "各有关区、县级市", "有关省、自治区、直辖市"])
def test_units_that_name_nobody(name):
    assert not is_specific(name)


def test_generic_units_with_a_stem_or_level_are_specific():
    for name in ("同级财政部门", "县级以上人民政府自然资源主管部门", "上级市场监督管理部门"):
        assert is_specific(name)


def test_government_units_by_jurisdiction_gazetteer_or_known_unit():
    for name in ("广州市工业和信息化局", "昌平区政府", "省科技厅", "国家消防救援局", "科技厅"):
        assert is_government_unit(name)
    for name in ("企业技术中心", "研发中心", "有关部门"):
        assert not is_government_unit(name)


def test_places_stand_for_their_government_not_areas():
    assert is_place("浦东新区") and is_place("奉贤区")
    assert not any(is_place(w) for w in ("临港地区", "产业园区", "本市", "各区", "城市"))


def spans(text: str, found) -> list[str] | None:
    return None if found is None else [text[b.start:b.end] for b in found]


def test_split_keeps_names_with_he_whole_and_splits_lists_of_names():
    # loc-sh-lingang-dual-special-policy-2016 （十）; nat-land-admin-law-implementing-regs-2021 第十三条
    text = "浦东新区、奉贤区和临港地区管委会"
    assert spans(text, split_bodies(text, 0, len(text))) == ["浦东新区", "奉贤区", "临港地区管委会"]
    for text in ("工业和信息化部", "市人力资源和社会保障局", "省、自治区、直辖市人民政府"):
        assert spans(text, split_bodies(text, 0, len(text))) == [text]


def test_split_drops_unnamed_units_and_the_list_tail():
    text = "国家药品监督管理局信息中心等其他专业技术机构"  # nat-samr-order-47-2021-device-registration 第五条
    assert spans(text, split_bodies(text, 0, len(text))) == ["国家药品监督管理局信息中心"]
    text = "同级有关部门"  # loc-gd-guangzhou-assistive-devices-2019 第七条: 会同同级有关部门
    assert split_bodies(text, 0, len(text)) == []


def test_loose_split_keeps_the_body_beside_nouns_only():
    # nat-land-admin-law-implementing-regs-2021 第八条
    text = "县级人民政府、农村集体经济组织和建设单位"
    assert split_bodies(text, 0, len(text)) is None
    assert spans(text, split_bodies(text, 0, len(text), strict=False)) == ["县级人民政府"]
    text = "公安机关、其他有关部门有前款所列行为的"
    assert split_bodies(text, 0, len(text), strict=False) is None


def test_a_list_left_open_is_no_list():
    text = "国家药品监督管理局以及"  # ibid. 第七十条: …以及承担相关技术工作的机构
    assert split_bodies(text, 0, len(text), strict=False) is None


def test_objects_end_where_the_predicate_starts():
    # loc-sh-lingang-dual-special-policy-2016 （十）; nat-land-admin-law-implementing-regs-2021 第五十六条
    for text, want in (("浦东新区、奉贤区和临港地区管委会制定", ["浦东新区", "奉贤区", "临港地区管委会"]),
                       ("农业农村主管部门代为完成复垦或者恢复种植条件", ["农业农村主管部门"]),
                       ("有关部门部署", [])):
        assert spans(text, leading_bodies(text, 0, len(text), PREDICATE)) == want


def test_a_shared_head_and_level_give_each_item_its_whole_name():
    # notice-gov-office-cultural-enterprise-rules-2018 九: 会同同级财政、税务部门确定和发布名单
    text = "同级财政、税务部门"
    found = split_bodies(text, 0, len(text))
    assert [(text[b.start:b.end], b.name) for b in found] == [("同级财政", "同级财政部门"), ("税务部门", "同级税务部门")]
    text = "财政、税务等有关部门"
    assert split_bodies(text, 0, len(text)) is None


# Pieces of the corpus's responsibility clauses, to reach every branch of the clause shapes.
PIECES = ["由", "负责", "会同", "牵头", "承担", "主管", "是", "主管单位", "的", "、", "和", "及", "，", "。", "（", "）",
          "(室)", "（市、区）", "以下简称", "省", "市", "县级以上", "人民政府", "市场监督管理部门", "有关部门",
          "财政", "税务部门", "国家安全机关", "按职责分工", "依照", "规定", "对本办法", "责任单位：", "配合单位：",
          "\t", "\n", "（一）申请受理责任部门", "1.", "工作", "设区的市", "负责中医药管理的部门", "等"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30))
def test_clause_shapes_never_raise_and_keep_offsets(pieces):
    text = "".join(pieces)
    for fact in extract_bureaus(text):
        assert text[fact.char_start:fact.char_end] == fact.text
        assert fact.value_text
