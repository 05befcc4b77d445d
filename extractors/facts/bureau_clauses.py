"""Responsibility clauses found by their shape anywhere in a text, and the bodies they name.

Two shapes, besides the labelled lists (责任单位：…) that extractors/facts/bureaus.py reads:
- the subject of a responsibility verb: X负责…, 由X负责…, X牵头, X会同Y… (X and Y), X承担…,
  X主管…, X归口管理, X是…的主管单位, X对本办法负责解释, X、Y按职责分工负责; the subject starts
  its clause or follows 由, and only adverbs (应当, 依法, 按职责分工, 依照…规定，) stand between it
  and the verb; a clause-initial 承担…工作的X names X;
- a bracketed list of bodies after a measure: （市卫生健康委、昌平区政府）, （区科技局牵头）,
  （X牵头，Y、Z参与）, （各地级以上市人民政府按职责分工负责）.
A body as an object (向X申请, 报X备案, 经X批准), an issuer or an addressee is the subject of no
such verb and is in no such list. All offsets index the text given (width-folded by the caller).
"""
from __future__ import annotations

import regex

from extractors.facts.bureau_lists import Body, leading_bodies, split_bodies
from extractors.facts.bureau_names import HAN, NAME_BRACKET_PATTERN, UNIT_SUFFIX, is_government_unit

# 负责人 and 负责同志 are people; 承担法律责任 is liability, not a task; 牵头单位, 主管部门 are nouns.
RESPONSIBILITY_VERB = regex.compile(
    rf"负总责|负责(?!人|同志|任|的|[{HAN}]{{1,12}}?的(?:部门|机关|机构))|归口管理|牵头(?!单位|部门|人|方|作用|抓总)|会同"
    r"|主管(?![^,，。；;]{0,4}(?:部门|单位|机关|机构|领导|人员|业务)|的)"
    r"|承担(?!的|[^,，。；;]{0,10}?(?:法律|民事|刑事|赔偿|连带|行政|违约)责任)"
    r"|是(?=[^,，。；;]{1,30}?(?:主管|责任|牵头)(?:单位|部门|主体|机关))"
)
VERB_WORDS = r"(?:负总责|负责|归口管理|牵头|会同|主管|承担|是)"
VERB_PREFILTER = regex.compile(r"负总责|负责|归口|牵头|会同|主管|承担|主体")
# A verb in a relative clause before what was drafted describes the past, assigns nothing:
# 中央宣传部会同…等有关部门和单位拟定的《…规定》.
DRAFTED_BY = regex.compile(r"[^,，。；;]*?(?:拟定|起草|制定|制订|草拟|研究制定)的")
ARTICLE_LABEL = (r"(?:第[ \t]*[一二三四五六七八九十百零〇\d][一二三四五六七八九十百零〇\d \t]*条"
                 r"|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]{1,3}\)|\d{1,2}[.、]|[①-⑳])")
# What may stand between a subject and its verb.
ADVERBIAL = (
    r"(?:应当|应|须|必须|要|可以|可|依法|依职权|依职责|具体|统一|分别|共同|主要|另行|单独或者|单独|切实|积极|及时"
    r"|全面|继续|也|还|并|同时|负责|牵头"
    r"|按照?职责分工|按照?各自职责|按照?职能分工|按照?职责|依照职责|依据职责|根据职责"
    r"|在各自的?职责范围内|在职责范围内"
    r"|(?:依照|按照|根据|依据)[^。；;()\n]{1,60}?(?:规定|职责|权限|分工|要求|程序|部署)[,，]?"
    r"|会同[^,，。；;()\n]{1,30}?(?=负责|共同|牵头)"
    r"|对[^,，。；;()\n由]{1,40}?(?=负责|负总责)"
    r"|[ \t]+|[,，])"
)
# A subject holds its names' own brackets (办公厅（室）, 县（市、区）) and a short name it defines
# inside a list (设区的市级（以下简称市级）、县级…); none of them ends a clause.
DEFINED_BRACKET = r"\((?:以下简称|以下称|简称)[^()\n]{1,12}\)"
IN_NAME_BRACKET = regex.compile(rf"{NAME_BRACKET_PATTERN}|{DEFINED_BRACKET}(?=、)")
IN_NAME_BRACKET_END = regex.compile(rf"(?:{NAME_BRACKET_PATTERN}|{DEFINED_BRACKET})$")
SUBJECT = regex.compile(
    rf"[ \t]*(?:{ARTICLE_LABEL}[ \t]*)?"
    rf"(?P<subj>(?:[^,，。；;:：()\n]|{NAME_BRACKET_PATTERN}|{DEFINED_BRACKET}(?=、)){{1,160}}?)[ \t]*"
    rf"(?:\((?![^()]{{1,6}}\))[^()\n]{{0,40}}\))?{ADVERBIAL}*[ \t]*(?P<verb>{VERB_WORDS})"
)
COMMA_ADVERBIAL = regex.compile(r"[ \t]*[,，]?[ \t]*(?:依照|按照|根据|依据|依职责|依职权|依法)")
SENTENCE_BREAKS = frozenset("。；;！？!?\n")
CLAUSE_BREAKS = frozenset(",，:：()")
SENTENCE_REACH = 200
OBJECT_REACH = 60
# 承担…工作的X: the duty a relative clause gives the body after its 的.
CLAUSE_OPENING = regex.compile(rf"[ \t]*(?:{ARTICLE_LABEL})?[ \t]*")
DUTY_THEN_AGENT = regex.compile(r"[^,，。；;:：()\n的]{1,30}?(?:工作|任务|职责|事项)的")
LEADING_WORDS = regex.compile(r"(?:并|同时|其中|此外|另外|今后|届时|原则上|日常|具体)+")
# Where the objects of 会同 end: the predicate that follows them.
PREDICATE = regex.compile(
    r"[,，。；;:：()\n]|等|共同|联合|分别|依法|依照|按照|根据|依据|对|向|在|将|于|及时|定期|适时|每年|另行"
    r"|负责|牵头|制定|制订|建立|开展|组织|做好|协调|指导|研究|起草|实施|推进|推动|加强|完善|落实|编制|确定"
    r"|发布|出台|进行|提出|拟订|拟定|审核|审定|审查|统筹|加快|印发|部署|予以|采取|作出|做出|会商|评估"
    r"|监督|管理|检查|认定|公布|设立|建设|规定|给予|完成|办理|健全|构建|强化|优化|探索|支持|鼓励|引导"
    r"|督促|确保|保障|安排|设置|核定|批准|决定|组建|成立|遴选|委托|通报|报告|报送|汇总|培育|打造|搭建"
    r"|提供|宣传|发现|处理|查处|调查|核查|考核|验收|受理|登记|发放|拨付|兑现|执行|监测|分析|应当|可以"
)
# A bracketed list: the roles its items may carry, and what a bracket that is no list starts with.
PAREN_LIST = regex.compile(r"[(〔](?P<body>[^()〔〕\n]{2,150})[)〕]")
ROLE_TAIL = regex.compile(
    r"(?:等(?:有关|相关)?(?:部门|单位)?)?(?:按照?职责分工|按照?职责|分别|共同)?"
    r"(?:(?P<lead>牵头负责|牵头|负责)|(?P<cooperating>参与|配合|协助|协同)|落实|实施|推进)$"
)
NOT_A_LIST = regex.compile(r"(?:以下简称|以下称|简称|含|不含|包括|如|即|下同|注|见|试行|暂行)")
SEGMENT_BREAKS = regex.compile(r"[,，;；]")
NAME_BEFORE = regex.compile(rf"[{HAN}]{{2,30}}$")


def responsibility_bodies(text: str) -> list[Body]:
    """Every body a responsibility clause names, in no particular order, with its role: the
    subject of a verb leads (负责解释: interprets), the objects of 会同 cooperate, and a
    bracketed list's items take the role written after them (（A牵头，B、C配合）)."""
    bodies: list[Body] = []
    if VERB_PREFILTER.search(text):
        for m in RESPONSIBILITY_VERB.finditer(text):
            if DRAFTED_BY.match(text, m.end()):
                continue
            role = "interpreter" if m.group() == "负责" and text.startswith("解释", m.end()) else "lead"
            subject = _subject_bodies(text, m.start(), m.end()) or _agent_after(text, m)
            bodies += [b._replace(role=role) for b in subject]
            if m.group() == "会同":
                bodies += [b._replace(role="cooperating") for b in _objects_of_jointly(text, m.end())]
    if "(" in text or "〔" in text:
        for m in PAREN_LIST.finditer(text):
            bodies += _bracketed_list(text, m.start("body"), m.end("body"))
    return bodies


def _subject_bodies(text: str, verb_start: int, verb_end: int) -> list[Body]:
    """The bodies of the subject the verb at verb_start has, nearest clause start first."""
    for start in _clause_starts(text, verb_start):
        m = SUBJECT.fullmatch(text, start, verb_end)
        if m is None or m.start("verb") != verb_start or _clause_for_subject(text, m):
            continue
        found = split_bodies(text, *_subject_core(text, *m.span("subj")), strict=False)
        if found is not None:
            return found
    return []


def _clause_for_subject(text: str, m: regex.Match) -> bool:
    """True when a comma parts subject and verb and the subject is a clause, not a long name or
    list: 领导小组办公室设在市发展改革委，负责… (…设立的派出调查机构，承担… has a qualifier;
    X、Y等其他专业技术机构，依职责承担… is a list)."""
    gap = text[m.end("subj"):m.start("verb")]
    if "," not in gap and "，" not in gap:
        return False
    subject = m.group("subj")
    return not COMMA_ADVERBIAL.match(gap) and "的" not in subject and "、" not in subject


def _agent_after(text: str, verb: regex.Match) -> list[Body]:
    """The body a clause-initial 承担/负责 describes: 承担第一类医疗器械产品备案工作的药品监督管理部门
    (nat-samr-order-47-2021-device-registration 第一百零五条)."""
    if verb.group() not in ("承担", "负责"):
        return []
    if not CLAUSE_OPENING.fullmatch(text, _clause_starts(text, verb.start())[0], verb.start()):
        return []
    duty = DUTY_THEN_AGENT.match(text, verb.end())
    if duty is None:
        return []
    return leading_bodies(text, duty.end(), _clause_end(text, duty.end()), PREDICATE) or []


def _clause_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and end - start < OBJECT_REACH and text[end] not in SENTENCE_BREAKS | CLAUSE_BREAKS:
        end += 1
    return end


def _clause_starts(text: str, pos: int) -> list[int]:
    starts = []
    lo = max(0, pos - SENTENCE_REACH)
    for i in range(pos - 1, lo - 1, -1):
        if text[i] in SENTENCE_BREAKS:
            starts.append(i + 1)
            return starts
        if text[i] in CLAUSE_BREAKS and not _in_short_bracket(text, i):
            starts.append(i + 1)
    starts.append(lo)
    return starts


def _in_short_bracket(text: str, i: int) -> bool:
    """True for a bracket of a name's own (办公厅（室）), which ends no clause."""
    if text[i] == "(":
        return IN_NAME_BRACKET.match(text, i) is not None
    if text[i] == ")":
        return IN_NAME_BRACKET_END.search(text, max(0, i - 20), i + 1) is not None
    return False


def _subject_core(text: str, start: int, end: int) -> tuple[int, int]:
    """The subject without what precedes the body: …由X, 并X."""
    cut = text.rfind("由", start, end)
    if cut >= 0:
        start = cut + 1
    lead = LEADING_WORDS.match(text, start, end)
    if lead is not None and lead.end() < end:
        start = lead.end()
    return start, end


def _objects_of_jointly(text: str, start: int) -> list[Body]:
    """The bodies 会同 names: 会同省财政厅、省科技厅制定 → 省财政厅, 省科技厅."""
    return leading_bodies(text, start, _clause_end(text, start), PREDICATE) or []


def _bracketed_list(text: str, start: int, end: int) -> list[Body]:
    """Bodies of a bracketed list after a measure; [] when the bracket is anything else.

    Without a role (牵头, 负责, 参与…) every item must say it is a government unit; one name
    bracketed right after a unit of its kind is that body's other name (北京未来科学城管理委员会
    （北京中关村生命科学园管理委员会）), but 建设一批技术创新中心（省科技厅牵头） gives a task.
    """
    if NOT_A_LIST.match(text, start, end):
        return []
    found: list[Body] = []
    roles = 0
    pos = start
    for brk in [*(m.start() for m in SEGMENT_BREAKS.finditer(text, start, end)), end]:
        role = ROLE_TAIL.search(text, pos, brk)
        items = split_bodies(text, pos, role.start() if role else brk)
        if not items:
            return []
        if role is None and not all(is_government_unit(text[b.start:b.end]) for b in items):
            return []
        written = role and ("lead" if role.group("lead") else "cooperating" if role.group("cooperating") else None)
        found += [b._replace(role=written) for b in items]
        roles += role is not None
        pos = brk + 1
    if len(found) == 1 and not roles and _other_name_of(text, start, text[found[0].start:found[0].end]):
        return []
    return found


def _other_name_of(text: str, start: int, name: str) -> bool:
    """True when the bracket at `start` gives the name before it another name of the same kind
    of unit (管理委员会（…管理委员会）), not the body that carries out what precedes it."""
    before = NAME_BEFORE.search(text, max(0, start - 31), start - 1)
    unit = UNIT_SUFFIX.search(before.group()) if before is not None else None
    other = UNIT_SUFFIX.search(name)
    return unit is not None and other is not None and unit.group() == other.group()
