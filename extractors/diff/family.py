"""Versions of one policy, recognised without manual linking.

Two documents are versions of one policy when they share a 文号 (policy_key), when their titles
agree once version markers are removed (（修订稿）, （征求意见稿）, （2025年修订）, years), when one
repeals the other (《…》（昌政办发〔2023〕13号）同时废止), or when their texts are nearly the same.
Renditions of one text (a PDF and its text file, same doc_key; an OCR reading takes its
rendition's doc_key: extractors/diff/renditions.py) are one version, never two.
Versions are ordered oldest first: by date, a draft before the final text of the same date, and
a repealed version always before the one that repeals it.
"""
from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache

import numpy as np
import regex
from rapidfuzz import fuzz

from extractors.textnorm import normalize_for_compare
from schemas.records import DocumentVersion, PolicyVersion, RepealLink, VersionLink

# doc ids → chunks of (doc id, text): the texts a caller keeps out of memory (flows/revisions/versions.py
# reads them from the catalog a chunk at a time).
StoredTexts = Callable[[list[str]], Iterable[Sequence[tuple[str, str]]]]

MARKER_WORDS = "修订稿|修订版|修订草案|修订|修正稿|修正|征求意见稿|送审稿|草案|讨论稿|试行|版"
VERSION_MARKER = regex.compile(
    rf"\((?:\d{{4}}年度?)?(?:第?[一二三四五六七八九十\d]+次)?(?:{MARKER_WORDS})\)|\(\d{{4}}年度?\)")
TITLE_YEARS = regex.compile(r"\d{4}(?:[-—–~至到]\d{4})?年度?")
DOC_NUMBER_YEAR = regex.compile(r"〔(\d{4})〕|\[(\d{4})\]")
# A title this short (公告, 通知) says nothing about which policy a document is.
MIN_TITLE_CHARS = 8
# A document that repeals more than this many others is a clean-up list, not a successor.
MAX_SUCCESSOR_REPEALS = 2
# Texts at least this similar (0..100, rapidfuzz ratio) are versions of one policy; texts of
# different policies of one issuer score about 20 on the corpus.
SIMILAR_TEXT_MIN = 70.0
MIN_LENGTH_RATIO = 0.5
# Distinct character counts kept apart when bounding the similarity of two texts.
CHAR_BUCKETS = 1024
_CODE_POINTS = 0x110000


@lru_cache(maxsize=8192)
def policy_title(title: str) -> str:
    """The title with version markers and years removed, in compare form:
    中国（北京）…支持办法（修订稿） → 中国(北京)…支持办法. Cached: linking versions compares
    every repeal clause's title with every document's."""
    bare = VERSION_MARKER.sub("", normalize_for_compare(title))
    return TITLE_YEARS.sub("", bare)


def version_date(doc: DocumentVersion) -> date | None:
    """When a version was made: the latest of its issue, effective and revision dates (a revised
    law reprints its first issue date), else 1 January of its 文号's or title's year."""
    dated = [d for d in (doc.issued_date, doc.effective_date, doc.revised_date) if d]
    if dated:
        return max(dated)
    m = DOC_NUMBER_YEAR.search(doc.doc_number or "")
    year = next((g for g in m.groups() if g), None) if m else None
    if year is None:
        years = regex.search(r"(\d{4})年", normalize_for_compare(doc.title))
        year = years.group(1) if years else None
    return date(int(year), 1, 1) if year else None


def policy_families(docs: Sequence[DocumentVersion], repeals: Sequence[RepealLink] = (),
                    kept_links: Iterable[tuple[str, str]] = (),
                    new_doc_ids: set[str] | None = None,
                    stored_texts: StoredTexts | None = None) -> list[PolicyVersion]:
    """Every document's family and version number. `kept_links` are pairs of doc ids found
    similar earlier (texts are compared only for `new_doc_ids`, all documents when None). A
    document given without its text has it read through `stored_texts` when needed."""
    versions = _versions(docs)
    key_of = {d.doc_id: d.doc_key for d in docs}
    edges = _edges(versions, repeals, key_of)
    edges += [(key_of[a], key_of[b], "similarity") for a, b in kept_links if a in key_of and b in key_of]
    groups = _components(versions, edges)
    new_keys = {d.doc_key for d in docs if new_doc_ids is None or d.doc_id in new_doc_ids}
    edges += _similar(versions, groups, new_keys, stored_texts)
    groups = _components(versions, edges)
    out: list[PolicyVersion] = []
    used_ids: set[str] = set()
    for members in sorted(groups.values(), key=lambda keys: min(versions[k][0].doc_id for k in keys)):
        out += _family(members, versions, edges, repeals, key_of, used_ids)
    return out


def _versions(docs: Sequence[DocumentVersion]) -> dict[str, list[DocumentVersion]]:
    """doc_key → its renditions, the preferred one first."""
    out: dict[str, list[DocumentVersion]] = defaultdict(list)
    for doc in sorted(docs, key=lambda d: (not d.preferred, d.doc_id)):
        out[doc.doc_key].append(doc)
    return dict(out)


def _edges(versions, repeals: Sequence[RepealLink], key_of) -> list[tuple[str, str, VersionLink]]:
    edges: list[tuple[str, str, VersionLink]] = []
    for reason, attr in (("policy_key", lambda v: v.policy_key),
                         ("title", lambda v: _usable_title(v.title))):
        by_value: dict[str, list[str]] = defaultdict(list)
        for key, renditions in versions.items():
            value = attr(renditions[0])
            if value:
                by_value[value].append(key)
        edges += [(keys[0], other, reason) for keys in by_value.values() for other in keys[1:]]
    count = defaultdict(int)
    for link in repeals:
        count[link.from_doc_id] += 1
    index = _RepealIndex(versions)
    for link in repeals:
        if link.from_doc_id in key_of and count[link.from_doc_id] <= MAX_SUCCESSOR_REPEALS:
            edges += [(key, key_of[link.from_doc_id], "repeal") for key in index.repealed(link)
                      if key != key_of[link.from_doc_id]]
    return edges


@lru_cache(maxsize=8192)
def _usable_title(title: str) -> str:
    bare = policy_title(title)
    return bare if len(bare) >= MIN_TITLE_CHARS else ""


class _RepealIndex:
    """The versions by doc id, 文号 and usable title, so that each repeal clause finds the
    versions it names without a pass over all of them (a backfill has thousands of each)."""

    def __init__(self, versions):
        self.order = {key: i for i, key in enumerate(versions)}
        self.by_doc_id: dict[str, set[str]] = defaultdict(set)
        self.by_number: dict[str, set[str]] = defaultdict(set)
        self.by_title: dict[str, set[str]] = defaultdict(set)
        for key, renditions in versions.items():
            for r in renditions:
                self.by_doc_id[r.doc_id].add(key)
            if renditions[0].doc_number:
                self.by_number[renditions[0].doc_number].add(key)
            title = _usable_title(renditions[0].title)
            if title:
                self.by_title[title].add(key)

    def repealed(self, link: RepealLink) -> list[str]:
        """The versions a repeal clause names: the resolved document, else by 文号, else by
        title; in version order."""
        found = set(self.by_doc_id.get(link.to_doc_id, ()))
        if link.to_doc_number:
            found |= self.by_number.get(link.to_doc_number, set())
        else:
            title = _usable_title(link.to_title or "")
            if title:
                found |= self.by_title.get(title, set())
        return sorted(found, key=self.order.__getitem__)


def _components(versions, edges) -> dict[str, list[str]]:
    parent = {k: k for k in versions}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b, _ in edges:
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for k in versions:
        groups[root(k)].append(k)
    return dict(groups)


def _similar(versions, groups, new_keys: set[str],
             stored_texts: StoredTexts | None = None) -> list[tuple[str, str, VersionLink]]:
    """Versions of different families whose texts are nearly the same, for new versions only.

    A text pair is only compared (rapidfuzz, costly per pair) when their characters allow it:
    ratio = 200·LCS/(la+lb), and LCS ≤ Σ min(count in a, count in b) over characters, so that
    bound, from character counts, drops every pair that cannot reach SIMILAR_TEXT_MIN (on a
    backfill, nearly all of them). The texts of known versions (empty in `versions` when the
    caller left them in the catalog) come from `stored_texts` a chunk at a time, and only those
    that may reach the threshold with some new version are kept: memory follows the new
    documents, not the catalog. Pairs the bound drops could never link, so the links found do
    not depend on which texts are kept.
    """
    family = {k: g for g, keys in groups.items() for k in keys}
    texts = {k: normalize_for_compare(versions[k][0].text) for k in new_keys if k in versions}
    new_rows = [k for k in sorted(texts) if texts[k]]
    if not new_rows:
        return []
    counts = _CharCounts([texts[k] for k in new_rows])
    vectors = {k: counts.vector(texts[k]) for k in new_rows}
    new_texts = _Texts(new_rows, texts, vectors)

    def consider(key: str, text: str) -> None:
        norm = normalize_for_compare(text)
        if not norm:
            return
        vector = counts.vector(norm)
        if len(new_texts.candidates(len(norm), vector, counts)):
            texts[key], vectors[key] = norm, vector

    key_of_doc = {r[0].doc_id: k for k, r in versions.items()}
    stored = []
    for key, renditions in versions.items():
        if key not in new_keys:
            if renditions[0].text:
                consider(key, renditions[0].text)
            else:
                stored.append(renditions[0].doc_id)
    if stored and stored_texts is not None:
        for chunk in stored_texts(stored):
            for doc_id, text in chunk:
                consider(key_of_doc[doc_id], text)
    others = _Texts(sorted(k for k in texts if texts[k]), texts, vectors)
    edges = []
    for new in new_rows:
        for row in others.candidates(len(texts[new]), vectors[new], counts).tolist():
            other = others.keys[row]
            if other == new or family[other] == family[new]:
                continue
            if fuzz.ratio(texts[new], texts[other], score_cutoff=SIMILAR_TEXT_MIN):
                edges.append((other, new, "similarity"))
                family[new] = family[other] = min(family[new], family[other])
    return edges


class _Texts:
    """Texts with their character-count vectors, ordered by length too, so that the texts a
    text could be similar to are found without a Python pass over all of them: only those
    within MIN_LENGTH_RATIO of its length have their bound computed, and only those the bound
    keeps are visited. A backfill compares every new text with every other one, so that pass
    grew with the square of the documents."""

    def __init__(self, keys: list[str], texts: dict[str, str], vectors: dict[str, np.ndarray]):
        self.keys = keys
        self.lengths = np.array([len(texts[k]) for k in keys])
        self.matrix = np.stack([vectors[k] for k in keys])
        self.by_length = np.argsort(self.lengths, kind="stable")
        self.sorted_lengths = self.lengths[self.by_length]

    def candidates(self, length: int, vector: np.ndarray, counts: _CharCounts) -> np.ndarray:
        """Rows, in order, of the texts whose length and character counts allow a ratio of
        SIMILAR_TEXT_MIN with a text of `length` and `vector`."""
        # A window a little wider than the ratio's, then the exact test as a pair loop made it.
        low = np.searchsorted(self.sorted_lengths, length * MIN_LENGTH_RATIO * 0.999, side="left")
        high = np.searchsorted(self.sorted_lengths, length / MIN_LENGTH_RATIO * 1.001, side="right")
        rows = np.sort(self.by_length[low:high])
        lengths = self.lengths[rows]
        near = np.minimum(lengths, length) / np.maximum(lengths, length) >= MIN_LENGTH_RATIO
        rows = rows[near]
        return rows[counts.bounds(vector, self.matrix[rows]) >= SIMILAR_TEXT_MIN]


class _CharCounts:
    """Character counts of texts as vectors, for an upper bound of their rapidfuzz ratio. The
    characters most common in `basis` (the new documents) get a count each; the rest share one
    (CHAR_BUCKETS in all): a merged count only loosens the bound, and keeps vectors small.
    Counted over code points with numpy, much faster than collections.Counter."""

    def __init__(self, basis: list[str]):
        total = np.bincount(np.concatenate([_code_points(text) for text in basis]), minlength=_CODE_POINTS)
        common = np.argsort(-total, kind="stable")[:CHAR_BUCKETS - 1]
        self.bucket = np.full(_CODE_POINTS, CHAR_BUCKETS - 1, dtype=np.int32)
        self.bucket[common] = np.arange(len(common), dtype=np.int32)

    def vector(self, text: str) -> np.ndarray:
        return np.bincount(self.bucket[_code_points(text)], minlength=CHAR_BUCKETS).astype(np.int32)

    @staticmethod
    def bounds(vector: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """The bound of the text of `vector` against each text of `matrix`'s rows."""
        return 200.0 * np.minimum(vector, matrix).sum(axis=1) / np.maximum(vector.sum() + matrix.sum(axis=1), 1)


def _code_points(text: str) -> np.ndarray:
    """The text's code points (a lone surrogate, which has no UTF-32 form, counts as U+FFFD)."""
    return np.frombuffer(text.encode("utf-32-le", errors="replace"), dtype=np.uint32)


def _family(members: list[str], versions, edges, repeals, key_of, used_ids: set[str]) -> list[PolicyVersion]:
    order = _ordered(members, versions, repeals, key_of)
    first = versions[order[0]][0]
    family_id = policy_title(first.title) or first.policy_key
    if family_id in used_ids:
        family_id = f"{family_id}#{first.doc_id}"
    used_ids.add(family_id)
    how = _how_linked(order, edges)
    out = []
    for number, key in enumerate(order, start=1):
        rep, *others = versions[key]
        linked_by, via = how.get(key, (None, None))
        out.append(PolicyVersion(family_id, rep.doc_id, key, number, True, linked_by,
                                 versions[via][0].doc_id if via else None))
        out += [PolicyVersion(family_id, d.doc_id, key, number, False, "rendition", rep.doc_id) for d in others]
    return out


def _ordered(members: list[str], versions, repeals, key_of) -> list[str]:
    """Oldest first: by date (an undated version dates from what it repeals), then publication,
    a draft before a final text, then ingestion; a repealed version before its repealer."""
    member_set = set(members)
    after: dict[str, set[str]] = defaultdict(set)
    index = None
    for link in repeals:
        by = key_of.get(link.from_doc_id)
        if by in member_set:
            index = index or _RepealIndex({k: versions[k] for k in members})
            for key in index.repealed(link):
                if key != by:
                    after[key].add(by)
    dated = {k: version_date(versions[k][0]) for k in members}
    for key in members:
        if dated[key] is None:
            earlier = [dated[k] for k in members if key in after[k] and dated[k]]
            dated[key] = max(earlier) if earlier else versions[key][0].ingested

    def rank(key: str):
        doc = versions[key][0]
        when = dated[key] or date.max
        return (when, doc.published or when, not doc.is_draft, doc.ingested or date.max, doc.doc_id)

    waiting = {k: sum(1 for j in members if k in after[j]) for k in members}
    heap = [(rank(k), k) for k in members if waiting[k] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, key = heapq.heappop(heap)
        order.append(key)
        for nxt in sorted(after[key]):
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(heap, (rank(nxt), nxt))
    # a repeal cycle (two versions repealing each other) falls back to date order
    return order + sorted((k for k in members if k not in order), key=rank)


def _how_linked(order: list[str], edges) -> dict[str, tuple[VersionLink, str]]:
    """For each version after the first: the link that reached it from the first, breadth first."""
    members = set(order)
    near: dict[str, list[tuple[str, VersionLink]]] = defaultdict(list)
    for a, b, reason in edges:
        if a in members and b in members:
            near[a].append((b, reason))
            near[b].append((a, reason))
    how: dict[str, tuple[VersionLink, str]] = {}
    queue, seen = deque([order[0]]), {order[0]}
    while queue:
        key = queue.popleft()
        for other, reason in near[key]:
            if other not in seen:
                seen.add(other)
                how[other] = (reason, key)
                queue.append(other)
    return how
