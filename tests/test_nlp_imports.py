"""jieba and spaCy imported lean (extractors/nlp_imports.py): a worker's warm-up leaves out
pkg_resources and spaCy's CLI, and extraction gives what it gives with the plain imports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT, sample

# Extraction's jieba and spaCy answers on a corpus document, and what the warm-up imported.
EXTRACT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from flows.ingest import parse
    parse.warm_up()
    import jieba
    parsed, _ = parse.parse_source(Path(sys.argv[1]))
    text = parsed.documents[0].span.text
    print(json.dumps({
        "cut": jieba.lcut(text[:4000]),
        "facts": [[f.kind, f.text, f.char_start] for d in parsed.documents for f in d.facts],
        "terms": [[t.term, t.char_start] for d in parsed.documents for t in d.terms],
        "imported": sorted(m for m in ("pkg_resources", "typer", "weasel", "requests", "spacy.cli")
                           if m in sys.modules),
    }, ensure_ascii=False))
""")
# The same after pkg_resources and spaCy's CLI were imported first: the plain imports.
PLAIN = "import warnings; warnings.simplefilter('ignore'); import pkg_resources, spacy.cli\n" + EXTRACT


def _run(code: str, *args: str, path: str = "") -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (path, str(ROOT)) if p)}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_warm_up_leaves_out_pkg_resources_and_spacys_cli_and_extracts_the_same():
    document = str(sample("jjgf-2025-9.txt"))
    lean, plain = json.loads(_run(EXTRACT, document)), json.loads(_run(PLAIN, document))
    assert lean["imported"] == []
    assert plain["imported"] == ["pkg_resources", "requests", "spacy.cli", "typer", "weasel"]
    assert lean["cut"] == plain["cut"] and lean["facts"] == plain["facts"] and lean["terms"] == plain["terms"]
    assert len(lean["facts"]) > 20 and len(lean["terms"]) > 10


def test_spacys_cli_is_still_there_when_asked_for():
    out = _run(textwrap.dedent("""
        from extractors.nlp_imports import import_spacy
        spacy = import_spacy()
        info = spacy.info(silent=True)
        import spacy.cli
        print(info["spacy_version"] == spacy.__version__, callable(spacy.cli.setup_cli))
    """))
    assert out.split() == ["True", "True"]


def test_a_spacy_that_needs_its_cli_at_import_gets_the_plain_import(tmp_path: Path):
    package = tmp_path / "spacy"
    (package / "cli").mkdir(parents=True)
    (package / "__init__.py").write_text("from .cli.info import info\nfrom .cli import setup_cli\n")
    (package / "cli" / "__init__.py").write_text("def setup_cli():\n    return 'real'\n")
    (package / "cli" / "info.py").write_text("def info():\n    return 'real info'\n")
    out = _run(textwrap.dedent("""
        from extractors.nlp_imports import import_spacy
        spacy = import_spacy()
        print(spacy.setup_cli(), '|', spacy.info())
    """), path=str(tmp_path))
    assert out.strip() == "real | real info"
