"""Shared fixtures: the bundled corpus, an isolated Prefect home, and one catalog ingested once."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Prefect reads PREFECT_HOME at import: isolate it before anything imports prefect (shared/STACK.md).
_PREFECT_HOME = tempfile.mkdtemp(prefix="gazette-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
GAZETTE_DOC_NUMBERS = [
    "京商消二字〔2025〕16号", "京商流通字〔2025〕6号", "京技管发〔2025〕1号", "京技管发〔2025〕3号",
    "京技管发〔2025〕4号", "京技管发〔2025〕5号", "京技管发〔2025〕8号", "京技管发〔2025〕9号",
]


def sample(name: str) -> Path:
    return SAMPLES / name


def pdf_extract(source: Path, pages: list[int], path: Path) -> Path:
    """The given pages (1-based) of a PDF as a PDF of their own at `path`."""
    import pypdfium2 as pdfium

    extract = pdfium.PdfDocument.new()
    extract.import_pages(pdfium.PdfDocument(source), [n - 1 for n in pages])
    extract.save(path)
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def corpus_catalog(prefect_harness, tmp_path_factory):
    """The whole bundled corpus (7 texts, 3 PDFs) ingested once into a temporary catalog."""
    from flows.ingest.flow import ingest

    raw = tmp_path_factory.mktemp("raw")
    for path in sorted(SAMPLES.iterdir()):
        shutil.copy(path, raw / path.name)
    db = tmp_path_factory.mktemp("warehouse") / "catalog.duckdb"
    report = ingest([raw], db_path=db)
    return db, raw, report


@pytest.fixture()
def corpus_con(corpus_catalog):
    from flows import catalog

    con = catalog.connect(corpus_catalog[0], read_only=True)
    yield con
    con.close()


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
