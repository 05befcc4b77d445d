"""Pure pipeline stages: text in, typed records out (no Prefect, no DuckDB, no file writes).

Reading, cleaning, splitting and segmenting live at this level; `facts/` holds one module per fact
kind and `diff/` the comparison of two versions. Imports only `schemas` and other extractors.
"""
