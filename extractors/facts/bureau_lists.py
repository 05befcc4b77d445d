"""Lists of bodies: where a list of names splits into bodies, and where it ends.

`split_bodies` cuts a span (a subject, an item of a bracket, the objects of 会同) into the bodies it
names; `leading_bodies` finds the list a span begins with. Both read width-folded text and
return `Body` records whose offsets index it; a body whose name the list shares out
(同级财政、税务部门: 同级财政部门 and 同级税务部门) carries that name.
"""
from __future__ import annotations

from typing import NamedTuple

import regex

from extractors.facts.bureau_gazetteer import form_pattern
from extractors.facts.bureau_names import (
    DEFINED_SHORT_NAME,
    DUTY_NAME,
    HAN,
    JOINT_JURISDICTION,
    JURISDICTION_BRACKET,
    NOT_IN_A_NAME,
    is_place,
    is_specific,
    looks_like_body,
)
from schemas.records import BureauRole

LIST_COMMA = "、"
CONNECTORS = regex.compile(r"及其|以及|或者|及|和|与|或")
OPEN_END = regex.compile(r"(?:及其|以及|或者|及|和|与|或|、)$")
TRAILING_DEFINITION = regex.compile(DEFINED_SHORT_NAME.pattern + "$")
# A unit word's last character that begins another word with the next (部署, 委托, 办理, 所有):
# a list cut there would end inside that word.
NOT_AN_END = regex.compile(r"(?:部[署分位长]|局[面长]|委[托员]|办[理法公事]|厅长|所[有得在属])")
LIST_TAIL = regex.compile(rf"[ \t]*等(?:[{HAN}]{{0,10}}?(?:部门|单位|机构))?[ \t]*$")
# An item a list may hold beside its bodies without being one (农村集体经济组织, 建设单位): a noun,
# not a clause (有前款所列行为的).
# 同级财政、税务部门: a generic head the last item shares with the stems before it, and the level
# the first one shares with the rest.
SHARED_HEAD = regex.compile(r"(?:行政主管部门|主管部门|行政部门|管理部门|部门|机关)$")
SHARED_LEVEL = regex.compile(r"(?:同级|各级|本级|(?:县级以上|设区的市级以上|市级以上|省级|市级|区级|县级)(?:地方)?(?:各级)?"
                             r"(?:人民政府)?)")
SHARED_STEM = regex.compile(rf"[{HAN}]{{2,8}}")
OTHER_ITEM = regex.compile(rf"[{HAN}]{{2,20}}")
NOT_A_NOUN = regex.compile(r"的|有|是|为")



class Body(NamedTuple):
    """A body a list names: its offsets, the name the list shares out to it, if any, and the
    part the clause naming it gives it (schemas.records.BureauRole), if any."""
    start: int
    end: int
    name: str | None = None
    role: BureauRole | None = None


def split_bodies(text: str, start: int, end: int, strict: bool = True) -> list[Body] | None:
    """The bodies of a list in text[start:end] (joined by 、, 和, 及, 与, 以及, 及其, 或者; 等有关部门
    at the end dropped), or None when an item is no name (`strict`) or no item is (not `strict`:
    分别由县级人民政府、农村集体经济组织和建设单位负责 names one body). An item's qualifier up to
    的 is not part of its name (实施行政许可的市场监督管理部门). Items naming nobody in particular
    (有关部门) are left out, so a list of only those gives [].

    A 和 splits only where both sides are names (市场监管部门和公安机关), not in 工业和信息化厅;
    gazetteer forms and joint jurisdictions (省、自治区、直辖市人民政府) are never split. Items
    that share the last one's head and the first one's level are given their whole names
    (同级财政、税务部门 → 同级财政部门, 同级税务部门).
    """
    tail = LIST_TAIL.search(text, start, end)
    if tail is not None:
        end = tail.start()
    start, end = _strip(text, start, end)
    if end - start < 2 or OPEN_END.search(text, start, end):
        return None  # 国家药品监督管理局以及(承担…的机构): the list goes on past the span
    protected = _protected(text, start, end)
    pieces, pos = [], start
    for i in [*(i for i in range(start, end) if text[i] == LIST_COMMA and not _inside(i, protected)), end]:
        s, e = _strip(text, pos, i)
        pieces.append((s, e, _split_piece(text, s, e, protected, strict)))
        pos = i + 1
    shared = _shared_names(text, pieces)
    items: list[Body] = []
    missing = False
    for s, e, found in pieces:
        if found is not None:
            items += [Body(fs, fe, shared.get((fs, fe))) for fs, fe in found]
        elif (s, e) in shared:
            items.append(Body(s, e, shared[(s, e)]))
        elif strict or not _other_item(text, s, e):
            return None
        else:
            missing = True
    if not items and missing:
        return None
    return [b for b in items if is_specific(b.name or text[b.start:b.end])]


def _shared_names(text: str, pieces: list) -> dict[tuple[int, int], str]:
    """Whole names of the items of 同级财政、税务部门 (the head 部门 and the level 同级 shared)."""
    *first, (ls, le, last) = pieces
    if not first or last is None or len(last) != 1 or any(found is not None for _, _, found in first):
        return {}
    head = SHARED_HEAD.search(text, ls, le)
    if head is None:
        return {}
    level = SHARED_LEVEL.match(text, first[0][0], first[0][1])
    prefix = level.group() if level else ""
    names = {}
    for k, (s, e, _) in enumerate(first):
        stem = text[s:e] if k == 0 else prefix + text[s:e]
        bare = stem[len(prefix):]
        if not SHARED_STEM.fullmatch(bare) or NOT_IN_A_NAME.search(bare) or not looks_like_body(stem + head.group()):
            return {}
        names[(s, e)] = stem + head.group()
    if prefix and not text.startswith(prefix, ls):
        names[(ls, le)] = prefix + text[ls:le]
    return names


def leading_bodies(text: str, start: int, end: int, follows: regex.Pattern) -> list[Body] | None:
    """The list of bodies that text[start:end] begins with (the objects of 会同), or None.

    The list ends where `follows` (the start of a predicate) or the end of the span comes: the
    longest such prefix that is a list of names wins (会同省财政厅、省科技厅制定 → two bodies).
    Failing that, the longest prefix that is a list of names and does not end inside a word
    (会同农业农村主管部门代为完成 → 农业农村主管部门).
    """
    fallback = None
    for e in range(end, start + 1, -1):
        predicate = e == end or follows.match(text, e, end)
        if not predicate and (fallback is not None or NOT_AN_END.match(text, e - 1)):
            continue
        found = split_bodies(text, start, e)
        if found is None:
            continue
        if predicate:
            return found
        fallback = found
    return fallback


def _split_piece(text: str, start: int, end: int, protected: list[tuple[int, int]],
                 strict: bool) -> list[tuple[int, int]] | None:
    """A list item, split at a connector only where both sides are names; not `strict`, a
    name beside a noun (县级人民政府、农村集体经济组织和建设单位) when the whole is no name."""
    tail = LIST_TAIL.search(text, start, end)
    if tail is not None and tail.start() > start:
        end = tail.start()  # 能源局等省有关部门和各地级以上市人民政府: the item is 能源局
    if end - start < 2:
        return None
    partial = None
    for m in CONNECTORS.finditer(text, start, end):
        if _inside(m.start(), protected):
            continue
        left = _split_piece(text, *_strip(text, start, m.start()), protected, strict)
        right = _split_piece(text, *_strip(text, m.end(), end), protected, strict)
        if left is not None and right is not None:
            return left + right
        other = (m.end(), end) if left is not None else (start, m.start())
        if partial is None and (left or right) and _other_item(text, *_strip(text, *other)):
            partial = left or right
    defined = TRAILING_DEFINITION.search(text, start, end)
    if defined is not None:
        end = defined.start()  # 审核查验中心（以下简称国家局审核查验中心）: the name ends before it
    qualifier = _qualifier_end(text, start, end)
    if qualifier is not None and not _inside(qualifier - 1, protected):
        start = qualifier
    name = "".join(text[start:end].split())
    if looks_like_body(name) or is_place(name):
        return [(start, end)]
    return None if strict else partial


def _duty_of(text: str, start: int, i: int) -> bool:
    """True when the 的 at i ends the duty of a unit named by it (负责中医药管理的部门)."""
    k = text.rfind("负责", max(start, i - 14), i)
    return k >= 0 and DUTY_NAME.match(text, k, i + 3) is not None


def _other_item(text: str, start: int, end: int) -> bool:
    item = text[start:end]
    return bool(OTHER_ITEM.fullmatch(item)) and not NOT_A_NOUN.search(item)


def _qualifier_end(text: str, start: int, end: int) -> int | None:
    """Just past the last 的 of text[start:end] (设区的市 is a name's own)."""
    i = text.rfind("的", start, end)
    while i >= 0 and (text.startswith("设区的市", i - 2) or _duty_of(text, start, i)):
        i = text.rfind("的", start, i)
    return i + 1 if i >= 0 else None


def _protected(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = [m.span() for m in form_pattern().finditer(text, start, end)]
    spans += [m.span() for m in JOINT_JURISDICTION.finditer(text, start, end)]
    spans += [m.span() for m in JURISDICTION_BRACKET.finditer(text, start, end)]
    return spans


def _inside(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < i < e for s, e in spans)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n":
        start += 1
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return start, end
