"""Revisions: recognise the versions of a policy in the catalog, diff them, store and render the diff.

May import `schemas`, `extractors` and `flows.catalog`; the ingest flow calls it after each load,
so it never imports `flows.ingest` (nor the CLI, alerts or nightly packages).
"""
