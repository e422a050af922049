"""Exact and near-duplicate removal across all corpora, with a documented label-conflict rule.

1. Canonicalise (NFKC, lower case, whitespace collapsed, every digit -> 0): exact duplicates are
   records with the same canonical text (so "code 4821" and "code 7730" are one text).
2. Near duplicates: MinHash over character 5-grams of the canonical text, LSH banding to find
   candidates, candidates kept when their estimated Jaccard similarity >= threshold (0.8).
   Pure numpy; the 5-gram hashing and all permutations are vectorised over the whole corpus.
3. Clusters = connected components of (exact | near) pairs. One record survives per cluster:
   resolve_cluster() below says which, and with what label.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .taxonomy import QUALITY_RANK, UNKNOWN, is_spam

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")


def canon(text: str) -> str:
    """Light canonical form for duplicate detection (not for training)."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _SPACE.sub(" ", t).strip()
    return _DIGIT.sub("0", t)


# --------------------------------------------------------------------------------------------
# MinHash / LSH
# --------------------------------------------------------------------------------------------
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the polynomial 5-gram hash over all 64 bits."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def shingle_hashes(texts: Sequence[str], k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every character k-gram of every text, concatenated.

    Returns (hashes, starts): text i owns hashes[starts[i]:starts[i+1]]. A text shorter than k
    gets one shingle (itself, padded). Every text must be non-empty.
    """
    pad = [0] * (k - 1)
    codes_list: list[int] = []
    win_starts: list[int] = []  # global window start positions
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    pos = 0
    for i, t in enumerate(texts):
        cps = [ord(c) + 1 for c in t]  # +1 so the pad value 0 never equals a real character
        n = len(cps)
        nwin = max(n - k + 1, 1)
        win_starts.extend(range(pos, pos + nwin))
        codes_list.extend(cps)
        codes_list.extend(pad)
        pos += n + k - 1
        starts[i + 1] = starts[i] + nwin
    codes = np.asarray(codes_list, dtype=np.uint64)
    ws = np.asarray(win_starts, dtype=np.int64)
    h = np.zeros(len(ws), dtype=np.uint64)
    base = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * base + codes[ws + j]
    return _mix64(h), starts


def minhash_signatures(texts: Sequence[str], num_perm: int = 100, seed: int = 1,
                       k: int = 5) -> np.ndarray:
    """(len(texts), num_perm) uint32 MinHash signatures (multiply-shift hash family)."""
    hashes, starts = shingle_hashes(texts, k)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)  # odd multipliers
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    sig = np.empty((len(texts), num_perm), dtype=np.uint32)
    idx = starts[:-1]
    with np.errstate(over="ignore"):
        for p in range(num_perm):
            v = ((hashes * a[p] + b[p]) >> np.uint64(32)).astype(np.uint32)
            sig[:, p] = np.minimum.reduceat(v, idx)
    return sig


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = int(p[root])
        while p[x] != root:  # path compression keeps this near-linear
            nxt = int(p[x])
            p[x] = root
            x = nxt
        return root

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def near_duplicate_pairs(sig: np.ndarray, bands: int = 20, threshold: float = 0.8
                         ) -> list[tuple[int, int]]:
    """LSH over signature bands; each bucket links its members to the bucket's first member when
    their signatures agree on >= threshold of positions (estimated Jaccard). Linear in buckets."""
    n, num_perm = sig.shape
    rows = num_perm // bands
    pairs: list[tuple[int, int]] = []
    if n < 2 or rows == 0:
        return pairs
    rng = np.random.default_rng(7)
    mult = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    for b in range(bands):
        block = sig[:, b * rows:(b + 1) * rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            key = _mix64((block * mult).sum(axis=1, dtype=np.uint64))
        order = np.argsort(key, kind="stable")
        ks = key[order]
        bounds = np.flatnonzero(np.diff(ks)) + 1
        for grp in np.split(order, bounds):
            if len(grp) < 2:
                continue
            head = int(grp[0])
            sims = (sig[grp[1:]] == sig[head]).mean(axis=1)
            for j, s in zip(grp[1:], sims):
                if s >= threshold:
                    pairs.append((head, int(j)))
    return pairs


def cluster_texts(texts: Sequence[str], *, near: bool = True, threshold: float = 0.8,
                  num_perm: int = 100, bands: int = 20) -> tuple[np.ndarray, dict]:
    """Cluster id per text (exact canonical duplicates + near duplicates). Returns (ids, info)."""
    n = len(texts)
    canon_texts = [canon(t) for t in texts]
    first: dict[str, int] = {}
    rep_of = np.empty(n, dtype=np.int64)
    for i, c in enumerate(canon_texts):
        rep_of[i] = first.setdefault(c, i)
    uniq = sorted(set(int(r) for r in rep_of))
    uf = _UnionFind(n)
    for i in range(n):
        if rep_of[i] != i:
            uf.union(i, int(rep_of[i]))
    near_links = 0
    if near and len(uniq) > 1:
        uniq_texts = [canon_texts[i] or " " for i in uniq]
        sig = minhash_signatures(uniq_texts, num_perm=num_perm)
        for a, b in near_duplicate_pairs(sig, bands=bands, threshold=threshold):
            ra, rb = uf.find(uniq[a]), uf.find(uniq[b])
            if ra != rb:
                uf.union(ra, rb)
                near_links += 1
    ids = np.array([uf.find(i) for i in range(n)], dtype=np.int64)
    info = {"records": n, "unique_canonical": len(uniq), "near_merges": near_links,
            "clusters": int(len(np.unique(ids))) if n else 0}
    return ids, info


# --------------------------------------------------------------------------------------------
# label / family resolution
# --------------------------------------------------------------------------------------------
@dataclass
class DedupeStats:
    info: dict = field(default_factory=dict)
    reasons: Counter = field(default_factory=Counter)
    # "famA+famB" -> clusters shared by those families (leak/overlap audit)
    cross_family: Counter = field(default_factory=Counter)


def resolve_cluster(members: list[dict], priority: Sequence[str] = ()) -> tuple[dict | None, str]:
    """Pick the surviving record of one duplicate cluster. Returns (record or None, reason).

    Rule (in order):
    1. Family: if the cluster spans families, keep only the members of the family listed first in
       `priority` (evaluation families: their copy must stay, and training loses it so nothing
       leaks); with no priority family present, the family holding the best label quality
       (then the larger share, then the name) keeps it.
    2. Quality: among those, only the members with the highest label_quality vote (oppo's silver
       4-class label beats mudou's 0/1 label on the same text; mendeley's smishing beats UCI's spam).
    3. Action: a strict majority action among the voters wins; otherwise the cluster is dropped
       (conflicting labels of equal quality). Category: the most common known category of that
       action, "unknown" only if no voter knows one.
    """
    reason = "single" if len(members) == 1 else "duplicate"
    families = {m["family"] for m in members}
    if len(families) > 1:
        reason = "cross_family"
        keep_fam = next((f for f in priority if f in families), None)
        if keep_fam is None:
            def fam_key(f: str) -> tuple[int, int, str]:
                fm = [m for m in members if m["family"] == f]
                return (-max(QUALITY_RANK[m["label_quality"]] for m in fm), -len(fm), f)
            keep_fam = min(families, key=fam_key)
        members = [m for m in members if m["family"] == keep_fam]
    best = max(QUALITY_RANK[m["label_quality"]] for m in members)
    voters = [m for m in members if QUALITY_RANK[m["label_quality"]] == best]
    if len(voters) < len(members) and len({m["action"] for m in members}) > 1:
        reason = "resolved_by_quality"
    actions = Counter(m["action"] for m in voters)
    action, votes = actions.most_common(1)[0]
    if votes * 2 <= len(voters):
        return None, "conflict_dropped"
    # spam vs ham must agree too (e.g. allow vs transaction is fine, allow vs junk is not).
    chosen = [m for m in voters if m["action"] == action]
    cats = Counter(m["category"] for m in chosen if m["category"] != UNKNOWN)
    category = cats.most_common(1)[0][0] if cats else UNKNOWN
    rep = next((m for m in chosen if m["category"] == category), chosen[0])
    out = dict(rep)
    out["category"] = category
    out["cluster_size"] = len(members)
    if len({is_spam(m["action"]) for m in voters}) > 1:
        reason = "majority_vote"
    return out, reason


def dedupe(records: list[dict], priority: Sequence[str] = (), *, near: bool = True,
           threshold: float = 0.8) -> tuple[list[dict], DedupeStats]:
    """Deduplicate records across all corpora; returns survivors in input order + stats."""
    stats = DedupeStats()
    if not records:
        return [], stats
    ids, info = cluster_texts([r["text"] for r in records], near=near, threshold=threshold)
    stats.info = info
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(ids):
        groups.setdefault(int(c), []).append(i)
    kept: list[tuple[int, dict]] = []
    for idxs in groups.values():
        fams = sorted({records[i]["family"] for i in idxs})
        if len(fams) > 1:
            stats.cross_family["+".join(fams)] += 1
        rec, reason = resolve_cluster([records[i] for i in idxs], priority)
        stats.reasons[reason] += 1
        stats.reasons["removed_records"] += len(idxs) - (1 if rec is not None else 0)
        if rec is not None:
            kept.append((idxs[0], rec))
    kept.sort(key=lambda x: x[0])
    return [r for _, r in kept], stats
