"""Bureau facts: the bodies a document makes responsible for a measure.

`extract_bureaus(text)` reads only where a document assigns responsibility: labelled lists
(责任单位 / 牵头单位 / 配合单位 / 负责部门 / 主管部门 / 实施主体…), a 主责部门 section, 由…负责解释
and 具体解释工作由…承担, a procedure step led by a body (初审：经开区营商环境建设局对申报主体…), a
contact line (…局，联系人), a task table's 牵头单位 column, a section headed by a role
(extractors/facts/bureau_sections.py), and anywhere in a text the subjects of responsibility verbs and
the bracketed lists after measures (extractors/facts/bureau_clauses.py). Issuers, addressees, 成员单位
lists, bodies as objects and bodies in running text are not facts. Known bodies come from the
gazetteer (data/bureaus.yaml, extractors/facts/bureau_gazetteer.py) through a spaCy EntityRuler over
jieba tokens; other names are kept as printed when the clause's shape and the naming grammar
(extractors/facts/bureau_names.py, extractors/facts/bureau_lists.py) say they are bodies. Each fact's role
(lead, cooperating, interpreter) is the one its label, verb or written word gives it
(extractors/facts/bureau_roles.py). The spaCy pipeline is built once, on first use.
"""
from __future__ import annotations

import logging
from functools import lru_cache

import regex

from extractors.cues import across_cjk_spaces
from extractors.facts.bureau_clauses import responsibility_bodies

# gazetteer_rows is read from here by the loader (flows/ingest/loader.py) and the tests.
from extractors.facts.bureau_gazetteer import (  # noqa: F401
    DATA_DIR,
    bureau_alias_rows,
    form_pattern,
    gazetteer,
    gazetteer_rows,
    userdict_lines,
)
from extractors.facts.bureau_names import DEFINED_SHORT_NAME, JOINT_JURISDICTION, NAME_BRACKET, is_specific
from extractors.facts.bureau_roles import label_role, role_in_list
from extractors.facts.bureau_sections import role_column_cells, section_bodies
from extractors.jieba_words import JIEBA_BLOCK, whole_token
from extractors.nlp_imports import import_jieba, import_spacy
from extractors.textnorm import fold_width
from schemas.records import Fact

USERDICT_PATH = DATA_DIR / "userdict.txt"
ENTITY_LABEL = "BUREAU"

SP = r"[ \t]*"
HAN = r"\u4e00-\u9fff"
LIST_LABEL = (r"(?:责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|参与单位|协办单位|负责部门|负责单位"
              r"|主管部门|主管单位|实施主体|责任主体|主责部门|主责单位|联系单位|联系部门)")
# (责任单位:市投促中心,市科委、中关村管委会,各区政府): inside a bracket the list runs to the
# closing bracket, across a page break; on a line of its own, to the line's end. Either way it
# stops at the next label: (牵头单位:市发展改革委,配合单位:市委组织部、各区、县级市).
LIST_CUE = regex.compile(rf"(?P<label>{LIST_LABEL}){SP}:{SP}")
LIST_REACH = 120
FIELD_NAME = regex.compile(r"(?:完成时限|完成时间|时间节点|时限|责任人|联系人|联系电话|联系方式|牵头领导|分管领导|备注)[ \t]*$")
# 七、主责部门 ⏎ 经开区生物技术与大健康产业局 (a section whose body is the next line).
RESPONSIBLE_HEADING = regex.compile(
    rf"^{SP}(?:[一二三四五六七八九十]+、)?{SP}(?P<label>主责部门|责任部门|责任单位|主管部门){SP}:?{SP}\n+{SP}(?P<list>[^\n]+?){SP}$",
    regex.MULTILINE,
)
INTERPRETER_CLAUSES = (
    regex.compile(rf"由(?P<list>[^,，。;；:由]{{2,60}}?){SP}负责解释"),
    regex.compile(rf"解释工作由(?P<list>[^,，。;；:由]{{2,40}}?){SP}承担"),
    regex.compile(rf"(?:^|[。;；\n]){SP}(?P<list>[{HAN}、]{{2,30}}?){SP}对本(?:通知|办法|措施|意见|细则|规定|公告|指南)负责解释",
                  regex.MULTILINE),
    regex.compile(r"解释权归(?P<list>[^,，。;；:]{2,40}?)(?:所有)?(?=[。;；\n]|$)", regex.MULTILINE),
)
# 办理程序: "(二)初审:经开区营商环境建设局对申报主体提交的材料进行完整性审查".
PROCEDURE_STEP = regex.compile(
    rf"^{SP}(?:\([一二三四五六七八九十\d]{{1,3}}\)|[一二三四五六七八九十]+、|\d{{1,2}}[.、])?{SP}[{HAN}]{{1,8}}{SP}:{SP}"
    rf"(?P<list>[{HAN}]{{2,30}}?)(?=对|组织|根据|通过|负责|会同|牵头|按照|审核|受理)",
    regex.MULTILINE,
)
# 十、联系方式: "经开区生物技术与大健康产业局，联系人：…".
CONTACT_LINE = regex.compile(rf"^{SP}(?P<list>[{HAN}]{{2,30}}?){SP}[,，]{SP}联系人", regex.MULTILINE)
CUE_PREFILTER = regex.compile(r"责任|牵头|配合|参与|协办|负责|主责|主管|实施主体|解释|联系人|:")
BODY_SUFFIX = regex.compile(
    r"(?:局|委|委员会|管委会|办公室|办|中心|政府|部|厅|处|院|公司|集团|国投|控股|工作组|领导小组)$"
)
NOT_A_BODY = regex.compile(r"大厅|窗口|平台|网站")
LIST_SEPARATORS = regex.compile(r"[,，、;；]")
DIVISION = regex.compile(rf"{SP}(?P<division>[{HAN}]{{1,8}}(?:处|科|室))(?=$|[,，、;；)])")
PARENTHETICAL = regex.compile(r"\([^()]*\)")
TRAILING_WORDS = regex.compile(r"(?:等(?:有关|相关)?(?:单位|部门)?|按照?职责分工负责|牵头负责|牵头|负责|配合|参与)$")
MAX_NAME_CHARS = 30


@across_cjk_spaces
def extract_bureaus(text: str) -> list[Fact]:
    """Responsible bodies in document order; value_text is a Beijing body's canonical name
    (与 → 和, misprints folded, 经开区 prefix dropped; a division as 市科委、中关村管委会促进处)
    and any other body's name as written (whitespace out, 与 → 和; 同级财政、税务部门 shares out
    同级税务部门). `role` is the body's part as written (schemas.records.BureauRole): the label,
    verb or word that names it says whether it leads, cooperates or interprets; else None."""
    if not text:
        return []
    folded = fold_width(text)
    facts: dict[tuple[int, int], Fact] = {}
    if CUE_PREFILTER.search(folded):
        for start, end, open_list, role in _cue_lists(folded):
            for s, e, value, body_role in _bodies(folded, start, end, open_list, role):
                facts.setdefault((s, e), Fact(kind="bureau", text=text[s:e], char_start=s, char_end=e,
                                              value_text=value, role=body_role))
    for s, e, name, role in [*responsibility_bodies(folded), *section_bodies(folded)]:
        if not any(s < fe and fs < e for fs, fe in facts):
            facts[(s, e)] = Fact(kind="bureau", text=text[s:e], char_start=s, char_end=e,
                                 value_text=_canonical_unknown(name or folded[s:e]), role=role)
    return [facts[k] for k in sorted(facts)]


def _cue_lists(folded: str) -> list[tuple[int, int, bool, str | None]]:
    """(start, end, open_list, role) of every span that names responsible bodies.

    `open_list` is True where any name is a body (a 责任单位 list); elsewhere a name must be
    a known body or look like one (end in 局, 委员会, 中心…). `role` is the role its bodies
    take, RANKED (extractors/facts/bureau_roles.py), or None.
    """
    spans = _labelled_lists(folded)
    spans += [(s, e, True, label_role(label)) for s, e, label in role_column_cells(folded)]
    spans += [(m.start("list"), m.end("list"), True, label_role(m.group("label")))
              for m in RESPONSIBLE_HEADING.finditer(folded)]
    for pattern in INTERPRETER_CLAUSES:
        spans += [(m.start("list"), m.end("list"), False, "interpreter") for m in pattern.finditer(folded)]
    for pattern in (PROCEDURE_STEP, CONTACT_LINE):
        spans += [(m.start("list"), m.end("list"), False, None) for m in pattern.finditer(folded)]
    return spans


def _labelled_lists(folded: str) -> list[tuple[int, int, bool, str | None]]:
    cues = list(LIST_CUE.finditer(folded))
    spans = []
    for k, cue in enumerate(cues):
        start = cue.end()
        next_cue = cues[k + 1].start() if k + 1 < len(cues) else len(folded)
        window = max(0, cue.start() - LIST_REACH)
        in_bracket = folded.rfind("(", window, cue.start()) > folded.rfind(")", window, cue.start())
        stops = "()。;；:" if in_bracket else "()。;；:\n"
        limit = min(next_cue, start + LIST_REACH)
        end = _list_end(folded, start, limit, stops)
        if end is None:
            if in_bracket and limit != next_cue:
                continue  # a bracket that does not close within reach holds no list
            end = limit
        elif folded[end] == ":":
            end = _before_field_name(folded, start, end)
        while end > start and folded[end - 1] in " \t\n,，、":
            end -= 1
        if end > start:
            spans.append((start, end, True, label_role(cue.group("label"))))
    return spans


def _before_field_name(folded: str, start: int, colon: int) -> int:
    """责任单位:市发展改革委 完成时限:2025年底 — the list stops before the next field's name
    (a known one even where the space before it is gone: 市财政局完成时限:)."""
    known = FIELD_NAME.search(folded, start, colon)
    if known is not None:
        return known.start()
    i = colon
    while i > start and folded[i - 1] not in " \t,，、":
        i -= 1
    return i


def _list_end(folded: str, start: int, limit: int, stops: str) -> int | None:
    """Where a labelled list stops; a name's own bracket (各市（地）、县（市、区）政府) is no stop."""
    i = start
    while i < limit:
        if folded[i] == "(" and (m := NAME_BRACKET.match(folded, i)) is not None:
            i = m.end()
            continue
        if folded[i] in stops:
            return i
        i += 1
    return None


def _bodies(folded: str, start: int, end: int, open_list: bool,
            role: str | None) -> list[tuple[int, int, str, str | None]]:
    """Bodies named in folded[start:end] with their roles: gazetteer entities first, then the rest
    split on separators.

    Line breaks are taken out before matching (科⏎技和产业促进局 is a name cut by a page break)
    and the offsets mapped back, so a fact's text may span the break.
    """
    index = [i for i in range(start, end) if folded[i] != "\n"]
    span = _mask_parentheticals("".join(folded[i] for i in index))
    found = []
    for s, e, value in _known_bodies(span):
        found.append(_with_division(span, s, e, value))
    taken = [(s, e) for s, e, _ in found]
    for s, e in _segments(span):
        if any(s < te and ts < e for ts, te in taken):
            continue
        name = TRAILING_WORDS.sub("", span[s:e].strip())
        if not name or len(name) > MAX_NAME_CHARS or NOT_A_BODY.search(name) or not is_specific(name):
            continue
        if not (open_list or BODY_SUFFIX.search(name)):
            continue
        s += span[s:e].index(name)
        found.append((s, s + len(name), _canonical_unknown(name)))
    found.sort()
    roles = [role_in_list(span, e, role, k) for k, (_, e, _) in enumerate(found)]
    return [(index[s], index[e - 1] + 1, value, r) for (s, e, value), r in zip(found, roles, strict=True)]



def _mask_parentheticals(span: str) -> str:
    """Blank out bracketed alternative names (same length): 北京未来科学城管理委员会(北京中关村…)."""
    return PARENTHETICAL.sub(lambda m: m.group() if NAME_BRACKET.fullmatch(m.group()) and
                             not regex.search(r"\(.*(?:委员会|管委会)\)", m.group())
                             else " " * len(m.group()), span)


def _segments(span: str) -> list[tuple[int, int]]:
    """Items of a list; 、 inside a joint jurisdiction (各区、县级市) separates none."""
    joint = [m.span() for m in JOINT_JURISDICTION.finditer(span)]
    joint += [m.span() for m in NAME_BRACKET.finditer(span)]
    out, pos = [], 0
    for m in LIST_SEPARATORS.finditer(span):
        if any(s < m.start() < e for s, e in joint):
            continue
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(span)))
    return out


def _with_division(span: str, s: int, e: int, value: str) -> tuple[int, int, str]:
    """市科委中关村管委会 促进处 → the division 市科委、中关村管委会促进处."""
    m = DIVISION.match(span, e)
    if m is None:
        return s, e, value
    return s, m.end("division"), value + m.group("division")


def _canonical_unknown(name: str) -> str:
    """A name not in the gazetteer, folded the way the gazetteer folds: spaces, 与/和, 经开区."""
    name = DEFINED_SHORT_NAME.sub("", "".join(name.split()).replace("与", "和"))
    lookup = gazetteer().canonical.get(name)
    if lookup:
        return lookup
    return name[len("经开区"):] if name.startswith("经开区") and len(name) > 5 else name


def _known_bodies(span: str) -> list[tuple[int, int, str]]:
    """Gazetteer bodies in a short span, found by the EntityRuler over jieba tokens."""
    nlp = _nlp()
    whole = _whole_token_bodies(span)
    if whole is not None:
        return whole
    doc = nlp(span)
    return [(ent.start_char, ent.end_char, ent.ent_id_) for ent in doc.ents if ent.label_ == ENTITY_LABEL]


def _whole_token_bodies(span: str) -> list[tuple[int, int, str]] | None:
    """What the EntityRuler would find, when every gazetteer form in the span is cut by jieba
    the way it is cut alone, or lies inside one that is; None when any other form is there
    (the ruler then decides).

    A form is cut as alone when each of its runs of Han, Latin and digits is a whole token
    (extractors/jieba_words.py): 市科委、中关村管委会 is 市科委 + 、 + 中关村管委会 anywhere.
    """
    canonical = gazetteer().canonical
    found: list[tuple[int, int, str]] = []
    for m in form_pattern().finditer(span, overlapped=True):
        s, e = m.span()
        if found and s < found[-1][1]:
            if e <= found[-1][1]:
                continue
            return None
        if not _cut_as_alone(span, s, e):
            return None
        found.append((s, e, canonical[m.group()]))
    return found


def _cut_as_alone(span: str, start: int, end: int) -> bool:
    if any(ch.isspace() for ch in span[start:end]):
        return False
    return all(whole_token(span, *run.span(), 0, len(span))
               for run in JIEBA_BLOCK.finditer(span, start, end))


@lru_cache(maxsize=1)
def _nlp():
    """spacy.blank('zh') on jieba with the user dictionary, and an EntityRuler of the gazetteer."""
    jieba, spacy = import_jieba(), import_spacy()
    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(USERDICT_PATH))
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns([{"label": ENTITY_LABEL, "pattern": form, "id": name}
                        for form, name in gazetteer().canonical.items()])
    return nlp


if __name__ == "__main__":
    print("\n".join(userdict_lines()))
