"""HTML → text: the article body of a government policy page, and the links of a listing page.

Most bureaus publish a policy as an HTML page of a content-management system: the body sits in
a known container (TRS: div.TRS_Editor; many city sites: div#zoom, div#UCAP-CONTENT,
div.article-content), the title in <meta name="ArticleTitle">, <h1> or <title>. Without a known
container the body is the element holding the most paragraph text directly. The result is one
paragraph per line, title first, the way `extractors.split` reads a standalone text file.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

# Containers of the article body in common government CMSs, most specific first.
BODY_CONTAINERS = (
    ("class", "TRS_Editor"), ("id", "UCAP-CONTENT"), ("id", "zoom"), ("class", "article-content"),
    ("class", "view"), ("id", "content"), ("class", "article"), ("tag", "article"),
)
TITLE_LINES = 5
TITLE_METAS = ("ArticleTitle", "title", "og:title")
BLOCK_TAGS = frozenset({
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article",
    "ul", "ol", "blockquote", "pre", "hr", "td", "th", "dd", "dt", "center",
})
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "nav", "footer", "iframe"})
VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "source", "wbr"})
CELL_TAGS = frozenset({"td", "th"})
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
# GB2312 and GBK pages often hold characters outside their repertoire: decode with the superset.
CHARSET_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}
SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
# A site's name after the title in <title>: 标题_北京市人民政府网站 / 标题-首都之窗.
TITLE_SITE_SUFFIX = re.compile(r"\s*[_|｜—-]\s*[^_|｜—-]*(网|政府|门户|之窗)[^_|｜—-]*$")


@dataclass(frozen=True)
class HtmlArticle:
    """A policy page's title and body paragraphs; `text` is the title then one paragraph a line."""
    title: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        lines = list(self.paragraphs)
        # The body often prints the title again, over several lines: then it is not added.
        if self.title and _squash(self.title) not in _squash("".join(lines[:TITLE_LINES])):
            lines.insert(0, self.title)
        return "\n".join(lines) + "\n" if lines else ""


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children = tag, attrs, []


class _TreeBuilder(HTMLParser):
    """A forgiving element tree: unclosed tags are closed by their ancestors' end tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]
        self.metas: dict[str, str] = {}
        self.title_parts: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key and "content" in attrs:
                self.metas.setdefault(key, attrs["content"])
        if tag == "title":
            self._in_title = True
        if tag == "body":
            self._skip = 0  # a <head> left open must not hide the page
        if tag in SKIPPED_TAGS:
            self._skip += tag not in VOID_TAGS
            return
        if self._skip:
            return
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip:
            self.stack[-1].children.append(data)


def decode_html(body: bytes, declared: str | None = None) -> str:
    """HTML bytes → text, by the charset the server declared, else the page's <meta>, else UTF-8."""
    for candidate in (declared, _meta_charset(body), "utf-8"):
        if not candidate:
            continue
        name = CHARSET_SUPERSETS.get(candidate.lower(), candidate)
        try:
            codecs.lookup(name)
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("gb18030", errors="replace")


def _meta_charset(body: bytes) -> str | None:
    m = META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii") if m else None


def html_article(html: str) -> HtmlArticle:
    """The title and body paragraphs of a policy page; an empty article when it has no text."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    body = _known_container(builder.root) or _densest(builder.root) or builder.root
    paragraphs = tuple(p for p in _paragraphs(body) if p)
    return HtmlArticle(title=_title(builder), paragraphs=paragraphs)


def _title(builder: _TreeBuilder) -> str | None:
    for key in TITLE_METAS:
        if builder.metas.get(key, "").strip():
            return _clean(builder.metas[key])
    h1 = next(_find(builder.root, lambda n: n.tag == "h1"), None)
    if h1 is not None and _clean(_text_of(h1)):
        return _clean(_text_of(h1))
    title = _clean("".join(builder.title_parts))
    return TITLE_SITE_SUFFIX.sub("", title) or None


def _known_container(root: _Node) -> _Node | None:
    for attr, value in BODY_CONTAINERS:
        if attr == "tag":
            match = lambda n, v=value: n.tag == v  # noqa: E731
        elif attr == "class":
            match = lambda n, v=value: v in n.attrs.get("class", "").split()  # noqa: E731
        else:
            match = lambda n, v=value: n.attrs.get("id") == v  # noqa: E731
        for node in _find(root, match):
            if len(_squash(_text_of(node))) >= 20:
                return node
    return None


def _densest(root: _Node) -> _Node | None:
    """The element with the most text in its own strings and its direct <p> children."""
    best, best_len = None, 0
    for node in _find(root, lambda n: True):
        own = sum(len(_squash(c)) for c in node.children if isinstance(c, str))
        own += sum(len(_squash(_text_of(c))) for c in node.children
                   if isinstance(c, _Node) and c.tag in ("p", "br", "span", "font"))
        if own > best_len:
            best, best_len = node, own
    return best


def _find(node: _Node, match):
    for child in node.children:
        if isinstance(child, _Node):
            if match(child):
                yield child
            yield from _find(child, match)


def _text_of(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _text_of(c) for c in node.children)


def _paragraphs(node: _Node) -> list[str]:
    """Block elements end a paragraph; table cells of a row are joined by tabs."""
    out, current = [], []

    def flush():
        line = _clean("".join(current))
        current.clear()
        if line:
            out.append(line)

    def walk(n: _Node):
        for child in n.children:
            if isinstance(child, str):
                current.append(child)
            elif child.tag in CELL_TAGS:
                current.append(_clean(_text_of(child)) + "\t")
            elif child.tag in BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(node)
    flush()
    return [line.rstrip("\t") for line in out]


def _clean(text: str) -> str:
    return "\t".join(SPACES.sub(" ", part).strip(" \u3000") for part in text.split("\t")).strip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """Every link of a page as (absolute URL without fragment, link text), in page order, once each."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    seen, links = set(), []
    for node in _find(builder.root, lambda n: n.tag == "a" and n.attrs.get("href")):
        url = urldefrag(urljoin(base_url, node.attrs["href"].strip()))[0]
        if url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            links.append((url, _clean(_text_of(node))))
    return links
