#!/usr/bin/env python3
"""Same-run comparison: the engine (rules + model, `smsguard bench`) against the project's
TF-IDF + LR baseline (models/smsguard_train/baseline.py, 4 actions) on the same messages.

    models/.venv/bin/python scripts/compare-baseline.py --work models/work [--sample 2000]
        [--smsguard target/release/smsguard]

Fits the baseline on WORK/train.jsonl (not timed), takes the first SAMPLE messages of
WORK/valid.jsonl, times the baseline one message at a time (as a phone classifies: normalise,
vectorise, predict), then runs `smsguard bench --messages` on the same messages, and prints both
per-message times and their ratio. Message texts go to a temporary file that is deleted; only
numbers are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "models"))

from smsguard_train.baseline import normalise, train_action4  # noqa: E402
from smsguard_train.prepare import read_jsonl  # noqa: E402


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round((len(xs) - 1) * p))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=ROOT / "models" / "work")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--iterations", type=int, default=5, help="engine passes over the sample")
    ap.add_argument("--smsguard", type=Path, default=ROOT / "target" / "release" / "smsguard")
    args = ap.parse_args()

    sample = read_jsonl(args.work / "valid.jsonl")[: args.sample]
    if not sample:
        print("no messages in valid.jsonl", file=sys.stderr)
        return 1
    t = time.perf_counter()
    model = train_action4(read_jsonl(args.work / "train.jsonl"))
    fit_s = time.perf_counter() - t

    base_us = []
    for r in sample:
        t = time.perf_counter()
        model.predict([normalise(r["text"], r.get("masking", "raw"))])
        base_us.append((time.perf_counter() - t) * 1e6)

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for r in sample:
            f.write(json.dumps({"sender": r.get("sender") or "", "body": r["text"]}, ensure_ascii=False))
            f.write("\n")
        path = f.name
    try:
        out = subprocess.run(
            [str(args.smsguard), "bench", "--messages", path, "--iterations", str(args.iterations), "--json"],
            check=True, capture_output=True, text=True,
        ).stdout
    finally:
        os.unlink(path)
    engine = json.loads(out)

    b50, b99 = statistics.median(base_us), percentile(base_us, 0.99)
    e50, e99 = engine["latency_us_p50"], engine["latency_us_p99"]
    print(f"messages: {len(sample)} (first of {args.work / 'valid.jsonl'}), one at a time, one thread")
    print(f"TF-IDF + LR (4 actions, fitted in {fit_s:.0f} s): p50 {b50:.1f} µs, p99 {b99:.1f} µs per message")
    print(f"engine (rules + model, {args.iterations} passes):      p50 {e50:.1f} µs, p99 {e99:.1f} µs per message")
    print(f"ratio at p50: the baseline takes {b50 / e50:.1f}× the engine's time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
