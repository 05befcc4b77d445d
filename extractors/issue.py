"""Stage 3a: a gazette issue's masthead and bilingual table of contents.

`parse_issue` reads only the front matter: the lines before the first 文号 line. A text without
an issue number (第27期) and a publication name (…公报) there is a standalone document → None.
Problems found on the way (an English entry matched to no Chinese one, …) are kept in
`IssueMeta.warnings`; `split_documents` adds the TOC entries that have no document.
"""
from __future__ import annotations

from datetime import date

import regex

from schemas.records import CleanText, IssueMeta, TocEntry

PUBLICATION = regex.compile(r"\p{Han}{2,24}公报")
ISSUE_NUMBER = regex.compile(r"第\s*(?P<no>\d{1,3})\s*期(?:\s*[（(]\s*总第\s*(?P<total>\d{1,5})\s*期\s*[）)])?")
YEAR_LINE = regex.compile(r"(?P<year>(?:19|20)\d{2})\s*(?:年)?")
CN_DATE = regex.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
# 京商消二字〔2025〕16 号; half- and full-width square brackets are accepted and normalised to 〔〕.
DOC_NUMBER = regex.compile(
    r"(?P<org>\p{Han}{1,12})\s*[〔\[［](?P<year>\d{4})[〕\]］]\s*第?\s*(?P<no>\d{1,4})\s*号")
TOC_HEAD = regex.compile(r"目\s*录")
TOC_EN_HEAD = regex.compile(r"CONTENTS|Contents|TABLE OF CONTENTS")
TOC_SECTION = regex.compile(r"【(?P<name>[^】]+)】")
TOC_ENTRY_END = regex.compile(
    rf"[（(]\s*(?P<num>{DOC_NUMBER.pattern})\s*[）)]\s*[（(]\s*(?P<page>\d{{1,4}})\s*[）)]")
TOC_EN_ENTRY_END = regex.compile(
    r"\(\s*(?P<roman>[A-Za-z]+)\s*\[\s*(?P<year>\d{4})\s*\]\s*No\.\s*(?P<no>\d{1,4})\s*\)"
    r"\s*\(\s*(?P<page>\d{1,4})\s*\)")
TOC_EN_NOTE = regex.compile(r"\(The Table of Contents[^)]*\)")
LIST_MARKER = regex.compile(r"(?m)^-\s+")
WHITESPACE = regex.compile(r"\s+")


def normalize_doc_number(text: str) -> str:
    """京商消二字〔2025〕16 号 → 京商消二字〔2025〕16号: no whitespace, 〔〕 brackets."""
    m = DOC_NUMBER.fullmatch(WHITESPACE.sub("", text))
    if not m:
        return WHITESPACE.sub("", text)
    return f"{m['org']}〔{m['year']}〕{m['no']}号"


def parse_cn_date(text: str) -> date | None:
    """2025 年 6 月 19 日 → date(2025, 6, 19); None if there is no valid date in `text`."""
    m = CN_DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def parse_issue(clean: CleanText) -> IssueMeta | None:
    """The masthead and TOC of a gazette issue, or None for a standalone document."""
    front = front_matter(clean.text)
    head = "\n".join(front)
    publication = next((ln for ln in front if PUBLICATION.fullmatch(ln)), None)
    issue = ISSUE_NUMBER.search(head)
    if publication is None or issue is None:
        return None
    total = next((m["total"] for m in ISSUE_NUMBER.finditer(head) if m["total"]), None)
    issue_date = next((d for d in map(parse_cn_date, front) if d), None)
    toc, warnings = issue_toc(front)
    return IssueMeta(
        publication=publication, year=_issue_year(front, issue_date),
        issue_no=int(issue["no"]), total_no=int(total) if total else None,
        issue_date=issue_date, toc=toc, warnings=tuple(warnings))


def front_matter(text: str) -> list[str]:
    """The lines before the first line that is only a 文号 (the first document's number)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if DOC_NUMBER.fullmatch(line.strip()):
            return lines[:i]
    return lines


def _issue_year(front: list[str], issue_date: date | None) -> int:
    if issue_date:
        return issue_date.year
    for line in front:
        m = YEAR_LINE.fullmatch(line.strip())
        if m:
            return int(m["year"])
    m = regex.search(r"((?:19|20)\d{2})\s*年\s*第\s*\d+\s*期", "\n".join(front))
    return int(m.group(1)) if m else 0


def issue_toc(front: list[str]) -> tuple[tuple[TocEntry, ...], list[str]]:
    """The Chinese TOC entries, each with its English twin's title when one matches."""
    zh_region, en_region = _toc_regions(front)
    entries = _zh_entries(zh_region)
    english = _en_entries(en_region)
    warnings: list[str] = []
    used: set[int] = set()
    matched = []
    for i, entry in enumerate(entries):
        j = _english_twin(entry, i, english, used)
        if j is None:
            if english:
                warnings.append(f"TOC entry {entry.seq} ({entry.doc_number}) has no English entry")
            matched.append(entry)
            continue
        used.add(j)
        matched.append(_with_title_en(entry, english[j][2]))
    for j, (num, _, title) in enumerate(english):
        if j not in used:
            warnings.append(f"English TOC entry {num} matches no Chinese entry: {title}")
    return tuple(matched), warnings


def _toc_regions(front: list[str]) -> tuple[str, str]:
    zh_start = next((i for i, ln in enumerate(front) if TOC_HEAD.fullmatch(ln.strip())), None)
    en_start = next((i for i, ln in enumerate(front) if TOC_EN_HEAD.fullmatch(ln.strip())), None)
    if zh_start is None:
        return "", ""
    zh_end = en_start if en_start is not None and en_start > zh_start else len(front)
    en_lines = front[en_start + 1:] if en_start is not None else []
    return "\n".join(front[zh_start + 1:zh_end]), "\n".join(en_lines)


def _zh_entries(region: str) -> list[TocEntry]:
    entries: list[TocEntry] = []
    section, pos = None, 0
    for m in TOC_ENTRY_END.finditer(region):
        chunk = region[pos:m.start()]
        sections = list(TOC_SECTION.finditer(chunk))
        if sections:
            section = sections[-1]["name"].strip()
            chunk = chunk[sections[-1].end():]
        title = WHITESPACE.sub("", LIST_MARKER.sub("", chunk))
        entries.append(TocEntry(seq=len(entries) + 1, title_zh=title,
                                doc_number=normalize_doc_number(m["num"]),
                                printed_page=int(m["page"]), section=section))
        pos = m.end()
    return entries


def _en_entries(region: str) -> list[tuple[str, tuple[int, int], str]]:
    """(printed number, (year, number), title) for each English entry."""
    region = TOC_EN_NOTE.sub("", region)
    out, pos = [], 0
    for m in TOC_EN_ENTRY_END.finditer(region):
        chunk = TOC_SECTION.sub("", LIST_MARKER.sub("", region[pos:m.start()]))
        # A line ending in a hyphen or dash is a word cut by the old line wrap (Economic-\nTechnological).
        chunk = regex.sub(r"([-–—])\s*\n\s*", r"\1", chunk)
        printed = f"{m['roman']}[{m['year']}]No. {m['no']}"
        out.append((printed, (int(m["year"]), int(m["no"])), WHITESPACE.sub(" ", chunk).strip()))
        pos = m.end()
    return out


def _english_twin(entry: TocEntry, index: int, english, used: set[int]) -> int | None:
    """The English entry with the same year and number, preferring the one at the same position."""
    m = DOC_NUMBER.fullmatch(entry.doc_number or "")
    if not m:
        return None
    key = (int(m["year"]), int(m["no"]))
    candidates = [j for j, e in enumerate(english) if e[1] == key and j not in used]
    if index in candidates:
        return index
    return candidates[0] if candidates else None


def _with_title_en(entry: TocEntry, title_en: str) -> TocEntry:
    return TocEntry(seq=entry.seq, title_zh=entry.title_zh, doc_number=entry.doc_number,
                    printed_page=entry.printed_page, title_en=title_en, section=entry.section)
