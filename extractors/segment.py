"""Stage 4: a document's text → its article tree (编 / 章 / 节 / 第X条 / 一、 / （一） / 1. / （1）, 附件, tables).

Label convention: the label is the numbering as printed without its trailing delimiter and
without inner whitespace — 第一章, 第十五条, 一, （二） or (二) (bracket width as printed), 10,
（1）; attachments are 附件 / 附件1; tables are 表1, 表2 … in document order (tables carry no
printed number). A leading list marker "- " is not part of the label. This matches the gold
`article` convention (../shared/gold/CONVENTIONS.md).

Levels follow the document's own nesting order: a numbering scheme that is already open closes
everything below it and becomes a sibling; a scheme that is not open nests under the innermost
open node. Numbering is checked per sibling run: a run starts at 1 or continues the previous
run of the same kind (jjgf-2025-9 numbers its 20 measures across the （一）…（五） groups), and
every later number is its predecessor + 1; anything else becomes a NumberingWarning.

A law's headings rank above its articles whatever order they come in: 第X编 > 第X章 > 第X节 >
第X条, so a 节 that follows a chapter's first articles closes them instead of nesting under one.
An article's unnumbered paragraphs (款) are text of the article; one after the article's items
that refers back to the paragraph above them (前款, 本条第一款) closes the items, whose list ended
with a 。. A 目录 listing the headings before the body is no node.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import regex

from extractors.lines import TextLine, text_lines
from extractors.numerals import chinese_to_int
from schemas.records import ArticleKind, ArticleNode, ArticleTree, NumberingWarning

_CN = "零〇一二两三四五六七八九十百"
# Spaces may stand inside a label ("第 一 条", "（ 一 ）": PDF text and OCR print them).
_CN_RUN = rf"[{_CN}](?:\s*[{_CN}])*"
# 中共柳河县委 柳河县人民政府 numbers its articles in digits, spaced as its PDF prints them: 第 2 3 条.
_LAW_NUM = rf"(?:{_CN_RUN}|[1-9](?:\s*\d){{0,3}})"
NUMBERED_LINE_PATTERNS: tuple[tuple[ArticleKind, regex.Pattern], ...] = (
    ("part", regex.compile(rf"第\s*(?P<num>{_LAW_NUM})\s*编(?P<rest>.*)")),
    ("chapter", regex.compile(rf"第\s*(?P<num>{_LAW_NUM})\s*章(?P<rest>.*)")),
    ("subchapter", regex.compile(rf"第\s*(?P<num>{_LAW_NUM})\s*节(?P<rest>.*)")),
    ("article", regex.compile(rf"第\s*(?P<num>{_LAW_NUM})\s*条(?P<rest>.*)")),
    ("section", regex.compile(rf"(?P<num>[{_CN}]+)\s*、(?P<rest>.*)")),
    ("item", regex.compile(rf"[（(]\s*(?P<num>{_CN_RUN})\s*[）)](?P<rest>.*)")),
    # 1. 1、 1． — at most two digits, so never the year in "2025."; 1.5亿元 see DECIMAL_LIKE.
    ("subitem", regex.compile(r"(?P<num>[1-9]\d?)(?P<delim>[.．、])(?P<rest>.*)")),
    ("point", regex.compile(r"[（(]\s*(?P<num>[1-9]\d?)\s*[）)](?P<rest>.*)")),
)
# "1.5亿元" is a decimal, not item 1. But the PDF of 京技管发〔2025〕8号 prints "1.4a类区为…" (item 1
# about zone 4a): a digit + Latin letter + Han after the point is an item if the run expects it.
DECIMAL_LIKE = regex.compile(r"\d")
SPACES = regex.compile(r"\s+")
ZONE_NAME = regex.compile(r"\d+[A-Za-z]\p{Han}")
LIST_MARKER = regex.compile(r"-\s+")
ATTACHMENT_HEAD = regex.compile(r"附件\s*(?P<num>\d{0,2})\s*")
ATTACHMENT_LIST = regex.compile(r"附件\s*[:：].*")
# A law's table of contents: 目录 over its 编/章/节 headings, which then start over (第一章 again).
TOC_HEAD = regex.compile(r"目\s*录")
ATTACHMENT_LIST_MORE = regex.compile(r"(?P<num>[1-9]\d?)[.．、]\s*\S.*")
# A closing date in digits or in Chinese numerals (一九九六年六月二十九日).
CLOSING_DATE = regex.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日")
CLOSING_FORMULA = regex.compile(r"特此(?:公告|通知|函告)[。.]?")
CLOSING_NOTE = regex.compile(r"[（(]注[:：].*")
# Joint signers share a line, spaced or joined by 、 (国务院办公厅　中央军委办公厅).
SIGNATURE = regex.compile(r"[\p{Han}（）()][\p{Han}（）()\s、]{1,60}(?:局|委员会|政府|办公室|办公厅|厅|委|部|中心|院)")
HEADING_MAX = 30
# The ranks of a law's headings and articles, outermost first.
LAW_RANKS: dict[ArticleKind, int] = {"part": 0, "chapter": 1, "subchapter": 2, "article": 3}
HEADING_KINDS = ("part", "chapter", "subchapter")
SENTENCE_PUNCT = regex.compile(r"[。；;：:！？]")
# A first sentence that states a rule is not a title: 京技管发〔2025〕1号 "6. 本措施由…负责解释。",
# 京技管发〔2025〕5号 "第二十条 科技企业孵化器应严格按照…。" and "第十六条 …负责组织考核评价工作。".
NORMATIVE = regex.compile(r"本(?:措施|办法|意见|细则|政策|通知|规定|指南)|负责|应当|应严格|应按|不得|须|予以|给予")
CJK_GAP = regex.compile(r"(?<=\p{Han})\s+(?=\p{Han})")
# 统计法 第四十四条: after its items (一)…(五), "企业事业单位或者其他组织有前款所列行为之一的，可以并处
# 十万元以下的罚款" and "个体工商户有本条第一款所列行为之一的" are its second and third 款, not item (五).
NEXT_PARAGRAPH_CUE = regex.compile(r"前[两二三]?款|本条第[一二三四五六七八九十]+款")
NEXT_PARAGRAPH_CUE_SPAN = 40
ITEM_KINDS = ("section", "item", "subitem", "point")


@dataclass(frozen=True)
class _Numbered:
    kind: ArticleKind
    label: str      # without trailing delimiter or whitespace
    number: int
    rest: str       # the line after the label
    delim: str      # 、 . ． or "" — the subitem checks need it


@dataclass
class _Node:
    kind: ArticleKind
    label: str
    number: int | None
    heading: str | None
    start: int
    end: int
    parent: int | None
    container: int | None
    rest: str = ""


def article_tree(doc_text: str) -> ArticleTree:
    """The article tree of one document; nodes in document order with offsets into `doc_text`.

    Never raises on any text; a document without numbering gives an empty tree. The closing
    block (特此公告。, signature, date, (注:…)) is left outside every node.
    """
    lines = text_lines(doc_text)
    builder = _TreeBuilder(lines[:_closing_block_start(lines)])
    builder.run()
    nodes = builder.nodes
    _lead_in_headings(nodes)
    warnings = builder.warnings + _numbering_warnings(nodes)
    return ArticleTree(nodes=_freeze(nodes, doc_text), warnings=tuple(warnings))


def _closing_block_start(lines: list[TextLine]) -> int:
    """Index of the first line of the trailing 特此公告 / signature / date / (注) block."""
    end = len(lines)
    while end and CLOSING_NOTE.fullmatch(lines[end - 1].text):
        end -= 1
    if not (end and CLOSING_DATE.fullmatch(lines[end - 1].text)):
        return len(lines)
    end -= 1
    while end and SIGNATURE.fullmatch(lines[end - 1].text):
        end -= 1
    if end and CLOSING_FORMULA.fullmatch(lines[end - 1].text):
        end -= 1
    return end


class _TreeBuilder:
    """One pass over the lines with a stack of open nodes (indices into `nodes`)."""

    def __init__(self, lines: list[TextLine]) -> None:
        self.lines = lines
        self.nodes: list[_Node] = []
        self.warnings: list[NumberingWarning] = []
        self.stack: list[int] = []
        self.container: int | None = None
        self.tables = 0

    def run(self) -> None:
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        self._close_to(0, self.lines[-1].end if self.lines else 0)
        if self.container is not None:
            self.nodes[self.container].end = self.lines[-1].end

    def _step(self, i: int) -> int:
        line = self.lines[i]
        if "\t" in line.text:
            return self._table_run(i)
        body = LIST_MARKER.sub("", line.text, count=1) if line.text.startswith("-") else line.text
        started = bool(self.nodes)
        if started and ATTACHMENT_HEAD.fullmatch(body):
            self._attachment(i, ATTACHMENT_HEAD.fullmatch(body)["num"])
            return i + 1
        if started and ATTACHMENT_LIST.fullmatch(body):
            return self._attachment_list(i)
        if TOC_HEAD.fullmatch(body):
            return self._past_toc(i)
        found = _numbered(body)
        if found and found.kind == "subitem":
            found = self._resolve_subitem(found)
        if found:
            self._open(i, found)
        elif NEXT_PARAGRAPH_CUE.search(body, 0, NEXT_PARAGRAPH_CUE_SPAN):
            self._close_items(i)
        return i + 1

    def _open(self, i: int, found: _Numbered) -> None:
        line = self.lines[i]
        open_kinds = [self.nodes[k].kind for k in self.stack]
        rank = LAW_RANKS.get(found.kind)
        closes = [d for d, kind in enumerate(open_kinds) if kind == found.kind
                  or (rank is not None and LAW_RANKS.get(kind, -1) >= rank)]
        if closes:
            self._close_to(closes[0], self.lines[i - 1].end)
        parent = self.stack[-1] if self.stack else self.container
        self.nodes.append(_Node(found.kind, found.label, found.number,
                                _heading(found.kind, found.rest), line.start, line.end,
                                parent, self.container, found.rest))
        self.stack.append(len(self.nodes) - 1)

    def _close_items(self, i: int) -> None:
        """Line i is the next 款 of the innermost open article: close the items open under it,
        when the one before ended its list (a 。; items before the last end with ；)."""
        kinds = [self.nodes[k].kind for k in self.stack]
        if "article" not in kinds or not self.lines[i - 1].text.rstrip().endswith("。"):
            return
        depth = len(kinds) - kinds[::-1].index("article")
        if depth < len(kinds) and all(kind in ITEM_KINDS for kind in kinds[depth:]):
            self._close_to(depth, self.lines[i - 1].end)

    def _close_to(self, depth: int, end: int) -> None:
        """Close the open nodes from stack position `depth` upward, ending them at `end`."""
        for k in self.stack[depth:]:
            self.nodes[k].end = max(self.nodes[k].end, end)
        del self.stack[depth:]

    def _resolve_subitem(self, found: _Numbered) -> _Numbered | None:
        """A 1. line, unless it is a decimal (1.5亿元) or a misprinted section number."""
        open_last = {self.nodes[k].kind: self.nodes[k].number for k in self.stack}
        expected = open_last.get("subitem", 0) + 1
        if DECIMAL_LIKE.match(found.rest):
            continues = found.number == expected and found.delim != "、"
            return found if continues and ZONE_NAME.match(found.rest) else None
        # yizhuang-pharma-service-guide-2026 prints section 四 as "4、": a 4、 that cannot continue
        # the open 1. run but continues the open 一、 run is that section, with a warning.
        if found.delim == "、" and found.number != expected \
                and open_last.get("section") == found.number - 1:
            self.warnings.append(NumberingWarning(
                article_label=found.label,
                message=f"section {found.number} is printed with an Arabic numeral "
                        f"({found.label}、) between Chinese-numbered sections"))
            return replace(found, kind="section")
        return found

    def _past_toc(self, i: int) -> int:
        """The line after a 目录 whose heading lines are followed by the first of them again;
        the line after 目录 itself when what follows is not such a list."""
        listed = []
        j = i + 1
        while j < len(self.lines):
            found = _numbered(self.lines[j].text)
            if not found or found.kind not in HEADING_KINDS:
                break
            if listed and found.label == listed[0]:
                return j
            listed.append(found.label)
            j += 1
        return i + 1

    def _attachment(self, i: int, num: str) -> None:
        line = self.lines[i]
        self._close_to(0, self.lines[i - 1].end)
        if self.container is not None:
            self.nodes[self.container].end = self.lines[i - 1].end
        self.nodes.append(_Node("attachment", f"附件{num}", int(num) if num else None, None,
                                line.start, line.end, None, None))
        self.container = len(self.nodes) - 1

    def _attachment_list(self, i: int) -> int:
        """附件：1.… / 2.… — the list of attachments at the end of a notice, one node."""
        self._close_to(0, self.lines[i - 1].end)
        j, expected = i + 1, 2
        while j < len(self.lines):
            more = ATTACHMENT_LIST_MORE.fullmatch(self.lines[j].text)
            if not more or int(more["num"]) != expected:
                break
            j, expected = j + 1, expected + 1
        self.nodes.append(_Node("attachment", "附件", None, None, self.lines[i].start,
                                self.lines[j - 1].end, self.container, self.container))
        return j

    def _table_run(self, i: int) -> int:
        """Consecutive tab-separated lines; a repeated header row starts a new table."""
        j = i
        while j < len(self.lines) and "\t" in self.lines[j].text:
            j += 1
        header, first = self.lines[i].text, i
        for k in range(i + 1, j + 1):
            if k == j or self.lines[k].text == header:
                self.tables += 1
                parent = self.stack[-1] if self.stack else self.container
                self.nodes.append(_Node("table", f"表{self.tables}", self.tables, None,
                                        self.lines[first].start, self.lines[k - 1].end,
                                        parent, self.container))
                first = k
        return j


def _numbered(body: str) -> _Numbered | None:
    """The numbering at the start of a line, if any."""
    for kind, pattern in NUMBERED_LINE_PATTERNS:
        m = pattern.fullmatch(body)
        if not m:
            continue
        try:
            number = chinese_to_int(SPACES.sub("", m["num"]))
        except ValueError:
            continue
        printed = SPACES.sub("", body[: m.start("rest")])
        delim = printed[-1] if printed[-1] in "、.．" else ""
        return _Numbered(kind, printed.rstrip("、.．"), number, m["rest"], delim)
    return None


def _heading(kind: ArticleKind, rest: str) -> str | None:
    """The short title printed with the number: the whole rest of a heading line, or the
    first sentence up to 。 when more text follows and it is short and plain."""
    rest = rest.strip()
    if not rest:
        return None
    if kind in HEADING_KINDS:
        return CJK_GAP.sub("", rest)
    head, stop, after = rest.partition("。")
    if stop and after.strip():
        return head if _plain(head) else None
    if not stop and len(rest) <= HEADING_MAX and not SENTENCE_PUNCT.search(rest) \
            and not rest.endswith(("，", ",", "、")):
        return CJK_GAP.sub("", rest)
    return None


def _plain(sentence: str) -> bool:
    # (二)所有项目资金支持比例不超过项目审定实际投资额的50%。… is a rule, not a title.
    return (len(sentence) <= HEADING_MAX and not SENTENCE_PUNCT.search(sentence)
            and not regex.search(r"[0-9%％]", sentence) and not NORMATIVE.search(sentence))


def _lead_in_headings(nodes: list[_Node]) -> None:
    """A line that is one short sentence and has numbered children is their heading:
    京技管发〔2025〕1号 "5.大力支持建筑业企业企稳向好。" over (1) (2)."""
    parents = {n.parent for n in nodes if n.kind != "table"}
    for i, node in enumerate(nodes):
        rest = node.rest.strip()
        if node.heading is None and i in parents and rest.count("。") == 1 \
                and rest.endswith("。") and _plain(rest[:-1]):
            node.heading = rest[:-1]


def _numbering_warnings(nodes: list[_Node]) -> list[NumberingWarning]:
    warnings: list[NumberingWarning] = []
    last_run_end: dict[tuple[int | None, str], int] = {}
    previous: dict[tuple[int | None, int | None, str], _Node] = {}
    for node in nodes:
        if node.number is None or node.kind == "table":
            continue
        run = (node.container, node.parent, node.kind)
        before = previous.get(run)
        if before is None:
            carried = last_run_end.get((node.container, node.kind))
            if node.number != 1 and (carried is None or node.number != carried + 1):
                warnings.append(NumberingWarning(node.label, _start_message(node, carried)))
        elif node.number != before.number + 1:
            what = "repeats" if node.number == before.number else "does not follow"
            warnings.append(NumberingWarning(
                node.label, f"{node.kind} {node.label} {what} {before.label}"))
        previous[run] = node
        last_run_end[(node.container, node.kind)] = node.number
    return warnings


def _start_message(node: _Node, carried: int | None) -> str:
    also = f" nor continues from {carried}" if carried is not None else ""
    return f"{node.kind} run starts at {node.label}: neither 1{also}"


def _freeze(nodes: list[_Node], text: str) -> tuple[ArticleNode, ...]:
    levels: list[int] = []
    for node in nodes:
        levels.append(1 if node.parent is None else levels[node.parent] + 1)
    return tuple(
        ArticleNode(seq=i, parent_seq=n.parent, level=levels[i], kind=n.kind, label=n.label,
                    number=n.number, heading=n.heading, char_start=n.start, char_end=n.end,
                    text=text[n.start:n.end])
        for i, n in enumerate(nodes))
