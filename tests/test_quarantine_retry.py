"""A quarantine whose cause passed is retried: each records whether its cause is this machine's
(`transient`: a timeout, a lost worker, Tesseract missing) or the file's (`permanent`), and how
many tries failed; the next ingest retries the transient ones up to MAX_TRANSIENT_ATTEMPTS
tries, and `gazette ingest --retry-quarantined` every one whose file is still there."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from extractors import ocr
from flows import catalog
from flows.cli import doctor
from flows.cli.main import main
from flows.ingest import loader
from flows.ingest.flow import parse_in_worker
from flows.ingest.parse import failure_of, parse_and_stage, parse_source
from flows.ingest.plan import plan_files
from flows.ingest.stager import stage_source
from flows.ingest.workers import JobFailure
from schemas.errors import StagingError, TransientSourceError
from schemas.records import MAX_TRANSIENT_ATTEMPTS, ParsedSource
from tests.conftest import SAMPLES

TEXT = "jjgf-2025-9.txt"
NOT_A_PDF = b"a web page saved as .pdf, not a PDF"
# Far shorter than any parse: the worker is given up on as the source starts.
TINY_TIMEOUT = "0.001"
TIMEOUT_ERROR = f"{TEXT}: gave up after {TINY_TIMEOUT} s (per-file timeout)"
NOT_A_PDF_ERROR = "junk.pdf: not a PDF (it does not start with %PDF-)"
NO_TESSERACT = ("scan.pdf: no text layer on any of 1 pages (a scan), and OCR cannot run: Tesseract is "
                "not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")


def sources(db: Path) -> dict[str, tuple]:
    """path → (status, failure, attempts, error, documents) of every source."""
    con = catalog.connect(db, read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "select s.path, s.status, s.failure, s.attempts, s.error, count(d.doc_id) from sources s "
            "left join documents d using (source_id) group by all order by all").fetchall()}
    finally:
        con.close()


def ingest(db: Path, raw: Path, *options: str) -> int:
    return main(["--db", str(db), "ingest", str(raw), "--no-progress", *options])


@pytest.fixture()
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


def junk_then_the_text(raw: Path, tmp_path: Path) -> Path:
    """A catalog that a first ingest gave junk.pdf, quarantined for good, with the text then
    dropped beside it."""
    db = tmp_path / "catalog.duckdb"
    (raw / "junk.pdf").write_bytes(NOT_A_PDF)
    assert ingest(db, raw) == 3
    shutil.copy(SAMPLES / TEXT, raw)
    return db


@pytest.mark.usefixtures("prefect_harness")
def test_a_timeout_is_retried_by_the_next_ingest_and_becomes_ok_while_a_bad_file_is_not(raw, tmp_path, capsys):
    db = junk_then_the_text(raw, tmp_path)
    assert ingest(db, raw, "--timeout", TINY_TIMEOUT) == 3
    assert sources(db) == {"junk.pdf": ("quarantined", "permanent", 1, NOT_A_PDF_ERROR, 0),
                           TEXT: ("quarantined", "transient", 1, TIMEOUT_ERROR, 0)}
    assert "1 of them for a cause that passes" in capsys.readouterr().err
    assert ingest(db, raw) == 0
    assert sources(db) == {"junk.pdf": ("quarantined", "permanent", 1, NOT_A_PDF_ERROR, 0),
                           TEXT: ("ok", None, 1, None, 1)}
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "ingested 1 source(s) (1 quarantined before), 1 document(s); skipped 1 already in the catalog",
        "1 new alert(s) (1 document): `gazette alerts` lists them"]


@pytest.mark.usefixtures("prefect_harness")
def test_retries_stop_at_the_bound_and_retry_quarantined_retries_every_quarantine(raw, tmp_path, capsys):
    db = junk_then_the_text(raw, tmp_path)
    for attempt in range(1, MAX_TRANSIENT_ATTEMPTS + 1):
        assert ingest(db, raw, "--timeout", TINY_TIMEOUT) == 3
        assert sources(db)[TEXT][:3] == ("quarantined", "transient", attempt)
    assert sources(db)["junk.pdf"][:3] == ("quarantined", "permanent", 1)
    capsys.readouterr()
    assert ingest(db, raw) == 0
    assert capsys.readouterr().out == "nothing new: 2 file(s) already in the catalog\n"
    assert main(["--db", str(db), "summary"]) == 0
    table = capsys.readouterr().out.split("\nquarantined\n")[1].splitlines()
    assert [re.split(r"\s{2,}", line) for line in table[:1] + table[2:]] == [
        ["path", "failure", "tries", "error", "retried"],
        [TEXT, "transient", "3/3", TIMEOUT_ERROR, "gave up: gazette ingest --retry-quarantined"],
        ["junk.pdf", "permanent", "1", NOT_A_PDF_ERROR, "fix the file, then gazette ingest --retry-quarantined"],
        ["(2 rows)"]]
    assert ingest(db, raw, "--retry-quarantined") == 3
    assert sources(db) == {"junk.pdf": ("quarantined", "permanent", 2, NOT_A_PDF_ERROR, 0),
                           TEXT: ("ok", None, 3, None, 1)}


def quarantined_catalog(db: Path, rows: list[tuple[Path, str, int]]) -> None:
    """A catalog holding the files as quarantined sources: (file, failure, attempts)."""
    with catalog.writing(db) as con:
        for path, failure, attempts in rows:
            source = catalog.SourceFile(catalog.sha256_file(path), path.name, "pdf", path.stat().st_size)
            parsed = ParsedSource("pdf", None, error=f"{path.name}: x", failure=failure)
            loader.load_staged(con, stage_source(source, parsed, db.parent / "hand-staged"))
            con.execute("update sources set attempts = ? where source_id = ?", [attempts, source.source_id])


def test_a_transient_quarantine_is_planned_until_its_tries_reach_the_bound(raw, tmp_path):
    db = tmp_path / "catalog.duckdb"
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (raw / name).write_bytes(name.encode())
    quarantined_catalog(db, [(raw / "a.pdf", "transient", MAX_TRANSIENT_ATTEMPTS - 1),
                             (raw / "b.pdf", "transient", MAX_TRANSIENT_ATTEMPTS),
                             (raw / "c.pdf", "permanent", 1)])
    files = [(raw / name, name) for name in ("a.pdf", "b.pdf", "c.pdf")]
    plan = plan_files(db, files, force=False)
    assert [s.path for _, s in plan.parse] == ["a.pdf"] and plan.retried == ["a.pdf"]
    assert plan.skipped == ["b.pdf", "c.pdf"] and plan.new_paths == []
    every = plan_files(db, files, force=False, retry_quarantined=True)
    assert every.retried == ["a.pdf", "b.pdf", "c.pdf"] and every.skipped == []


def test_retry_quarantined_finds_a_file_at_its_recorded_path_and_names_one_that_is_gone(raw, tmp_path, capsys):
    db = tmp_path / "catalog.duckdb"
    junk = raw / "junk.pdf"
    junk.write_bytes(NOT_A_PDF)
    quarantined_catalog(db, [(junk, "permanent", 1)])
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    assert plan_files(db, [], force=False, raw_dir=raw).nothing_new
    plan = plan_files(db, [], force=False, retry_quarantined=True, raw_dir=raw)
    assert [(path, s.path) for path, s in plan.parse] == [(junk, "junk.pdf")] and plan.gone == []
    junk.unlink()
    assert plan_files(db, [], force=False, retry_quarantined=True, raw_dir=raw).gone == ["junk.pdf"]
    assert ingest(db, elsewhere, "--retry-quarantined") == 0
    out = capsys.readouterr()
    assert out.err == "not retried: junk.pdf: its file is gone (not under data/raw, nor at that path)\n"
    assert out.out == "nothing new: 0 file(s) already in the catalog\n"


def scan_pdf(path: Path) -> Path:
    """The top half of jjgf-2025-9.pdf's first page as an image without a text layer: a scan
    that Tesseract reads in about half a second."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(SAMPLES / "jjgf-2025-9.pdf")
    try:
        image = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    image.crop((0, 0, image.width, image.height // 2)).save(path, format="PDF", resolution=200)
    return path


@pytest.mark.skipif(ocr.tesseract_missing() is not None, reason=f"no Tesseract with chi_sim ({ocr.INSTALL_HINT})")
@pytest.mark.usefixtures("prefect_harness")
def test_a_scan_quarantined_without_tesseract_is_read_once_tesseract_is_there(raw, tmp_path, monkeypatch):
    db = tmp_path / "catalog.duckdb"
    scan_pdf(raw / "scan.pdf")
    with monkeypatch.context() as patched:
        # Worker processes are spawned: they see the PATH, not a monkeypatched function.
        patched.setenv("PATH", str(tmp_path))
        assert ingest(db, raw) == 3
    assert sources(db) == {"scan.pdf": ("quarantined", "transient", 1, NO_TESSERACT, 0)}
    assert ingest(db, raw) == 0
    assert sources(db)["scan.pdf"][:3] == ("ok", None, 1)
    con = catalog.connect(db, read_only=True)
    try:
        assert "京技管发〔2025〕9号" in con.execute("select text from documents").fetchone()[0]
    finally:
        con.close()


def test_each_quarantine_is_classed_by_its_errors_type(tmp_path, monkeypatch):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(NOT_A_PDF)
    assert parse_source(junk)[0].failure == "permanent"
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    assert parse_source(scan_pdf(tmp_path / "scan.pdf"))[0].failure == "transient"
    assert failure_of(TransientSourceError("x")) == "transient" and failure_of(MemoryError()) == "transient"
    assert failure_of(ValueError("a parser bug")) == "permanent"


def test_rows_that_do_not_fit_the_catalog_are_permanent_and_a_dead_worker_transient(tmp_path, monkeypatch):
    path = SAMPLES / TEXT
    source = catalog.SourceFile(catalog.sha256_file(path), TEXT, "text", path.stat().st_size)

    def misfit(source, parsed, staging_root):
        if parsed.error is None:
            raise StagingError("a facts row does not fit the catalog: char_start (int32)")
        return real(source, parsed, staging_root)

    real = stage_source
    monkeypatch.setattr("flows.ingest.parse.stage_source", misfit)
    staged = parse_and_stage(path, source, tmp_path)
    assert (staged.failure, staged.error) == (
        "permanent", f"{TEXT}: StagingError: a facts row does not fit the catalog: char_start (int32)")

    class DyingPool:
        def run_each(self, fn, jobs):
            return [JobFailure("the parser process died (exit code -9; out of memory or a crash)")] + [None]

    [died] = parse_in_worker.fn(DyingPool(), [(path, source)], tmp_path, TEXT)
    assert died.failure == "transient"


def test_a_catalog_at_migration_7_classes_its_quarantines_by_their_messages(tmp_path):
    """Rows quarantined before migration 009 carry only their message: those the worker pool and
    the OCR reader wrote for a cause that passes are transient, the rest permanent, each tried once."""
    from schemas.ddl import migrations

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    for mg in migrations()[:7]:
        con.execute(mg.sql)
        con.execute("insert into schema_migrations values (?, ?, now())", [mg.version, mg.name])
    old = {"a.pdf": "a.pdf: gave up after 300 s (per-file timeout)",
           "b.pdf": "b.pdf: the parser process died (exit code -9; out of memory or a crash)",
           "c.pdf": NO_TESSERACT.replace("scan.pdf", "c.pdf"),
           "d.pdf": NOT_A_PDF_ERROR.replace("junk.pdf", "d.pdf"),
           "e.txt": "e.txt: empty file (0 bytes, no text); re-export or re-download it",
           "f.txt": None}
    for letter, (path, error) in zip("abcdef", old.items()):
        con.execute("insert into sources values (?, ?, 'pdf', ?, ?, null, 1, [], now())",
                    [letter * 64, path, "ok" if error is None else "quarantined", error])
    con.close()
    with catalog.writing(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select path, failure, attempts from sources order by path").fetchall() == [
        ("a.pdf", "transient", 1), ("b.pdf", "transient", 1), ("c.pdf", "transient", 1),
        ("d.pdf", "permanent", 1), ("e.txt", "permanent", 1), ("f.txt", None, 0)]
    con.close()
    _, findings = doctor.examine(db)
    assert findings[0].check.name.startswith("every source is ok") and findings[0].rows == []
