"""What an ingest run has to do, found without Prefect: the files under the given paths, their
content hashes, and which of them the published catalog already holds.

The CLI plans before it imports Prefect, so a run with nothing new ends in well under a second
and never starts an orchestration it would not use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flows import catalog

RAW_DIR = Path("data/raw")
PDF_SUFFIXES = {".pdf"}


@dataclass(frozen=True)
class Plan:
    """Which files to parse, which were skipped (bytes already known), and which known bytes
    turned up under a new path."""
    parse: list[tuple[Path, catalog.SourceFile]]
    skipped: list[str]
    new_paths: list[catalog.SourceFile]

    @property
    def nothing_new(self) -> bool:
        return not self.parse and not self.new_paths


@dataclass
class IngestReport:
    """What one ingest run did, source by source."""
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)
    documents: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    doc_ids: list[str] = field(default_factory=list)

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


def staging_root(db_path: Path) -> Path:
    return Path(db_path).parent / "staging"


def plan_files(db_path: Path, files: list[tuple[Path, str]], force: bool) -> Plan:
    """Hash every file; bytes the published catalog holds are skipped unless `force`."""
    known, paths = known_sources(Path(db_path))
    parse, skipped, new_paths, seen = [], [], [], set()
    for path, recorded in files:
        source = catalog.SourceFile(catalog.sha256_file(path), recorded, media_type_of(path),
                                    path.stat().st_size)
        if source.source_id in seen or (source.source_id in known and not force):
            skipped.append(source.path)
            if (source.source_id, source.path) not in paths:
                new_paths.append(source)
        else:
            seen.add(source.source_id)
            parse.append((path, source))
    return Plan(parse, skipped, new_paths)


def known_sources(db_path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Content hashes in the published catalog, and every (hash, path) it has recorded (a
    catalog of older code is migrated first: planning is the start of a writing command)."""
    if not db_path.exists():
        return set(), set()
    con = catalog.connect_current(db_path)
    try:
        known = {r[0] for r in con.execute("select source_id from sources").fetchall()}
        paths = {(r[0], r[1]) for r in con.execute("select source_id, path from source_paths").fetchall()}
        return known, paths
    finally:
        con.close()
