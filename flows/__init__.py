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
