"""Alerts: derive what is new in the catalog once, word it, and deliver it to each channel once.

May import `schemas`, `extractors`, `flows.catalog`, `flows.settings`, `flows.channels` and
`flows.revisions`; not the CLI, ingest internals or nightly packages.
"""
