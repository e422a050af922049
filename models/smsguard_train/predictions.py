"""Baseline predictions for side-by-side evaluation with the engine (`smsguard eval --predicted`).

    python -m smsguard_train.predictions --work models/work

Trains the two TF-IDF + LR baselines of `baseline.py` on train.jsonl and writes, for each
evaluation split (test_family, notify, nus_test, valid), one JSONL file per baseline into --work (gitignored: the
lines carry corpus text):

    pred_baseline4_{split}.jsonl   4-action baseline
    pred_baseline2_{split}.jsonl   binary baseline (spam → "junk", ham → "allow")

Each line is the split record's `text`, `sender`, `action`, `category`, `family` plus
`"predicted": action` (`smsguard eval --by family` reads valid per family),
in the split's order, so the Rust eval scores them exactly as it scores the engine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterable, Sequence

from .baseline import predict_actions, train_action4, train_binary
from .prepare import read_jsonl
from .taxonomy import ACTIONS

FIELDS = ("text", "sender", "action", "category", "family")
SPLITS = ("test_family", "notify", "nus_test", "valid")
MODELS = (("baseline4", train_action4, False), ("baseline2", train_binary, True))


def prediction_lines(recs: Sequence[dict], predicted: Sequence[str]) -> Iterable[str]:
    """One JSON line per record: its FIELDS (sender "" when absent) and the predicted action."""
    if len(recs) != len(predicted):
        raise ValueError(f"{len(recs)} records but {len(predicted)} predictions")
    for r, p in zip(recs, predicted):
        if p not in ACTIONS:
            raise ValueError(f"prediction {p!r} is not an action")
        line = {k: (r.get(k) or "") if k in ("sender", "family") else r[k] for k in FIELDS}
        line["predicted"] = p
        yield json.dumps(line, ensure_ascii=False)


def write_predictions(path: Path, recs: Sequence[dict], predicted: Sequence[str]) -> int:
    with open(path, "w", encoding="utf-8") as f:
        n = 0
        for line in prediction_lines(recs, predicted):
            f.write(line + "\n")
            n += 1
    return n


def run(work: Path, splits: Sequence[str] = SPLITS, log=print) -> list[Path]:
    train = read_jsonl(work / "train.jsonl")
    sets = {s: read_jsonl(work / f"{s}.jsonl") for s in splits}
    written = []
    for name, trainer, binary in MODELS:
        model = trainer(train)
        for split, recs in sets.items():
            path = work / f"pred_{name}_{split}.jsonl"
            n = write_predictions(path, recs, predict_actions(model, recs, binary=binary))
            log(f"wrote {path} ({n} lines)")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("models/work"))
    ap.add_argument("--splits", nargs="+", default=list(SPLITS))
    a = ap.parse_args(argv)
    run(a.work, a.splits, log=lambda *x: print(*x, file=sys.stderr, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
