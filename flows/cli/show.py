"""The `gazette show` command: a document or one provision, its facts marked inline, read-only.

A document is named as `gazette diff` names one (doc id or 文号), or by a fragment of its title;
a provision by its label as printed (第六条, 10.) or its label path (二/(二)/10).
"""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal

from flows.cli.command import Command
from schemas.errors import DocumentRefError

DOCUMENT_COLUMNS = "doc_id, doc_number, title, issuer, issued_date, doc_key, text"
# The pages of a rendition of the same text in the same issue (or, like it, in none): a text
# file's PDF twin knows them, a printing in another issue has pages of its own.
PAGES_SQL = """
select min(d.page_start), max(d.page_end) from documents d left join issues i using (issue_id)
where d.doc_key = $1 and d.page_start is not null
  and i.issue_key is not distinct from (select i.issue_key from documents x left join issues i using (issue_id)
                                         where x.doc_id = $2)
"""
ARTICLE_SQL = """
select path_label, char_start, char_end from articles
where doc_id = $1 and (path_label = $2 or label = $2 or path_label like '%/' || $2) order by seq
"""
FACTS_SQL = """
select kind, char_start, char_end, value_num, value_text, role, scope, condition, basis from facts
where doc_id = ? and char_start >= ? and char_end <= ? order by char_end, char_start, fact_id
"""


def add_show_arguments(show: argparse.ArgumentParser) -> None:
    show.add_argument("doc", help="doc id, 文号 or a fragment of the title")
    show.add_argument("article", nargs="?", help="a provision: its label (第六条) or path (二/(二)/10)")


def run_show(args) -> int:
    from flows import catalog

    with catalog.reading(args.db) as con:
        doc = document_named(con, args.doc)
        start, end, path = provision(con, doc, args.article)
        facts = con.execute(FACTS_SQL, [doc["doc_id"], start, end]).fetchall()
        pages = con.execute(PAGES_SQL, [doc["doc_key"], doc["doc_id"]]).fetchone()
    sys.stdout.write(heading(doc, pages, path) + marked(doc["text"], start, end, facts) + "\n")
    return 0


def document_named(con, ref: str) -> dict:
    """The one document `ref` names: a doc id (any rendition), a 文号 (one text of it), or a
    title fragment; the last two read the best rendition of each text (v_documents)."""
    from extractors.issue import normalize_doc_number

    for table, where, value in (("documents", "doc_id = ?", ref),
                                ("v_documents", "doc_number = ?", normalize_doc_number(ref)),
                                ("v_documents", "contains(title, ?)", ref)):
        rows = con.execute(f"select {DOCUMENT_COLUMNS} from {table} where {where} order by doc_id",
                           [value]).fetchall()
        if rows:
            break
    if len(rows) != 1:
        listed = "; ".join(f"{r[0]} {r[1] or ''} {r[2]}" for r in rows[:10])
        raise DocumentRefError(f"{ref!r} names {len(rows)} documents ({listed}): give a doc id"
                               if rows else f"no document {ref!r}: give a doc id, a 文号 or part of a title")
    return dict(zip(DOCUMENT_COLUMNS.split(", "), rows[0]))


def provision(con, doc: dict, label: str | None) -> tuple[int, int, str | None]:
    """The character span of the provision `label` names in `doc` (all of it when None), and its path."""

    if label is None:
        return 0, len(doc["text"]), None
    rows = con.execute(ARTICLE_SQL, [doc["doc_id"], label]).fetchall()
    if len(rows) != 1:
        paths = ", ".join(r[0] for r in rows[:10])
        raise DocumentRefError(f"{label!r} names {len(rows)} provisions of {doc['doc_id']}"
                               + (f" ({paths}): give its path" if rows else ""))
    path, start, end = rows[0]
    return start, end, path


def heading(doc: dict, pages: tuple, path: str | None) -> str:
    first = " ".join(p for p in (doc["doc_number"], doc["title"]) if p)
    about = [doc["doc_id"], doc["issuer"], doc["issued_date"] and doc["issued_date"].isoformat()]
    if pages and pages[0] is not None:
        about.append(f"p. {pages[0]}" if pages[0] == pages[1] else f"pp. {pages[0]}–{pages[1]}")
    lines = [first, " · ".join(str(a) for a in about if a)] + ([path] if path else [])
    return "\n".join(lines) + "\n\n"


def marked(text: str, start: int, end: int, facts: list[tuple]) -> str:
    """text[start:end] with each fact's reading in 【】 right after its words."""
    out, at = [], start
    for kind, fact_start, fact_end, value_num, value_text, *qualifiers in facts:
        out.append(text[at:fact_end])
        at = fact_end
        words = text[fact_start:fact_end]
        value_text = None if value_text == words else value_text
        out.append(f"【{fact_reading(kind, value_num, value_text, *qualifiers)}】")
    out.append(text[at:end])
    return "".join(out)


def fact_reading(kind: str, value_num, value_text, role, scope, condition, basis) -> str:
    """A fact as an analyst reads it: its value (money in 万元/亿元; its kind when the words
    are the value), role, scope, the case it belongs to and what a percentage applies to."""
    from flows.alerts.text import format_yuan

    if kind == "money" and value_num is not None:
        value = format_yuan(Decimal(value_num))
    elif kind == "percent" and value_num is not None:
        value = f"{format(Decimal(value_num) * 100, 'f').rstrip('0').rstrip('.')}%"
    else:
        value = value_text or kind
    return " ".join(str(p) for p in (value, role, scope, condition, basis) if p and p != "other")


SHOW = Command(
    "show", help="a document or one provision, with its facts marked (read-only)",
    description="Print a document, named by doc id, 文号 or part of its title, or one of its "
                "provisions (its label as printed, e.g. 第六条, or its path, e.g. 二/(二)/10), "
                "with each fact's value, role and scope in 【】 after its words and the printed "
                "pages when a PDF rendition gives them.",
    add_arguments=add_show_arguments, run=run_show)
