"""Stages 1–6 for one source, as run inside a worker process: the parse chain
(extractors/pipeline.py), then its rows staged to Parquet (flows/ingest/stager.py). No Prefect
here (a worker must start fast and must not start a Prefect API of its own); each stage's wall
time is returned for the flow's log and the benchmark.
"""
from __future__ import annotations

import functools
import gc
import time
from dataclasses import dataclass, replace
from pathlib import Path

from extractors import read
from extractors.parts import text_parts

# Stage by stage, as benchmarks/ingest.py times them.
from extractors.pipeline import StageTimer, StreamedText, parse_file
from flows.catalog import SourceFile
from flows.ingest.rows import Columns, staging_columns
from flows.ingest.stager import STAGE_PART_CHARS, Stager, StagingBatch, stage_source
from flows.ingest.workers import DEFAULT_MEMORY_BYTES
from schemas.errors import BadInputError, StagingError
from schemas.records import ParsedSource, SourceFailure, media_type_of

# Text files above this size are streamed in parts of about PART_CHARS characters.
LARGE_TEXT_BYTES = 8 << 20
PART_CHARS = 2_000_000


@dataclass(frozen=True)
class StagedSource:
    """What a worker reports: where the rows are staged and how the source fared (`failure`:
    whether the cause of its `error` passes). `staged` is None for a source waiting in its
    worker's batch (`parse_into_batch`) until the batch is written (`flush_batch`)."""
    source: SourceFile
    staged: Path | None
    documents: int
    error: str | None
    seconds: dict[str, float]
    text_chars: int = 0
    failure: SourceFailure | None = None


def failure_of(exc: BaseException) -> SourceFailure:
    """`transient` for an error whose cause passes (its class says so, schemas/errors.py, or the
    worker's memory ceiling was hit), else `permanent`: the same bytes would fail again."""
    return "transient" if getattr(exc, "transient", False) or isinstance(exc, MemoryError) else "permanent"


def parse_source(path: Path, timer: StageTimer | None = None) -> tuple[ParsedSource, int]:
    """The parse chain on one file: the parsed source, or its quarantine reason, and the length
    of its cleaned text."""
    timer = timer or StageTimer()
    try:
        return parse_file(path, timer), timer.text_chars
    except BadInputError as exc:
        error, failure = str(exc), failure_of(exc)
    except Exception as exc:  # a parser bug must quarantine one source, not stop the batch
        error, failure = f"{path.name}: unexpected {type(exc).__name__}: {exc}", failure_of(exc)
    return ParsedSource(media_type=media_type_of(path), pages=timer.pages, error=error, failure=failure), timer.text_chars


def warm_up(staging: bool = True, columns: Columns | None = None) -> None:
    """Load what extraction and staging need (spaCy, jieba's dictionary from our faster cache,
    the gazetteer, pyarrow and the staged parts' layout), as a
    worker starts rather than inside its first source. With `columns` (rows.staging_columns,
    from the flow), the layout needs no DuckDB in the worker; without, it is read from an
    in-memory catalog. `staging=False` (the fork server) stops before the layout.

    What is loaded stays for the worker's life, so it is moved out of the garbage collector's
    sight (gc.freeze): its collections then walk only the objects of the source at hand (4% of
    a worker's time before, ~1% after)."""
    from extractors.facts.bureaus import _nlp
    from extractors.facts.policy_terms import _pipeline
    from extractors.jieba_words import dictionary
    from flows.ingest import rows, staged_parts
    from flows.ingest.jieba_cache import load_dictionary

    staged_parts.preload()
    load_dictionary()
    _nlp()
    _pipeline()
    dictionary()  # after _pipeline: its words count
    if columns is not None:
        rows.use_staging_columns(columns)
    if staging:
        staged_parts.part_writer()
    gc.collect()
    gc.freeze()


def parsing_workers(sources: int, workers: int, timeout: float,
                    memory_bytes: int | None = DEFAULT_MEMORY_BYTES):
    """Worker processes for `sources` files (no more workers than files), each warming up as it
    starts (`warm_up`, with the staged tables' columns from this process); a context manager
    that stops them."""
    from flows.ingest import workers as worker_pool  # looked up at the call: tests stand in their own

    size = min(workers, sources)
    # One worker gains nothing from a fork server: it would be a warm process more.
    return worker_pool.WorkerPool(size, timeout, memory_bytes, warm_up=_WarmUpWithColumns(),
                                  preload="flows.ingest.worker_preload" if size > 1 else None)


class _WarmUpWithColumns:
    """`warm_up` with this process's staged tables' columns (`staging_columns`), read when a
    worker is started rather than before the pool: the pool's starter thread reads them (an
    in-memory catalog) while its fork server warms up, instead of the fork server
    starting that much later."""

    def __init__(self):
        functools.update_wrapper(self, warm_up)

    def __call__(self) -> None:
        warm_up(columns=staging_columns())

    def __reduce__(self):
        return functools.partial(warm_up, columns=staging_columns()).__reduce__()


def parse_and_stage(path: Path, source: SourceFile, staging_root: Path) -> StagedSource:
    """Parse one file and stage its rows in a folder of its own (staging_root/<source_id>)."""
    return _parse_and_stage(Path(path), source, Path(staging_root), batched=False)


# Sources parsed by this process and not yet written: staged together when its batch ends.
_BATCH = StagingBatch()


@dataclass(frozen=True)
class FlushedBatch:
    """A worker's batch of small sources, written as one staged part."""
    folder: Path
    source_ids: tuple[str, ...]
    seconds: float

    def staged(self, item: StagedSource) -> StagedSource:
        """`item`, waiting in this batch, with its folder and its share of the write's time."""
        seconds = dict(item.seconds)
        seconds["stage"] = seconds.get("stage", 0.0) + self.seconds / len(self.source_ids)
        return replace(item, staged=self.folder, seconds=seconds)


def parse_into_batch(path: Path, source: SourceFile, staging_root: Path) -> StagedSource:
    """Parse one file, as `parse_and_stage` does, but leave a small source (at most
    STAGE_PART_CHARS of documents' text) in this process's batch: its `staged` is None until
    `flush_batch` writes the batch as one part. A larger source is staged on its own."""
    return _parse_and_stage(Path(path), source, Path(staging_root), batched=True)


def _parse_and_stage(path: Path, source: SourceFile, staging_root: Path, batched: bool) -> StagedSource:
    if media_type_of(path) == "text" and source.size > LARGE_TEXT_BYTES:
        return parse_large_text(path, source, staging_root, PART_CHARS)
    timer = StageTimer()
    parsed, chars = parse_source(path, timer)
    try:
        if batched and sum(len(doc.span.text) for doc in parsed.documents) <= STAGE_PART_CHARS:
            timer.run("stage", _BATCH.add, source, parsed)
            staged = None
        else:
            staged = timer.run("stage", stage_source, source, parsed, staging_root)
    except StagingError as exc:
        # Rows that do not fit the catalog are the content's: quarantined here as permanent,
        # not left to the worker's failure path, which counts as transient.
        return stage_failure(source, f"StagingError: {exc}", staging_root, failure_of(exc))
    return StagedSource(source, staged, len(parsed.documents), parsed.error, timer.seconds, chars,
                        parsed.failure)


def flush_batch(staging_root: Path) -> FlushedBatch | None:
    """Write the sources this process has parsed into its batch since the last flush as one
    staged part (None when there were none); the batch is empty afterwards, written or not."""
    started = time.perf_counter()
    written = _BATCH.flush(Path(staging_root))
    return None if written is None else FlushedBatch(*written, time.perf_counter() - started)


def discard_batch() -> None:
    """Drop what a task that failed in this process left in its batch, unwritten."""
    _BATCH.clear()


def batch_step(step: str, *args):
    """A worker's job in a batch of sources: "parse" one (`parse_into_batch`), or "flush" the
    batch (`flush_batch`), its last job."""
    if step == "parse":
        return parse_into_batch(*args)
    if step == "flush":
        return flush_batch(*args)
    raise ValueError(f"no batch step {step!r}")


def parse_large_text(path: Path, source: SourceFile, staging_root: Path, part_chars: int) -> StagedSource:
    """A text too large to hold, streamed: decoded block by block, cut into parts before
    document titles, each part parsed (StreamedText) and staged on its own, so memory follows
    the part size."""
    timer, stager, text = StageTimer(), Stager(source, staging_root), StreamedText(path.name)
    try:
        for part in text_parts(read.iter_decoded(path, path.name), part_chars):
            docs = text.parse_part(part, timer)
            timer.run("stage", stager.add, stager.issue_id(text.source()), docs)
    except (BadInputError, StagingError) as exc:
        reason = str(exc) if isinstance(exc, BadInputError) else f"StagingError: {exc}"
        return stage_failure(source, reason.removeprefix(f"{path.name}: "), staging_root, failure_of(exc))
    staged = timer.run("stage", stager.finish, text.source())
    return StagedSource(source, staged, text.documents, None, timer.seconds, timer.text_chars)


def stage_failure(source: SourceFile, reason: str, staging_root: Path,
                  failure: SourceFailure = "transient") -> StagedSource:
    """Stage a quarantine row for a source that gave no result: by default one whose worker
    timed out, died or was lost, a cause that passes."""
    error = f"{Path(source.path).name}: {reason}"
    parsed = ParsedSource(media_type=source.media_type, pages=None, error=error, failure=failure)
    return StagedSource(source, stage_source(source, parsed, Path(staging_root)), 0, error, {},
                        failure=failure)
