"""Bureau facts: the bodies a document makes responsible for a measure.

`extract_bureaus(text)` reads only where a document assigns responsibility: 责任单位 / 责任部门
clauses, a 主责部门 section, 由…负责解释 and 具体解释工作由…承担, a procedure step led by a
body (初审：经开区营商环境建设局对申报主体…) and a contact line (…局，联系人). Issuers,
addressees, 成员单位 lists and bodies in running text are not facts. Known bodies come from the
gazetteer (data/bureaus.yaml) through a spaCy EntityRuler over jieba tokens; other names in a
责任单位 clause are kept as printed. The spaCy pipeline is built once, on first use.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from extractors.cues import across_cjk_spaces
from extractors.jieba_words import JIEBA_BLOCK, whole_token
from extractors.nlp_imports import import_jieba, import_spacy
from extractors.textnorm import fold_width
from schemas.records import Fact

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_PATH = DATA_DIR / "bureaus.yaml"
USERDICT_PATH = DATA_DIR / "userdict.txt"
USERDICT_FREQ = 200000
ENTITY_LABEL = "BUREAU"

SP = r"[ \t]*"
HAN = r"\u4e00-\u9fff"
# (责任单位:市投促中心,市科委、中关村管委会,各区政府) — the list runs to the closing bracket.
RESPONSIBLE_CLAUSE = regex.compile(
    rf"(?:责任单位|责任部门|牵头单位|主责部门|主责单位){SP}:{SP}"
    rf"(?:(?P<list>[^()。]{{1,120}}?){SP}\)|(?P<line>[^()。\n]+?){SP}$)",
    regex.MULTILINE,
)
# 七、主责部门 ⏎ 经开区生物技术与大健康产业局 (a section whose body is the next line).
RESPONSIBLE_HEADING = regex.compile(
    rf"^{SP}(?:[一二三四五六七八九十]+、)?{SP}(?:主责部门|责任部门|责任单位|主管部门){SP}:?{SP}\n+{SP}(?P<list>[^\n]+?){SP}$",
    regex.MULTILINE,
)
INTERPRETER_CLAUSES = (
    regex.compile(rf"由(?P<list>[^,，。;；:由]{{2,60}}?){SP}负责解释"),
    regex.compile(rf"解释工作由(?P<list>[^,，。;；:由]{{2,40}}?){SP}承担"),
    regex.compile(rf"(?:^|[。;；\n]){SP}(?P<list>[{HAN}、]{{2,30}}?){SP}对本(?:通知|办法|措施|意见|细则|规定|公告|指南)负责解释",
                  regex.MULTILINE),
    regex.compile(rf"解释权归(?P<list>[^,，。;；:]{{2,40}}?)(?:所有)?(?=[。;；\n]|$)", regex.MULTILINE),
)
# 办理程序: "(二)初审:经开区营商环境建设局对申报主体提交的材料进行完整性审查".
PROCEDURE_STEP = regex.compile(
    rf"^{SP}(?:\([一二三四五六七八九十\d]{{1,3}}\)|[一二三四五六七八九十]+、|\d{{1,2}}[.、])?{SP}[{HAN}]{{1,8}}{SP}:{SP}"
    rf"(?P<list>[{HAN}]{{2,30}}?)(?=对|组织|根据|通过|负责|会同|牵头|按照|审核|受理)",
    regex.MULTILINE,
)
# 十、联系方式: "经开区生物技术与大健康产业局，联系人：…".
CONTACT_LINE = regex.compile(rf"^{SP}(?P<list>[{HAN}]{{2,30}}?){SP}[,，]{SP}联系人", regex.MULTILINE)
CUE_PREFILTER = regex.compile(r"责任单位|责任部门|牵头单位|主责|主管部门|负责解释|解释工作|解释权|联系人|:")
BODY_SUFFIX = regex.compile(
    r"(?:局|委|委员会|管委会|办公室|办|中心|政府|部|厅|处|院|公司|集团|国投|控股|工作组|领导小组)$"
)
NOT_A_BODY = regex.compile(r"大厅|窗口|平台|网站")
LIST_SEPARATORS = regex.compile(r"[,，、;；]")
DIVISION = regex.compile(rf"{SP}(?P<division>[{HAN}]{{1,8}}(?:处|科|室))(?=$|[,，、;；)])")
PARENTHETICAL = regex.compile(r"\([^()]*\)")
TRAILING_WORDS = regex.compile(r"(?:等(?:单位|部门)?|牵头|负责|配合)$")
MAX_NAME_CHARS = 30


@dataclass(frozen=True)
class Gazetteer:
    """Surface form → canonical name, built from data/bureaus.yaml with prefix and 与/和 variants."""
    canonical: dict[str, str]


@across_cjk_spaces
def extract_bureaus(text: str) -> list[Fact]:
    """Responsible bodies in document order; value_text is the canonical name
    (与 → 和, misprints folded, 经开区 prefix dropped; a division as 市科委、中关村管委会促进处)."""
    if not text or not CUE_PREFILTER.search(text):
        return []
    folded = fold_width(text)
    facts: dict[tuple[int, int], Fact] = {}
    for start, end, open_list in _cue_lists(folded):
        for s, e, value in _bodies(folded, start, end, open_list):
            facts.setdefault((s, e), Fact(kind="bureau", text=text[s:e], char_start=s, char_end=e,
                                          value_text=value))
    return [facts[k] for k in sorted(facts)]


def _cue_lists(folded: str) -> list[tuple[int, int, bool]]:
    """(start, end, open_list) of every span that names responsible bodies.

    `open_list` is True where any name is a body (a 责任单位 list); elsewhere a name must be
    a known body or look like one (end in 局, 委员会, 中心…).
    """
    spans = []
    for m in RESPONSIBLE_CLAUSE.finditer(folded):
        group = "list" if m.group("list") is not None else "line"
        spans.append((m.start(group), m.end(group), True))
    spans += [(m.start("list"), m.end("list"), True) for m in RESPONSIBLE_HEADING.finditer(folded)]
    for pattern in (*INTERPRETER_CLAUSES, PROCEDURE_STEP, CONTACT_LINE):
        spans += [(m.start("list"), m.end("list"), False) for m in pattern.finditer(folded)]
    return spans


def _bodies(folded: str, start: int, end: int, open_list: bool) -> list[tuple[int, int, str]]:
    """Bodies named in folded[start:end]: gazetteer entities first, then the rest split on separators.

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
        if not name or len(name) > MAX_NAME_CHARS or NOT_A_BODY.search(name):
            continue
        if not (open_list or BODY_SUFFIX.search(name)):
            continue
        s += span[s:e].index(name)
        found.append((s, s + len(name), _canonical_unknown(name)))
    return [(index[s], index[e - 1] + 1, value) for s, e, value in found]


def _mask_parentheticals(span: str) -> str:
    """Blank out bracketed alternative names (same length): 北京未来科学城管理委员会(北京中关村…)."""
    return PARENTHETICAL.sub(lambda m: " " * len(m.group()), span)


def _segments(span: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in LIST_SEPARATORS.finditer(span):
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
    name = "".join(name.split()).replace("与", "和")
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
    for m in _form_pattern().finditer(span, overlapped=True):
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
def _form_pattern() -> regex.Pattern:
    """Every gazetteer form, longest first (at each start, the longest form that begins there)."""
    forms = sorted(gazetteer().canonical, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(form) for form in forms))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer as surface form → canonical name (every alias, prefix and 与 variant)."""
    data = yaml.safe_load(GAZETTEER_PATH.read_text(encoding="utf-8"))
    prefixes = data.get("jurisdictions") or {}
    canonical: dict[str, str] = {}
    for entry in data["bureaus"]:
        for form in [entry["name"], *(entry.get("aliases") or [])]:
            for variant in _variants(form, prefixes.get(entry.get("jurisdiction"), [])):
                canonical.setdefault(variant, entry["name"])
    return Gazetteer(canonical=canonical)


def gazetteer_rows() -> list[tuple[str, str | None, list[str]]]:
    """Rows of the catalog's `bureaus` table (schemas/migrations/002_facts.sql), one per body of
    data/bureaus.yaml in file order: (canonical, jurisdiction, aliases).

    `aliases` are every other form the extractor folds to `canonical`: the listed aliases first,
    then the jurisdiction-prefixed and 与 spellings (经开区科技和产业促进局, 科技与产业促进局).
    Pure: reads the YAML file, touches no database.
    """
    data = yaml.safe_load(GAZETTEER_PATH.read_text(encoding="utf-8"))
    prefixes = data.get("jurisdictions") or {}
    rows = []
    for entry in data["bureaus"]:
        name, listed = entry["name"], entry.get("aliases") or []
        forms = [*listed]
        for form in [name, *listed]:
            forms += _variants(form, prefixes.get(entry.get("jurisdiction"), []))
        aliases = list(dict.fromkeys(f for f in forms if f != name))
        rows.append((name, entry.get("jurisdiction"), aliases))
    return rows


def _variants(form: str, prefixes: list[str]) -> list[str]:
    forms = [form]
    for prefix in prefixes:
        if prefix == "北京":
            if form.startswith("市"):
                forms.append(prefix + form)
        else:
            forms.append(prefix + form)
    return forms + [f.replace("和", "与") for f in forms if "和" in f]


def userdict_lines() -> list[str]:
    """jieba user-dictionary lines for every gazetteer form (Han runs only: jieba never joins across 、)."""
    words: list[str] = []
    for form in gazetteer().canonical:
        for word in regex.findall(rf"[{HAN}]+", form):
            if len(word) > 1 and word not in words:
                words.append(word)
    return [f"{word} {USERDICT_FREQ} nt" for word in words]


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
