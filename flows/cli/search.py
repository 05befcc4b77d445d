"""The `gazette search` command: the provisions that hold every word of a phrase, read-only.

DuckDB's full-text extension needs an INSTALL (the network) and the analyst's connection loads
no extension, so the search is plain SQL: the phrase is cut into words by jieba, a provision
must contain each of them, and provisions rank by how often the whole phrase occurs, then its
words, then by shortness.
"""
from __future__ import annotations

import argparse
import functools
import sys
from dataclasses import dataclass

from flows.cli.command import Command

# Characters of context shown before a provision's first hit, and in all.
SNIPPET_BEFORE = 12
SNIPPET_CHARS = 48
# The smallest provision holding every word: a parent whose child holds them all is left out,
# since the child says the same in fewer words. One text of each version (v_documents_all_versions).
SEARCH_SQL = """
with hits as (
    select a.article_id, a.parent_id, a.path_label, a.text, d.doc_id, d.doc_number, d.title,
           {phrase} as phrase, ({occurrences}) as occurrences
    from articles a join v_documents_all_versions d using (doc_id)
    where {every_word}
)
select doc_id, coalesce(doc_number, title), path_label, text from hits h
where not exists (select 1 from hits c where c.parent_id = h.article_id)
order by phrase desc, occurrences desc, length(text), doc_id, article_id
limit ?
"""


def add_search_arguments(search: argparse.ArgumentParser) -> None:
    search.add_argument("text", help="words to find, e.g. 医药创新服务券")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N provisions (default 20)")


def run_search(args) -> int:
    from flows import catalog

    words = search_words(args.text)
    if not words:
        print("gazette: nothing to search for: give words, not only punctuation", file=sys.stderr)
        return 2
    with catalog.reading(args.db) as con:
        hits = search_provisions(con, args.text, words, args.limit)
    for hit in hits:
        print(f"{hit.doc_id}  {hit.document}  {hit.path_label}  {snippet(hit.text, hit.first)}")
    if not hits:
        print(f"no provision holds every word of {args.text!r} ({' '.join(words)})", file=sys.stderr)
    return 0


@dataclass(frozen=True)
class SearchHit:
    """A provision holding every word: its document (`document` its 文号, else title), label
    path and text, and `first`, the phrase itself when it occurs whole, else its first word."""
    doc_id: str
    document: str
    path_label: str
    text: str
    first: str


def search_provisions(con, text: str, words: list[str], limit: int) -> list[SearchHit]:
    """The smallest provisions holding every one of `words` (search_words of `text`), best first."""
    phrase = text.strip()
    rows = con.execute(*search_sql(phrase, words, limit)).fetchall()
    return [SearchHit(doc_id, document, label, body, phrase if phrase in body else words[0])
            for doc_id, document, label, body in rows]


def search_words(text: str) -> list[str]:
    """The words jieba's own dictionary cuts from `text`, without punctuation and repeats, in order."""
    words = [w for w in _tokenizer().lcut(text, HMM=False) if any(ch.isalnum() for ch in w)]
    return list(dict.fromkeys(words))


@functools.lru_cache(maxsize=1)
def _tokenizer():
    """A jieba tokenizer of its own: the extractors add their terms (1类新药) to jieba's shared one,
    and a search must cut a phrase the same way whatever ran before it in the process."""
    from extractors.nlp_imports import import_jieba

    return import_jieba().Tokenizer()


def search_sql(phrase: str, words: list[str], limit: int) -> tuple[str, list]:
    """SEARCH_SQL and its parameters: the phrase and each word bound to count it, each word
    then to require it."""
    count = "(length(a.text) - length(replace(a.text, ?, ''))) // length(?)"
    sql = SEARCH_SQL.format(phrase=count, occurrences=" + ".join([count] * len(words)),
                            every_word=" and ".join(["contains(a.text, ?)"] * len(words)))
    return sql, [phrase, phrase] + [w for w in words for _ in range(2)] + words + [limit]


def snippet(text: str, word: str) -> str:
    """A line of `text` around the first place `word` occurs."""
    flat = " ".join(text.split())
    start = max(0, flat.find(word) - SNIPPET_BEFORE)
    piece = flat[start:start + SNIPPET_CHARS]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(flat) else "")


SEARCH = Command(
    "search", help="the provisions that hold every word of a phrase (read-only)",
    description="Cut TEXT into words (jieba) and list the smallest provisions holding all of "
                "them, most occurrences first, then the shortest: doc id, 文号 or title, label "
                "path and the text around the first word. `gazette show DOC LABEL` prints one.",
    add_arguments=add_search_arguments, run=run_search)
