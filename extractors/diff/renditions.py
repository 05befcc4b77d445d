"""Renditions of one document, told from versions of a policy.

A text file and a PDF's text layer of one document agree character for character (they share a
doc_key, the hash of their normalised text). Two readings that differ are renditions still when
they are one document printed twice: the same 文号 and the same issue date (成文日期), texts nearly
the same and not one amount, percentage or date otherwise (a circular and its reprint in the
gazette, one with a typo the other corrected). A revision carries a new date; a reprint that
changes a figure is told as a version all the same, since that change is what analysts follow.
The printings' differences are kept as variants (`rendition_variants`). A scan read by OCR never agrees exactly: its misread
characters are no change. An OCR reading is a rendition of a document of the same 文号 (or
policy key, or title) whose text is nearly the same. The best rendition (`rendition_rank`) gives
the document its key and its title.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extractors.diff.family import MIN_TITLE_CHARS, SIMILAR_TEXT_MIN, policy_title
from extractors.textnorm import normalize_for_compare
from schemas.records import Reading

# The rapidfuzz ratio (0..100, normalised texts) above which an OCR reading is a rendition.
# 第27期's scan against the issue's text file: 97.2 to 99.5 for 7 of its 8 documents. Real
# revisions of one policy score 96.7 (互联网上网服务营业场所管理条例 2016/2022), 91.2 (统计法
# 2009/2024) and 33.4 (六合 实施意见): a scan of one of their versions stays a version.
RENDITION_MIN = 97.0
# A document of one 文号 in renditions of one gazette issue is the document printed there: an
# OCR reading that lost a table (京技管发〔2025〕8号 scores 78.9) is still a rendition of it.
SAME_ISSUE_RENDITION_MIN = SIMILAR_TEXT_MIN


def may_be_renditions(a: Reading, b: Reading) -> bool:
    """Whether two readings of different texts could be one document: they name the same policy,
    and one is an OCR reading or both are exact readings of one 文号 issued on one date."""
    if a.doc_key == b.doc_key:
        return False
    if not (a.ocr or b.ocr) and not _one_printing(a, b):
        return False
    return bool(set(_names(a)) & set(_names(b)))


def _one_printing(a: Reading, b: Reading) -> bool:
    return (a.doc_number is not None and a.doc_number == b.doc_number
            and a.issued_date is not None and a.issued_date == b.issued_date
            and (a.facts is None or b.facts is None or a.facts == b.facts))


def rendition_similarity(a: str, b: str) -> float:
    """0..100: how alike two texts are once normalised (whitespace, width)."""
    return fuzz.ratio(normalize_for_compare(a), normalize_for_compare(b))


def rendition_score(a: Reading, b: Reading) -> float | None:
    """How alike two readings (with their texts) are when they are renditions of one document;
    None when they are not (versions, or different policies)."""
    if not may_be_renditions(a, b):
        return None
    score = rendition_similarity(a.text, b.text)
    return score if score >= _threshold(a, b) else None


def rendition_candidates(readings: Sequence[Reading], new_doc_ids: set[str]) -> list[tuple[Reading, Reading]]:
    """Pairs that may be renditions (`may_be_renditions`) with at least one new document, found
    through the policy names they share rather than by comparing every pair."""
    by_name: dict[str, list[Reading]] = defaultdict(list)
    for r in readings:
        for name in _names(r):
            by_name[name].append(r)
    pairs: dict[tuple[str, str], tuple[Reading, Reading]] = {}
    for r in readings:
        if r.doc_id not in new_doc_ids:
            continue
        for name in _names(r):
            for other in by_name[name]:
                if may_be_renditions(r, other):
                    a, b = sorted((r, other), key=lambda x: x.doc_id)
                    pairs[(a.doc_id, b.doc_id)] = (a, b)
    return [pairs[k] for k in sorted(pairs)]


def rendition_groups(pairs: Iterable[tuple[Reading, Reading]], text_of: Callable[[str], str],
                     facts_of: Callable[[str], tuple[str, ...]] | None = None) -> list[list[Reading]]:
    """Readings that are renditions of one document, the best first (`rendition_rank`). The
    lesser of two renditions joins the one document it is most like (in its own issue first):
    the scan of a gazette issue resembles both versions of a policy revised by two characters."""
    best: dict[str, tuple[tuple, Reading]] = {}
    for a, b in pairs:
        a, b = (replace(r, text=text_of(r.doc_id), facts=facts_of(r.doc_id) if facts_of else r.facts) for r in (a, b))
        score = rendition_score(a, b)
        if score is None:
            continue
        lesser, other = sorted((a, b), key=rendition_rank, reverse=True)
        rank = (_same_issue(a, b), score, not other.ocr, other.doc_id)
        if lesser.doc_id not in best or rank > best[lesser.doc_id][0]:
            best[lesser.doc_id] = (rank, other)
    return _joined([(lesser_id, other) for lesser_id, (_, other) in sorted(best.items())],
                   {r.doc_id: r for a, b in pairs for r in (a, b)})


def rendition_rank(r: Reading) -> tuple:
    """Best first: a text file, then a PDF's text layer, then an OCR reading; of two, the one
    printed in a gazette issue, whose text is the standard one (规章制定程序条例 第三十二条)."""
    return (r.ocr, r.media_type == "pdf", r.issue_key is None, r.path, r.doc_id)


def rendition_variants(best: str, other: str, limit: int = 5, context: int = 6) -> list[tuple[str, str]]:
    """Where a rendition's text reads otherwise than the best one's, whitespace aside: up to
    `limit` (best's words, other's words) with `context` characters either side, in text order."""
    a, b = ("".join(normalize_for_compare(t).split()) for t in (best, other))
    variants = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        start, end = max(op.src_start - context, 0), op.src_end + context
        variants.append((a[start:end], b[max(op.dest_start - context, 0):op.dest_end + context]))
        if len(variants) == limit:
            break
    return variants


def _joined(links: list[tuple[str, Reading]], readings: dict[str, Reading]) -> list[list[Reading]]:
    parent: dict[str, str] = {}

    def root(k: str) -> str:
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for lesser_id, other in links:
        parent[root(lesser_id)] = root(other.doc_id)
    groups: dict[str, list[Reading]] = defaultdict(list)
    for doc_id in sorted(parent):
        groups[root(doc_id)].append(readings[doc_id])
    return sorted((sorted(g, key=rendition_rank) for g in groups.values()), key=lambda g: g[0].doc_id)


def _threshold(a: Reading, b: Reading) -> float:
    return SAME_ISSUE_RENDITION_MIN if _same_issue(a, b) and a.doc_number else RENDITION_MIN


def _same_issue(a: Reading, b: Reading) -> bool:
    return a.issue_key is not None and a.issue_key == b.issue_key and a.doc_number == b.doc_number


def _names(r: Reading) -> list[str]:
    """What names the policy: its 文号, its policy key, its title without version markers (an
    OCR reading may misread one of them, rarely all)."""
    title = policy_title(r.title)
    names = [f"key:{r.policy_key}"] + ([f"no:{r.doc_number}"] if r.doc_number else [])
    return names + ([f"title:{title}"] if len(title) >= MIN_TITLE_CHARS else [])
