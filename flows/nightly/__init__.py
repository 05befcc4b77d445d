"""Nightly: fetch the feeds into data/raw, then ingest, alert and deliver, on a Prefect schedule.

Owns HTTP (feeds and one request with a deadline; the host rules are `flows.feed_guard`) and
the nightly deployment `gazette serve` runs. May import every other flows package except the CLI.
"""
