"""Money facts: amounts in 元 / 万元 / 亿元 with their role, the scope of a cap and the 分别 case.

`extract_money(text)` takes the amounts extractors/facts/money_amounts.py finds (Arabic, mixed and
Chinese numbers, bare numbers sharing a following amount's unit) and gives each its role, the
scope of a cap and the case of a 分别 list. US dollars and unit words with no number
(以万元为单位) are not money facts.
"""
from __future__ import annotations

from dataclasses import replace

import regex

from extractors.cues import across_cjk_spaces, clause_start, joined, sentence_start
from extractors.facts.money_amounts import ARABIC_NUMBER, MONEY_PATTERN, UNIT, find_amounts
from extractors.textnorm import fold_width
from schemas.records import Fact

# What may stand between two amounts of one list: 300万元、200万元 / 最高300万元、最高500万元，3年最高….
LIST_GAP = regex.compile(r"[ \t]*(?:\(含\))?[ \t]*[、,，和或及至到\-—–~～][^。;；:：()]{0,11}")

# Role cues, nearest to the amount wins (给予最高 → cap; 对达到条件的企业给予 → award).
CAP_CUES = ("最高", "不超过", "不得超过", "不高于", "不得高于", "上限", "封顶", "至多", "最多")
THRESHOLD_CUES = ("不低于", "低于", "达到", "达", "超过", "突破", "不足", "不少于", "高于",
                  "至少", "以上", "以下", "满", "大于", "小于", "少于")
AWARD_CUES = ("给予", "奖励", "支持", "补贴", "补助", "资助", "一次性", "额外", "分别为", "予以")
FUND_CUES = ("设立", "发放", "安排", "每年投入", "总规模")
ROLE_CUE_PATTERN = regex.compile(
    "|".join(sorted(CAP_CUES + THRESHOLD_CUES + AWARD_CUES + FUND_CUES, key=len, reverse=True))
)
CUE_ROLES: dict[str, str] = {
    **{c: "cap" for c in CAP_CUES}, **{c: "threshold" for c in THRESHOLD_CUES},
    **{c: "award" for c in AWARD_CUES}, **{c: "fund_size" for c in FUND_CUES},
}
AWARD_AFTER = regex.compile(r"^[^,，。;；]{0,8}(?:奖励|支持|补贴|补助|资助)")
CAP_AFTER = regex.compile(r"^[ \t]*(?:以内|为限|封顶)")
THRESHOLD_AFTER = regex.compile(r"^[ \t]*(?:\(含\))?[ \t]*(?:及以上|以上|以下|不予|规模以上)")
INCLUSIVE_BEFORE = regex.compile(r"\(含[ \t]*$")
FUND_AFTER = regex.compile(r"^[ \t]*(?:的)?[ \t]*规模(?!以上)|^[^,，。;；、]{0,14}(?:基金|资金池|服务券|专项资金|引导[ \t]*资金)")
# The bounds of an award, not conditions: 给予人民币1万元以下奖励 (a cap), 10万元以上奖励 (the least
# award), 给予企业10万元—100万元资金支持 (the least award and the cap) (公民举报危害国家安全行为奖励办法
# 第十二条; 柳河县 重点产业 措施).
AWARD_WORDS = r"(?:人民币)?(?:资金)?(?:奖励|奖金|补贴|补助|资助|支持)"
AWARD_BOUND_AFTER = regex.compile(rf"^[ \t]*(?P<bound>以下|以内|以上)[ \t]*的?[ \t]*{AWARD_WORDS}")
RANGE_START_AFTER = regex.compile(
    rf"^[ \t]*(?:至|到|-|—|–|~|～)[ \t]*{ARABIC_NUMBER}[ \t]*{UNIT}?[ \t]*元[ \t]*的?[ \t]*{AWARD_WORDS}")
RANGE_END_BEFORE = regex.compile(r"(?:至|到|-|—|–|~|～)[ \t]*$")
# A goal, not a condition: 力争到2027年……产值规模突破1200亿元 (jjgf-2025-9 一、总体目标).
TARGET_PATTERN = regex.compile(r"力争|争取|到[ \t]*\d{4}[ \t]*年")
# A fine is neither support nor a condition: 处五千元以上五万元以下罚款 (消防法 第六十条).
PENALTY_PATTERN = regex.compile(r"罚款|罚金")
SENTENCE_PART_END = regex.compile(r"[。；;\n]")
FUND_LEAD_PATTERN = regex.compile(r"设立|发放")

SCOPE_CUES: tuple[tuple[str, regex.Pattern], ...] = (
    ("per_application", regex.compile(r"单次申领|每次申领|单次申请|每次申请")),
    ("per_enterprise_per_year", regex.compile(
        r"(?:单个|每个|同一|每家|单家)?企业(?:每|当)(?:自然)?年(?:度)?|(?:单个|每个|同一|每家)企业年度|每家每年")),
    ("per_product", regex.compile(r"单品种|单个品种|每个品种|同一品种|单个产品|每个产品|每件产品")),
    ("per_project", regex.compile(r"单个项目|每个项目|同一项目")),
    ("per_contract", regex.compile(r"单个合同|每个合同|同一合同|单笔合同|每份合同")),
    ("total", regex.compile(r"累计|总额|合计|总计|\d+[ \t]*年(?:内)?最高")),
)
FENBIE = "分别"
FENBIE_GROUP_END = frozenset("。；;()（）")
# Items of an enumeration that a 分别 list answers: 二期、三期 / Ⅰ期、Ⅱ期 / 一、二、三类 / 一等奖、二等奖.
ORDINAL_ITEM = regex.compile(r"[一二三四五六七八九十ⅠⅡⅢⅣⅤⅥ\d]+(?:类|期|级|等奖|档|星)?")
ORDINAL_SUFFIX = regex.compile(r"(?:类|期|级|等奖|档|星)$")
# Quotes do not break an enumeration: 国家级专精特新“小巨人”企业、北京市专精特新中小企业.
ENUM_BREAKS = frozenset("，,。；;：:()（）\n《》")
# Endings of modifiers that a list's items share before one head noun (国家级、市级重点实验室).
MODIFIER_ENDINGS = frozenset("级类型档等星期批")
# A run holding these is the amount list itself, not the cases it answers.
LIST_OWN_RUN = regex.compile(r"分别|给予")


@across_cjk_spaces
def extract_money(text: str) -> list[Fact]:
    """Money amounts in document order; value_num in yuan (Decimal).

    Role is one of cap / award / fund_size / threshold / other; `scope` is set on caps whose
    clause names whom they bind; `condition` names the case of an amount in a 分别 list.
    """
    if not text:
        return []
    folded = fold_width(text)
    amounts = find_amounts(folded)
    facts = []
    previous: tuple[int, int, str] | None = None
    for start, end, value in amounts:
        role = _role(folded, start, end, previous)
        scope = _scope(folded, start) if role == "cap" else None
        facts.append(Fact(kind="money", text=text[start:end], char_start=start, char_end=end,
                          value_num=value, role=role, scope=scope))
        previous = (start, end, role)
    return _with_conditions(folded, facts)


def _role(folded: str, start: int, end: int, previous: tuple[int, int, str] | None) -> str:
    """The role of the amount at start:end; a list item with no cue of its own takes the previous one's."""
    sent_start = sentence_start(folded, start)
    if TARGET_PATTERN.search(joined(folded, sent_start, start)) or _in_penalty(folded, start, end):
        return "other"
    after = folded[end:end + 20]
    lead_start = clause_start(folded, start)
    if FUND_AFTER.match(after) and FUND_LEAD_PATTERN.search(joined(folded, sent_start, start)):
        return "fund_size"
    if INCLUSIVE_BEFORE.search(folded, max(0, start - 4), start):
        return "threshold"  # 5000万元以上(含5000万元)
    if CAP_AFTER.match(after):
        return "cap"
    bound = AWARD_BOUND_AFTER.match(after)
    if bound:
        return "award" if bound["bound"] == "以上" else "cap"
    if RANGE_START_AFTER.match(after):
        return "award"
    if (previous is not None and RANGE_END_BEFORE.search(folded, previous[1], start)
            and regex.match(rf"[ \t]*的?[ \t]*{AWARD_WORDS}", after)):
        return "cap"
    if previous is not None and _is_list_item(folded, previous[1], start):
        cue = _nearest_cue(folded, previous[1], start)
        return CUE_ROLES[cue] if cue else previous[2]
    if THRESHOLD_AFTER.match(after):
        return "threshold"
    cue = _nearest_cue(folded, lead_start, start)
    if cue:
        return CUE_ROLES[cue]
    if AWARD_AFTER.match(after):
        return "award"
    return "other"


def _nearest_cue(folded: str, lo: int, hi: int) -> str | None:
    """The cue nearest before the amount; 最高 before award verbs still makes a cap (每年最高奖励1亿元)."""
    cues = ROLE_CUE_PATTERN.findall(joined(folded, lo, hi))
    if not cues:
        return None
    for cue in reversed(cues):
        if CUE_ROLES[cue] != "award":
            return cue if CUE_ROLES[cue] == "cap" else cues[-1]
    return cues[-1]


def _in_penalty(folded: str, start: int, end: int) -> bool:
    """True when the amount's clause, or the rest of its sentence part, imposes a fine: the
    bounds of 处一万元以上五万元以下罚款 and its conditions (违法经营额5000元以上的，并处…罚款)."""
    lo = clause_start(folded, start)
    hi = min(len(folded), end + 60)
    stop = SENTENCE_PART_END.search(folded, end, hi)
    return PENALTY_PATTERN.search(folded, lo, stop.start() if stop else hi) is not None


def _is_list_item(folded: str, prev_end: int, start: int) -> bool:
    """True when only a list separator (and modifiers) stand between the previous amount and this one."""
    return start - prev_end <= 16 and LIST_GAP.fullmatch(folded, prev_end, start) is not None


def _scope(folded: str, start: int) -> str | None:
    lead = joined(folded, clause_start(folded, start), start)
    for scope, pattern in SCOPE_CUES:
        if pattern.search(lead):
            return scope
    return None


def _with_conditions(folded: str, facts: list[Fact]) -> list[Fact]:
    """Give each amount of a 分别 list the case it belongs to (二期 → 1000万元, 三期 → 3000万元)."""
    out = list(facts)
    for group in _fenbie_groups(folded, facts):
        items = _enumeration(folded, group[0], len(group[1]))
        if items is None:
            continue
        for index, item in zip(group[1], items):
            out[index] = replace(out[index], condition=item)
    return out


def _fenbie_groups(folded: str, facts: list[Fact]) -> list[tuple[int, list[int]]]:
    """(offset of 分别, indexes of the facts it distributes) for each 分别 followed by amounts."""
    groups = []
    pos = folded.find(FENBIE)
    while pos >= 0:
        stop = pos + len(FENBIE)
        while stop < len(folded) and folded[stop] not in FENBIE_GROUP_END and not folded.startswith(FENBIE, stop):
            stop += 1
        members = [i for i, f in enumerate(facts) if pos < f.char_start < stop]
        if members:
            groups.append((pos, members))
        pos = folded.find(FENBIE, pos + 1)
    return groups


def _enumeration(folded: str, fenbie: int, count: int) -> list[str] | None:
    """The nearest 、-list of `count` items before a 分别, searched back to the sentence start.

    For a 分别 inside a parenthesis (细胞与基因治疗药物支持额度分别为 1500 万元、4000 万元)
    the search continues into the sentence before the parenthesis.
    """
    lo = sentence_start(folded, fenbie)
    hi = fenbie
    while hi > lo:
        run_end = hi
        run_start = run_end
        while run_start > lo and folded[run_start - 1] not in ENUM_BREAKS:
            run_start -= 1
        run = folded[run_start:run_end]
        parts = run.split("、")
        if len(parts) == count and all(p.strip() for p in parts) and not LIST_OWN_RUN.search(run):
            return _item_cores(parts)
        hi = run_start - 1
    return None


def _item_cores(parts: list[str]) -> list[str]:
    """Trim an enumeration's first and last runs to the items: 首次进入临床二期、三期试验 → 二期, 三期."""
    amounts = [MONEY_PATTERN.search(p) for p in parts]
    if all(amounts):
        return [a.group() for a in amounts]
    ordinals = [ORDINAL_ITEM.search(p) for p in parts]
    if all(ordinals):
        first = ORDINAL_ITEM.findall(parts[0])[-1]
        rest = [ORDINAL_ITEM.match(p.strip()) for p in parts[1:]]
        if all(rest):
            items = [first] + [r.group() for r in rest]
            suffix = ORDINAL_SUFFIX.search(items[-1])
            if suffix:
                items = [i if i.endswith(suffix.group()) else i + suffix.group() for i in items]
            return items
    first = parts[0].rsplit("的", 1)[-1].lstrip("对于")
    last = parts[-1].split("的", 1)[0]
    for cut in ("分别", "给予"):
        last = last.split(cut, 1)[0]
    items = [p.strip() for p in [first, *parts[1:-1], last]]
    return _parallel_items(items)


def _parallel_items(items: list[str]) -> list[str]:
    """Trim the outer items of a coordinated list to the shape of the others.

    The last item may carry the head noun all items share when they are modifiers (…级, …类,
    …型): 国家级、市级重点实验室 → 国家级, 市级, cut after the first item's ending where it recurs.
    The first item may carry the clause's lead: 获得…进步奖特等奖、一等奖、二等奖 → 特等奖, cut to
    the others' width when they share a 2-character ending (等奖).
    """
    first, *middle, last = items
    if first and first[-1] in MODIFIER_ENDINGS:
        last = _cut_after_shared_ending(first, last)
    others = [*middle, last]
    shared = _common_suffix(others) if middle else ""
    width = max(len(o) for o in others)
    if len(shared) >= 2 and first.endswith(shared) and len(first) > width:
        first = first[-width:]
    return [first, *middle, last]


def _cut_after_shared_ending(first: str, last: str) -> str:
    """`last` up to the longest ending of `first` it holds (市级重点实验室, 国家级 → 市级)."""
    for k in range(len(first), 0, -1):
        at = last.find(first[-k:])
        if at >= 0 and at + k >= 2:
            return last[:at + k]
    return last


def _common_suffix(words: list[str]) -> str:
    n = 0
    while all(len(w) > n for w in words) and len({w[-1 - n] for w in words}) == 1:
        n += 1
    return words[0][len(words[0]) - n:] if n else ""
