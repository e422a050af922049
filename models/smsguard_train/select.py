"""Choose training settings by how well they catch spam from a family they never saw.

    python -m smsguard_train.select --work models/work [--jobs 2] [--grid hidden] [--seeds 1,2,3]

Valid comes from the training families, so it barely separates settings (a few messages), while
what we ship for is a new family (the test family is one). Each setting is trained once per
spam-bearing family left out (`train.py --holdout-family`): JD marketing and the 80万 corpora
(the mudou family holds the only real Chinese ham, so it always trains; the English corpora are
a setting of their own). Every run is moved to the same operating point on the valid of the
families that trained (the promotion/junk bias shift, then the junk threshold), and the setting
with the highest mean spam caught on the left-out families wins. The test family and notify are
never looked at here. Results go to `select.json` in --work (`select-<grid>.json` for other grids).

`--grid hidden` compares v2's settings with a relu layer of 16, 32 or 64 units before the heads.
`--seeds` trains every setting once per seed as well (the score is the mean over seeds and folds):
differences of a few tenths of a point between settings are within what the seed alone moves.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import features

FOLDS = ("jd_marketing", "sms80w")
GRID = {
    "english": (True, False),
    "benign_weight": (1.0, 2.0, 3.0),
    "epochs": (3, 5),
    "dropout": (0.0, 0.3),
}

# v2's settings (the winner of GRID), the base of the other grids.
V2 = {"english": True, "benign_weight": 3.0, "epochs": 5, "dropout": 0.0}
GRIDS = {
    "default": GRID,
    "hidden": {**{k: (v,) for k, v in V2.items()}, "hidden": (0, 16, 32, 64)},
}


def settings(grid: dict | None = None) -> list[dict]:
    grid = GRID if grid is None else grid
    keys = list(grid)
    return [dict(zip(keys, values)) for values in itertools.product(*grid.values())]


def train_args(setting: dict) -> list[str]:
    args = ["--benign-weight", str(setting["benign_weight"]), "--epochs", str(setting["epochs"]),
            "--dropout", str(setting["dropout"])]
    if not setting["english"]:
        args += ["--exclude-family", "uci"]
    if setting.get("hidden"):
        args += ["--hidden", str(setting["hidden"])]
    if "seed" in setting:
        args += ["--seed", str(setting["seed"])]
    return args


def run_fold(work: Path, setting: dict, fold: str) -> dict:
    with tempfile.TemporaryDirectory() as out:
        # train.py reads whatever splits its --work holds: give it train and valid only, so the
        # test family and notify are neither read nor scored (features still come from the cache).
        splits = Path(out) / "splits"
        splits.mkdir()
        for name in ("train.jsonl", "valid.jsonl"):
            (splits / name).symlink_to(work / name)
        cmd = [sys.executable, "-m", "smsguard_train.train", "--work", str(splits), "--cache", str(work),
               "--out", out, "--holdout-family", fold, *train_args(setting)]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=features.REPO / "models")
        if done.returncode != 0:
            raise RuntimeError(f"training failed for {setting} without {fold}:\n{done.stderr[-2000:]}")
        manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    metrics = manifest["training"]["metrics"]
    return {
        "heldout_caught": metrics["heldout_family"]["calibrated"]["spam_caught"],
        "valid": {k: metrics["valid"]["calibrated"].get(k) for k in ("benign_to_junk", "benign_to_spam",
                                                                      "spam_caught")},
    }


def rank(results: list[dict]) -> list[dict]:
    """Results of one setting trained with several seeds come as one result per seed (the
    setting then carries "seed"); they are merged, and a setting scores its mean spam caught over
    every seed and fold."""
    merged: dict[str, dict] = {}
    for r in results:
        base = {k: v for k, v in r["setting"].items() if k != "seed"}
        key = json.dumps(base, sort_keys=True)
        m = merged.setdefault(key, {"setting": base, "folds": {}, "by_seed": {}})
        seed = r["setting"].get("seed")
        if seed is None:
            m["folds"] = r["folds"]
        else:
            m["by_seed"][str(seed)] = r["folds"]
    for m in merged.values():
        runs = list(m["by_seed"].values()) or [m["folds"]]
        per_seed = [sum(f[fold]["heldout_caught"] for fold in FOLDS) / len(FOLDS) for f in runs]
        m["score"] = sum(per_seed) / len(per_seed)
        if m["by_seed"]:
            m["folds"] = {fold: {"heldout_caught": sum(f[fold]["heldout_caught"] for f in runs) / len(runs)}
                          for fold in FOLDS}
            m["seed_scores"] = dict(zip(m["by_seed"], per_seed))
        else:
            del m["by_seed"]
    return sorted(merged.values(), key=lambda r: -r["score"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=features.REPO / "models" / "work")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--grid", choices=sorted(GRIDS), default="default")
    ap.add_argument("--seeds", default="", help="comma-separated training seeds (default: train.py's)")
    args = ap.parse_args(argv)
    work = args.work.resolve()
    grid = settings(GRIDS[args.grid])
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    if seeds:
        grid = [dict(s, seed=seed) for s in grid for seed in seeds]
    jobs = [(k, fold) for k in range(len(grid)) for fold in FOLDS]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outs = list(pool.map(lambda j: run_fold(work, grid[j[0]], j[1]), jobs))
    results = [{"setting": s, "folds": {}} for s in grid]
    for (k, fold), out in zip(jobs, outs):
        results[k]["folds"][fold] = out
    ranked = rank(results)
    name = "select.json" if args.grid == "default" else f"select-{args.grid}.json"
    (work / name).write_text(json.dumps(ranked, indent=1) + "\n", encoding="utf-8")
    print("mean left-out caught | " + " | ".join(FOLDS) + " | setting" + (" | per seed" if seeds else ""))
    for r in ranked:
        per = " | ".join(f"{r['folds'][f]['heldout_caught']:.4f}" for f in FOLDS)
        by_seed = " | " + " ".join(f"{s}:{v:.4f}" for s, v in r["seed_scores"].items()) if seeds else ""
        print(f"{r['score']:.4f} | {per} | {r['setting']}{by_seed}")
    print(f"chosen: {ranked[0]['setting']} → train.py {' '.join(train_args(ranked[0]['setting']))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
