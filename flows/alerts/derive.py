"""Alerts: what is new in the catalog, derived after each ingest, each announced exactly once.

An alert's id names what it announces (`issue:<issue_key>`, `document:<doc_key>`,
`revision:<policy_key>@<doc_key>`) and is inserted only when absent, so deriving again after a
crash or a second run adds nothing twice and loses nothing. Renditions of one text (its PDF and
its text file) share a doc_key and are one document. A document that came in an issue is
announced by the issue's alert; a new version of a known policy by a revision alert with its
fact changes, also when it came in an issue. Alerts are derived from a read-only connection and
inserted in one publish of the catalog (none when nothing is new), so an analyst's reader is never
in the way. No Prefect here: `gazette alerts` reads through it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flows import catalog
from flows.alerts.text import document_line, issue_subject, revision_lines, where_published

ALERT_COLUMNS = "alert_id, created_at, kind, doc_id, issue_id, subject, summary, delivered_at"

# The preferred rendition of each issue: the text file, else the first PDF (as in v_documents).
NEW_ISSUES = """
select i.issue_key, i.issue_id from issues i join sources s using (source_id)
where 'issue:' || i.issue_key not in (select alert_id from alerts)
qualify row_number() over (partition by i.issue_key order by s.media_type = 'pdf', s.path, i.issue_id) = 1
order by i.issue_key
"""

# Versions of each policy oldest first: in the revision stage's order (`policy_versions`:
# revised, effective, issued dates) when it has the document, else in the order the catalog first
# saw them (source_paths survive --force), so that a newer text ingested first is still the new
# side of its revision. A policy is its family in `policy_versions` (文号, title, repeal, text
# similarity) when that has the document, else its policy_key (文号, else title). An alert id
# depends on the document alone, and a doc_key some alert already names (an issue's alert names
# its documents) is never announced again: an older version found later is a document alert.
VERSIONS = """
with seen as (
    select source_id, min(first_seen) as first_seen from source_paths group by source_id
), keys as (
    select d.doc_key, any_value(d.policy_key) as policy_key, {family} as family, {version_no} as version_no,
           min(seen.first_seen) as first_seen, bool_or(d.issue_id is not null) as in_issue
    from documents d join seen using (source_id) {family_join}
    group by d.doc_key
), ordered as (
    select *, lag(doc_key) over (partition by family order by version_no nulls last, first_seen, doc_key)
              as prev_key
    from keys
), announced as (
    select d.doc_key from alerts a join documents d on d.doc_id = a.doc_id
    union
    select d.doc_key from alerts a join documents d on d.issue_id = a.issue_id where a.kind = 'issue'
)
select * exclude (first_seen, doc_key) from (
    select case when o.prev_key is not null then 'revision:' || o.policy_key || '@' || o.doc_key
                when not o.in_issue then 'document:' || o.doc_key end as alert_id,
           o.prev_key is not null as is_revision, v.doc_id, v.issue_id, p.doc_id as prev_doc_id,
           {revision_id} as revision_id, o.first_seen, o.doc_key
    from ordered o join v_documents_all_versions v using (doc_key)
    left join v_documents_all_versions p on p.doc_key = o.prev_key
) o
where alert_id is not null and alert_id not in (select alert_id from alerts)
  and o.doc_key not in (select doc_key from announced)
order by o.first_seen, o.doc_key
"""
BY_POLICY_KEY = {"family": "any_value(d.policy_key)", "version_no": "null", "family_join": "",
                 "revision_id": "null"}
# The revision stage's diff of exactly this pair, when it made one.
BY_FAMILY = {
    "family": "coalesce(any_value(pv.family_id), any_value(d.policy_key))",
    "version_no": "min(pv.version_no)",
    "family_join": "left join policy_versions pv using (doc_id)",
    "revision_id": "(select arg_max(r.revision_id, r.created_at) from revisions r "
                   "where r.old_doc_key = o.prev_key and r.new_doc_key = o.doc_key)",
}


@dataclass(frozen=True)
class Alert:
    """One row of `alerts`."""
    alert_id: str
    created_at: datetime
    kind: str
    doc_id: str | None
    issue_id: str | None
    subject: str
    summary: str
    delivered_at: datetime | None = None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def derive_alerts(db_path: Path, lock_timeout: float = 600.0) -> list[Alert]:
    """Insert an alert for each issue, document and revision not yet announced; returns those
    inserted. Publishes the catalog only when something is new; without a catalog, nothing is."""
    db_path = Path(db_path)
    if not db_path.exists():
        return []
    con = catalog.connect(db_path, read_only=True)
    try:
        found = new_alerts(con)
    finally:
        con.close()
    if not found:
        return []
    with catalog.writing(db_path, lock_timeout) as con:
        # another run may have announced some since the read: those are not inserted twice
        return [alert for alert in found if _insert(con, alert)]


def new_alerts(con) -> list[Alert]:
    """The alerts the catalog's issues, documents and revisions call for and it does not hold yet."""
    found = [_issue_alert(con, key, issue_id) for key, issue_id in con.execute(NEW_ISSUES).fetchall()]
    versions = VERSIONS.format(**(BY_FAMILY if has_revisions(con) else BY_POLICY_KEY))
    return found + [_version_alert(con, *row) for row in con.execute(versions).fetchall()]


def _insert(con, alert: Alert) -> bool:
    """Insert an alert unless its id is there already; whether it was inserted."""
    return bool(con.execute(
        f"insert into alerts ({ALERT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?) "
        "on conflict (alert_id) do nothing returning alert_id",
        [alert.alert_id, alert.created_at, alert.kind, alert.doc_id, alert.issue_id,
         alert.subject, alert.summary, None]).fetchall())


def _issue_alert(con, key: str, issue_id: str) -> Alert:
    doc_ids = [doc_id for (doc_id,) in con.execute(
        "select v.doc_id from documents d join v_documents_all_versions v using (doc_key) "
        "where d.issue_id = ? order by d.seq", [issue_id]).fetchall()]
    subject = issue_subject(con, issue_id, len(doc_ids))
    lines = [subject] + [f"{i}. {document_line(con, doc_id)}" for i, doc_id in enumerate(doc_ids, 1)]
    return Alert(f"issue:{key}", _now(), "issue", None, issue_id, subject, "\n".join(lines))


def has_revisions(con) -> bool:
    """Whether the revision stage's tables are in this catalog."""
    return con.execute("select count(*) from information_schema.tables "
                       "where table_name = 'revision_changes'").fetchone()[0] > 0


def _version_alert(con, alert_id: str, is_revision: bool, doc_id: str, issue_id: str | None,
                   prev_doc_id: str | None, revision_id: str | None) -> Alert:
    if is_revision:
        subject, lines = revision_lines(con, prev_doc_id, doc_id, revision_id)
        return Alert(alert_id, _now(), "revision", doc_id, issue_id, subject, "\n".join([subject] + lines))
    title, *facts = document_line(con, doc_id).split("\n")
    subject = f"新文件：{title}"
    lines = [subject, f"   来源：{where_published(con, doc_id)}"] + facts
    return Alert(alert_id, _now(), "document", doc_id, None, subject, "\n".join(lines))


def list_alerts(con, since: date | None = None, undelivered: bool = False) -> list[Alert]:
    """Alerts oldest first; `since` keeps those created on or after a date, `undelivered` those
    some channel has not received yet."""
    sql = f"select {ALERT_COLUMNS} from alerts where true"
    params: list = []
    if since is not None:
        sql += " and created_at >= ?"
        params.append(datetime.combine(since, datetime.min.time()))
    if undelivered:
        sql += " and delivered_at is null"
    return [Alert(*row) for row in con.execute(sql + " order by created_at, alert_id", params).fetchall()]
