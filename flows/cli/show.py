"""The `gazette show` command: a document or one provision, its facts marked inline, read-only.

A document is named as `gazette diff` names one (doc id or 文号), or by a fragment of its title;
a provision by its label as printed (第六条, 10.) or its label path (二/(二)/10). On a terminal
each fact's words are highlighted in its kind's colour (`--color`).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from decimal import Decimal

from flows.cli.command import Command, add_color_argument, wants_colour
from schemas.errors import DocumentRefError

DOCUMENT_COLUMNS = "doc_id, doc_number, title, issuer, issued_date, doc_key, text"
# A text file's printed pages are its PDF twin's (flows/ingest/printed_pages.py).
PAGES_SQL = "select printed_page_start, printed_page_end, page_source from documents where doc_id = ?"
# How a page not read from the page itself is told apart.
PAGE_SOURCE_NOTES = {"toc_start": " (table of contents)", "pdf_index": " (PDF pages)"}
# The printed page each article begins on, beside the line it begins; the pages of a text with
# only its table of contents' first page are not where its articles begin.
ARTICLE_PAGES_SQL = """
select distinct a.char_start, a.printed_page from articles a join documents d using (doc_id)
where a.doc_id = ? and a.char_start >= ? and a.char_start < ? and a.printed_page is not null
  and d.page_source <> 'toc_start' order by a.char_start
"""
ARTICLE_SQL = """
select path_label, char_start, char_end, printed_page from articles
where doc_id = $1 and (path_label = $2 or label = $2 or path_label like '%/' || $2) order by seq
"""
# On a terminal a fact's words are bold in its kind's colour and its reading follows in that colour.
RESET, BOLD = "\033[0m", "\033[1m"
KIND_COLOURS = {"money": "\033[33m", "percent": "\033[33m", "date": "\033[32m", "bureau": "\033[36m",
                "doc_number": "\033[35m"}
OTHER_KIND_COLOUR = "\033[34m"  # a kind registered later (docs/extending.md)
FACTS_SQL = """
select kind, char_start, char_end, value_num, value_text, role, scope, condition, basis from facts
where doc_id = ? and char_start >= ? and char_end <= ? order by char_end, char_start, fact_id
"""


def add_show_arguments(show: argparse.ArgumentParser) -> None:
    show.add_argument("doc", help="doc id, 文号 or a fragment of the title")
    show.add_argument("article", nargs="?", help="a provision: its label (第六条) or path (二/(二)/10)")
    add_color_argument(show, "the facts")


def run_show(args) -> int:
    from flows import catalog

    with catalog.reading(args.db) as con:
        doc = document_named(con, args.doc)
        start, end, path = provision(con, doc, args.article)
        facts = con.execute(FACTS_SQL, [doc["doc_id"], start, end]).fetchall()
        pages = con.execute(PAGES_SQL, [doc["doc_id"]]).fetchone()
        # A provision's own page is on its heading line; the articles under it are marked.
        article_pages = con.execute(ARTICLE_PAGES_SQL, [doc["doc_id"], start + (path is not None), end]).fetchall()
    page_marks = [(at, page) for at, page in article_pages if at == 0 or doc["text"][at - 1] == "\n"]
    text = marked(doc["text"], start, end, facts, page_marks, colour=wants_colour(args.color))
    sys.stdout.write(heading(doc, pages, path) + text + "\n")
    return 0


def document_named(con, ref: str) -> dict:
    """The one document `ref` names: a doc id (any rendition), a 文号 (one text of it), or a
    title fragment; the last two read the best rendition of each version's text."""
    from extractors.issue import normalize_doc_number

    for table, where, value in (("documents", "doc_id = ?", ref),
                                ("v_documents_all_versions", "doc_number = ?", normalize_doc_number(ref)),
                                ("v_documents_all_versions", "contains(title, ?)", ref)):
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
    """The character span of the provision `label` names in `doc` (all of it when None), and its
    path with the printed page it begins on."""

    if label is None:
        return 0, len(doc["text"]), None
    rows = con.execute(ARTICLE_SQL, [doc["doc_id"], label]).fetchall()
    if len(rows) != 1:
        paths = ", ".join(r[0] for r in rows[:10])
        raise DocumentRefError(f"{label!r} names {len(rows)} provisions of {doc['doc_id']}"
                               + (f" ({paths}): give its path" if rows else ""))
    path, start, end, page = rows[0]
    return start, end, path if page is None else f"{path} · p. {page}"


def heading(doc: dict, pages: tuple, path: str | None) -> str:
    first = " ".join(p for p in (doc["doc_number"], doc["title"]) if p)
    about = [doc["doc_id"], doc["issuer"], doc["issued_date"] and doc["issued_date"].isoformat()]
    about.append(pages_text(pages))
    lines = [first, " · ".join(str(a) for a in about if a)] + ([path] if path else [])
    return "\n".join(lines) + "\n\n"


def pages_text(pages: tuple | None) -> str | None:
    """A row of PAGES_SQL as read: `p. 79`, `pp. 67–77`, with how the pages were found when not
    from the page itself; None when the document prints none."""
    first, last, source = pages or (None, None, None)
    if first is None:
        return None
    note = PAGE_SOURCE_NOTES.get(source, "")
    return f"p. {first}{note}" if last in (None, first) else f"pp. {first}–{last}{note}"


@dataclass(frozen=True)
class Annotation:
    """What a reader is shown at offset `at` of a text: a fact's reading after its words
    (`start` where the words begin, `kind` the fact's kind) or the printed page an article
    beginning there is on (`kind` "page", `start` == `at`)."""
    at: int
    start: int
    kind: str
    label: str


def annotations(text: str, facts: list[tuple], page_marks: list[tuple[int, int]] = ()) -> list[Annotation]:
    """The page marks (offset, page) and each fact's reading (rows of FACTS_SQL), in the order
    they are shown: by offset, a page before the facts ending there."""
    found = [Annotation(at, at, "page", str(page)) for at, page in page_marks]
    for kind, fact_start, fact_end, value_num, value_text, *qualifiers in facts:
        words = text[fact_start:fact_end]
        value_text = None if value_text == words else value_text
        found.append(Annotation(fact_end, fact_start, kind, fact_reading(kind, value_num, value_text, *qualifiers)))
    return sorted(found, key=lambda a: a.at)


def marked(text: str, start: int, end: int, facts: list[tuple],
           page_marks: list[tuple[int, int]] = (), colour: bool = False) -> str:
    """text[start:end] with each fact's reading in 【】 right after its words, and the printed
    page `[p. 79]` before each article beginning a line (`page_marks`: offset, page); with
    `colour`, the words and the reading in ANSI colours too (of a fact ending inside another, the
    other's words are coloured from where the first ends)."""
    out, at = [], start
    for note in annotations(text, facts, page_marks):
        if note.kind == "page":
            out.append(text[at:note.at] + f"[p. {note.label}] ")
        else:
            words_from = max(at, note.start)
            hue = KIND_COLOURS.get(note.kind, OTHER_KIND_COLOUR)
            out.append(text[at:words_from] + _painted(text[words_from:note.at], colour, BOLD + hue))
            out.append(_painted(f"【{note.label}】", colour, hue))
        at = note.at
    out.append(text[at:end])
    return "".join(out)


def _painted(text: str, colour: bool, style: str) -> str:
    return f"{style}{text}{RESET}" if colour and text else text


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
                "with each fact's value, role and scope in 【】 after its words, and the printed "
                "pages (a text file's from its PDF rendition): the document's, and [p. N] before "
                "each article. On a terminal the facts are highlighted (money and percentages "
                "yellow, dates green, bureaus cyan, 文号 magenta).",
    add_arguments=add_show_arguments, run=run_show)
