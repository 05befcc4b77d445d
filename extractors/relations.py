"""Stage 6 (relate): citations, repeals and quotes of other documents, and a document's
effective and expiry dates from its validity clause.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

import regex

from extractors.facts.doc_numbers import extract_doc_numbers
from extractors.numerals import chinese_to_int
from extractors.sentences import Sentences
from extractors.textnorm import fold_width, normalize_for_compare
from schemas.records import Fact, Relation

# 《title》 optionally followed by its 文号 in brackets; 〈〉 nest inside a title.
CITED_TITLE = regex.compile(r"《([^《》\n]{2,160})》")
REPEAL_CUE = regex.compile(r"废止")
# 《…》(京技管发〔2025〕9号)中第十条“…”: the quoted article and its quoted text.
QUOTED_ARTICLE = regex.compile(r"\s*(?:\([^()\n]{0,40}\))?\s*中?\s*(第[一二三四五六七八九十百零〇\d]+条)\s*“")
# 《…》(…号)第五条、第七条同时废止: a repeal of some articles only (部分失效).
_ARTICLE = r"第[一二三四五六七八九十百零〇\d]+条"
REPEALED_ARTICLES = regex.compile(
    rf"\s*(?:中的?|的)?\s*({_ARTICLE}(?:\s*(?:、|,|，|和|及|至|到)\s*{_ARTICLE})*)\s*(?:同时|予以|即行)?\s*废止")
# 京技管发〔2025〕8号: 本细则自北京经济技术开发区管理委员会发布之日起实施 (the issuer in between)
EFFECTIVE_ON_ISSUE = regex.compile(r"自[^,，。;；\n]{0,30}?(?:发布|公布|印发)之日起(?:施行|实施|执行)")
EFFECTIVE_ON_DATE = regex.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日起?(?:施行|实施|执行)")
VALID_FOR_YEARS = regex.compile(r"有效期\s*([\d一二三四五六七八九十两]+)\s*年")
_ONE_DAY = timedelta(days=1)


def extract_relations(text: str, own_doc_number: str | None = None,
                      own_title: str | None = None, facts: Iterable[Fact] | None = None) -> list[Relation]:
    """Citations of other documents by 《title》 and/or 文号; `repeals` in a 废止 sentence,
    `quotes` where a cited document's 第X条 is quoted. The document's own 文号 and title (the
    policy an 印发 notice issues) are not citations. `facts`, the text's facts when already
    extracted, spare finding its 文号 again.
    """
    folded = fold_width(text)
    sentences = Sentences(folded)
    relations: list[Relation] = []
    found = extract_doc_numbers(text) if facts is None else [f for f in facts if f.kind == "doc_number"]
    numbers = [f for f in found if f.value_text != own_doc_number]
    used_numbers: set[int] = set()
    own = normalize_for_compare(own_title) if own_title else None
    for m in CITED_TITLE.finditer(folded):
        number = _number_right_after(numbers, folded, m.end())
        if number is None and normalize_for_compare(m.group(1)) == own:
            continue
        end = m.end()
        if number is not None:
            used_numbers.add(number.char_start)
            end = _close_bracket(folded, number.char_end)
        relations.append(_relation(text, folded, sentences, m.start(), end, text[m.start(1):m.end(1)],
                                   number.value_text if number else None))
    for number in numbers:
        if number.char_start not in used_numbers:
            relations.append(_relation(text, folded, sentences, number.char_start, number.char_end, None,
                                       number.value_text))
    return sorted(relations, key=lambda r: (r.char_start, r.kind))


def _number_right_after(numbers: list[Fact], folded: str, pos: int) -> Fact | None:
    """The 文号 printed in brackets right after a title, as in 《…》(京政办发〔2024〕14号)."""
    for number in numbers:
        gap = folded[pos:number.char_start]
        if number.char_start >= pos and gap.strip() in ("(", "（"):
            return number
    return None


def _close_bracket(folded: str, pos: int) -> int:
    rest = folded[pos:pos + 3]
    stripped = rest.lstrip()
    if stripped.startswith(")"):
        return pos + (len(rest) - len(stripped)) + 1
    return pos


def _relation(text: str, folded: str, sentences: Sentences, start: int, end: int, title: str | None,
              number: str | None) -> Relation:
    sentence_start, sentence_end = sentences.bounds(start, end)
    quote = _quoted_article(text, folded, end)
    if quote is not None:
        label, quoted, quote_end = quote
        return Relation("quotes", text[start:quote_end], start, quote_end, to_doc_number=number,
                        to_title=title, to_article_label=label, quoted_text=quoted)
    # 《国务院关于废止和修改部分行政法规的决定》第一次修订: a 废止 inside a cited title repeals nothing.
    sentence = CITED_TITLE.sub("《》", folded[sentence_start:sentence_end])
    if not REPEAL_CUE.search(sentence):
        return Relation("cites", text[start:end], start, end, to_doc_number=number, to_title=title)
    articles = REPEALED_ARTICLES.match(folded, end)
    return Relation("repeals", text[start:end], start, end, to_doc_number=number, to_title=title,
                    to_article_label=articles.group(1) if articles else None)


def _quoted_article(text: str, folded: str, pos: int) -> tuple[str, str, int] | None:
    m = QUOTED_ARTICLE.match(folded, pos)
    if not m:
        return None
    depth, i = 1, m.end()
    while i < len(folded) and depth:
        depth += {"“": 1, "”": -1}.get(folded[i], 0)
        i += 1
    if depth:
        return None
    return m.group(1), text[m.end():i - 1], i


def document_dates(text: str, facts: Iterable[Fact], issued: date | None) -> tuple[date | None, date | None]:
    """(effective, expiry) from the validity clause: 自发布之日起施行 → the issued date;
    至/有效期至 YYYY年M月D日 → expiry; 有效期N年 → expiry computed from the effective date.
    """
    folded = fold_width(text)
    effective = None
    on_date = EFFECTIVE_ON_DATE.search(folded)
    if on_date:
        effective = _safe_date(*(int(g) for g in on_date.groups()))
    elif EFFECTIVE_ON_ISSUE.search(folded):
        effective = issued
    else:  # a period's start: 执行期限为2019年1月1日至2023年12月31日
        effective = next((date.fromisoformat(f.value_text) for f in facts if f.kind == "date"
                          and f.role == "effective" and f.value_text and len(f.value_text) == 10), None)
    expiries = [date.fromisoformat(f.value_text) for f in facts
                if f.kind == "date" and f.role == "expires" and f.value_text and len(f.value_text) == 10]
    expiry = max(expiries) if expiries else None
    years = VALID_FOR_YEARS.search(folded)
    if expiry is None and years and effective is not None:
        expiry = _add_years(effective, _to_int(years.group(1))) - _ONE_DAY
    return effective, expiry


def _to_int(token: str) -> int:
    return int(token) if token.isdigit() else chinese_to_int(token)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_years(day: date, years: int) -> date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))
