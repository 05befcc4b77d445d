"""Words of a search marked in a line of text, as HTML."""
from __future__ import annotations

import re

from markupsafe import Markup, escape


def marked_words(text: str, words: list[str]) -> Markup:
    """`text` escaped, each occurrence of one of `words` in <mark> (the longest where several start:
    a phrase whole before the words cut from it)."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    out, at = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[at:m.start()]) + Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        at = m.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)
