"""The catalog writer and reader: the only module that opens DuckDB.

Each source is written in one transaction, so a failure leaves either all of its rows or none.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

import duckdb

from extractors.sentences import sentence_around
from extractors.textnorm import normalize_for_compare
from schemas.ddl import latest_version, migrations
from schemas.errors import CatalogBusyError, CatalogVersionError, QueryError
from schemas.records import ArticleNode, ParsedDocument, ParsedSource

DEFAULT_DB = Path("data/warehouse/catalog.duckdb")
LOCK_MESSAGE = "Could not set lock"


@dataclass(frozen=True)
class SourceFile:
    """A raw file as the catalog knows it: its content hash, where it was found and its size."""
    source_id: str
    path: str
    media_type: str
    size: int


def connect(db_path: Path, read_only: bool = False, lock_timeout: float = 30.0):
    """Open the catalog, waiting up to `lock_timeout` s for another process's lock.

    A writable connection is migrated to the latest schema; a read-only one must already be.
    """
    db_path = Path(db_path)
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"no catalog at {db_path}: run `gazette ingest` first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if LOCK_MESSAGE not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise CatalogBusyError(
                    f"catalog busy: {db_path} is held by another process ({exc}). "
                    "Wait for it to finish or close the other connection, then retry."
                ) from exc
            time.sleep(0.2)
    if read_only:
        _check_version(con, db_path)
    else:
        migrate(con)
    return con


def schema_version(con) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()[0]


def _check_version(con, db_path: Path) -> None:
    have, want = schema_version(con), latest_version()
    if have > want:
        raise CatalogVersionError(
            f"{db_path} has schema version {have}, newer than this code's {want}: upgrade the code"
        )
    if have < want:
        raise CatalogVersionError(
            f"{db_path} has schema version {have}, this code needs {want}: "
            "run any writing command (e.g. `gazette ingest`) once to migrate it"
        )


def migrate(con) -> list[int]:
    """Apply the migrations the catalog lacks, each in its own transaction; returns those applied."""
    have = schema_version(con)
    if have > latest_version():
        raise CatalogVersionError(
            f"catalog schema version {have} is newer than this code's {latest_version()}: upgrade the code"
        )
    applied = []
    for mg in migrations():
        if mg.version <= have:
            continue
        con.execute("begin transaction")
        try:
            con.execute(mg.sql)
            con.execute("insert into schema_migrations values (?, ?, ?)", [mg.version, mg.name, _now()])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(mg.version)
    return applied


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def sha256_file(path: Path) -> str:
    """Content hash of a raw file, read in chunks so that large files stay out of memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_status(con, source_id: str) -> Optional[str]:
    row = con.execute("select status from sources where source_id = ?", [source_id]).fetchone()
    return row[0] if row else None


def record_path(con, source_id: str, path: str) -> bool:
    """Remember another name of known bytes; True when the path is new."""
    seen = con.execute(
        "select count(*) from source_paths where source_id = ? and path = ?", [source_id, path]
    ).fetchone()[0]
    if seen:
        return False
    con.execute("insert into source_paths values (?, ?, ?)", [source_id, path, _now()])
    return True


def delete_source(con, source_id: str) -> None:
    """Remove every row derived from a source (used by --force before it is written again)."""
    doc_ids = "select doc_id from documents where source_id = ?"
    issue_ids = "select issue_id from issues where source_id = ?"
    for table, column, sub in (
        ("facts", "doc_id", doc_ids), ("relations", "from_doc_id", doc_ids),
        ("articles", "doc_id", doc_ids), ("document_warnings", "doc_id", doc_ids),
        ("issue_toc", "issue_id", issue_ids),
    ):
        con.execute(f"delete from {table} where {column} in ({sub})", [source_id])
    for table in ("documents", "issues", "sources"):
        con.execute(f"delete from {table} where source_id = ?", [source_id])


def write_source(con, source: SourceFile, parsed: ParsedSource, force: bool = False) -> None:
    """Write one parsed (or quarantined) source and everything derived from it, atomically."""
    con.execute("begin transaction")
    try:
        if force:
            delete_source(con, source.source_id)
        _insert_source(con, source, parsed)
        record_path(con, source.source_id, source.path)
        if parsed.error is None:
            issue_id = _insert_issue(con, source, parsed)
            doc_ids = [_insert_document(con, source, issue_id, doc) for doc in parsed.documents]
            if issue_id is not None:
                _insert_toc(con, issue_id, parsed, doc_ids)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _insert_source(con, source: SourceFile, parsed: ParsedSource) -> None:
    status = "ok" if parsed.error is None else "quarantined"
    con.execute(
        "insert into sources values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source.source_id, source.path, source.media_type, status, parsed.error, parsed.pages,
         source.size, list(parsed.warnings), _now()],
    )


def issue_key(parsed: ParsedSource) -> Optional[str]:
    meta = parsed.issue
    return None if meta is None else f"{meta.publication}/{meta.year}/{meta.issue_no}"


def _insert_issue(con, source: SourceFile, parsed: ParsedSource) -> Optional[str]:
    meta = parsed.issue
    if meta is None:
        return None
    key = issue_key(parsed)
    issue_id = f"{key}@{source.source_id[:12]}"
    con.execute(
        "insert into issues values (?, ?, ?, ?, ?, ?, ?, ?)",
        [issue_id, key, source.source_id, meta.publication, meta.year, meta.issue_no,
         meta.total_no, meta.issue_date],
    )
    return issue_id


def _insert_toc(con, issue_id: str, parsed: ParsedSource, doc_ids: list[str]) -> None:
    found = {}
    for doc, doc_id in zip(parsed.documents, doc_ids):
        if doc.span.toc_entry is not None:
            found[doc.span.toc_entry.seq] = doc_id
    for entry in parsed.issue.toc:
        con.execute(
            "insert into issue_toc values (?, ?, ?, ?, ?, ?, ?, ?)",
            [issue_id, entry.seq, entry.section, entry.title_zh, entry.title_en, entry.doc_number,
             entry.printed_page, found.get(entry.seq)],
        )


def document_key(text: str) -> str:
    """Renditions of one text (PDF and text file) share this key; any content change alters it."""
    return hashlib.sha256(normalize_for_compare(text).encode("utf-8")).hexdigest()[:16]


def policy_key(doc: ParsedDocument) -> str:
    if doc.span.doc_number:
        return doc.span.doc_number
    return normalize_for_compare(doc.span.title)


def _insert_document(con, source: SourceFile, issue_id: Optional[str], doc: ParsedDocument) -> str:
    span = doc.span
    doc_id = f"{source.source_id[:12]}-{span.seq:02d}"
    toc = span.toc_entry
    con.execute(
        "insert into documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [doc_id, document_key(span.text), policy_key(doc), source.source_id, issue_id, span.seq,
         span.doc_number, span.title, span.notice_title, span.issuer, span.doc_type, span.is_draft,
         span.issued_date, doc.effective_date, doc.expiry_date, span.text, doc.page_start,
         doc.page_end, toc.title_en if toc else None, toc.printed_page if toc else None],
    )
    for warning in doc.tree.warnings:
        con.execute("insert into document_warnings values (?, ?, ?)",
                    [doc_id, warning.article_label, warning.message])
    article_ids = _insert_articles(con, doc_id, doc.tree.nodes)
    _insert_facts(con, doc_id, doc, article_ids)
    _insert_relations(con, doc_id, doc)
    return doc_id


def path_labels(nodes: tuple[ArticleNode, ...]) -> dict[int, str]:
    """Each node's label prefixed by its ancestors' labels: 二/（一）/3, 第五条/（一）."""
    by_seq = {n.seq: n for n in nodes}
    out = {}
    for node in nodes:
        parts, cur = [], node
        while cur is not None:
            parts.append(cur.label)
            cur = by_seq.get(cur.parent_seq) if cur.parent_seq is not None else None
        out[node.seq] = "/".join(reversed(parts))
    return out


def _insert_articles(con, doc_id: str, nodes: tuple[ArticleNode, ...]) -> dict[int, str]:
    ids = {n.seq: f"{doc_id}/{n.seq}" for n in nodes}
    paths = path_labels(nodes)
    rows = [
        [ids[n.seq], doc_id, ids.get(n.parent_seq) if n.parent_seq is not None else None, n.seq,
         n.level, n.kind, n.label, paths[n.seq], n.number, n.heading, n.text, n.char_start, n.char_end]
        for n in nodes
    ]
    if rows:
        con.executemany("insert into articles values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return ids


def deepest_article(nodes: tuple[ArticleNode, ...], start: int, end: int) -> Optional[int]:
    """The seq of the innermost article whose span holds [start, end), or None in a preamble."""
    best = None
    for node in nodes:
        if node.char_start <= start and end <= node.char_end:
            if best is None or node.level >= best.level:
                best = node
    return None if best is None else best.seq


def _insert_facts(con, doc_id: str, doc: ParsedDocument, article_ids: dict[int, str]) -> None:
    rows = []
    for i, fact in enumerate(doc.facts):
        seq = deepest_article(doc.tree.nodes, fact.char_start, fact.char_end)
        rows.append([
            f"{doc_id}/f{i}", doc_id, article_ids.get(seq) if seq is not None else None, fact.kind,
            fact.text, fact.value_num, fact.value_text, fact.role, fact.scope, fact.condition,
            fact.basis, fact.inferred, sentence_around(doc.span.text, fact.char_start, fact.char_end),
            fact.char_start, fact.char_end,
        ])
    if rows:
        con.executemany("insert into facts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _insert_relations(con, doc_id: str, doc: ParsedDocument) -> None:
    rows = [
        [doc_id, r.kind, r.to_doc_number, r.to_title, None, r.to_article_label, r.quoted_text, None,
         r.evidence, r.char_start, r.char_end]
        for r in doc.relations
    ]
    if rows:
        con.executemany("insert into relations values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


RESOLVE_BY_NUMBER = """
update relations set to_doc_id = (
    select min(d.doc_id) from documents d, documents self
    where d.doc_number = relations.to_doc_number and self.doc_id = relations.from_doc_id
      and d.policy_key <> self.policy_key)
where to_doc_number is not null
"""
RESOLVE_BY_TITLE = """
update relations set to_doc_id = (
    select min(d.doc_id) from documents d, documents self
    where regexp_replace(d.title, '\\s', '', 'g') = regexp_replace(relations.to_title, '\\s', '', 'g')
      and self.doc_id = relations.from_doc_id and d.policy_key <> self.policy_key)
where to_doc_id is null and to_title is not null
"""


def resolve_relations(con) -> None:
    """Point citations at catalog documents (by 文号, else by title) and check each quote
    against the article it names; run after every load, since a cited document may come later.
    """
    con.execute("begin transaction")
    try:
        con.execute(RESOLVE_BY_NUMBER)
        con.execute(RESOLVE_BY_TITLE)
        quotes = con.execute(
            "select rowid, to_doc_id, to_article_label, quoted_text from relations "
            "where kind = 'quotes' and to_doc_id is not null").fetchall()
        for rowid, to_doc_id, label, quoted in quotes:
            con.execute("update relations set quote_matches = ? where rowid = ?",
                        [_quote_matches(con, to_doc_id, label, quoted), rowid])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _quote_matches(con, doc_id: str, label: str, quoted: str) -> Optional[bool]:
    """Whether the quoted text stands in the article it names (第十条 may be printed as 10.)."""
    from extractors.numerals import chinese_to_int

    try:
        number = chinese_to_int(label.removeprefix("第").removesuffix("条"))
    except ValueError:
        return None
    rows = con.execute("select text from articles where doc_id = ? and number = ?",
                       [doc_id, number]).fetchall()
    want = normalize_for_compare(quoted)
    return any(want and want in normalize_for_compare(text) for (text,) in rows) if rows else None


def query(con, sql: str) -> tuple[list[str], Iterator[tuple]]:
    """Run an analyst's SQL; returns column names and rows."""
    try:
        rel = con.execute(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {exc}") from exc
    columns = [d[0] for d in rel.description] if rel.description else []
    return columns, iter(rel.fetchall())


SUMMARY_QUERIES = (
    ("sources", "select media_type, status, count(*) as sources, sum(pages) as pages "
                "from sources group by all order by all"),
    ("issues", "select publication, year, issue_no, total_no, issue_date, count(*) as renditions "
               "from issues group by all order by all"),
    ("documents", "select any_value(doc_number) as doc_number, any_value(title) as title, "
                  "count(distinct doc_key) as versions, count(*) as renditions "
                  "from documents group by policy_key order by 1, 2"),
    ("articles and facts", "select (select count(*) from articles) as articles, "
                           "(select count(*) from facts) as facts, "
                           "(select count(*) from relations) as relations, "
                           "(select count(*) from document_warnings) as numbering_warnings"),
    ("facts by kind", "select kind, count(*) as facts from facts group by all order by all"),
    ("quarantined", "select path, error from sources where status = 'quarantined' order by path"),
)
