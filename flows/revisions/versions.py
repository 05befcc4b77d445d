"""Revisions on the catalog side: diff two versions of a policy (from the catalog, or a file
parsed in memory: flows/revisions/documents.py), recognise the versions of every policy, and
write `policy_versions`, `revisions` and `revision_changes`.

No Prefect here: `gazette diff` calls `diff_documents` and starts fast; the ingest flow's loader
and the flow in `flows/revisions/flow.py` call `update_revisions` on a catalog writer.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from extractors.diff.align import diff_versions
from extractors.diff.family import policy_families, policy_title
from extractors.issue import normalize_doc_number
from extractors.textnorm import normalize_for_compare
from flows import catalog
from flows.ingest.loader import insert_rows
from flows.revisions.documents import Version, load_versions, parse_file
from flows.revisions.rows import PolicyVersionRow, change_rows, revision_row
from schemas.errors import DocumentRefError
from schemas.records import DocumentVersion, PolicyVersion, RepealLink, RevisionDiff

# Revision pairs whose documents are read from the catalog and diffed together: at most this
# many, and at most LOAD_CHARS characters of their texts (a larger pair alone): a version's memory
# grows with its text (its article tree's nested texts, its facts), so the character bound keeps a
# batch's memory the same whatever the documents' sizes.
LOAD_PAIRS = 64
LOAD_CHARS = 1_000_000


@dataclass(frozen=True)
class Revision:
    """Two versions and what changed between them; `family_id` when the catalog links them."""
    old: Version
    new: Version
    diff: RevisionDiff
    family_id: str | None = None

    @property
    def revision_id(self) -> str:
        return f"{self.old.doc_id or self.old.source}..{self.new.doc_id or self.new.source}"


def diff_documents(db_path: Path | None, old_ref: str, new_ref: str) -> Revision:
    """Diff two documents named by doc id, 文号 or file path (a file outside the catalog is
    parsed in memory). A file or 文号 naming several documents is narrowed by the other side."""
    con = catalog.connect(db_path, read_only=True) if db_path and Path(db_path).exists() else None
    try:
        return revision_between(con, old_ref, new_ref)
    finally:
        if con is not None:
            con.close()


def revision_between(con, old_ref: str, new_ref: str) -> Revision:
    """`diff_documents` on a connection the caller holds (None: files only)."""
    old_options, new_options = candidates(con, old_ref), candidates(con, new_ref)
    old, new = _choose(old_ref, old_options, new_options), _choose(new_ref, new_options, old_options)
    family = _family_of(con, old, new) if con is not None else None
    return Revision(old, new, diff_versions(old.text, old.nodes, old.facts, new.text, new.nodes,
                                            new.facts), family)


def candidates(con, ref: str) -> list[Version]:
    """The documents a reference may mean: a doc id, a 文号 (its versions), or a file."""
    if con is not None:
        rows = con.execute("select doc_id from documents where doc_id = ?", [ref]).fetchall()
        if not rows:
            rows = con.execute("select doc_id from v_documents_all_versions where doc_number = ? order by doc_id",
                               [normalize_doc_number(ref)]).fetchall()
        if rows:
            versions = load_versions(con, [r[0] for r in rows])
            return [versions[r[0]] for r in rows]
    path = Path(ref)
    if path.is_file():
        return _file_versions(con, path)
    raise DocumentRefError(f"no document {ref!r}: give a doc id, a 文号 or the path of a file "
                           "(see `gazette query \"select doc_id, doc_number, title from v_documents_all_versions\"`)")


def _file_versions(con, path: Path) -> list[Version]:
    if con is not None:
        rows = con.execute("select doc_id from documents where source_id = ? order by doc_id",
                           [catalog.sha256_file(path)]).fetchall()
        if rows:
            versions = load_versions(con, [r[0] for r in rows])
            return [versions[r[0]] for r in rows]
    return parse_file(path)


def _choose(ref: str, options: list[Version], other: list[Version]) -> Version:
    if len(options) > 1 and len(other) == 1:
        mine = other[0]
        narrowed = [v for v in options if normalize_for_compare(v.text) != normalize_for_compare(mine.text)
                    and (v.policy_key == mine.policy_key or policy_title(v.title) == policy_title(mine.title))]
        options = narrowed or options
    if len(options) == 1:
        return options[0]
    listed = "; ".join(f"{v.doc_id or v.source} {v.doc_number or ''} {v.title}" for v in options[:10])
    raise DocumentRefError(f"{ref!r} names {len(options)} documents ({listed}): give a doc id")


def _family_of(con, old: Version, new: Version) -> str | None:
    if not (old.doc_id and new.doc_id):
        return None
    rows = con.execute("select distinct family_id from policy_versions where doc_id in (?, ?)",
                       [old.doc_id, new.doc_id]).fetchall()
    return rows[0][0] if len(rows) == 1 else None


@dataclass(frozen=True)
class RevisionPlan:
    """Every document's family, and the revisions (old → new doc ids) that must be (re)written."""
    versions: list[PolicyVersion]
    wanted: list[tuple[str, str]]
    stale: list[tuple[str, str]]


# The latest full date of each document's head, before the first provision: a revised law's last
# 修订/修正 line, which its reprinted adoption and 施行 dates do not tell apart.
HEAD_REVISED_SQL = """
    select f.doc_id, max(try_cast(f.value_text as date)) as revised
    from facts f
    join (select doc_id, min(char_start) as body_start from articles where parent_id is null
          group by doc_id) b using (doc_id)
    where f.kind = 'date' and f.role = 'other' and f.char_start < b.body_start
    group by f.doc_id
"""
# The text of a document already versioned stays in the catalog: version linking reads those
# texts a chunk at a time when a new document could be a version of one (`stored_texts`).
VERSIONS_SQL = f"""
select d.doc_id, d.doc_key, d.policy_key, d.title, d.doc_number, d.is_draft, d.issued_date,
       i.issue_date, cast(s.ingested_at as date), d.doc_id in (select doc_id from v_documents_all_versions),
       case when d.doc_id in (select doc_id from policy_versions) then '' else d.text end,
       d.effective_date, h.revised
from documents d join sources s using (source_id) left join issues i using (issue_id)
left join ({HEAD_REVISED_SQL}) h using (doc_id)
order by d.doc_id
"""
# Documents whose texts are read at once when comparing new documents with known ones.
TEXT_CHUNK = 256


def plan_revisions(con) -> RevisionPlan:
    """Recognise the versions of every policy (texts compared only for documents new since the
    last run) and list the revisions to compute: each version against its predecessor, unless
    already written after both documents were loaded."""
    docs = [DocumentVersion(*row) for row in con.execute(VERSIONS_SQL).fetchall()]
    repeals = [RepealLink(*row) for row in con.execute(
        "select from_doc_id, to_doc_id, to_doc_number, to_title from relations where kind = 'repeals'").fetchall()]
    known = {r[0] for r in con.execute("select doc_id from policy_versions").fetchall()}
    kept = con.execute("select doc_id, linked_to from policy_versions where linked_by = 'similarity'").fetchall()
    versions = policy_families(docs, repeals, kept, {d.doc_id for d in docs} - known, stored_texts(con))
    wanted = _consecutive(versions)
    fresh = {(a, b) for a, b in con.execute(
        "select r.old_doc_id, r.new_doc_id from revisions r "
        "join documents o on o.doc_id = r.old_doc_id join sources os on os.source_id = o.source_id "
        "join documents n on n.doc_id = r.new_doc_id join sources ns on ns.source_id = n.source_id "
        "where r.created_at >= greatest(os.ingested_at, ns.ingested_at) "
        "and r.old_doc_key = o.doc_key and r.new_doc_key = n.doc_key").fetchall()}
    existing = {(a, b) for a, b in con.execute("select old_doc_id, new_doc_id from revisions").fetchall()}
    return RevisionPlan(versions, [p for p in wanted if p not in fresh], sorted(existing - set(wanted)))


def stored_texts(con):
    """Documents' texts from the catalog, TEXT_CHUNK documents at a time (see VERSIONS_SQL)."""
    def chunks(doc_ids: list[str]):
        for k in range(0, len(doc_ids), TEXT_CHUNK):
            yield con.execute(f"select doc_id, text from documents where {catalog.in_ids('doc_id')}",
                              [catalog.ids_param(doc_ids[k:k + TEXT_CHUNK])]).fetchall()
    return chunks


def _consecutive(versions: list[PolicyVersion]) -> list[tuple[str, str]]:
    by_family: dict[str, list[PolicyVersion]] = {}
    for v in versions:
        if v.preferred:
            by_family.setdefault(v.family_id, []).append(v)
    pairs = []
    for members in by_family.values():
        members.sort(key=lambda v: v.version_no)
        pairs += [(a.doc_id, b.doc_id) for a, b in zip(members, members[1:])]
    return pairs


def compute_revisions(con, plan: RevisionPlan) -> Iterator[Revision]:
    """Diff each wanted pair, reading the versions a batch at a time (`_batches`); the family
    comes from the plan. A generator: a run's diffs are written as they come, not held together."""
    family = {v.doc_id: v.family_id for v in plan.versions}
    length = dict(con.execute(f"select doc_id, length(text) from documents where {catalog.in_ids('doc_id')}",
                              [catalog.ids_param(sorted({d for pair in plan.wanted for d in pair}))]).fetchall())
    for pairs in _batches(plan.wanted, lambda pair: length.get(pair[0], 0) + length.get(pair[1], 0)):
        versions = load_versions(con, [doc_id for pair in pairs for doc_id in pair])
        for old_id, new_id in pairs:
            old, new = versions[old_id], versions[new_id]
            diff = diff_versions(old.text, old.nodes, old.facts, new.text, new.nodes, new.facts)
            yield Revision(old, new, diff, family.get(new_id))


def _batches(items: Iterable, chars: Callable[[Any], int]) -> Iterator[list]:
    """Consecutive items, a batch ending once it holds LOAD_PAIRS items or LOAD_CHARS characters.
    It ends after its last item, without looking ahead: the writer's batches of revisions then
    end where the reader's batches of pairs did, and a batch is written before the next is read."""
    batch, size = [], 0
    for item in items:
        batch.append(item)
        size += chars(item)
        if len(batch) >= LOAD_PAIRS or size >= LOAD_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def write_revisions(con, plan: RevisionPlan, revisions: Iterable[Revision],
                    now: datetime | None = None) -> list[str]:
    """Replace `policy_versions` with the plan's and write the revisions a batch at a time (as
    compute_revisions reads them); returns their ids. Each batch commits on its own: the
    connection is a writer's private copy of the catalog, published whole (`catalog.writing`),
    and a run's diffs (every changed article's text) are never all in memory."""
    now = now or catalog.now_utc()
    number = {v.doc_id: v.version_no for v in plan.versions}
    with catalog.transaction(con):
        con.execute("delete from policy_versions")
        insert_rows(con, "policy_versions", [
            PolicyVersionRow(doc_id=v.doc_id, family_id=v.family_id, doc_key=v.doc_key, version_no=v.version_no,
                             preferred=v.preferred, linked_by=v.linked_by, linked_to=v.linked_to)
            for v in plan.versions])
        _delete_revisions(con, [f"{old_id}..{new_id}" for old_id, new_id in plan.stale])
        # A revision kept from an earlier run (its two documents unchanged) takes the family and
        # version numbers of the new plan: an older version found since renumbers the family.
        con.execute(KEPT_REVISIONS_SQL)
    written: list[str] = []
    for batch in _batches(revisions, lambda rev: len(rev.old.text) + len(rev.new.text)):
        with catalog.transaction(con):
            _delete_revisions(con, [r.revision_id for r in batch])
            insert_rows(con, "revisions", [revision_row(r, number.get(r.old.doc_id), number.get(r.new.doc_id), now)
                                           for r in batch])
            insert_rows(con, "revision_changes", [row for r in batch for row in change_rows(r)])
        written.extend(r.revision_id for r in batch)
    return written


KEPT_REVISIONS_SQL = """
update revisions set family_id = n.family_id, old_version_no = o.version_no, new_version_no = n.version_no
from policy_versions o, policy_versions n
where o.doc_id = revisions.old_doc_id and n.doc_id = revisions.new_doc_id
  and (revisions.family_id is distinct from n.family_id or revisions.old_version_no is distinct from o.version_no
       or revisions.new_version_no is distinct from n.version_no)
"""


def _delete_revisions(con, revision_ids: list[str]) -> None:
    if revision_ids:
        for table in ("revision_changes", "revisions"):
            con.execute(f"delete from {table} where {catalog.in_ids('revision_id')}",
                        [catalog.ids_param(revision_ids)])


def update_revisions(con) -> list[str]:
    """Recognise versions and diff every new version against its predecessor on one writable
    connection; returns the ids of the revisions written."""
    plan = plan_revisions(con)
    return write_revisions(con, plan, compute_revisions(con, plan))
