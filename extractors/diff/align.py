"""Revisions of a policy: align two versions' provisions by content, classify each pair, and
diff the text and facts of what changed.

Provisions are aligned by what they say, never by their number: a renumbered, moved, split or
merged 第X条 is found by the similarity of its body (label left out) in the form
`textnorm.normalize_for_compare` gives it, so whitespace, page breaks and character width never
count as a change.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz

from extractors.diff.facts import fact_changes
from extractors.diff.text import char_diff
from extractors.diff.units import provisions
from extractors.textnorm import fold_width, normalize_for_compare
from schemas.records import ArticleNode, ArticlePair, ChangeKind, Fact, Provision, RevisionDiff

# Two provisions are one (modified) provision when their bodies are at least this similar.
MATCH_MIN = 0.5
# A provision is a part of a split (merge) when this much of it stands in the old (new) one…
PART_MIN = 0.8
# …and the parts together resemble the whole better than its best single match by this much.
GAIN_MIN = 0.05
# Fewer provisions than this missing at the end are read as removed, not as a text cut short.
ENDS_EARLY_MIN = 2


def diff_versions(old_text: str, old_nodes: Sequence[ArticleNode], old_facts: Sequence[Fact],
                  new_text: str, new_nodes: Sequence[ArticleNode],
                  new_facts: Sequence[Fact]) -> RevisionDiff:
    """Everything that changed from an old version of a document to a new one."""
    pairs, ends_at = ends_early(align_articles(old_nodes, new_nodes, old_text, new_text))
    return RevisionDiff(tuple(pairs), tuple(fact_changes(pairs, old_facts, new_facts)), ends_at)


def ends_early(pairs: list[ArticlePair]) -> tuple[list[ArticlePair], str | None]:
    """A newer text that stops short of the old one's end (a copy cut off, an excerpt) is not a
    revision that removed everything after its last provision: when the old version's last
    provisions, its closing one included, are all missing from the newer text and the newer
    text has nothing after the last provision they share, those are `not_in_newer`, and the
    label the newer text ends at is returned."""
    tail = len(pairs)
    while tail and pairs[tail - 1].kind == "removed":
        tail -= 1
    last_shared = next((p for p in reversed(pairs[:tail]) if p.old and p.new), None)
    if last_shared is None or len(pairs) - tail < ENDS_EARLY_MIN or pairs[tail - 1] is not last_shared:
        return pairs, None
    return ([*pairs[:tail], *(replace(p, kind="not_in_newer") for p in pairs[tail:])],
            pair_labels(last_shared.new))


def align_articles(old_nodes: Sequence[ArticleNode], new_nodes: Sequence[ArticleNode],
                   old_text: str | None = None, new_text: str | None = None) -> list[ArticlePair]:
    """Pairs of old and new provisions in the new version's order (removed ones where they
    stood), each classified; without the document texts the preamble is left out."""
    return align_provisions(provisions(old_nodes, old_text), provisions(new_nodes, new_text))


def align_provisions(old: Sequence[Provision], new: Sequence[Provision]) -> list[ArticlePair]:
    """Align two versions' provisions: identical bodies first, then the most similar, then
    splits and merges; whatever is left is removed or added."""
    old_bodies = [normalize_for_compare(p.body) for p in old]
    new_bodies = [normalize_for_compare(p.body) for p in new]
    match = _identical(old, new, old_bodies, new_bodies)
    _most_similar(old, new, old_bodies, new_bodies, match)
    groups = [((o,), (n,)) for o, n in match.items()]
    groups = _regroup(groups, old_bodies, new_bodies, len(new), split=True)
    flipped = [(n, o) for o, n in groups]
    flipped = _regroup(flipped, new_bodies, old_bodies, len(old), split=False)
    groups = [(o, n) for n, o in flipped]
    in_order = _in_order(groups)
    pairs = [_pair(old, new, o, n, old_bodies, new_bodies, (o, n) in in_order) for o, n in groups]
    used_old = {i for o, _ in groups for i in o}
    used_new = {i for _, n in groups for i in n}
    pairs += [ArticlePair("removed", (old[i],), (), 0.0) for i in range(len(old)) if i not in used_old]
    pairs += [ArticlePair("added", (), (new[i],), 0.0) for i in range(len(new)) if i not in used_new]
    return _in_new_order(pairs, old, new)


def _identical(old, new, old_bodies, new_bodies) -> dict[int, int]:
    """Provisions of the same kind whose bodies agree, paired in document order."""
    waiting: dict[tuple[str, str], list[int]] = {}
    for i, (p, body) in enumerate(zip(old, old_bodies)):
        waiting.setdefault((p.kind, body), []).append(i)
    match = {}
    for j, (p, body) in enumerate(zip(new, new_bodies)):
        queue = waiting.get((p.kind, body))
        if queue:
            match[queue.pop(0)] = j
    return match


def _most_similar(old, new, old_bodies, new_bodies, match: dict[int, int]) -> None:
    """Pair the remaining provisions greedily, most similar first; a tie goes to the pair
    nearer in relative position."""
    free_new = [j for j in range(len(new)) if j not in set(match.values())]
    scored = []
    for i in (i for i in range(len(old)) if i not in match):
        for j in free_new:
            if old[i].kind != new[j].kind:
                continue
            score = similarity(old_bodies[i], new_bodies[j])
            if score >= MATCH_MIN:
                drift = abs(i / max(len(old), 1) - j / max(len(new), 1))
                scored.append((-score, drift, i, j))
    taken_new = set(match.values())
    for _, _, i, j in sorted(scored):
        if i not in match and j not in taken_new:
            match[i] = j
            taken_new.add(j)


def similarity(a: str, b: str) -> float:
    """0..1: how alike two normalised texts are (1.0 when equal)."""
    if a == b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def _contained(part: str, whole: str) -> bool:
    return bool(part) and len(part) < len(whole) and fuzz.partial_ratio(part, whole) / 100.0 >= PART_MIN


def _regroup(groups: list[tuple[tuple[int, ...], tuple[int, ...]]], own: list[str], other: list[str],
             other_count: int, split: bool) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Turn a provision whose text now stands in several others into one split group (with
    split=False and the sides swapped: a merge). `own` are the bodies of the side with one
    provision per group, `other` those of the side that may have several."""
    grouped = {j for g in groups for j in g[1]}
    free = [j for j in range(other_count) if j not in grouped]
    by_owner = {g[0][0]: g for g in groups if len(g[0]) == 1}
    for owner in range(len(own)):
        parts = [j for j in free if _contained(other[j], own[owner])]
        if not parts:
            continue
        current = by_owner.get(owner)
        members = sorted(set(parts) | set(current[1] if current else ()))
        if len(members) < 2:
            continue
        whole = similarity(own[owner], "".join(other[j] for j in members))
        single = max((similarity(own[owner], other[j]) for j in current[1]), default=0.0) if current else 0.0
        if whole >= MATCH_MIN and whole >= single + GAIN_MIN:
            if current is not None:
                groups.remove(current)
            group = ((owner,), tuple(members))
            groups.append(group)
            by_owner[owner] = group
            free = [j for j in free if j not in members]
    return groups


def _in_order(groups) -> set:
    """The groups that kept their relative order: a longest increasing run of new positions
    over the old order. The others moved."""
    ordered = sorted(groups, key=lambda g: g[0][0])
    best: list[int] = [1] * len(ordered)
    back: list[int | None] = [None] * len(ordered)
    for k, (_, n) in enumerate(ordered):
        for prev in range(k):
            if ordered[prev][1][0] < n[0] and best[prev] + 1 > best[k]:
                best[k], back[k] = best[prev] + 1, prev
    keep: set = set()
    k = max(range(len(ordered)), key=lambda i: (best[i], -i), default=None)
    while k is not None:
        keep.add(ordered[k])
        k = back[k]
    return keep


def _pair(old, new, o: tuple[int, ...], n: tuple[int, ...], old_bodies, new_bodies, kept_order: bool) -> ArticlePair:
    old_p, new_p = tuple(old[i] for i in o), tuple(new[j] for j in n)
    old_body = "".join(old_bodies[i] for i in o)
    new_body = "".join(new_bodies[j] for j in n)
    if old_body == new_body:  # most pairs of two versions: no score or diff to compute
        return ArticlePair(_kind(old_p, new_p, True, kept_order), old_p, new_p, 1.0)
    pair = ArticlePair(_kind(old_p, new_p, False, kept_order), old_p, new_p, similarity(old_body, new_body))
    return replace(pair, ops=tuple(char_diff(pair.old_text, pair.new_text)))


def _kind(old_p: tuple[Provision, ...], new_p: tuple[Provision, ...], same_body: bool,
          kept_order: bool) -> ChangeKind:
    if len(new_p) > 1:
        return "split"
    if len(old_p) > 1:
        return "merged"
    if not kept_order:
        return "moved"
    if not same_body:
        return "modified"
    return "unchanged" if fold_width(old_p[0].key) == fold_width(new_p[0].key) else "renumbered"


def _in_new_order(pairs: list[ArticlePair], old: Sequence[Provision], new: Sequence[Provision]) -> list[ArticlePair]:
    """Pairs by their place in the new version; a removed provision right after the pair that
    held the old provision before it."""
    new_pos = {id(p): j for j, p in enumerate(new)}
    old_pos = {id(p): i for i, p in enumerate(old)}
    place_of_old: dict[int, int] = {}
    for pair in pairs:
        if pair.new:
            for p in pair.old:
                place_of_old[old_pos[id(p)]] = new_pos[id(pair.new[0])]

    def key(pair: ArticlePair):
        if pair.new:
            return (new_pos[id(pair.new[0])], 0, 0)
        i = old_pos[id(pair.old[0])]
        before = [place_of_old[k] for k in range(i) if k in place_of_old]
        return (max(before) if before else -1, 1, i)

    return sorted(pairs, key=key)


CHANGE_ORDER: tuple[ChangeKind, ...] = (
    "modified", "renumbered", "moved", "added", "removed", "split", "merged", "unchanged", "not_in_newer")


def pair_labels(provs: Sequence[Provision]) -> str:
    return " + ".join(p.label for p in provs)


def describe_pair(pair: ArticlePair) -> str:
    """One line on what happened to a provision: 第七条 → 第八条 renumbered, 第十二条 split
    into 第十二条 + 第十三条, 第十九条 added."""
    old, new = pair_labels(pair.old), pair_labels(pair.new)
    if pair.kind == "added":
        return f"{new} added"
    if pair.kind == "removed":
        return f"{old} removed"
    if pair.kind == "not_in_newer":
        return f"{old} not in the newer text (it ends before)"
    if pair.kind == "split":
        return f"{old} split into {new}"
    if pair.kind == "merged":
        return f"{old} merged into {new}"
    where = old if old == new else f"{old} → {new}"
    edited = ", text changed" if pair.kind == "moved" and pair.ops else ""
    return f"{where} {pair.kind}{edited}"


def describe_counts(diff: RevisionDiff) -> str:
    """1 modified, 34 unchanged; 2 fact changes. A newer text that ends early says where:
    3 unchanged, 20 not in the newer text: it ends at 第三条（四）; no fact changes."""
    parts = [f"{diff.count(kind)} {kind}" for kind in CHANGE_ORDER
             if diff.count(kind) and kind != "not_in_newer"]
    if diff.ends_at:
        parts.append(f"{diff.count('not_in_newer')} not in the newer text: it ends at {diff.ends_at}")
    facts = len(diff.fact_changes)
    fact_part = "no fact changes" if not facts else f"{facts} fact change{'s' if facts > 1 else ''}"
    return f"{', '.join(parts) or 'no provisions'}; {fact_part}"
