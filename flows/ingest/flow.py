"""The ingest flow: raw files → parsed and staged in worker processes → loaded by one writer.

Sources are parsed in parallel, each in a worker process with a timeout and a memory ceiling,
and staged to Parquet; then one writer loads them into a copy of the catalog, in transactions of
whole sources, and publishes it atomically (`catalog.writing`). Files whose bytes the catalog
already holds are not parsed again, but for quarantines whose cause passes (flows/ingest/plan.py).
"""
from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed, wait
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import catalog
from flows.ingest import loader, printed_pages, relate, renditions
from flows.ingest.jieba_cache import load_dictionary
from flows.ingest.parse import (
    FlushedBatch,
    StagedSource,
    batch_step,
    discard_batch,
    flush_batch,
    parse_into_batch,
    parsing_workers,
    stage_failure,
)
from flows.ingest.plan import IngestReport, Plan, discover, plan_files, staging_root
from flows.ingest.progress import progress_bar
from flows.ingest.runners import RunnerChoice, foreground_run, orchestration, task_runner
from flows.ingest.staging import run_staging
from flows.ingest.workers import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT_S, JobFailure, WorkerPool
from flows.revisions import status as document_status
from flows.revisions import versions as revisions

# Sources handed to a worker per Prefect task: a task's bookkeeping in the flow and its API
# server costs as much as parsing a small text, so batches pay it once per batch.
# About TASKS_PER_WORKER batches per worker keep the workers evenly loaded to the end.
TASKS_PER_WORKER = 4
MAX_BATCH_BYTES = 4 << 20
MAX_BATCH_SOURCES = 64
# Lists of sources are handed to tasks quoted (prefect's `quote`): Prefect otherwise walks every
# element of a task's parameters, twice, looking for futures, which costs the flow's CPU per source.
# Not under Dask: prefect-dask hands a quoted parameter to the task still wrapped.


@task(cache_policy=NO_CACHE)
def plan_sources(db_path: Path, files: list[tuple[Path, str]], force: bool,
                 retry_quarantined: bool = False) -> Plan:
    """Hash every file; bytes the published catalog holds are skipped unless `force`, or a
    quarantine to retry (flows/ingest/plan.py)."""
    return plan_files(Path(db_path), files, force, retry_quarantined)


Batch = list[tuple[Path, catalog.SourceFile]]


@task(cache_policy=NO_CACHE, task_run_name="parse {name}")
def parse_in_worker(pool: WorkerPool, batch: Batch, staging: Path, name: str) -> list[StagedSource]:
    """Stages 1–6 for a batch of sources in a worker process, each source on its own timeout,
    the small ones written together as one staged part when the batch ends (parse.batch_step);
    a source that times out or crashes its worker is quarantined, the rest go on. Sources that
    waited in a worker that died before writing them are parsed once more."""
    settled: dict[str, StagedSource] = {}
    pending, flushed = list(batch), None
    for _ in range(2):
        results = pool.run_each(batch_step, [("parse", path, source, staging) for path, source in pending]
                                + [("flush", staging)])
        flushed, lost = results[-1], []
        for (path, source), result in zip(pending, results[:-1]):
            if isinstance(result, JobFailure):
                settled[source.source_id] = stage_failure(source, result.reason, staging)
            elif result.staged is not None:
                settled[source.source_id] = result
            elif isinstance(flushed, FlushedBatch) and source.source_id in flushed.source_ids:
                settled[source.source_id] = flushed.staged(result)
            else:
                lost.append((path, source))
        pending = lost
        if not pending:
            break
    for _, source in pending:
        reason = flushed.reason if isinstance(flushed, JobFailure) else "its worker ended before staging it"
        settled[source.source_id] = stage_failure(source, f"could not be staged ({reason})", staging)
    return [settled[source.source_id] for _, source in batch]


@task(cache_policy=NO_CACHE, task_run_name="parse {name}")
def parse_here(batch: Batch, staging: Path, name: str) -> list[StagedSource]:
    """Stages 1–6 for a batch of sources in this process: a Dask worker (the cluster isolates it).
    jieba's dictionary comes from our faster cache when this process has not loaded it yet."""
    load_dictionary()
    discard_batch()
    items = [parse_into_batch(path, source, staging) for path, source in batch]
    flushed = flush_batch(staging)
    return [flushed.staged(item) if item.staged is None else item for item in items]


def parse_batches(parse: Batch, workers: int) -> list[Batch]:
    """The sources to parse, in consecutive batches of about 1/TASKS_PER_WORKER of a worker's
    share of the bytes (at most MAX_BATCH_BYTES and MAX_BATCH_SOURCES); a large file alone."""
    total = sum(source.size for _, source in parse)
    target = min(MAX_BATCH_BYTES, max(1, total // max(1, workers * TASKS_PER_WORKER)))
    batches: list[Batch] = []
    batch: Batch = []
    size = 0
    for path, source in parse:
        if batch and (size + source.size > target or len(batch) == MAX_BATCH_SOURCES):
            batches.append(batch)
            batch, size = [], 0
        batch.append((path, source))
        size += source.size
    return batches + [batch] if batch else batches


def batch_name(batch: Batch) -> str:
    first = Path(batch[0][1].path).name
    return first if len(batch) == 1 else f"{first} and {len(batch) - 1} more"


@dataclass(frozen=True)
class IngestOptions:
    """How a run treats known files, how it parses, and how long it waits for the catalog."""
    force: bool = False
    rebuild: bool = False
    retry_quarantined: bool = False
    workers: int = 2
    timeout: float = DEFAULT_TIMEOUT_S
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES
    lock_timeout: float = 600.0
    progress: bool = False
    runner: str = "thread"
    dask_address: str | None = None

    @property
    def runner_choice(self) -> RunnerChoice:
        return RunnerChoice(self.runner, self.workers, self.dask_address)


@task(cache_policy=NO_CACHE)
def load_and_publish(db_path: Path, staged: list[StagedSource], new_paths: list[catalog.SourceFile],
                     options: IngestOptions) -> list[str]:
    """Load staged sources into a copy of the catalog (an empty one to rebuild), link relations,
    link versions and diff each new one against its predecessor, and publish it once; returns
    the ids of the documents loaded."""
    with _writer(Path(db_path), new_paths, options) as con:
        # Whole sources, up to loader.LOAD_CHUNK_BYTES of staged Parquet a transaction: the
        # copy is private until published, so transactions only bound the memory a commit holds.
        _load(con, staged, options)
        return _finish_load(con, staged)


@contextlib.contextmanager
def _writer(db_path: Path, new_paths: list[catalog.SourceFile], options: IngestOptions):
    """The run's single writer: a private copy of the catalog (an empty one to rebuild) with the
    run's new paths recorded, published when the block ends without an error."""
    started = time.perf_counter()
    with catalog.writing(Path(db_path), options.lock_timeout, fresh=options.rebuild) as con:
        for source in new_paths:
            loader.record_path(con, source.source_id, source.path)
        _timed("load", started)
        yield con
        started = time.perf_counter()
    _timed("publish", started)


def _load(con, staged: list[StagedSource], options: IngestOptions) -> None:
    started = time.perf_counter()
    ids = [item.source.source_id for item in staged]
    if options.force and not options.rebuild:
        replacing = ids
    else:
        # Quarantines retried, and sources new when this run planned, loaded since by another
        # run that parsed the same files at the same time and published first: this run's rows
        # replace theirs (the same bytes parsed alike) instead of failing the load on their keys.
        replacing = loader.known_source_ids(con, ids)
    loader.load_staged(con, [item.staged for item in staged], replacing=replacing)
    _timed("load", started)


def _finish_load(con, staged: list[StagedSource]) -> list[str]:
    """After every staged source is loaded: relations, bureaus, versions and their diffs;
    returns the ids of the documents loaded."""
    started = time.perf_counter()
    ids = [s.source.source_id for s in staged]
    doc_ids = [r[0] for r in con.execute(
        f"select doc_id from documents where {catalog.in_ids('source_id')} order by doc_id",
        [catalog.ids_param(ids)]).fetchall()]
    if staged:
        renditions.merge_renditions(con, doc_ids)
        printed_pages.borrow_printed_pages(con, doc_ids)
        relate.resolve_relations(con)
    loader.sync_bureaus(con)
    loader.sync_bureau_aliases(con)
    loader.sync_fact_kinds(con)
    _timed("relate", started)
    if doc_ids:
        # In the same copy of the catalog: one copy and one publish a run, not two.
        started = time.perf_counter()
        revisions.update_revisions(con)
        document_status.update_status(con)
        _timed("revisions", started)
    return doc_ids


# The running ingest's IngestReport.stage_seconds, which the writer's stages add their time to.
STAGE_SECONDS: contextvars.ContextVar[dict[str, float] | None] = contextvars.ContextVar("stage_seconds", default=None)


def _start_stage_clock(report: IngestReport) -> contextvars.Token:
    """Have the writer's stages add their seconds to the report's. A function of its own: Dask
    pickles the flow's function by value, and a ContextVar it named would not pickle."""
    return STAGE_SECONDS.set(report.stage_seconds)


def _stop_stage_clock(report: IngestReport, token: contextvars.Token) -> None:
    """Stop timing into the report; the workers' parse stages go first, in stage order."""
    STAGE_SECONDS.reset(token)
    report.stage_seconds = {**report.seconds, **report.stage_seconds}


def _timed(stage: str, started: float) -> None:
    """Add the seconds since `started` (time.perf_counter) to `stage` of the running ingest."""
    seconds = STAGE_SECONDS.get()
    if seconds is not None:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started


def loads_while_parsing(options: IngestOptions) -> bool:
    """Whether the writer loads each batch of staged sources as it arrives, while the parsing
    goes on: with one worker a core is otherwise idle during the parsing, and the load hides
    behind it. Two workers keep both cores busy, so loading beside them only slows them down.
    Under Dask the loader waits for the cluster."""
    return options.workers == 1 and options.runner_choice.in_process_pool


@flow(name="ingest", log_prints=False, validate_parameters=False, persist_result=False,
      task_runner=ThreadPoolTaskRunner(max_workers=2))
def ingest_flow(paths: list[Path], db_path: Path = catalog.DEFAULT_DB,
                options: IngestOptions = IngestOptions()) -> IngestReport:
    """Ingest files and folders into the catalog; a bad file is quarantined, the rest goes on."""
    report = IngestReport()
    timing = _start_stage_clock(report)
    files = discover([Path(p) for p in paths])
    plan = plan_sources(Path(db_path), quote(files), options.force or options.rebuild, options.retry_quarantined)
    report.skipped, report.retried, report.gone = plan.skipped, plan.retried, plan.gone
    # This run's own staging folder (flows/ingest/staging.py), removed with everything staged in it
    # once the catalog is published (or the run fails).
    with (run_staging(staging_root(db_path).resolve()) if plan.parse else contextlib.nullcontext()) as staging:
        if plan.parse and loads_while_parsing(options):
            with _writer(Path(db_path), plan.new_paths, options) as con:
                staged = _parse_all(plan, staging, options, on_batch=lambda items: _load(con, items, options))
                report.doc_ids = _finish_load(con, staged)
        else:
            staged = _parse_all(plan, staging, options)
            if staged or plan.new_paths or options.rebuild:
                report.doc_ids = load_and_publish(Path(db_path), quote(staged), quote(plan.new_paths), options)
    for item in staged:
        report.added.append(item.source.path)
        report.documents += item.documents
        if item.error is not None:
            report.quarantined[item.source.path] = item.error
            report.failures[item.source.path] = item.failure
        for stage, seconds in item.seconds.items():
            report.seconds[stage] = report.seconds.get(stage, 0.0) + seconds
    _stop_stage_clock(report, timing)
    return report


# Worker processes `ingest()` started before the flow run (see `_started_workers`).
STARTED_POOL: contextvars.ContextVar[WorkerPool | None] = contextvars.ContextVar("started_pool", default=None)


def _parse_all(plan: Plan, staging: Path | None, options: IngestOptions,
               on_batch: Callable[[list[StagedSource]], None] | None = None) -> list[StagedSource]:
    """Every source to parse, parsed and staged, in path order. With in-process workers,
    `on_batch` gets each batch's results in this thread as the batch finishes (the writer's
    loads, see loads_while_parsing), but the last batch's once the workers are stopped: a lone
    large source then loads with the machine's memory to itself, as it does after the parsing
    with more workers. Under Dask it is not called (loads_while_parsing is False there)."""
    if not plan.parse:
        return []
    batches = parse_batches(plan.parse, options.workers)
    done: list[StagedSource] = []
    if not options.runner_choice.in_process_pool:
        # Under Dask the workers parse; paths are absolute so any worker finds them.
        with progress_bar(len(plan.parse), enabled=options.progress) as advance:
            futures = [(parse_here.submit([(path.resolve(), source) for path, source in batch], staging,
                                          batch_name(batch)), batch) for batch in batches]
            for items in _collect(futures, staging, advance):
                done += items
        return sorted(done, key=lambda s: s.source.path)
    started = STARTED_POOL.get()
    # The workers are stopped when parsing ends, pre-started or not: the load after the parsing
    # must not share the machine's memory with idle parsers.
    pool = started or parsing_workers(len(plan.parse), options.workers, options.timeout, options.memory_bytes)
    last: list[StagedSource] = []
    futures: list[tuple] = []
    try:
        with pool, progress_bar(len(plan.parse), enabled=options.progress) as advance:
            futures = [(parse_in_worker.submit(pool, quote(batch), staging, batch_name(batch)), batch)
                       for batch in batches]
            for finished, items in enumerate(_collect(futures, staging, advance), 1):
                done += items
                if finished == len(futures):
                    last = items
                elif on_batch is not None:
                    on_batch(items)
    except BaseException:
        # The run stops (SIGTERM, Ctrl-C, an error): its tasks end at once now that the pool is
        # closed; wait for them before the staging folder they write in is removed.
        wait([future for future, _ in futures])
        raise
    if on_batch is not None and last:
        on_batch(last)
    return sorted(done, key=lambda s: s.source.path)


@contextlib.contextmanager
def _started_workers(paths: list[Path], db_path: Path, options: IngestOptions, plan: Plan | None,
                     pool: WorkerPool | None = None):
    """Start the parsing workers before the flow run is created, when the plan (made without
    Prefect, or handed over by the caller) has files to parse: their start-up (a spawn or a
    fork server, spaCy, jieba) then overlaps Prefect's (creating the flow run). A
    caller that started them earlier still (the CLI, before importing Prefect) hands them over
    as `pool`."""
    with contextlib.ExitStack() as stack:
        if pool is None and options.runner_choice.in_process_pool:
            if plan is None:
                plan = plan_files(Path(db_path), discover([Path(p) for p in paths]), options.force or options.rebuild,
                                  options.retry_quarantined)
            if plan.parse:
                pool = stack.enter_context(
                    parsing_workers(len(plan.parse), options.workers, options.timeout, options.memory_bytes))
        token = STARTED_POOL.set(pool)
        try:
            yield
        finally:
            STARTED_POOL.reset(token)


def _collect(futures: list[tuple], staging: Path, advance) -> Iterator[list[StagedSource]]:
    """Each batch's staged results as the batch finishes; a task that died (a lost Dask worker)
    quarantines its batch's sources."""
    batches = {id(future): batch for future, batch in futures}
    for future in as_completed([future for future, _ in futures]):
        try:
            items = future.result()
        except Exception as exc:
            items = [stage_failure(source, f"the parse task failed ({type(exc).__name__}: {exc})", staging)
                     for _, source in batches[id(future)]]
        for item in items:
            advance(item.source.path)
        yield items


def ingest(paths: list[Path], db_path: Path = catalog.DEFAULT_DB, plan: Plan | None = None,
           pool: WorkerPool | None = None, **options) -> IngestReport:
    """Run the ingest flow with `workers` parsing processes, under the task runner `runner`
    (`thread` or `dask`, see flows/ingest/runners.py); the CLI and tests call this. `plan`, when the
    caller has made one, sizes the worker pool without hashing the files again (the flow still
    plans its own run). `pool`: parsing workers the caller started (see `_started_workers`)."""
    opts = IngestOptions(**options)
    choice = opts.runner_choice
    with orchestration(choice), _started_workers(paths, db_path, opts, plan, pool), foreground_run():
        return ingest_flow.with_options(task_runner=task_runner(choice))(paths, db_path=db_path, options=opts)
