"""The numbered SQL migrations of the catalog, read from `schemas/migrations/` in order."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import regex

MIGRATION_NAME = regex.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """All migrations shipped with the code, lowest version first."""
    folder = resources.files("schemas") / "migrations"
    found = []
    for entry in folder.iterdir():
        m = MIGRATION_NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda mg: mg.version)


def latest_version() -> int:
    return migrations()[-1].version
