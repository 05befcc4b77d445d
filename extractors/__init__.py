"""Pure pipeline stages: text in, typed records out (no Prefect, no DuckDB, no file writes)."""
