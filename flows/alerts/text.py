"""The words of an alert: an issue, its documents and their headline facts, a revision's changes.

Headline facts are what an analyst decides on: the largest money cap (with whom it binds), the
application windows and deadlines, what a document repeals, and until when it is valid.
"""
from __future__ import annotations

from decimal import Decimal

SCOPE_WORDS = {
    "per_enterprise_per_year": "单个企业每年", "per_product": "单品种", "per_project": "单个项目",
    "per_contract": "单个合同", "per_application": "单次申报", "total": "总额",
}
WINDOWS_SHOWN = 3

LARGEST_CAP = """
select value_num, scope, condition from facts
where doc_id = ? and kind = 'money' and role = 'cap'
order by value_num desc, char_start limit 1
"""
# Windows and deadlines, each date as precise as the document states it (2026年1月底 → 2026-01).
WINDOWS = """
select distinct date_as_written(opens, opens_precision) as opens,
       date_as_written(closes, closes_precision) as closes
from v_application_windows_all_versions where doc_id = $doc
union
select distinct null, date_as_written(due, due_precision) from v_deadlines_all_versions
where doc_id = $doc and kind = 'deadline'
order by closes nulls last, opens nulls first
"""
REPEALS = """
select distinct coalesce(to_doc_number, '《' || to_title || '》') from relations
where from_doc_id = ? and kind = 'repeals' order by 1
"""


def format_yuan(amount: Decimal) -> str:
    """Yuan as an analyst writes it: 100000000 → 1亿元, 5000000 → 500万元, 2000 → 2000元."""
    for unit, word in ((Decimal(100_000_000), "亿元"), (Decimal(10_000), "万元")):
        if amount >= unit:
            return f"{_plain(amount / unit)}{word}"
    return f"{_plain(amount)}元"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cap_words(value: Decimal, scope: str | None, condition: str | None) -> str:
    qualifiers = [q for q in (SCOPE_WORDS.get(scope or ""), condition) if q]
    return format_yuan(value) + (f"（{'，'.join(qualifiers)}）" if qualifiers else "")


def window_words(opens: str | None, closes: str | None) -> str:
    if opens and closes:
        return f"申报 {opens} 至 {closes}"
    return f"自 {opens} 起" if opens else f"截止 {closes}"


def headline_facts(con, doc_id: str) -> list[str]:
    """The largest cap, the windows, what it repeals and its expiry, each as a short phrase."""
    facts = []
    cap = con.execute(LARGEST_CAP, [doc_id]).fetchone()
    if cap is not None:
        facts.append("最高 " + cap_words(*cap))
    (expiry,) = con.execute("select expiry_date from documents where doc_id = ?", [doc_id]).fetchone()
    expiry = expiry.isoformat() if expiry else None
    # 至2027年12月31日结束 is read both as a deadline and as the expiry: say it once.
    windows = [w for w in con.execute(WINDOWS, {"doc": doc_id}).fetchall() if w[0] or w[1] != expiry]
    facts += [window_words(o, c) for o, c in windows[:WINDOWS_SHOWN]]
    repealed = [r for (r,) in con.execute(REPEALS, [doc_id]).fetchall()]
    if repealed:
        facts.append("废止 " + "、".join(repealed))
    if expiry:
        facts.append(f"有效期至 {expiry}")
    return facts


def document_title(con, doc_id: str) -> str:
    number, title, is_draft = con.execute(
        "select doc_number, title, is_draft from documents where doc_id = ?", [doc_id]).fetchone()
    draft = "（征求意见稿）" if is_draft and "征求意见稿" not in title else ""
    return " ".join(p for p in (number, title + draft) if p)


def document_line(con, doc_id: str) -> str:
    """`文号 title`, then its headline facts indented on a second line when it has any."""
    facts = headline_facts(con, doc_id)
    title = document_title(con, doc_id)
    return title + ("\n   " + "；".join(facts) if facts else "")


def where_published(con, doc_id: str) -> str:
    """The issue a document came in (北京市人民政府公报 2025年第27期), else its file."""
    publication, year, issue_no, path = con.execute(
        "select i.publication, i.year, i.issue_no, s.path from documents d join sources s using (source_id) "
        "left join issues i on i.issue_id = d.issue_id where d.doc_id = ?", [doc_id]).fetchone()
    return f"{publication} {year}年第{issue_no}期" if publication else path


def issue_subject(con, issue_id: str, documents: int) -> str:
    publication, year, issue_no, total_no, issue_date = con.execute(
        "select publication, year, issue_no, total_no, issue_date from issues where issue_id = ?",
        [issue_id]).fetchone()
    extra = "，".join(p for p in (f"总第{total_no}期" if total_no else None,
                                  issue_date.isoformat() if issue_date else None) if p)
    return f"{publication} {year}年第{issue_no}期" + (f"（{extra}）" if extra else "") + f"：{documents}件文件"


def revision_lines(con, old_doc_id: str, new_doc_id: str,
                   revision_id: str | None = None) -> tuple[str, list[str]]:
    """A revision's subject and lines: the new version, then its fact changes (the revision
    stage's when it diffed the two, else the headline facts compared here)."""
    if revision_id is not None:
        changes = [summary for (summary,) in con.execute(
            "select summary from revision_changes where revision_id = ? and subject = 'fact' "
            "and kind <> 'unchanged' order by seq", [revision_id]).fetchall()]
    else:
        changes = fact_changes(con, old_doc_id, new_doc_id)
    subject = f"修订：{document_title(con, new_doc_id)}"
    lines = [f"   来源：{where_published(con, new_doc_id)}；上一版本：{where_published(con, old_doc_id)}"]
    lines += [f"   {c}" for c in changes] or ["   事实无变化（正文有改动）"]
    facts = headline_facts(con, new_doc_id)
    if facts:
        lines.append("   现行：" + "；".join(facts))
    return subject, lines


def fact_changes(con, old_doc_id: str, new_doc_id: str) -> list[str]:
    """Caps, windows and repeals that one version has and the other lacks, a changed cap paired."""
    old, new = _fact_set(con, old_doc_id), _fact_set(con, new_doc_id)
    removed, added = [f for f in old if f not in new], [f for f in new if f not in old]
    lines = []
    for kind, key, words in list(removed):
        match = next((a for a in added if a[0] == kind == "cap" and a[1][1:] == key[1:]), None)
        if match is not None:
            lines.append(f"上限 {format_yuan(key[0])} → {cap_words(*match[1])}")
            removed.remove((kind, key, words))
            added.remove(match)
    lines += [f"删除 {words}" for _, _, words in removed]
    lines += [f"新增 {words}" for _, _, words in added]
    return lines


def _fact_set(con, doc_id: str) -> list[tuple[str, tuple, str]]:
    caps = con.execute("select distinct value_num, scope, condition from facts where doc_id = ? "
                       "and kind = 'money' and role = 'cap' order by 1 desc, 2, 3", [doc_id]).fetchall()
    windows = con.execute(WINDOWS, {"doc": doc_id}).fetchall()
    repeals = con.execute(REPEALS, [doc_id]).fetchall()
    return ([("cap", tuple(c), "上限 " + cap_words(*c)) for c in caps]
            + [("window", tuple(w), window_words(*w)) for w in windows]
            + [("repeal", r, f"废止 {r[0]}") for r in repeals])
