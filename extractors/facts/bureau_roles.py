"""A bureau's role in a measure as its text writes it (schemas.records.BureauRole).

A labelled list's label gives its bodies a role: 牵头单位 lead, 配合单位 and 参与单位 cooperate,
and a 责任单位 list is RANKED, its first body leading and the others cooperating (jjgf-2025-9:
责任单位:生物技术和大健康产业链,科技和产业促进局). A role written at the end of a list's item
beats the label's for every body of the item (责任单位:A、B牵头，C配合). Labels that only place a
body (实施主体, 联系单位) give none. Offsets index the (width-folded) text given.
"""
from __future__ import annotations

import regex

from schemas.records import BureauRole

RANKED = "ranked"
LABEL_ROLES: dict[str, BureauRole | str] = {
    "责任单位": RANKED, "责任部门": RANKED, "责任主体": RANKED,
    "牵头单位": "lead", "牵头部门": "lead", "负责部门": "lead", "负责单位": "lead", "主责部门": "lead",
    "主责单位": "lead", "主管部门": "lead", "主管单位": "lead",
    "配合单位": "cooperating", "配合部门": "cooperating", "参与单位": "cooperating", "协办单位": "cooperating",
}
WRITTEN_ROLE = regex.compile(r"(?:(?P<lead>牵头负责|牵头|负责)|(?P<cooperating>配合|参与|协助|协同))\s*$")
ITEM_END = regex.compile(r"[,，;；]")


def label_role(label: str) -> BureauRole | str | None:
    """The role a list's label gives its bodies: a BureauRole, RANKED, or None."""
    return LABEL_ROLES.get(label)


def role_in_list(span: str, end: int, role: BureauRole | str | None, rank: int) -> BureauRole | None:
    """The role of the body that ends at `end` in a list, the `rank`th body of it (from 0):
    as written at the end of its item, else the list's `role` (label_role)."""
    item_end = ITEM_END.search(span, end)
    written = WRITTEN_ROLE.search(span, end, item_end.start() if item_end else len(span))
    if written is not None:
        return "lead" if written.group("lead") else "cooperating"
    if role == RANKED:
        return "lead" if rank == 0 else "cooperating"
    return role
