"""Choose training settings by how well they catch spam from a family they never saw.

    python -m smsguard_train.select --work models/work [--jobs 2]

Valid comes from the training families, so it barely separates settings (a few messages), while
what we ship for is a new family (the test family is one). Each setting is trained once per
spam-bearing family left out (`train.py --holdout-family`): JD marketing and the 80万 corpora
(the mudou family holds the only real Chinese ham, so it always trains; the English corpora are
a setting of their own). Every run is moved to the same operating point on the valid of the
families that trained (the promotion/junk bias shift, then the junk threshold), and the setting
with the highest mean spam caught on the left-out families wins. The test family and notify are
never looked at here. Results go to `select.json` in --work.
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


def settings() -> list[dict]:
    keys = list(GRID)
    return [dict(zip(keys, values)) for values in itertools.product(*GRID.values())]


def train_args(setting: dict) -> list[str]:
    args = ["--benign-weight", str(setting["benign_weight"]), "--epochs", str(setting["epochs"]),
            "--dropout", str(setting["dropout"])]
    if not setting["english"]:
        args += ["--exclude-family", "uci"]
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
    for r in results:
        r["score"] = sum(r["folds"][f]["heldout_caught"] for f in FOLDS) / len(FOLDS)
    return sorted(results, key=lambda r: -r["score"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=features.REPO / "models" / "work")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    work = args.work.resolve()
    grid = settings()
    jobs = [(k, fold) for k in range(len(grid)) for fold in FOLDS]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outs = list(pool.map(lambda j: run_fold(work, grid[j[0]], j[1]), jobs))
    results = [{"setting": s, "folds": {}} for s in grid]
    for (k, fold), out in zip(jobs, outs):
        results[k]["folds"][fold] = out
    ranked = rank(results)
    (work / "select.json").write_text(json.dumps(ranked, indent=1) + "\n", encoding="utf-8")
    print("mean left-out caught | " + " | ".join(FOLDS) + " | setting")
    for r in ranked:
        per = " | ".join(f"{r['folds'][f]['heldout_caught']:.4f}" for f in FOLDS)
        print(f"{r['score']:.4f} | {per} | {r['setting']}")
    print(f"chosen: {ranked[0]['setting']} → train.py {' '.join(train_args(ranked[0]['setting']))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
