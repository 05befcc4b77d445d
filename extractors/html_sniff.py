"""Whether a decoded "text" source is an HTML page saved under a text name.

A page is known by its structure in the first HTML_SNIFF_CHARS characters, not by a word: what
may come before its first element (blank lines, a BOM, an XML declaration, comments such as a
browser's `<!-- saved from url=(0045)https://… -->`, a doctype) is passed over, and then it
opens with a document element (`<html`, `<head>`, `<body>`, `<meta>`, `<title>`), or its head is
markup that closes what it opens (a saved fragment of `<div>`s and `<p>`s). A policy text that
mentions `<html>` or `<meta>` in its sentences, however often, is neither.
"""
from __future__ import annotations

import re

HTML_SNIFF_CHARS = 8192
PREAMBLE = re.compile(r"(?:[\s\ufeff]+|<\?xml\b.*?\?>|<!--.*?-->|<!doctype\b[^>]*>)*", re.IGNORECASE | re.DOTALL)
HTML_DOCTYPE = re.compile(r"<!doctype\s+html\b", re.IGNORECASE)
DOCUMENT_ELEMENT = re.compile(r"<(?:html|head|body|meta|title|link|script|style)\b[^<>]*>", re.IGNORECASE)
MARKUP_TAG = re.compile(r"</?[a-z][a-z0-9]*\b(?:\s[^<>]*)?/?>", re.IGNORECASE)
CLOSING_TAG = re.compile(r"</[a-z][a-z0-9]*\s*>", re.IGNORECASE)
# A saved fragment closes at least this many elements, and opens with a tag or its tags take this
# share of the head's characters (a corpus text has at most 3 tags, all mentioned in sentences,
# none closing).
FRAGMENT_MIN_CLOSING = 4
FRAGMENT_MARKUP_SHARE = 0.2


def looks_like_html(text: str) -> bool:
    """True when `text` is an HTML page or a saved fragment of one, judged from its head."""
    head = text[:HTML_SNIFF_CHARS]
    preamble = PREAMBLE.match(head)
    if HTML_DOCTYPE.search(preamble.group()) or DOCUMENT_ELEMENT.match(head, preamble.end()):
        return True
    if len(CLOSING_TAG.findall(head)) < FRAGMENT_MIN_CLOSING:
        return False
    markup = sum(len(tag) for tag in MARKUP_TAG.findall(head))
    return bool(MARKUP_TAG.match(head, preamble.end())) or markup >= FRAGMENT_MARKUP_SHARE * len(head)
