# Two entry points for a newcomer: `make demo` and `make test`. Everything installs into .venv
# from pyproject.toml; nothing is assumed to be installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: demo test eval install clean-catalog browser tesseract fonts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,corpus]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p data/raw data/warehouse
	cp -n data/samples/* data/raw/ 2>/dev/null || true
	$(BIN)/gazette ingest data/raw
	$(BIN)/gazette summary

# Lint and the import contracts (pyproject.toml) fail fast, before the slower tests.
test: $(STAMP) browser tesseract fonts
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# Headless Chromium (and a CJK font for its screenshots) for the redline page test, installed
# when missing and when apt-get can run as root; otherwise that test skips and says why (in CI it fails).
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the redline page test (tests/test_diff_html.py)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
			|| echo "chromium could not be installed: the browser test will skip"; \
	else echo "no chromium, and apt-get cannot run as root here: the browser test will skip"; fi

# Tesseract with its Simplified Chinese model, for OCR of scanned PDFs (extractors/ocr.py), installed
# the same way; without it the OCR test skips and scans are quarantined with how to install it.
tesseract:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing tesseract-ocr and tesseract-ocr-chi-sim for OCR of scans (tests/test_ocr.py)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-chi-sim >/dev/null) \
			|| echo "tesseract could not be installed: the OCR test will skip"; \
	else echo "no tesseract, and apt-get cannot run as root here: the OCR test will skip"; fi

# CJK fonts for data/corpus/render_pdfs.py (the corpus's PDF renditions and their tests), installed
# the same way; without them the renderer tests skip and say why.
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -qi -e uming -e microhei; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing CJK fonts for the corpus PDF renderer (data/corpus/render_pdfs.py)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming fonts-wqy-microhei >/dev/null) \
			|| echo "CJK fonts could not be installed: the renderer tests will skip"; \
	else echo "no CJK fonts, and apt-get cannot run as root here: the renderer tests will skip"; fi

# Every gold set (bundled and data/corpus), text and PDF renditions, on a catalog of its own;
# the whole report goes to benchmarks/results_eval.md; eligibility conditions against
# data/corpus/eligibility go to benchmarks/results_eligibility.md.
eval: $(STAMP)
	SHARED=$(SHARED) $(BIN)/python benchmarks/eval_corpus.py
	$(BIN)/python benchmarks/eval_eligibility.py

clean-catalog:
	rm -f data/warehouse/catalog.duckdb data/warehouse/catalog.duckdb.wal
