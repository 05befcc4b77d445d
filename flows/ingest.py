"""The ingest flow: raw files → parsed documents → one catalog transaction per source.

A source is parsed with the catalog closed and opened for writing only to load it, so the write
lock is held for one short transaction at a time (analysts' readers wait that long at most).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from extractors import clean, read, segment, split  # noqa: E402
from extractors.facts import extract_facts  # noqa: E402
from extractors.relations import document_dates, extract_relations  # noqa: E402
from flows import catalog  # noqa: E402
from flows.progress import progress_bar  # noqa: E402
from schemas.errors import BadInputError  # noqa: E402
from schemas.records import CleanText, DocumentSpan, ParsedDocument, ParsedSource  # noqa: E402

RAW_DIR = Path("data/raw")
PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}


@dataclass
class IngestReport:
    """What one ingest run did, source by source."""
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)
    documents: int = 0

    @property
    def ok(self) -> bool:
        return not self.quarantined


def media_type_of(path: Path) -> str:
    return "pdf" if path.suffix.lower() in PDF_SUFFIXES else "text"


def discover(paths: list[Path], raw_dir: Path = RAW_DIR) -> list[tuple[Path, str]]:
    """Files under the given paths (folders walked recursively, hidden files left out), each with
    the path the catalog records: relative to the folder given, or to data/raw for a file in it.
    """
    found = {}
    for path in paths:
        if path.is_dir():
            for file in path.rglob("*"):
                if file.is_file() and not _hidden(file, path):
                    found[file] = file.relative_to(path).as_posix()
        elif path.exists():
            found[path] = _relative_to_raw(path, raw_dir)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return sorted(found.items())


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _relative_to_raw(path: Path, raw_dir: Path) -> str:
    try:
        return path.resolve().relative_to(raw_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@task(cache_policy=NO_CACHE, task_run_name="read {path.name}")
def read_source(path: Path) -> tuple[str, object, Optional[int]]:
    """Bytes → decoded text, or PDF → pages; returns (media_type, content, page count)."""
    if media_type_of(path) == "pdf":
        pages = read.read_pdf(path)
        return "pdf", pages, len(pages)
    return "text", read.decode_text(path.read_bytes(), path.name), None


@task(cache_policy=NO_CACHE)
def clean_source(media_type: str, content) -> CleanText:
    if media_type == "pdf":
        return clean.clean_pdf_pages(content)
    return clean.clean_text_source(content)


@task(cache_policy=NO_CACHE)
def split_source(cleaned: CleanText):
    return split.split_documents(cleaned)


@task(cache_policy=NO_CACHE)
def segment_documents(spans: list[DocumentSpan]):
    return [segment.article_tree(span.text) for span in spans]


@task(cache_policy=NO_CACHE)
def extract_documents(cleaned: CleanText, spans, trees) -> list[ParsedDocument]:
    docs = []
    for span, tree in zip(spans, trees):
        facts = tuple(extract_facts(span.text, issued=span.issued_date))
        effective, expiry = document_dates(span.text, facts, span.issued_date)
        docs.append(ParsedDocument(
            span=span, tree=tree, facts=facts,
            relations=tuple(extract_relations(span.text, span.doc_number, span.title)),
            page_start=cleaned.page_at(span.char_start),
            page_end=cleaned.page_at(max(span.char_end - 1, span.char_start)),
            effective_date=effective, expiry_date=expiry,
        ))
    return docs


def parse_source(path: Path) -> ParsedSource:
    """Run stages 1–6 on one file; any failure becomes the source's quarantine reason."""
    media_type, pages = media_type_of(path), None
    try:
        media_type, content, pages = read_source(path)
        cleaned = clean_source(media_type, content)
        issue, spans = split_source(cleaned)
        trees = segment_documents(spans)
        docs = extract_documents(cleaned, spans, trees)
    except BadInputError as exc:
        return ParsedSource(media_type=media_type, pages=pages, error=str(exc))
    except Exception as exc:  # a parser bug must quarantine one source, not stop the batch
        return ParsedSource(media_type=media_type, pages=pages,
                            error=f"{path.name}: unexpected {type(exc).__name__}: {exc}")
    warnings = tuple(issue.warnings if issue else ()) + tuple(
        f"{d.span.title}: {w.article_label}: {w.message}" for d in docs for w in d.tree.warnings)
    return ParsedSource(media_type=media_type, pages=pages, issue=issue,
                        documents=tuple(docs), warnings=warnings)


@task(cache_policy=NO_CACHE, task_run_name="load {source.path}")
def load_source(db_path: Path, source: catalog.SourceFile, parsed: ParsedSource, force: bool) -> None:
    con = catalog.connect(db_path)
    try:
        catalog.write_source(con, source, parsed, force=force)
    finally:
        con.close()


def pending_sources(db_path: Path, files: list[tuple[Path, str]], force: bool, report: IngestReport):
    """Hash every file: returns the sources to parse, and (source, path) pairs that repeat bytes
    seen earlier in this batch. Bytes the catalog already holds are skipped, their path noted.
    """
    con = catalog.connect(db_path)
    try:
        pending, repeats, seen = [], [], set()
        for path, recorded in files:
            source = catalog.SourceFile(catalog.sha256_file(path), recorded, media_type_of(path),
                                        path.stat().st_size)
            if catalog.source_status(con, source.source_id) and not force:
                catalog.record_path(con, source.source_id, source.path)
                report.skipped.append(source.path)
            elif source.source_id in seen:
                repeats.append(source)
            else:
                seen.add(source.source_id)
                pending.append((path, source))
        return pending, repeats
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def resolve_relations(db_path: Path, repeats: list[catalog.SourceFile]) -> None:
    """Link citations to catalog documents; note the paths of files that repeated bytes."""
    con = catalog.connect(db_path)
    try:
        for source in repeats:
            catalog.record_path(con, source.source_id, source.path)
        catalog.resolve_relations(con)
    finally:
        con.close()


@flow(name="ingest", log_prints=False, validate_parameters=False, persist_result=False)
def ingest_flow(paths: list[Path], db_path: Path = catalog.DEFAULT_DB, force: bool = False,
                progress: bool = False) -> IngestReport:
    """Ingest files and folders into the catalog; a bad file is quarantined, the rest goes on."""
    report = IngestReport()
    files = discover([Path(p) for p in paths])
    pending, repeats = pending_sources(Path(db_path), files, force, report)
    with progress_bar(len(pending), enabled=progress) as advance:
        for path, source in pending:
            parsed = parse_source(path)
            if parsed.error is not None:
                report.quarantined[source.path] = parsed.error
            load_source(Path(db_path), source, parsed, force)
            report.added.append(source.path)
            report.documents += len(parsed.documents)
            advance(source.path)
    if pending:
        resolve_relations(Path(db_path), repeats)
    return report
