"""Naming grammar of government bodies: what the name of a responsible unit looks like.

A name is an optional jurisdiction (国务院, 国家, 广东省, 省, 广州市, 各地级以上市, 县级以上地方),
a stem and a unit suffix (厅, 局, 委, 委员会, 办, 办公室, 中心, 管委会, 人民政府, 政府, 部门, 机关…),
possibly chained (县级以上地方人民政府市场监督管理部门), or a form of the gazetteer. The stem is
open: a unit nobody listed is still a name by its shape. What the grammar cannot tell, the
caller's clause shape does (a subject of 负责, an item of a 责任单位 list); lists of names are
split by extractors/facts/bureau_lists.py. Names are read width-folded (textnorm.fold_width: （室） is (室)).
"""
from __future__ import annotations

import regex

from extractors.facts.bureau_gazetteer import gazetteer

HAN = r"\u4e00-\u9fff"
MAX_NAME_CHARS = 30
# The unit word a name ends in. A lookaround keeps out the everyday words that end in one
# (布局, 大厅, 委托, 举办, 部署, 内部, 场所): the grammar is read on running text.
UNIT_SUFFIX = regex.compile(
    r"(?:委员会|管委会|办公室|办公厅|办事处|领导小组|工作组|指挥部|人民政府|政府|部门|机关|总局|总署|海关|中心"
    r"|(?<![格布结当大开全药])局|(?<![大餐客展门])厅|委|(?<![主承开举买])办|(?<![部签])署"
    r"|(?<![全内外局中东西南北干基俱乐总])部|(?<=[理督出法政商究])所"
    r"|(?<=调查|统计|派出|执法|管理|监管|监督|工作|办事|直属|协调|审批|技术)机构"
    r"|研究院|科学院|工程院|人民法院|人民检察院"
    r"|(?:残联|妇联|工会|共青团)(?:组织)?|科协|工商联|团委)$"
)
# A division of a unit: 天河区科工信局信息技术发展科, 天河中央商务区管委会企业服务处.
DIVISION = regex.compile(rf"(?<=局|委|部|厅|办|委员会|管委会|中心|政府)[{HAN}]{{2,8}}(?<!办事)(?:处|科)$")
# 地方各级人民政府办公厅（室）, 镇人民政府（街道办事处）: a short bracket after a unit gives its
# counterpart and is part of the name (a long one is the same body's other full name).
ALTERNATIVE_UNIT = regex.compile(rf"\((?P<unit>[{HAN}]{{1,6}})\)$")
ALTERNATIVE_WORDS = frozenset("室局委办厅处")
# 各县（市、区）人民政府, 各市（地）: a bracket of jurisdictions inside a name is part of it.
JURISDICTION_BRACKET = regex.compile(r"\([市区县旗地州盟镇乡、]{1,7}\)")
# Any bracket a name may hold: 办公厅（室）, 镇人民政府（街道办事处）, 县（市、区）.
NAME_BRACKET_PATTERN = rf"\((?:(?!以下|简称)[{HAN}]{{1,6}}|[市区县旗地州盟镇乡、]{{1,7}})\)"
NAME_BRACKET = regex.compile(NAME_BRACKET_PATTERN)
# 设区的市级（以下简称市级）、县级市场监督管理部门: the short name the text defines is no part of it.
DEFINED_SHORT_NAME = regex.compile(r"\((?:以下简称|以下称|简称)[^()]{1,12}\)")
# A unit named by its duty: (县级以上地方人民政府)负责中医药管理的部门 (中医药条例 第六条).
DUTY_NAME = regex.compile(rf"负责[{HAN}]{{1,12}}?的(?:部门|机关|机构)$")
# Words a name never starts with: verbs and prepositions of the clause around it
# (委托相关技术机构承担, 向省财政厅申请). 经济…, 自然资源…, 当地… are names, 经…, 自…, 当… are not.
NOT_A_NAME_START = regex.compile(
    r"^(?:委托|组织(?!人事|部)|指导|协调|支持|鼓励|要求|通过|经(?![济开信])|向|报|请|由|对(?!外)|在|将|把|被|"
    r"同(?!级)|给|为|依照|按照|根据|依据|以|从|自(?![然治])|当(?!地)|如|若|凡|所有|其(?!他|它)|该|上述|前款|下列|以下|"
    r"这|此|和|及|与|或|并|会同|负责|应当|可以|不|未|已|设立|成立|建立|指定|确定|授权|聘请|邀请|提请|商请|"
    r"报请|推动|引导|督促|配合|协助|参与|加强|落实|属于|作为|是|即)"
)
# Words no name holds: a clause's adverbs and verbs (军区也要相应指定有关部门 is a clause).
NOT_IN_A_NAME = regex.compile(r"也|要|应当|可以|必须|相应|指定|进行|开展|负责|或者|以及")
# A unit named by no stem and no level is nobody in particular: 有关部门, 其他有关单位, 各主管部门,
# 各项目牵头单位, 市级相关部门, 国务院有关部门; so are the places of 有关省、自治区、直辖市 and 各有关区、县级市.
NON_SPECIFIC = regex.compile(
    r"(?:(?:国务院|省|市|区|县|(?:县级以上|设区的市级以上|市级以上|省级|市级|区级|县级|乡级|各级)(?:地方)?(?:各级)?)"
    r"(?:人民政府|政府)?(?=有关|相关))?"
    r"(?:其他|其它|各|有关|相关|上级|下级|同级|本级|所在地|当地|指定|专门|项目)*(?:有关|相关)?(?:行政)?"
    r"(?:主管|主办|牵头|责任|配合|实施)?(?:部门|单位|机关|机构|政府|人民政府|司局)"
    r"|(?:各|其他)?(?:有关|相关)(?:省|自治区|直辖市|设区的市|县级市|市|县|区|乡|镇|街道|、)+"
)
NOT_A_BODY = regex.compile(r"大厅|窗口|平台|网站")
# Where the name says whose unit it is: a named or bare jurisdiction, a level, the centre.
JURISDICTION = regex.compile(
    rf"^(?:各|本|全)?(?:国务院|国家|中央|中共|县级以上|省级|市级|县级|地市级|地级以上市|设区的市|乡级|乡镇"
    rf"|省|自治区|直辖市|市|区|县|州|盟|旗"
    rf"|[{HAN}]{{1,8}}?(?:省|自治区|自治州|市|州|盟|地区|新区|区|自治县|县|旗|镇|乡|街道))"
)
# A named place standing for its government in a list (由市财政局会同浦东新区、奉贤区…制定);
# the words that end like one and are no place are kept out.
PLACE = regex.compile(
    rf"[{HAN}]{{2,8}}(?:省|自治区|自治州|市|新区|区|自治县|县|旗)"
    r"(?<!园区|社区|景区|辖区|城区|市区|郊区|矿区|库区|灾区|疫区|牧区|林区|山区|片区|街区|小区|保护区|城市|都市|超市"
    r"|地区|试验区|示范区|功能区|开发区|自贸区|自由贸易试验区)"
)
PLACE_NOT_START = regex.compile(r"^(?:本|全|各|该|我|其|有关|相关|所在)")
# Jurisdictions listed with 、 that qualify one unit: 省、自治区、直辖市人民政府 is one body, and
# 设区的市级、县级市场监督管理部门, and 各区、县级市 in a list.
JOINT_JURISDICTION = regex.compile(
    r"(?:省|自治区|直辖市|设区的市|县级市|市|县|区|乡|镇|街道)级?(?:\([^()]{1,12}\))?"
    r"(?:、(?:省|自治区|直辖市|设区的市|县级市|市|县|区|乡|镇|街道)级?)+"
)
def looks_like_body(name: str) -> bool:
    """True when `name` has the shape of a body's name: ends in a unit word (or is a division
    of one), starts as a name, holds no word of a clause."""
    if name in gazetteer().canonical:
        return True
    name = JURISDICTION_BRACKET.sub("", DEFINED_SHORT_NAME.sub("", name))
    alternative = ALTERNATIVE_UNIT.search(name)
    if alternative is not None:
        unit = alternative.group("unit")
        if not (unit in ALTERNATIVE_WORDS or UNIT_SUFFIX.search(unit)):
            return False
        name = name[:alternative.start()]
    if not 2 <= len(name) <= MAX_NAME_CHARS or not regex.fullmatch(rf"[{HAN}、]+", name):
        return False
    duty = DUTY_NAME.search(name)
    if duty is not None:
        whose = name[:duty.start()]
        return not whose or looks_like_body(whose) or bool(JURISDICTION.fullmatch(whose))
    if "的" in name.replace("设区的市", "") or NOT_A_BODY.search(name) or NOT_A_NAME_START.match(name):
        return False
    if NOT_IN_A_NAME.search(name):
        return False
    return bool(UNIT_SUFFIX.search(name) or DIVISION.search(name))


def is_place(name: str) -> bool:
    """A named place that stands for its government (浦东新区, 奉贤区, 广州市)."""
    return bool(PLACE.fullmatch(name)) and not PLACE_NOT_START.match(name) and not NOT_IN_A_NAME.search(name)


def is_specific(name: str) -> bool:
    """False for a unit that names nobody in particular (有关部门, 其他相关单位)."""
    return not NON_SPECIFIC.fullmatch(name)


def is_government_unit(name: str) -> bool:
    """A name that says it is a government body without a clause saying so: a gazetteer form,
    a known local unit, or a jurisdiction followed by a unit (广州市工业和信息化局, 昌平区政府)."""
    if name in gazetteer().canonical or name in gazetteer().local_units:
        return True
    return looks_like_body(name) and bool(JURISDICTION.match(name)) and is_specific(name)
