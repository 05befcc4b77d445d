"""A document as a revision compares it (`Version`): read from the catalog with its article tree,
facts and relations, or parsed from a file outside it by the chain ingest runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from extractors import pipeline
from flows import catalog
from schemas.records import ArticleNode, Fact, Relation


@dataclass(frozen=True)
class Version:
    """One document as a revision compares it: its text, article tree and facts, the dates and
    relations its text states, and the catalog ids of its articles and facts (none for a file
    parsed outside the catalog)."""
    doc_id: str | None
    source: str
    title: str
    doc_number: str | None
    policy_key: str
    doc_key: str | None
    is_draft: bool
    issued_date: date | None
    published: date | None
    text: str
    nodes: tuple[ArticleNode, ...]
    facts: tuple[Fact, ...]
    effective_date: date | None = None
    expiry_date: date | None = None
    relations: tuple[Relation, ...] = ()
    fact_ids: dict = field(default_factory=dict, compare=False)

    def article_id(self, seq: int | None) -> str | None:
        return f"{self.doc_id}/{seq}" if self.doc_id and seq is not None else None

    def fact_id(self, fact: Fact | None) -> str | None:
        return None if fact is None else self.fact_ids.get((fact.char_start, fact.char_end, fact.kind))


def parse_file(path: Path) -> list[Version]:
    """A file outside the catalog, through the parse chain ingest runs (extractors/pipeline.py),
    in memory."""
    parsed = pipeline.parse_file(path)
    return [Version(None, str(path), d.span.title, d.span.doc_number, pipeline.policy_key(d.span),
                    pipeline.document_key(d.span.text), d.span.is_draft, d.span.issued_date, None, d.span.text,
                    d.tree.nodes, d.facts, d.effective_date, d.expiry_date, d.relations)
            for d in parsed.documents]


DOCUMENT_SQL = f"""
select d.doc_id, coalesce(p.path, s.path), d.title, d.doc_number, d.policy_key, d.doc_key, d.is_draft,
       d.issued_date, i.issue_date, d.text, d.effective_date, d.expiry_date
from documents d join sources s using (source_id) left join issues i using (issue_id)
left join (select source_id, min(path) as path from source_paths group by all) p using (source_id)
where {catalog.in_ids('d.doc_id')}
"""
# The place of d.text in DOCUMENT_SQL's rows (its effective and expiry dates follow).
DOCUMENT_TEXT = 9


def load_versions(con, doc_ids: list[str]) -> dict[str, Version]:
    """Catalog documents with their article trees, facts and relations, by doc id: four queries
    whatever the number of documents (a query per document and table would cost a round trip each)."""
    wanted = sorted(set(doc_ids))
    documents = {row[0]: row for row in con.execute(DOCUMENT_SQL, [catalog.ids_param(wanted)]).fetchall()}
    nodes = _stored_nodes(con, wanted, {doc_id: row[DOCUMENT_TEXT] for doc_id, row in documents.items()})
    facts, ids = _stored_facts(con, wanted)
    relations: dict[str, list[Relation]] = {d: [] for d in wanted}
    for doc_id, *values in con.execute(
            "select from_doc_id, kind, evidence, char_start, char_end, to_doc_number, to_title, to_article_label, "
            f"quoted_text from relations where {catalog.in_ids('from_doc_id')} "
            "order by from_doc_id, char_start, char_end, kind", [catalog.ids_param(wanted)]).fetchall():
        relations[doc_id].append(Relation(*values))
    return {doc_id: Version(*row[:DOCUMENT_TEXT + 1], nodes=tuple(nodes[doc_id]), facts=tuple(facts[doc_id]),
                            effective_date=row[DOCUMENT_TEXT + 1], expiry_date=row[DOCUMENT_TEXT + 2],
                            relations=tuple(relations[doc_id]), fact_ids=ids[doc_id])
            for doc_id, row in documents.items()}


def _stored_nodes(con, wanted: list[str], texts: dict[str, str]) -> dict[str, list[ArticleNode]]:
    nodes: dict[str, list[ArticleNode]] = {d: [] for d in wanted}
    # An article's text is its document's text between its offsets (segment.article_tree): it
    # is cut here rather than read a second time from the catalog.
    for doc_id, seq, parent, level, kind, label, number, heading, start, end in con.execute(
            "select doc_id, seq, parent_id, level, kind, label, number, heading, char_start, char_end "
            f"from articles where {catalog.in_ids('doc_id')} order by doc_id, seq",
            [catalog.ids_param(wanted)]).fetchall():
        nodes[doc_id].append(ArticleNode(seq, int(parent.rsplit("/", 1)[1]) if parent else None, level, kind,
                                         label, number, heading, start, end, texts[doc_id][start:end]))
    return nodes


def _stored_facts(con, wanted: list[str]) -> tuple[dict[str, list[Fact]], dict[str, dict]]:
    """Each document's facts, and their catalog ids by (char_start, char_end, kind)."""
    facts: dict[str, list[Fact]] = {d: [] for d in wanted}
    ids: dict[str, dict] = {d: {} for d in wanted}
    for doc_id, fact_id, *values in con.execute(
            "select doc_id, fact_id, kind, text, char_start, char_end, value_num, value_text, role, scope, "
            f"condition, basis, inferred from facts where {catalog.in_ids('doc_id')} "
            "order by doc_id, char_start, fact_id", [catalog.ids_param(wanted)]).fetchall():
        fact = Fact(*values)
        facts[doc_id].append(fact)
        ids[doc_id][(fact.char_start, fact.char_end, fact.kind)] = fact_id
    return facts, ids
