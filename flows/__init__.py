"""Orchestration and I/O: Prefect flows, the catalog, the `gazette` command line.

- `catalog` is the only module that opens DuckDB; `settings` reads the nightly settings file;
  `channels` the alert channels (each one's settings and send); `query_guard` decides what an
  analyst's SQL may do, `feed_guard` which URLs a feed may fetch; `server` the local Prefect API
  a run uses and stops.
- `ingest/` files → parsed in workers → staged → loaded; `revisions/` versions and their diffs;
  `alerts/` what is new and its delivery; `nightly/` feeds and the schedule; `cli/` the commands.

Imports run one way: cli → nightly → alerts → ingest → revisions → catalog, settings → channels;
and flows → extractors → schemas (checked by import-linter).
"""
import os

# Set before any module of the package imports Prefect: no server analytics, and no client
# telemetry, whose first import prints a notice on an analyst's terminal.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
