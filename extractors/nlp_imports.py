"""jieba and spaCy imported without the parts of their start-up that extraction never uses.

Every parsing worker imports both as it starts, and start-up is a large share of a small run:
- jieba imports setuptools' `pkg_resources` (slow, deprecated: it warns) only to open its own
  data files. Without it jieba opens them by path, as it does wherever setuptools is missing.
- spaCy's package imports its command-line interface (typer, weasel, requests, httpx)
  for `spacy.info` alone. A pipeline from `spacy.blank` never touches it: the CLI is left
  unimported and `spacy.info` imports it when called.
Each falls back to the plain import if the package no longer imports without those parts.
"""
from __future__ import annotations

import sys
from types import ModuleType

SPACY_CLI = ("spacy.cli", "spacy.cli.info")


def import_jieba() -> ModuleType:
    """The jieba module, imported without pkg_resources when nothing has imported it yet."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # an import of it raises ImportError: jieba's fallback
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def import_spacy() -> ModuleType:
    """The spacy module, imported without its command-line interface when nothing has
    imported spaCy yet."""
    if "spacy" in sys.modules or any(name in sys.modules for name in SPACY_CLI):
        import spacy

        return spacy
    cli, info = ModuleType(SPACY_CLI[0]), ModuleType(SPACY_CLI[1])
    cli.info = info.info = _info
    sys.modules.update(zip(SPACY_CLI, (cli, info)))
    try:
        import spacy
    except Exception:  # noqa: BLE001 — a spaCy that needs its CLI at import gets it
        for name in [name for name in sys.modules if name == "spacy" or name.startswith("spacy.")]:
            del sys.modules[name]
        import spacy

        return spacy
    finally:
        for name in SPACY_CLI:
            if sys.modules.get(name) in (cli, info):
                del sys.modules[name]
    if getattr(spacy, "cli", None) is cli:
        del spacy.cli  # `import spacy.cli` now loads the real one
    return spacy


def _info(*args, **kwargs):
    """spacy.info, imported with spaCy's CLI when first called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)
