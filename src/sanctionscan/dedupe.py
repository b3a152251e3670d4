"""Syndicated copies: near-duplicate articles grouped, their shared findings merged into one.

It owns two decisions. Which documents are copies of one story: documents whose word 5-gram
shingle sets have a Jaccard similarity at or above a threshold are grouped (transitively, with a
union-find), candidates found through an inverted index of shingles so the work stays near linear
for a feed run. And which findings are the same: within a group, findings of one rule about the
same goods, parties, direction and status are one finding, kept on the group's first document
(feed order, which is usually the earliest copy) with the other documents' ids in `also_in`.
A finding only one copy carries stays where it is.

Copies also arrive hours apart, in different runs: `signature` gives each scanned document a
compact MinHash signature the feed state keeps, so a later copy of an already reported story is
recognised and its finding is not counted as new again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence

from sanctionscan.models import DocumentResult, Finding

SHINGLE_SIZE = 5
DEFAULT_THRESHOLD = 0.6
# A shingle in this many documents is a stock phrase ("according to the report"), not evidence
# of copying; skipping it keeps the candidate lists short.
COMMON_SHINGLE_LIMIT = 50
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {hash(tuple(words))} if words else set()
    return {hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def group_near_duplicates(
    texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD
) -> list[list[int]]:
    """Indices of `texts` grouped by near-duplication; each group in input order."""
    sets = [shingles(t) for t in texts]
    index: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for h in s:
            index[h].append(i)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, s in enumerate(sets):
        candidates: set[int] = set()
        for h in s:
            holders = index[h]
            if len(holders) <= COMMON_SHINGLE_LIMIT:
                candidates.update(j for j in holders if j > i)
        for j in candidates:
            if find(i) != find(j) and jaccard(s, sets[j]) >= threshold:
                parent[max(find(i), find(j))] = min(find(i), find(j))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(texts)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def finding_key(finding: Finding) -> tuple[object, ...]:
    """What makes two findings in copies of one story the same finding (never offsets)."""
    goods = tuple(sorted(finding.goods.hs)) or (finding.goods.text.casefold(),)
    return (
        finding.rule_id,
        finding.target,
        finding.counterparty,
        finding.direction,
        finding.status,
        goods,
    )


def merge_syndicated(
    results: Sequence[DocumentResult],
    texts: dict[str, str],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[DocumentResult]:
    """Merge findings that near-duplicate documents share; results keep their order."""
    scanned = [i for i, r in enumerate(results) if r.skipped is None and r.id in texts]
    groups = group_near_duplicates([texts[results[i].id] for i in scanned], threshold)
    updated = list(results)
    for group in groups:
        if len(group) < 2:
            continue
        members = [scanned[g] for g in group]
        primary_of: dict[tuple[object, ...], tuple[int, int]] = {}
        extra: dict[tuple[int, int], list[str]] = defaultdict(list)
        dropped: set[tuple[int, int]] = set()
        for m in members:
            for k, finding in enumerate(updated[m].findings):
                key = finding_key(finding)
                if key not in primary_of:
                    primary_of[key] = (m, k)
                    continue
                owner = primary_of[key]
                if updated[m].id not in extra[owner] and updated[m].id != updated[owner[0]].id:
                    extra[owner].append(updated[m].id)
                dropped.add((m, k))
        for m in members:
            findings: list[Finding] = []
            for k, finding in enumerate(updated[m].findings):
                if (m, k) in dropped:
                    continue
                also = extra.get((m, k))
                if also:
                    merged = list(dict.fromkeys([*finding.also_in, *also]))
                    finding = finding.model_copy(update={"also_in": merged})
                findings.append(finding)
            updated[m] = updated[m].model_copy(update={"findings": findings})
    return updated


# -- across runs: compact signatures kept in the state -------------------------------------------

SIGNATURE_SIZE = 64
_MERSENNE = (1 << 61) - 1
# fixed (a, b) pairs so a signature means the same in every process and every release
_PERMUTATIONS = [
    (
        int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest(), "big") | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest(), "big"),
    )
    for i in range(SIGNATURE_SIZE)
]


def _stable_shingles(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    words = _WORD.findall(text.casefold())
    grams = (
        [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
        if len(words) >= size
        else [" ".join(words)]
        if words
        else []
    )
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams
    }


def signature(text: str) -> tuple[int, ...]:
    """A MinHash signature of the text's word 5-grams: the share of equal slots of two
    signatures estimates the Jaccard similarity of their shingle sets. Stable across processes
    (blake2b, fixed permutations), so the state can keep it between runs."""
    hashes = _stable_shingles(text)
    if not hashes:
        return ()
    return tuple(min((a * h + b) % _MERSENNE for h in hashes) for a, b in _PERMUTATIONS)


def signature_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def finding_key_text(finding: Finding) -> str:
    """`finding_key` as a stable string, for storing in the state."""
    goods = sorted(finding.goods.hs) or [finding.goods.text.casefold()]
    parts = [finding.rule_id, finding.target, finding.counterparty, finding.direction.value,
             finding.status.value, goods]  # fmt: skip
    return json.dumps(parts, separators=(",", ":"))


def support_count(finding: Finding) -> int:
    """How many articles carry this finding: its own document and its syndicated copies."""
    return 1 + len(finding.also_in)
