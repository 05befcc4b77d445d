"""`gazette web`: a read-only catalog browser (Starlette routes, Jinja2 templates), on loopback.

May import `schemas`, `extractors`, `flows.catalog` (its read-only connection only),
`flows.revisions` for the redline, and the CLI's two reading modules `flows.cli.search` and
`flows.cli.show`, so that a page finds and marks what the commands do; never a writer (ingest,
nightly, alerts, export) nor the command line itself, whose `gazette web` command imports it.
"""
