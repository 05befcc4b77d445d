"""Nightly: fetch the feeds into data/raw, then ingest, alert and deliver, on a Prefect schedule.

Owns HTTP (feeds, the host guard, one request with a deadline) and the local Prefect server for
`gazette serve`. May import every other flows package except the CLI.
"""
