"""Stage 3: clean text → its documents (文号, title, issuer, type, dates) with char offsets.

A gazette issue (see `extractors.issue`) is cut at each document's title: the title lines just
above a line that is only a 文号 (京技管发〔2025〕1号). The cover, masthead and TOC before the first
title and the back matter (政府公报查询方式, 《…公报》简介) are in no document. Any other text is
one standalone document spanning the whole text.

Titles have all whitespace removed (the spaces in printed titles are line-wrap residue). For a
notice that issues a policy (…印发《X》的通知) `title` is X and `notice_title` the notice's own
title; `doc_type` is the last word of that title (措施, 意见, 办法, 细则, 公告, 通知, …).
TOC entries without a document and documents without a TOC entry are added to
`IssueMeta.warnings`.

A law-style text (办法/条例/规定 published by a 令) carries its promulgation under the title
(`2021年8月26日 国家市场监督管理总局令第47号公布`, `2021年10月1日 施行`, `（…通过）`) or opens with
the 令 itself (`中华人民共和国主席令` / `第七十号` / `《X》已由…通过，现予公布…`): those lines are never
title, the 令 number is the document's `doc_number`, its body the issuer, and the first 公布/发布
date the issued date.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import regex

from extractors.facts.doc_numbers import extract_doc_numbers
from extractors.issue import DOC_NUMBER, normalize_doc_number, parse_cn_date, parse_issue
from extractors.lines import TextLine, text_lines
from extractors.numerals import chinese_to_int
from extractors.title_cap import capped_title
from schemas.records import CleanText, DocumentSpan, IssueMeta, TocEntry

BACK_MATTER = regex.compile(r"政府公报查询方式|《[^》]{2,30}公报》简介|政府公报网络版")
ISSUING_NOTICE = regex.compile(
    r"(?P<issuer>.*?)(?:关于)?(?:(?:印发|转发|发布|颁布)《(?P<policy>[^》]+)》|(?:印发|转发)(?P<bare>[^《》]+?))"
    r"的(?:通知|通告|公告|决定)")
# Joint issuers are joined by 、: 国务院办公厅、中央军委办公厅关于….
_TITLE_BODY = r"\p{Han}{2,30}?(?:委员会|人民政府|办公厅|办公室|局|厅|委|部|院|中心)"
TITLE_ISSUER = regex.compile(rf"(?P<issuer>(?:{_TITLE_BODY}、)*{_TITLE_BODY})关于")
DATE_LINE = regex.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
# A signature dated in Chinese numerals: 一九九六年六月二十九日, 二〇一二年九月二十七日.
CN_DATE_LINE = regex.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日")
SIGNATURE_LINE = regex.compile(r"[\p{Han}（）()、]{2,40}")
# One or more bodies on a line (separated by spaces): 中共柳河县委 柳河县人民政府.
ISSUER_LINE = regex.compile(
    r"(?:\p{Han}{2,30}(?:委员会|人民政府|政府|办公厅|办公室|局|厅|委|部|院|中心|联合会)\s*){1,6}")
DRAFT_MARK = regex.compile(r"[（(]?\s*征求意见稿\s*[）)]?")
ATTACHMENT_MARK = regex.compile(r"附件\s*\d*\s*[:：]?")
# Title lines carry no sentence punctuation; a line ending a sentence is body text.
BODY_PUNCT = regex.compile(r"[。，,；;：:！？]")
TITLE_MAX_CHARS = 80
TITLE_MAX_LINES = 5
# A title continues upward when it starts mid-phrase: 关于…/印发…, or a 》 whose 《 is above.
TITLE_CONTINUES = regex.compile(r"(?:关于|印发|转发|批转|的)")
QUALIFIER = regex.compile(r"[（(][^（）()]*[）)]$")
DOC_TYPES = ("办事指南", "细则", "办法", "措施", "意见", "方案", "规划", "计划", "公告", "通告",
             "通知", "决定", "规定", "条例", "指南", "批复", "函", "法典", "法")
WHITESPACE = regex.compile(r"\s+")
_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
# One clause of a law's promulgation record: a date, who did what, and the act.
PROMULGATION_CLAUSE = regex.compile(
    rf"(?:根据|自)?\s*(?P<date>{_DATE})[^。；;]{{0,80}}?(?P<act>公布|发布|施行|实施|通过|修订|修正)")
PROMULGATION_LINE = regex.compile(
    rf"[（(]?\s*(?:{PROMULGATION_CLAUSE.pattern}[\s，,、；;]*)+\s*[）)]?")
PROMULGATED_ACTS = ("公布", "发布")
# The body in a 通过 clause, without its term (第十四届) and sitting (第十七次会议, 经…第6次部务会议).
SESSION = regex.compile(r"^经|第[一二三四五六七八九十百\d]+(?:届|次\p{Han}{0,4}会议)")
PASSING_BODY = regex.compile(r"\p{Han}{0,12}(?:人民代表大会(?:常务委员会)?|人民政府|国务院)")
# A 令 on its own lines: 中华人民共和国主席令第四十五号, 中华人民共和国国务院令 / 第732号, 主席令（第二十六号）.
_SERIAL = r"[（(]?\s*(?:[一二三四五六七八九十]{1,3}届\s*)?第\s*(?:\d{1,5}|[一二三四五六七八九十百千零〇两]{1,8})\s*号\s*[）)]?"
DECREE_HEAD = regex.compile(rf"\p{{Han}}{{2,32}}令\s*(?:{_SERIAL})?")
DECREE_SERIAL = regex.compile(_SERIAL)
# The enacting sentence under a 令: 《中华人民共和国民法典》已由…通过，现予公布，自…起施行 /
# 现发布《国务院行政机构设置和编制管理条例》; its first 《》 is the law's title.
ENACTING = regex.compile(r"现予?(?:公布|发布)|现将.{0,40}公布|予以公布")
ENACTED_TITLE = regex.compile(r"《(?P<title>[^》]{2,60})》")
TOC_HEAD = regex.compile(r"目\s*录")
BRACKETED_DATE = regex.compile(rf"[（(]\s*{_DATE}\s*[）)]")
# The 令 and promulgation lines sit between the title and the first chapter or article.
LAW_HEAD_MAX_LINES = 16


def split_documents(clean: CleanText) -> tuple[IssueMeta | None, list[DocumentSpan]]:
    """(issue, documents) of a clean text; issue is None for a standalone document.

    Every span satisfies `span.text == clean.text[span.char_start:span.char_end]`.
    """
    lines = text_lines(clean.text)
    issue = parse_issue(clean)
    if issue is None:
        return None, [_standalone(clean.text, lines)] if lines else []
    starts = _document_starts(lines)
    spans = []
    for k, (first, number_at) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else _back_matter(lines, first)
        doc_lines = lines[first:stop]
        toc = _toc_entry(issue.toc, lines[number_at].text)
        spans.append(_describe(clean.text, k + 1, doc_lines, number_at - first, toc))
    return _with_toc_warnings(issue, spans), spans


def continue_issue(clean: CleanText, issue: IssueMeta, first_seq: int) -> list[DocumentSpan]:
    """The documents of a later part of an issue read in parts (a very large file): cut at
    each title like the first part; text before the first title belongs to no document."""
    lines = text_lines(clean.text)
    starts = _document_starts(lines)
    spans = []
    for k, (first, number_at) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else _back_matter(lines, first)
        toc = _toc_entry(issue.toc, lines[number_at].text)
        spans.append(_describe(clean.text, first_seq + k, lines[first:stop], number_at - first, toc))
    return spans


def document_starts(text: str) -> list[int]:
    """Offsets where a document's title begins (the title lines above a 文号 line), in raw or
    clean text: where a very large file may be cut into parts without cutting a document."""
    lines = text_lines(text)
    return [lines[first].start for first, _ in _document_starts(lines)]


def _document_starts(lines: list[TextLine]) -> list[tuple[int, int]]:
    """(first title line, 文号 line) of each document, in order."""
    starts = []
    for i, line in enumerate(lines):
        if i and DOC_NUMBER.fullmatch(line.text):
            first = _title_start(lines, i)
            if first < i:
                starts.append((first, i))
    return starts


def _title_start(lines: list[TextLine], number_at: int) -> int:
    """Walk up from the 文号 line over the title's lines."""
    first = number_at
    title = ""
    while first > 0 and number_at - first < TITLE_MAX_LINES:
        above = lines[first - 1].text
        if not _title_like(above):
            break
        if title and not (TITLE_CONTINUES.match(title) or title.count("》") > title.count("《")):
            break
        title = above + title
        first -= 1
    return first


def _title_like(text: str) -> bool:
    return ("\t" not in text and len(text) <= TITLE_MAX_CHARS and not BODY_PUNCT.search(text)
            and not DATE_LINE.fullmatch(text) and not DOC_NUMBER.fullmatch(text)
            and not text.startswith(("(", "（", "-")) and not PROMULGATION_LINE.fullmatch(text)
            and not DECREE_HEAD.fullmatch(text))


def _back_matter(lines: list[TextLine], first: int) -> int:
    for i in range(first + 1, len(lines)):
        if BACK_MATTER.fullmatch(lines[i].text):
            return i
    return len(lines)


def _standalone(text: str, lines: list[TextLine]) -> DocumentSpan:
    """The whole text as one document; its title is the leading title-like lines."""
    first = 1 if ATTACHMENT_MARK.fullmatch(lines[0].text) and len(lines) > 1 else 0
    # 穗府办规〔2021〕19号 prints its 文号 above the title.
    number_at = first if first + 1 < len(lines) and DOC_NUMBER.fullmatch(lines[first].text) else None
    first += number_at is not None
    # 重庆市渝北区科学技术局 / 关于开展…的通知: the issuer on a line of its own above a 关于 title.
    header_issuer = None
    if first + 1 < len(lines) and ISSUER_LINE.fullmatch(lines[first].text) \
            and lines[first + 1].text.startswith("关于"):
        header_issuer, first = WHITESPACE.sub("", lines[first].text), first + 1
    end = _title_end(lines, first)
    if number_at is None and end < len(lines) and DOC_NUMBER.fullmatch(lines[end].text):
        number_at = end
    span = _describe(text, 1, lines, number_at, None, title_lines=(first, max(end, first + 1)))
    if header_issuer:
        span = replace(span, issuer=header_issuer)
    if end < len(lines) and BRACKETED_DATE.fullmatch(lines[end].text):
        # 中共柳河县委 柳河县人民政府's 实施意见 dates itself under its title: （2023年2月8日）.
        span = replace(span, issued_date=parse_cn_date(lines[end].text))
    return replace(_with_law_head(span, lines, first, end), char_start=0, char_end=len(text), text=text)


def _title_end(lines: list[TextLine], first: int) -> int:
    """End of the title lines from `first`: title-like lines, up to the one that completes a
    title (…办法, …条例, …法) unless the next line continues it (的通知, 实施细则)."""
    end, title = first, ""
    while end < len(lines) and end - first < TITLE_MAX_LINES:
        line = lines[end].text
        if not _title_like(line) or DRAFT_MARK.fullmatch(line) or _numbered(line):
            break
        if title and doc_type(title) and line != lines[end - 1].text and not TITLE_CONTINUES.match(line) \
                and not doc_type(line):
            break
        title = title if end > first and line == lines[end - 1].text else title + line
        end += 1
    return end


def _with_law_head(span: DocumentSpan, lines: list[TextLine], first: int, end: int) -> DocumentSpan:
    """A law's 令 number, its body as issuer, its 公布 and 施行 dates, from the 令 and promulgation lines
    between the title and the first chapter or article; a text that opens with its 令 takes its
    title from the enacting sentence (《X》…现予公布)."""
    stop = min(len(lines), first + LAW_HEAD_MAX_LINES)
    stop = next((i for i in range(first, stop) if _numbered(lines[i].text)
                 or TOC_HEAD.fullmatch(lines[i].text)), stop)
    head = lines[max(end, first):stop]
    record = [ln.text for k, ln in enumerate(head) if PROMULGATION_LINE.fullmatch(ln.text)
              or DECREE_HEAD.fullmatch(ln.text)
              or (k and DECREE_SERIAL.fullmatch(ln.text) and DECREE_HEAD.fullmatch(head[k - 1].text))]
    if not record:
        return span
    joined = WHITESPACE.sub("", "".join(record))
    decrees = [f.value_text for f in extract_doc_numbers(joined) if "令" in (f.value_text or "")]
    clauses = [m for text in record for m in PROMULGATION_CLAUSE.finditer(text)]
    # The clause that dates the law names its issuer when no 令 does: …国家发展计划委员会发布,
    # or for a law passed by a congress without a 令 line, the first 通过.
    passed = next((m for m in clauses if m["act"] in PROMULGATED_ACTS), None) \
        or next((m for m in clauses if m["act"] == "通过"), None)
    issued = parse_cn_date(passed["date"]) if passed else None
    in_force = next((m for m in clauses if m["act"] in ("施行", "实施")), None)
    title = span.title
    if end == first:
        enacted = next((m for ln in head if ENACTING.search(ln.text)
                        for m in [ENACTED_TITLE.search(ln.text)] if m), None)
        title = enacted["title"] if enacted else title
    number = decrees[0] if decrees else span.doc_number
    issuer = number[:number.index("令")] if decrees else (_passing_body(passed) or span.issuer)
    return replace(span, title=title, doc_type=doc_type(title), doc_number=number, issuer=issuer,
                   issued_date=issued or span.issued_date,
                   effective_date=parse_cn_date(in_force["date"]) if in_force else None)


def _passing_body(passed: regex.Match | None) -> str | None:
    """第六届全国人民代表大会常务委员会第三次会议通过 → 全国人民代表大会常务委员会;
    国家发展计划委员会发布 → 国家发展计划委员会."""
    if passed is None:
        return None
    who = SESSION.sub("", WHITESPACE.sub("", passed.string[passed.end("date"):passed.start("act")]))
    body = PASSING_BODY.fullmatch(who) or ISSUER_LINE.fullmatch(who)
    return body.group() if body else None


def _numbered(text: str) -> bool:
    return bool(regex.match(r"(?:第[一二三四五六七八九十百]+[编章节条]|第\s*\d[\d\s]*条|[一二三四五六七八九十]+、)", text))


def _describe(text: str, seq: int, lines: list[TextLine], number_at: int | None,
              toc: TocEntry | None, title_lines: tuple[int, int] | None = None) -> DocumentSpan:
    """A DocumentSpan from a document's lines; the title is lines[:number_at] by default."""
    head_from, head_to = title_lines or (0, number_at)
    title_lines = lines[head_from:head_to]
    # A web page prints its headline over the title: a line repeating the one above is said once.
    own_title = WHITESPACE.sub("", "".join(ln.text for k, ln in enumerate(title_lines)
                                           if not k or ln.text != title_lines[k - 1].text))
    after_head = max(number_at if number_at is not None else -1, head_to - 1) + 1
    is_draft = bool(DRAFT_MARK.search(own_title)) or (
        after_head < len(lines) and bool(DRAFT_MARK.fullmatch(lines[after_head].text)))
    own_title = DRAFT_MARK.sub("", own_title) if "征求意见稿" in own_title else own_title
    notice = _issuing_notice(own_title, lines[after_head:])
    title = (notice["policy"] or notice["bare"]) if notice else own_title
    issuer, issued = _signature(lines, after_head)
    start, end = lines[0].start, lines[-1].end
    return DocumentSpan(
        seq=seq, char_start=start, char_end=end, text=text[start:end], title=capped_title(title),
        doc_number=normalize_doc_number(lines[number_at].text) if number_at is not None else None,
        notice_title=capped_title(own_title) if notice else None,
        issuer=issuer or _title_issuer(own_title),
        doc_type=doc_type(title), is_draft=is_draft, issued_date=issued, toc_entry=toc)


def _issuing_notice(title: str, body: list[TextLine]) -> regex.Match | None:
    """The notice a title names when it issues a policy: 印发《X》, or 印发X without 《》 when the
    body names X as a title, on a line of its own or in 《》 (广州市临时救助实施细则); a notice
    that issues 两个规定 keeps its own title."""
    notice = ISSUING_NOTICE.fullmatch(title)
    if notice and notice["bare"]:
        bare = notice["bare"]
        if not any(WHITESPACE.sub("", ln.text) in (bare, f"《{bare}》") or f"《{bare}》" in ln.text
                   for ln in body[:LAW_HEAD_MAX_LINES]):
            return None
    return notice


def _signature(lines: list[TextLine], body_from: int) -> tuple[str | None, date | None]:
    """(signing body, date) from the first date line of the body and the line above it."""
    for i in range(body_from, len(lines)):
        if DATE_LINE.fullmatch(lines[i].text) or CN_DATE_LINE.fullmatch(lines[i].text):
            above = lines[i - 1].text if i > body_from else ""
            issuer = WHITESPACE.sub("", above) if SIGNATURE_LINE.fullmatch(above) else None
            return issuer, parse_cn_date(lines[i].text) or _cn_numeral_date(lines[i].text)
    return None, None


def _cn_numeral_date(text: str) -> date | None:
    """一九九六年六月二十九日 → date(1996, 6, 29)."""
    m = CN_DATE_LINE.fullmatch(text)
    try:
        return date(*(chinese_to_int(m[k]) for k in ("y", "m", "d"))) if m else None
    except ValueError:
        return None


def _title_issuer(title: str) -> str | None:
    """北京市商务局关于… → 北京市商务局; …管理委员会印发《…》 → …管理委员会."""
    notice = ISSUING_NOTICE.fullmatch(title)
    if notice and notice["issuer"]:
        return notice["issuer"]
    m = TITLE_ISSUER.match(title)
    return m["issuer"] if m else None


def doc_type(title: str) -> str | None:
    """The document type named by a title's last word: …若干措施 → 措施, …支持办法（修订稿） → 办法."""
    bare = title
    while QUALIFIER.search(bare):
        bare = QUALIFIER.sub("", bare)
    return next((t for t in DOC_TYPES if bare.endswith(t)), None)


def _toc_entry(toc: tuple[TocEntry, ...], number_line: str) -> TocEntry | None:
    number = normalize_doc_number(number_line)
    return next((e for e in toc if e.doc_number == number), None)


def _with_toc_warnings(issue: IssueMeta, spans: list[DocumentSpan]) -> IssueMeta:
    found = {s.doc_number for s in spans}
    listed = {e.doc_number for e in issue.toc}
    warnings = list(issue.warnings)
    warnings += [f"TOC entry {e.seq} ({e.doc_number}) {e.title_zh}: no document in the issue"
                 for e in issue.toc if e.doc_number not in found]
    warnings += [f"document {s.seq} ({s.doc_number}) {s.title}: not in the TOC"
                 for s in spans if issue.toc and s.doc_number not in listed]
    return replace(issue, warnings=tuple(warnings))
