"""Prefect flows, the catalog writer and the `gazette` command line."""
