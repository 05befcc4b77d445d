"""What an ingest run has to do, found without Prefect: the files under the given paths, their
content hashes, and which of them the published catalog already holds.

The CLI plans before it imports Prefect, so a run with nothing new ends in well under a second
and never starts an orchestration it would not use.

A quarantined source is known bytes too, but one whose cause passed (a timeout on a busy machine,
a lost worker, Tesseract missing: `failure = 'transient'`) is parsed again by the next run that
sees its file, until it has failed MAX_TRANSIENT_ATTEMPTS times (schemas/records.py; `sources.
attempts` counts the failed tries); then it stays quarantined, as a permanent one (not a PDF,
encrypted, empty…) does from the start. `retry_quarantined` (`gazette ingest --retry-quarantined`)
parses every quarantined source again, looked for at its recorded path when the run's folders do
not hold its bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flows import catalog
from schemas.records import MAX_TRANSIENT_ATTEMPTS, media_type_of

RAW_DIR = Path("data/raw")


@dataclass(frozen=True)
class Plan:
    """Which files to parse, which were skipped (bytes already known), which known bytes
    turned up under a new path, which of those parsed are quarantines retried, and the recorded
    paths of quarantines asked to be retried whose files are gone."""
    parse: list[tuple[Path, catalog.SourceFile]]
    skipped: list[str]
    new_paths: list[catalog.SourceFile]
    retried: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)

    @property
    def nothing_new(self) -> bool:
        return not self.parse and not self.new_paths


@dataclass
class IngestReport:
    """What one ingest run did, source by source."""
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    retried: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    documents: int = 0
    # The workers' parse stages (read … stage), seconds summed over sources.
    seconds: dict[str, float] = field(default_factory=dict)
    doc_ids: list[str] = field(default_factory=list)
    # Every stage's seconds: the workers' parse stages, then the writer's as the flow timed them
    # (load: the catalog's copy and the staged loads; relate; revisions; publish).
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.quarantined


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


def staging_root(db_path: Path) -> Path:
    return Path(db_path).parent / "staging"


@dataclass(frozen=True)
class KnownSources:
    """What the published catalog holds: content hashes, every (hash, path) recorded, and the
    quarantined sources (hash → path) with those whose cause passed and that have tries left."""
    ids: set[str] = field(default_factory=set)
    paths: set[tuple[str, str]] = field(default_factory=set)
    quarantined: dict[str, str] = field(default_factory=dict)
    transient: set[str] = field(default_factory=set)

    def to_retry(self, every_quarantined: bool) -> set[str]:
        return set(self.quarantined) if every_quarantined else set(self.transient)


def plan_files(db_path: Path, files: list[tuple[Path, str]], force: bool,
               retry_quarantined: bool = False, raw_dir: Path = RAW_DIR) -> Plan:
    """Hash every file; bytes the published catalog holds are skipped unless `force`, or a
    quarantine to retry (see the module's docstring). With `retry_quarantined`, a quarantined
    source whose bytes are not among `files` is looked for at its recorded paths (relative to
    `raw_dir`, or as recorded); one not found there is `gone`."""
    known = known_sources(Path(db_path))
    retry = known.to_retry(retry_quarantined)
    parse, skipped, new_paths, seen = [], [], [], set()
    for path, recorded in files:
        source = catalog.SourceFile(catalog.sha256_file(path), recorded, media_type_of(path),
                                    path.stat().st_size)
        if source.source_id in seen or (source.source_id in known.ids and not force
                                        and source.source_id not in retry):
            skipped.append(source.path)
            if (source.source_id, source.path) not in known.paths:
                new_paths.append(source)
        else:
            seen.add(source.source_id)
            parse.append((path, source))
    gone = []
    if retry_quarantined:
        for source_id in sorted(retry - seen, key=lambda sid: known.quarantined[sid]):
            found = _recorded_file(source_id, known, raw_dir)
            if found is None:
                gone.append(known.quarantined[source_id])
            else:
                parse.append(found)
    retried = [source.path for _, source in parse if source.source_id in retry]
    return Plan(parse, skipped, new_paths, retried, gone)


def _recorded_file(source_id: str, known: KnownSources, raw_dir: Path):
    """The file at one of a source's recorded paths that still holds its bytes, with the
    source as planned; None when there is none."""
    recorded = [known.quarantined[source_id]] + sorted(p for sid, p in known.paths if sid == source_id)
    for name in dict.fromkeys(recorded):
        for path in dict.fromkeys((raw_dir / name, Path(name))):
            if path.is_file() and catalog.sha256_file(path) == source_id:
                return path, catalog.SourceFile(source_id, name, media_type_of(path), path.stat().st_size)
    return None


def known_sources(db_path: Path) -> KnownSources:
    """What the published catalog holds (a catalog of older code is migrated first: planning
    is the start of a writing command)."""
    if not db_path.exists():
        return KnownSources()
    con = catalog.connect_current(db_path)
    try:
        quarantined = con.execute("select source_id, path, failure = 'transient' and attempts < ? "
                                  "from sources where status = 'quarantined'", [MAX_TRANSIENT_ATTEMPTS]).fetchall()
        return KnownSources(
            ids={r[0] for r in con.execute("select source_id from sources").fetchall()},
            paths={(r[0], r[1]) for r in con.execute("select source_id, path from source_paths").fetchall()},
            quarantined={r[0]: r[1] for r in quarantined},
            transient={r[0] for r in quarantined if r[2]})
    finally:
        con.close()
