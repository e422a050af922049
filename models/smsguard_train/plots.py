"""Figures for the model card: the shipped model (models/smsguard.onnx, run by onnxruntime) on the
held-out family (test_family = FBS), on notify and on the held-out NUS senders (nus_test).

    python -m smsguard_train.plots --work models/work --models models

Writes models/figures/confusion.png (action confusion matrices, rows = truth, colour = share of
the row) and models/figures/pr.png (precision–recall: "spam" = promotion or junk against benign on
notify; "junk" against everything else on test_family and notify; the dot is the shipped argmax
operating point). test_family holds spam only, so spam-vs-benign precision is undefined there.
Only aggregate numbers are drawn, never text. Needs SMSGUARD_FEATURIZE (or builds the featuriser).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from . import export, features, train

ACTIONS = export.ACTIONS
SPLITS = ("test_family", "notify", "nus_test")
TITLES = {"test_family": "test_family (FBS, held-out family)", "notify": "notify (real notifications)",
          "nus_test": "nus_test (chats, held-out senders)"}


def confusion_counts(truth: list[str], pred: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Rows: the truth actions present; columns: all four actions."""
    rows = [a for a in ACTIONS if a in truth]
    m = np.zeros((len(rows), len(ACTIONS)), dtype=np.int64)
    for t, p in zip(truth, pred):
        m[rows.index(t), p] += 1
    return rows, m


def pr_curve(positive: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall at every distinct score threshold (score ≥ t is positive)."""
    order = np.argsort(-score, kind="stable")
    pos = positive[order].astype(np.float64)
    tp = np.cumsum(pos)
    k = np.arange(1, len(pos) + 1)
    # Keep only the last index of each run of equal scores: a threshold admits all ties.
    s = score[order]
    last = np.r_[s[1:] != s[:-1], True]
    n_pos = max(pos.sum(), 1.0)
    return tp[last] / k[last], tp[last] / n_pos


def model_probs(model_bytes: bytes, ids: list[np.ndarray]) -> np.ndarray:
    runner = export.OrtRunner(model_bytes)
    return np.stack([runner.run(i)[0] for i in ids]) if ids else np.zeros((0, 4), np.float32)


def plot_confusion(path: Path, results: dict) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(4.6 * len(results), 3.4))
    axes = np.atleast_1d(axes)
    for ax, (split, (truth, pa)) in zip(axes, results.items()):
        rows, m = confusion_counts(truth, pa.argmax(1))
        share = m / np.maximum(m.sum(1, keepdims=True), 1)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                ax.text(j, i, f"{m[i, j]}\n{100 * share[i, j]:.0f}%", ha="center", va="center", fontsize=8,
                        color="white" if share[i, j] > 0.6 else "black")
        ax.set_xticks(range(len(ACTIONS)), ACTIONS, fontsize=8)
        ax.set_yticks(range(len(rows)), [f"{r} ({m[i].sum()})" for i, r in enumerate(rows)], fontsize=8)
        ax.set_xlabel("predicted (argmax)", fontsize=8)
        ax.set_title(TITLES.get(split, split), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_pr(path: Path, results: dict) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 4.0))
    j, spam_idx = ACTIONS.index("junk"), [ACTIONS.index("promotion"), ACTIONS.index("junk")]
    for split, (truth, pa) in results.items():
        t = np.array(truth)
        pred = pa.argmax(1)
        curves = [("junk vs rest", t == "junk", pa[:, j], pred == j)]
        if np.isin(t, ("allow", "transaction")).any():
            curves.insert(0, ("spam vs benign", np.isin(t, ("promotion", "junk")), pa[:, spam_idx].sum(1),
                              np.isin(pred, spam_idx)))
        for label, positive, score, at in curves:
            if not positive.any():
                continue
            prec, rec = pr_curve(positive, score)
            line, = ax.plot(rec, prec, lw=1.4, label=f"{split}: {label} (n+={int(positive.sum())})")
            if at.any():
                ax.plot([(at & positive).sum() / positive.sum()], [(at & positive).sum() / at.sum()], "o",
                        color=line.get_color(), ms=5)
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("recall", fontsize=8)
    ax.set_ylabel("precision", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title("shipped model, precision–recall (dot = argmax)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=features.REPO / "models" / "work")
    ap.add_argument("--models", type=Path, default=features.REPO / "models")
    ap.add_argument("--out", type=Path, default=None, help="default: MODELS/figures")
    a = ap.parse_args(argv)
    out = a.out or a.models / "figures"
    out.mkdir(parents=True, exist_ok=True)
    model_bytes = (a.models / "smsguard.onnx").read_bytes()
    manifest = json.loads((a.models / "manifest.json").read_text(encoding="utf-8"))
    # After scripts/convert-model.sh, model_sha256 names the NNEF archive and the ONNX's is kept
    # as source_onnx_sha256.
    if manifest.get("source_onnx_sha256", manifest["model_sha256"]) != export.sha256_hex(model_bytes):
        raise SystemExit("manifest.json does not describe smsguard.onnx")
    exe = features.binary()
    ver = features.versions(exe)
    results = {}
    for split in SPLITS:
        if not (a.work / f"{split}.jsonl").exists():
            continue
        recs, ids = train.cached_features(exe, a.work / f"{split}.jsonl", a.work, ver)
        results[split] = ([r["action"] for r in recs], model_probs(model_bytes, ids))
    plot_confusion(out / "confusion.png", results)
    plot_pr(out / "pr.png", results)
    for name in ("confusion.png", "pr.png"):
        print(f"wrote {out / name} ({(out / name).stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
