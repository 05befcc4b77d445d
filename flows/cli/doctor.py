"""The `gazette doctor` command: check the catalog's invariants on a read-only connection and report.

Each check is one SQL query returning the offending rows; an empty answer means it holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows import catalog
from flows.cli.command import Command, no_arguments
from schemas.ddl import latest_version


@dataclass(frozen=True)
class Check:
    name: str
    sql: str
    severity: str = "error"  # "warning": reported, does not fail the catalog


CHECKS = (
    Check("every source is ok, or quarantined with a reason, its cause's class and its tries",
          "select path, status, error, failure, attempts from sources where status not in ('ok', 'quarantined') "
          "or (status = 'quarantined' and (coalesce(error, '') = '' or failure is null or attempts < 1)) "
          "or (status = 'ok' and (error is not null or failure is not null))"),
    Check("every fact's kind is a registered kind (fact_kinds)",
          "select kind, count(*) from facts where kind not in (select kind from fact_kinds) group by all"),
    Check("a quarantined source has no rows but its own",
          "select s.path, count(*) from sources s join documents d using (source_id) "
          "where s.status = 'quarantined' group by all"),
    Check("article offsets slice the document text",
          "select a.article_id from articles a join documents d using (doc_id) "
          "where substring(d.text, a.char_start + 1, a.char_end - a.char_start) <> a.text"),
    Check("fact offsets slice the document text",
          "select f.fact_id from facts f join documents d using (doc_id) "
          "where substring(d.text, f.char_start + 1, f.char_end - f.char_start) <> f.text"),
    Check("policy term offsets slice the document text",
          "select t.doc_id, t.text from policy_terms t join documents d using (doc_id) "
          "where substring(d.text, t.char_start + 1, t.char_end - t.char_start) <> t.text"),
    Check("a child article lies inside its parent",
          "select a.article_id from articles a join articles p on p.article_id = a.parent_id "
          "where a.char_start < p.char_start or a.char_end > p.char_end or a.doc_id <> p.doc_id"),
    Check("no orphan documents or issues",
          "select 'document', doc_id from documents where source_id not in (select source_id from sources) "
          "union all select 'issue', issue_id from issues where source_id not in (select source_id from sources) "
          "union all select 'document issue', doc_id from documents "
          "where issue_id is not null and issue_id not in (select issue_id from issues)"),
    Check("no orphan articles, facts, relations or warnings",
          "select 'article', article_id from articles where doc_id not in (select doc_id from documents) "
          "union all select 'article parent', article_id from articles "
          "where parent_id is not null and parent_id not in (select article_id from articles) "
          "union all select 'fact', fact_id from facts where doc_id not in (select doc_id from documents) "
          "union all select 'fact article', fact_id from facts "
          "where article_id is not null and article_id not in (select article_id from articles) "
          "union all select 'relation', from_doc_id from relations where from_doc_id not in (select doc_id from documents) "
          "union all select 'warning', doc_id from document_warnings where doc_id not in (select doc_id from documents) "
          "union all select 'fact warning', fact_id from fact_warnings where doc_id not in (select doc_id from documents)"),
    Check("every source path belongs to a source",
          "select path from source_paths where source_id not in (select source_id from sources)"),
    Check("every TOC entry was found as a document",
          "select i.issue_key, t.seq, t.doc_number from issue_toc t join issues i using (issue_id) "
          "where t.doc_id is null", "warning"),
    Check("numbering runs without gaps or repeats",
          "select d.doc_number, d.title, w.article_label, w.message from document_warnings w "
          "join documents d using (doc_id)", "warning"),
    Check("every fact found fits the catalog (those that do not are left out)",
          "select s.path, w.text, w.reason from fact_warnings w join sources s using (source_id) "
          "order by s.path, w.char_start", "warning"),
)


@dataclass(frozen=True)
class Finding:
    check: Check
    rows: list[tuple]

    @property
    def ok(self) -> bool:
        return not self.rows


def examine(db_path: Path) -> tuple[list[str], list[Finding]]:
    """Run every check; returns notes on the catalog file itself and one finding per check."""
    db_path = Path(db_path)
    notes = []
    for leftover in (db_path.with_name(db_path.name + ".next"), catalog.wal_path(db_path)):
        if leftover.exists():
            notes.append(f"{leftover.name} is left from an interrupted write; the next write removes it")
    with catalog.reading(db_path) as con:
        version = catalog.schema_version(con)
        notes.append(f"schema version {version} (this code: {latest_version()})")
        findings = [Finding(check, con.execute(check.sql).fetchall()) for check in CHECKS]
    return notes, findings


def render(notes: list[str], findings: list[Finding], examples: int = 5) -> tuple[str, bool]:
    """The report as text, and whether the catalog is healthy (no failed error check)."""
    lines = [f"note: {n}" for n in notes]
    healthy = True
    for f in findings:
        mark = "ok  " if f.ok else ("FAIL" if f.check.severity == "error" else "warn")
        healthy &= f.ok or f.check.severity != "error"
        lines.append(f"{mark}  {f.check.name}" + ("" if f.ok else f" ({len(f.rows)})"))
        lines.extend(f"        {' | '.join(str(v) for v in row)}" for row in f.rows[:examples])
    lines.append("healthy" if healthy else "NOT healthy: see FAIL lines above")
    return "\n".join(lines), healthy


def run_doctor(args) -> int:
    report, healthy = render(*examine(args.db))
    print(report)
    return 0 if healthy else 1


DOCTOR = Command(
    "doctor", help="check the catalog's invariants and print a report",
    description="Offsets slice their text, no orphan rows, every source ok or "
                "quarantined, numbering warnings. Exit 1 when a check fails.",
    add_arguments=no_arguments, run=run_doctor)
