"""Family-aware splits.

* notify (notify-samples) -> evaluation only, never training (its SOURCE.md: internal evaluation
  data; mixed licences).
* test family (default: fbs) -> test_family. Why FBS and not the mudou family: the mudou family
  (mudou_spam, spamlr, oppo) is the only corpus of real Chinese *ham* SMS (personal chat and real
  notifications; oppo's TRANSACTION rows). Holding it out would leave the training ham as 80万
  sentence fragments (capped, see below) plus English UCI, i.e. no real Chinese ham at all. FBS is
  independent, hand-labelled and spam-only: as the test family it measures spam recall and the
  promotion/junk split on an unseen family, while the ham side (transactions sent to junk) is
  measured on notify, which is also unseen. `--test-family mudou` is available for comparison.
* families of personal messages are split by who wrote them (`group`: the NUS sender, the LCCC
  session), never one group on both sides: a share of the groups (GROUP_HOLDOUT) is held out as
  `<family>_test` (nus_test: chats between people the model never saw, the allow side of the
  evaluation; lccc_test likewise), the rest trains. LCCC (Weibo comments, not SMS) is capped
  (default 8,000 training lines) so it stays secondary to NUS.
* every other family -> train, with a stratified validation split inside it (by source x action).
* 80万 ham is capped at a share (default 5 %) of training ham: it is mostly web/news sentence
  fragments, not SMS (INDEX.md: 1.2 % carry any SMS marker, mean 21 chars), so in bulk it teaches
  "short plain sentence = ham, long formatted = spam" and pushes real notifications into spam.
* JD marketing (anonyscorpio) is capped (default 2,000): one sender's send log; uncapped it would
  dominate the promotion class with one brand.
Randomness uses one fixed seed.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Sequence

from .taxonomy import HAM_ACTIONS

EVAL_ONLY_FAMILIES = ("notify",)
SMS80W = "sms80w"
JD = "jd_marketing"
LCCC = "lccc"
# Share of each group-split family's groups held out for evaluation (split "<family>_test").
GROUP_HOLDOUT = {"nus": 0.2, "lccc": 0.1}
GROUP_TEST_SPLITS = tuple(f"{f}_test" for f in GROUP_HOLDOUT)


def group_held_out(family: str, group: str, seed: int) -> bool:
    """Whether this group (a sender, a session) is on the evaluation side: a stable hash of the
    group name, so a group's messages all land on one side whatever order they come in."""
    import hashlib
    h = hashlib.sha256(f"{seed}:{family}:{group}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2.0 ** 64 < GROUP_HOLDOUT[family]


class SplitError(ValueError):
    pass


def assign_splits(records: Sequence[dict], *, test_family: str = "fbs", valid_frac: float = 0.1,
                  cap_80w_ham: float = 0.05, cap_jd: int | None = 2000,
                  cap_lccc: int | None = 8000, seed: int = 13
                  ) -> dict[str, list[dict]]:
    """Return {"train", "valid", "test_family", "notify", "<family>_test"…, "capped_out"} lists."""
    if test_family in EVAL_ONLY_FAMILIES:
        raise SplitError(f"test family {test_family!r} is already evaluation-only")
    rng = random.Random(seed)
    out: dict[str, list[dict]] = {k: [] for k in
                                  ("train", "valid", "test_family", "notify", *GROUP_TEST_SPLITS,
                                   "capped_out")}
    pool: list[dict] = []
    for r in records:
        if r["family"] in EVAL_ONLY_FAMILIES:
            out["notify"].append(r)
        elif r["family"] == test_family:
            out["test_family"].append(r)
        elif r["family"] in GROUP_HOLDOUT:
            if not r.get("group"):
                raise SplitError(f"{r['family']} record without a group")
            if group_held_out(r["family"], r["group"], seed):
                out[f"{r['family']}_test"].append(r)
            else:
                pool.append(r)
        else:
            pool.append(r)

    # Cap 80万 ham relative to the other SMS ham (personal chat families not counted, so adding
    # them does not let more 80万 fragments in): n80 / (n80 + other) <= cap.
    ham80 = [r for r in pool if r["family"] == SMS80W and r["action"] in HAM_ACTIONS]
    other_ham = sum(1 for r in pool if r["family"] not in (SMS80W, *GROUP_HOLDOUT)
                    and r["action"] in HAM_ACTIONS)
    keep80 = int(cap_80w_ham / (1.0 - cap_80w_ham) * other_ham) if cap_80w_ham < 1.0 \
        else len(ham80)
    drop_ids: set[int] = set()
    if keep80 < len(ham80):
        shuffled = ham80[:]
        rng.shuffle(shuffled)
        drop_ids.update(id(r) for r in shuffled[keep80:])
    if cap_jd is not None:
        jd = [r for r in pool if r["family"] == JD]
        if len(jd) > cap_jd:
            rng.shuffle(jd)
            drop_ids.update(id(r) for r in jd[cap_jd:])
    if cap_lccc is not None:
        # By whole sessions, so a capped-out session is wholly out.
        sessions: dict[str, list[dict]] = defaultdict(list)
        for r in pool:
            if r["family"] == LCCC:
                sessions[r["group"]].append(r)
        names = sorted(sessions)
        rng.shuffle(names)
        n = 0
        for name in names:
            if n >= cap_lccc:
                drop_ids.update(id(r) for r in sessions[name])
            n += len(sessions[name])
    kept = []
    for r in pool:
        (out["capped_out"] if id(r) in drop_ids else kept).append(r)

    # Stratified validation split by (source, action); group-split families by whole groups.
    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    grouped: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in kept:
        if r["family"] in GROUP_HOLDOUT:
            grouped[r["family"]][r["group"]].append(r)
        else:
            strata[(r["source"], r["action"])].append(r)
    valid_ids: set[int] = set()
    for key in sorted(strata):
        group = strata[key][:]
        rng.shuffle(group)
        n_valid = int(round(len(group) * valid_frac))
        valid_ids.update(id(r) for r in group[:n_valid])
    for fam in sorted(grouped):
        names = sorted(grouped[fam])
        rng.shuffle(names)
        total = sum(len(v) for v in grouped[fam].values())
        n = 0
        for name in names:
            if n >= total * valid_frac:
                break
            valid_ids.update(id(r) for r in grouped[fam][name])
            n += len(grouped[fam][name])
    for r in kept:
        (out["valid"] if id(r) in valid_ids else out["train"]).append(r)

    check_family_disjoint(out)
    return out


def check_family_disjoint(splits: dict[str, list[dict]]) -> None:
    """Raise SplitError if a family appears both in training (train/valid) and in evaluation
    (test_family/notify), or in both evaluation sets."""
    fams = {k: {r["family"] for r in v} for k, v in splits.items()}
    training = fams.get("train", set()) | fams.get("valid", set())
    # Group-split families: no group (sender, session) on both sides.
    train_groups = {r["group"] for k in ("train", "valid") for r in splits.get(k, ()) if r.get("group")}
    for ev in GROUP_TEST_SPLITS:
        both = train_groups & {r["group"] for r in splits.get(ev, ()) if r.get("group")}
        if both:
            raise SplitError(f"{len(both)} groups in training and {ev}")
    for ev in ("test_family", "notify"):
        both = training & fams.get(ev, set())
        if both:
            raise SplitError(f"families in training and {ev}: {sorted(both)}")
    both = fams.get("test_family", set()) & fams.get("notify", set())
    if both:
        raise SplitError(f"families in test_family and notify: {sorted(both)}")


def count_table(splits: dict[str, list[dict]]) -> dict[str, dict[str, dict[str, int]]]:
    """{split: {source: {action: n}}} for stats.json and the printed table."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for name, recs in splits.items():
        c: dict[str, Counter] = defaultdict(Counter)
        for r in recs:
            c[r["source"]][r["action"]] += 1
        table[name] = {s: dict(v) for s, v in sorted(c.items())}
    return table
