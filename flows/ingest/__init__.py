"""Ingest: files under data/raw → parsed in worker processes → staged → loaded by one writer.

Owns planning (which bytes are new), the worker pool, staging to Parquet, loading sources in
the catalog, merging an OCR reading into the document it renders, relating sources, then has
`flows.revisions` link and diff the versions. May import `schemas`, `extractors`,
`flows.catalog`, `flows.settings` and `flows.revisions`; not the CLI, alerts or nightly packages. Kept free of imports: parsing workers import its modules one by one.
"""
