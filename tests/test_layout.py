"""Each package under flows/ and extractors/ says in its `__init__` docstring what it owns and
what it may import: the import contracts in pyproject.toml check the imports, this the prose."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(d for top in ("flows", "extractors") for d in [ROOT / top, *(ROOT / top).iterdir()]
                  if d.is_dir() and any(d.glob("*.py")))


@pytest.mark.parametrize("package", PACKAGES, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_package_docstring_says_what_it_owns_and_imports(package):
    init = package / "__init__.py"
    assert init.exists(), f"{package.relative_to(ROOT)} has modules but no __init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert len(doc.split()) >= 8, f"{init.relative_to(ROOT)}: the docstring should say what the package owns"
    assert "import" in doc.lower(), f"{init.relative_to(ROOT)}: the docstring should say what the package may import"
