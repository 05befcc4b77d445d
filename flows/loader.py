"""Rows of the catalog from parsed records: one source written in one transaction, or staged
to Parquet by a worker and loaded later by the single catalog writer.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Optional

from extractors.sentences import sentence_around
from extractors.textnorm import normalize_for_compare
from flows import catalog
from flows.catalog import SourceFile, now_utc
from schemas.records import ArticleNode, ParsedDocument, ParsedSource

# Tables a source's rows live in, in the order they are loaded.
SOURCE_TABLES = ("sources", "source_paths", "issues", "documents", "document_warnings", "articles",
                 "facts", "relations", "issue_toc")


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
    con.execute("insert into source_paths values (?, ?, ?)", [source_id, path, now_utc()])
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
         source.size, list(parsed.warnings), now_utc()],
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


def stage_source(source: SourceFile, parsed: ParsedSource, staging_root: Path) -> Path:
    """Write one source's rows as Parquet files (one per table) under staging_root/<source_id>;
    the folder appears whole or not at all, so a worker that dies leaves nothing to load."""
    final = Path(staging_root) / source.source_id
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    con = catalog.memory()
    try:
        write_source(con, source, parsed)
        for table in SOURCE_TABLES:
            con.execute(f"copy (select * from {table}) to '{partial / table}.parquet' (format parquet)")
    finally:
        con.close()
    shutil.rmtree(final, ignore_errors=True)
    os.replace(partial, final)
    return final


def load_staged(con, staged: Path, force: bool = False) -> None:
    """Load a staged source into the catalog in one transaction (replacing it with --force)."""
    source_id = Path(staged).name
    con.execute("begin transaction")
    try:
        if force:
            delete_source(con, source_id)
        for table in SOURCE_TABLES:
            verb = "insert or ignore" if table == "source_paths" else "insert"
            con.execute(f"{verb} into {table} select * from read_parquet('{Path(staged) / table}.parquet')")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise

