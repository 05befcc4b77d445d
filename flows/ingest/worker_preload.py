"""Imported by the parsing workers' fork server: it warms up once (spaCy, jieba, the gazetteer:
`parse.warm_up`) and each worker is forked from it, sharing those pages instead of loading its
own copy. DuckDB is left to each worker: a database must not be forked.
"""
from flows.ingest.parse import warm_up

try:
    warm_up(staging=False)
except Exception:  # noqa: BLE001 — a worker that needs what failed loads it, or reports it, itself
    pass
