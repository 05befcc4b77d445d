"""The one way a source's rows reach the catalog: typed (SourceRows.typed), written as parts of a
staged folder that appears, whole, only when published, then loaded by the single writer
(flows/ingest/loader.py). A source is staged alone in parts (`Stager`, `stage_source`), or, when
small, with the other small sources of its worker in one part (`StagingBatch`).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from flows.catalog import SourceFile
from flows.ingest.source_rows import SourceRows, build_documents, build_header, build_toc, source_issue_id, source_rows
from flows.ingest.staged_parts import part_writer
from schemas.records import ParsedDocument, ParsedSource

# A large source is staged in parts of about this many characters of document text, so that
# the rows held for a part, and DuckDB's memory for writing it, stay small whatever the source.
STAGE_PART_CHARS = 100_000


class StagedFolder:
    """A folder of staged parts (rows-<n>.parquet), built as <name>.partial and renamed whole at
    `publish`: a worker that dies, or a write that fails, leaves nothing to load."""

    def __init__(self, final: Path):
        self.final = Path(final)
        self.partial = self.final.with_name(self.final.name + ".partial")
        shutil.rmtree(self.partial, ignore_errors=True)
        self.partial.mkdir(parents=True)
        self.parts = 0

    def write(self, typed: list) -> None:
        """Write rows typed by SourceRows.typed (one source or part each) as the next part."""
        try:
            part_writer().write_tables(typed, self.partial / f"rows-{self.parts:05d}.parquet")
        except BaseException:
            shutil.rmtree(self.partial, ignore_errors=True)
            raise
        self.parts += 1

    def publish(self) -> Path:
        shutil.rmtree(self.final, ignore_errors=True)
        os.replace(self.partial, self.final)
        return self.final


class Stager:
    """Stages one source's rows in parts (one per `add`) under staging_root/<source_id>; the
    folder appears only at `finish`."""

    def __init__(self, source: SourceFile, staging_root: Path):
        self.source = source
        self.folder = StagedFolder(Path(staging_root) / source.source_id)
        self.found: dict[int, str] = {}

    def issue_id(self, parsed: ParsedSource) -> str | None:
        return source_issue_id(self.source, parsed)

    def add(self, issue_id: str | None, docs: tuple[ParsedDocument, ...]) -> None:
        """Stage documents, a part per STAGE_PART_CHARS of their text."""
        for batch in document_batches(docs, STAGE_PART_CHARS):
            if batch:
                self.folder.write([self._document_rows(issue_id, batch).typed()])

    def finish(self, parsed: ParsedSource, issue_id: str | None = None,
               docs: tuple[ParsedDocument, ...] = ()) -> Path:
        """Stage the source row, its issue and TOC, with `docs` in the same part; publish the
        staged folder."""
        rows = self._document_rows(issue_id, docs)
        build_toc(rows, build_header(rows, self.source, parsed), parsed, self.found)
        self.folder.write([rows.typed()])
        return self.folder.publish()

    def _document_rows(self, issue_id: str | None, docs: tuple[ParsedDocument, ...]) -> SourceRows:
        rows = SourceRows(self.source.source_id)
        self.found.update(build_documents(rows, self.source, issue_id, docs))
        return rows


def stage_source(source: SourceFile, parsed: ParsedSource, staging_root: Path) -> Path:
    """Stage one whole parsed source (see Stager): a small source in a single part."""
    stager = Stager(source, staging_root)
    issue_id = stager.issue_id(parsed)
    *parts, last = document_batches(parsed.documents, STAGE_PART_CHARS)
    stager.add(issue_id, tuple(doc for part in parts for doc in part))
    return stager.finish(parsed, issue_id, last)


def document_batches(docs: tuple[ParsedDocument, ...], limit: int) -> list[tuple[ParsedDocument, ...]]:
    """Consecutive documents in batches of at most `limit` characters of text (a longer document
    alone); at least one batch, maybe empty."""
    batches, batch, size = [], [], 0
    for doc in docs:
        if batch and size + len(doc.span.text) > limit:
            batches.append(tuple(batch))
            batch, size = [], 0
        batch.append(doc)
        size += len(doc.span.text)
    return batches + [tuple(batch)]


class StagingBatch:
    """Small sources staged together: one part under staging_root/batch-<first source id>/, a
    row per source (the loader reads rows, not files, so it loads them as it loads parts).

    A staged file costs pyarrow and DuckDB about the same to write and read whatever its rows,
    a sizeable share of parsing a small text, so small sources share one. Each source's rows are still converted
    to the catalog's types as it is added, so a row that does not fit fails that source alone;
    the part appears, whole, only at `flush`."""

    def __init__(self):
        self.rows: list = []
        self.source_ids: list[str] = []

    def __len__(self) -> int:
        return len(self.source_ids)

    def add(self, source: SourceFile, parsed: ParsedSource) -> None:
        self.rows.append(source_rows(source, parsed).typed())
        self.source_ids.append(source.source_id)

    def clear(self) -> None:
        """Drop the sources waiting here unwritten (left by a task that failed in this process)."""
        self.rows, self.source_ids = [], []

    def flush(self, staging_root: Path) -> tuple[Path, tuple[str, ...]] | None:
        """Write the sources added since the last flush as one staged part; returns its folder
        and their source ids (None when there were none). The batch is empty afterwards, written
        or not."""
        rows, ids = self.rows, tuple(self.source_ids)
        self.clear()
        if not rows:
            return None
        folder = StagedFolder(Path(staging_root) / f"batch-{ids[0]}")
        folder.write(rows)
        return folder.publish(), ids
