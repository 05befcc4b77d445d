"""Sections whose heading gives their bodies a role, and the bodies named in them.

A guide often lists who handles each case under a heading instead of after a label:

    （一）申请受理责任部门
    1.高层次人才…。天河区委组织部人才工作科，天河区天府路1号…
    2.重点企业人才…。各重点企业联系服务部门具体受理，由天河中央商务区管委会企业服务处汇总…

(guide-tianhe-talent-apartments-2025 四（一）). Inside such a section a clause that is a body's name,
or a name and a short predicate (具体受理, 汇总), names a responsible body. The section runs to the
next heading of its own rank or a higher one. A task table does the same by a column whose
header is the role (序号⇥重点任务⇥牵头单位⇥配合单位: the reader keeps a row's cells apart by tabs).
Offsets index the (width-folded) text given.
"""
from __future__ import annotations

import regex

from extractors.facts.bureau_lists import Body, split_bodies

ROLE_HEADING = regex.compile(
    r"^[ \t]*(?P<label>\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d{1,2}[.、])?[ \t]*"
    r"[^\n,，。;；:：]{0,12}?(?:(?P<lead>责任部门|责任单位|主责部门|主责单位|负责部门|牵头单位)|受理部门|受理单位|经办部门)"
    r"[ \t]*$",
    regex.MULTILINE,
)
ROLE_WORDS = regex.compile(r"责任部门|责任单位|受理部门|受理单位|主责|负责部门|牵头单位|经办部门")
# Ranks of the numbering a heading or an item starts with: 一、 above （一） above 1.
RANKS = (regex.compile(r"[ \t]*[一二三四五六七八九十]+、"), regex.compile(r"[ \t]*\([一二三四五六七八九十]+\)"),
         regex.compile(r"[ \t]*\d{1,2}[.、](?!\d)"))
ITEM_LABEL = regex.compile(r"[ \t]*(?:\d{1,2}[.、](?!\d)|\(\d{1,2}\)|\([一二三四五六七八九十]+\))[ \t]*")
CLAUSE = regex.compile(r"[^。；;，,:：\n]+")
MAX_SECTION_LINES = 12
ROLE_COLUMN = regex.compile(r"[ \t]*(?:责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|参与单位|主责单位|主责部门"
                            r"|负责单位|负责部门|实施主体|责任主体)[ \t]*")
CELL = regex.compile(r"[^\t\n]+")
# What may follow a name in its clause: a short predicate without figures (具体受理, 汇总).
PREDICATE_CHARS = 6


def section_bodies(text: str) -> list[Body]:
    """The bodies named in sections whose heading gives them a role; they lead where the heading
    makes them responsible (责任部门), and have no role where it only has them handle (受理部门)."""
    if not ROLE_WORDS.search(text):
        return []
    spans: list[Body] = []
    for heading in ROLE_HEADING.finditer(text):
        rank = _rank(text, heading.start())
        role = "lead" if heading.group("lead") else None
        pos = heading.end() + 1
        for _ in range(MAX_SECTION_LINES):
            if pos >= len(text):
                break
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            line_rank = _rank(text, pos)
            if line_rank is not None and (rank is None or line_rank <= rank):
                break
            spans += [b._replace(role=role) for b in _line_bodies(text, pos, end)]
            pos = end + 1
    return spans


def _rank(text: str, pos: int) -> int | None:
    for rank, pattern in enumerate(RANKS):
        if pattern.match(text, pos):
            return rank
    return None


def _line_bodies(text: str, start: int, end: int) -> list[Body]:
    label = ITEM_LABEL.match(text, start, end)
    if label is not None:
        start = label.end()
    found: list[Body] = []
    for clause in CLAUSE.finditer(text, start, end):
        s, e = clause.span()
        if text.startswith("由", s):
            s += 1
        for cut in range(e, max(s + 1, e - PREDICATE_CHARS - 1), -1):
            if cut < e and regex.search(r"[\d\W]", text[cut:e]):
                continue
            bodies = split_bodies(text, s, cut)
            if bodies:
                found += bodies
                break
    return found


def role_column_cells(text: str) -> list[tuple[int, int, str]]:
    """(start, end, header) of the cells under a table header naming a role (牵头单位), row by row
    until the table ends (a line without the header's cells); `header` is the role's label."""
    if "\t" not in text:
        return []
    cells: list[tuple[int, int, str]] = []
    lines = [(m.start(), m.end()) for m in regex.finditer(r"[^\n]*", text) if m.end() > m.start()]
    columns: list[tuple[int, str]] = []
    width = 0
    for start, end in lines:
        row = list(CELL.finditer(text, start, end)) if "\t" in text[start:end] else []
        header = [(k, cell.group().strip()) for k, cell in enumerate(row) if ROLE_COLUMN.fullmatch(cell.group())]
        if header:
            columns, width = header, len(row)
        elif columns and len(row) == width:
            cells += [(*row[k].span(), label) for k, label in columns]
        else:
            columns = []
    return cells
