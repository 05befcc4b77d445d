"""Web-page chrome around a text saved from a site: navigation, widgets, page metadata, footer.

A policy copied from a web page starts with the site's breadcrumb (`首页 > 政策文件 > 正文`,
`您的位置: 首页 » 法律资料网 » 法律法规 »`), widgets (`字号：大 中 小`, `打印本页`, `分享到：`,
`下载地址: 点击此处下载`) and the page's own metadata (`来源：新华社 发布时间：2025-03-24 19:15`),
and ends with more widgets and the site's footer (`版权所有`, `ICP备`). `web_chrome_lines` finds
those lines by shape: short, no sentence punctuation, made of navigation words, widget words,
separators and label：value pairs of page metadata. Only the lines before the document's first
sentence and after its last are looked at, so a line of the document is never taken.
"""
from __future__ import annotations

import regex

# A few traditional forms that mirror sites print, folded one character for one.
TRADITIONAL = str.maketrans("來發時間閱讀瀏覽當頁關閉點擊號編輯載標題網",
                            "来发时间阅读浏览当页关闭点击号编辑载标题网")
SENTENCE_END = regex.compile(r"[。；;！!？?]")
NUMBERED = regex.compile(r"第[一二三四五六七八九十百零〇两]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]")
CHROME_MAX_CHARS = 120
BREADCRUMB_SEPARATORS = regex.compile(r"\s*[>＞»›→|｜]\s*|\s+[-–—]\s+")
BREADCRUMB_PART_MAX = 16
# 当前位置：首页 > … and the bare lead-in on a line of its own.
NAVIGATION_LEAD = regex.compile(r"^(?:当前位置|您(?:当前|现在)?的位置(?:是)?|现在位置|所在位置|位置)\s*[:：]?\s*")
NAVIGATION_WORDS = regex.compile(r"首页|主页|正文|网易号|返回")
# Widget words that make up a line with separators and brackets only.
WIDGETS = regex.compile(
    r"字号\s*[:：]?\s*(?:[大中小]\s*){0,3}|【?\s*字体\s*[:：]?\s*(?:[大中小]\s*){1,3}】?|[大中小](?=\s*[大中小])"
    r"|打印本页|打印此页|打印|关闭本页|关闭窗口|关闭|分享到\s*[:：]?|分享|收藏本站|收藏|设为首页|加入收藏"
    r"|已收藏|取消订阅|订阅|大字号|返回顶部|返回首页|返回|上一篇|下一篇|扫一扫在手机打开当前页|扫一扫|在手机打开当前页"
    r"|下载地址\s*[:：]?|点击此处下载|点击播报本文[，,]?约|纠错|我要纠错|微信|微博|今天是|默认|朗读|保存")
WIDGET_RESIDUE = regex.compile(r"[\s|｜/【】\[\]()（）·•:：-]*")
# Page metadata: label：value pairs, at least one of them the site's (来源, 作者, 浏览, 阅读).
META_LABEL = regex.compile(
    r"(?:信息来源|文章来源|来源|发布时间|发布日期|更新时间|时间|日期|作者|责任编辑|编辑|浏览量|浏览次数|浏览"
    r"|阅读量|阅读|点击量|点击数|点击|访问量|分类)\s*[:：]")
SITE_META_LABEL = regex.compile(r"来源|作者|编辑|浏览|阅读|点击|访问量|更新时间|分类")
LEADING_TIMESTAMP = regex.compile(
    r"^\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*")
# A site's footer.
FOOTER = regex.compile(r"版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码|主办单位|承办单位|技术支持|网站地图|联系我们")


def is_web_chrome(line: str, tail: bool = False) -> bool:
    """True when `line` is a breadcrumb, a row of widgets or page metadata, or at the `tail` a
    site footer (主办单位 at the head may name an event's organiser)."""
    text = line.strip().translate(TRADITIONAL)
    if not text or "\t" in line or len(text) > CHROME_MAX_CHARS or SENTENCE_END.search(text) \
            or NUMBERED.match(text):
        return False
    return _breadcrumb(text) or _widgets(text) or _page_meta(text) or (tail and bool(FOOTER.search(text)))


def web_chrome_lines(lines: list[str]) -> set[int]:
    """Indices of the chrome lines at the head (before the first sentence or numbered provision)
    and at the tail (after the last one) of a text's lines."""
    body = [i for i, line in enumerate(lines) if _document_line(line)]
    if not body:
        return set()
    head = {i for i in range(body[0]) if is_web_chrome(lines[i])}
    tail = set()
    for i in range(len(lines) - 1, body[-1], -1):
        if not lines[i].strip():
            continue
        if not is_web_chrome(lines[i], tail=True):
            break
        tail.add(i)
    return head | tail


def without_web_chrome(lines: list[str]) -> list[str]:
    """The lines with the head and tail chrome left out, every other line as it was."""
    chrome = web_chrome_lines(lines)
    return [line for i, line in enumerate(lines) if i not in chrome]


def _document_line(line: str) -> bool:
    text = line.strip()
    return bool(SENTENCE_END.search(text) or NUMBERED.match(text)) and not is_web_chrome(text)


def _breadcrumb(text: str) -> bool:
    lead = NAVIGATION_LEAD.match(text)
    rest = text[lead.end():] if lead else text
    if lead and not rest:
        return True
    parts = [p for p in BREADCRUMB_SEPARATORS.split(rest) if p]
    if len(parts) < 2 and not (lead and parts):
        return False
    if any(len(p) > BREADCRUMB_PART_MAX or "，" in p or "," in p for p in parts):
        return False
    return bool(lead) or bool(NAVIGATION_WORDS.search(rest)) or len(parts) >= 3


def _widgets(text: str) -> bool:
    return WIDGETS.search(text) is not None and WIDGET_RESIDUE.fullmatch(WIDGETS.sub("", text)) is not None


def _page_meta(text: str) -> bool:
    rest = LEADING_TIMESTAMP.sub("", text, count=1)
    rest = WIDGETS.sub(" ", rest)
    labels = list(META_LABEL.finditer(rest))
    if not labels or rest[:labels[0].start()].strip(" 【[|｜"):
        return False
    return any(SITE_META_LABEL.search(m.group()) for m in labels)
