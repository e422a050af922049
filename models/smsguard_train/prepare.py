"""loaders -> dedupe -> splits; writes models/work/{train,valid,test_family,notify,nus_test,
lccc_test,pool}.jsonl
and stats.json, and prints counts per source x action x split (counts only, never text).

    python -m smsguard_train.prepare --data ../shared/data --out models/work

pool.jsonl holds every deduplicated record with its "split" (incl. "capped_out"), for experiments
that need the uncapped corpora (baseline traps). All of models/work/ is gitignored.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from .dedupe import dedupe
from .loaders import load_all
from .splits import EVAL_ONLY_FAMILIES, GROUP_TEST_SPLITS, assign_splits, count_table
from .taxonomy import ACTIONS

SPLIT_FILES = ("train", "valid", "test_family", "notify", *GROUP_TEST_SPLITS)


def write_jsonl(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def format_table(table: dict[str, dict[str, dict[str, int]]]) -> str:
    lines = []
    head = f"{'source':<28}" + "".join(f"{a:>12}" for a in ACTIONS) + f"{'total':>9}"
    for split, by_src in table.items():
        lines.append(f"-- {split}")
        lines.append(head)
        tot = Counter()
        for src, acts in by_src.items():
            tot.update(acts)
            lines.append(f"{src:<28}" + "".join(f"{acts.get(a, 0):>12}" for a in ACTIONS)
                         + f"{sum(acts.values()):>9}")
        lines.append(f"{'(all)':<28}" + "".join(f"{tot.get(a, 0):>12}" for a in ACTIONS)
                     + f"{sum(tot.values()):>9}")
    return "\n".join(lines)


def run(data: Path, out: Path, *, test_family: str = "fbs", cap_80w_ham: float = 0.05,
        cap_jd: int | None = 2000, cap_lccc: int | None = 8000, seed: int = 13,
        near: bool = True) -> dict:
    t0 = time.time()
    loaded = load_all(data)
    records: list[dict] = []
    load_stats = {}
    for name, res in loaded.items():
        for i, r in enumerate(res.records):
            r["id"] = f"{name}:{i}"
            records.append(r)
        load_stats[name] = {"rows": res.rows, "records": len(res.records),
                            "skipped": dict(res.skipped),
                            "skipped_at": res.skipped_at,
                            "by_label": dict(Counter(f"{r['action']}/{r['category']}"
                                                     for r in res.records))}
    t_load = time.time() - t0
    # Evaluation families first: a text they share with training stays on the evaluation side.
    priority = list(EVAL_ONLY_FAMILIES) + [test_family]
    kept, dstats = dedupe(records, priority, near=near)
    t_dedupe = time.time() - t0 - t_load
    splits = assign_splits(kept, test_family=test_family, cap_80w_ham=cap_80w_ham,
                           cap_jd=cap_jd, cap_lccc=cap_lccc, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    for name in SPLIT_FILES:
        write_jsonl(out / f"{name}.jsonl", splits[name])
    pool = []
    for name, recs in splits.items():
        for r in recs:
            pool.append(dict(r, split=name))
    write_jsonl(out / "pool.jsonl", pool)
    table = count_table(splits)
    stats = {
        "params": {"test_family": test_family, "cap_80w_ham": cap_80w_ham, "cap_jd": cap_jd,
                   "cap_lccc": cap_lccc,
                   "seed": seed, "near_dedupe": near},
        "load": load_stats,
        "dedupe": {"info": dstats.info, "clusters_by_reason": dict(dstats.reasons),
                   "cross_family_clusters": dict(dstats.cross_family)},
        "splits": {k: len(v) for k, v in splits.items()},
        "families": {k: sorted({r["family"] for r in v}) for k, v in splits.items()},
        "counts": table,
        "seconds": {"load": round(t_load, 1), "dedupe": round(t_dedupe, 1),
                    "total": round(time.time() - t0, 1)},
    }
    with open(out / "stats.json", "w", encoding="utf-8") as f:
        json.dump(stats, f, ensure_ascii=False, indent=2)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="shared/data directory")
    ap.add_argument("--out", type=Path, required=True, help="output directory (models/work)")
    ap.add_argument("--test-family", default="fbs", help="held-out family (fbs | mudou | ...)")
    ap.add_argument("--cap-80w-ham", type=float, default=0.05,
                    help="max share of 80万 ham in training ham")
    ap.add_argument("--cap-jd", type=int, default=2000, help="max JD marketing records (-1: none)")
    ap.add_argument("--cap-lccc", type=int, default=8000,
                    help="max LCCC chat lines in train+valid, whole sessions (-1: none)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-near", action="store_true", help="exact dedupe only")
    a = ap.parse_args(argv)
    stats = run(a.data, a.out, test_family=a.test_family, cap_80w_ham=a.cap_80w_ham,
                cap_jd=None if a.cap_jd < 0 else a.cap_jd,
                cap_lccc=None if a.cap_lccc < 0 else a.cap_lccc, seed=a.seed, near=not a.no_near)
    print(format_table(stats["counts"]))
    print("dedupe:", json.dumps(stats["dedupe"], ensure_ascii=False))
    print("families:", json.dumps(stats["families"]))
    print("seconds:", stats["seconds"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
