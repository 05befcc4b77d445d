# Two entry points for a newcomer: `make demo` and `make test`. Everything installs into .venv
# from pyproject.toml; nothing is assumed to be installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: demo test eval install clean-catalog

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p data/raw data/warehouse
	cp -n data/samples/* data/raw/ 2>/dev/null || true
	$(BIN)/gazette ingest data/raw
	$(BIN)/gazette summary

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/python $(SHARED)/eval/score.py data/warehouse/catalog.duckdb
	$(BIN)/python $(SHARED)/eval/score.py data/warehouse/catalog.duckdb --media pdf

clean-catalog:
	rm -f data/warehouse/catalog.duckdb data/warehouse/catalog.duckdb.wal
