"""Metrics shared by the baseline and the real model, so both are measured identically.

Truth labels are actions (allow/transaction/promotion/junk) or "spam_unknown" (spam from a 0/1
corpus). Predictions are actions; a binary model's "spam" is reported as junk and "ham" as allow.

The two numbers that matter:
* ham_to_junk: share of ham (allow + transaction) predicted junk — real messages hidden.
* spam_caught: share of spam (promotion + junk + spam_unknown) predicted promotion or junk.
Also ham_to_spam (ham predicted junk or promotion: leaves the inbox, even if not hidden).
"""

from __future__ import annotations

from typing import Sequence

from .taxonomy import ACTIONS, HAM_ACTIONS, SPAM_ACTIONS, SPAM_UNKNOWN

TRUE_LABELS = ACTIONS + (SPAM_UNKNOWN,)
SPAM_TRUTH = SPAM_ACTIONS + (SPAM_UNKNOWN,)


def binary_to_action(is_spam_pred: bool) -> str:
    return "junk" if is_spam_pred else "allow"


def confusion(y_true: Sequence[str], y_pred: Sequence[str],
              rows: Sequence[str] = TRUE_LABELS, cols: Sequence[str] = ACTIONS) -> list[list[int]]:
    """Counts, rows = truth, cols = prediction. Labels outside rows/cols are ignored."""
    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred differ in length")
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: i for i, c in enumerate(cols)}
    m = [[0] * len(cols) for _ in rows]
    for t, p in zip(y_true, y_pred):
        if t in ri and p in ci:
            m[ri[t]][ci[p]] += 1
    return m


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def per_action(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, dict]:
    """Precision/recall per action. Precision counts every prediction of the action (spam_unknown
    truth included, so it is a lower bound where such rows exist); None when undefined."""
    out = {}
    for a in ACTIONS:
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == a and p == a)
        n_pred = sum(1 for p in y_pred if p == a)
        n_true = sum(1 for t in y_true if t == a)
        out[a] = {"precision": _ratio(tp, n_pred), "recall": _ratio(tp, n_true),
                  "support": n_true, "predicted": n_pred}
    return out


def ham_to_junk(y_true: Sequence[str], y_pred: Sequence[str]) -> float | None:
    ham = [p for t, p in zip(y_true, y_pred) if t in HAM_ACTIONS]
    return _ratio(sum(1 for p in ham if p == "junk"), len(ham))


def ham_to_spam(y_true: Sequence[str], y_pred: Sequence[str]) -> float | None:
    ham = [p for t, p in zip(y_true, y_pred) if t in HAM_ACTIONS]
    return _ratio(sum(1 for p in ham if p in SPAM_ACTIONS), len(ham))


def spam_caught(y_true: Sequence[str], y_pred: Sequence[str]) -> float | None:
    spam = [p for t, p in zip(y_true, y_pred) if t in SPAM_TRUTH]
    return _ratio(sum(1 for p in spam if p in SPAM_ACTIONS), len(spam))


def evaluate(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Everything above in one JSON-ready dict."""
    return {
        "n": len(y_true),
        "ham_to_junk": ham_to_junk(y_true, y_pred),
        "ham_to_spam": ham_to_spam(y_true, y_pred),
        "spam_caught": spam_caught(y_true, y_pred),
        "per_action": per_action(y_true, y_pred),
        "confusion": {"rows": list(TRUE_LABELS), "cols": list(ACTIONS),
                      "counts": confusion(y_true, y_pred)},
    }


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


def format_report(name: str, ev: dict) -> str:
    """Human-readable block: headline numbers, confusion matrix, per-action P/R."""
    lines = [f"== {name}  (n={ev['n']})",
             f"   ham->junk {_fmt(ev['ham_to_junk'])}   ham->spam {_fmt(ev['ham_to_spam'])}"
             f"   spam caught {_fmt(ev['spam_caught'])}"]
    cols = ev["confusion"]["cols"]
    lines.append("   truth \\ pred  " + " ".join(f"{c:>11}" for c in cols))
    for r, row in zip(ev["confusion"]["rows"], ev["confusion"]["counts"]):
        if sum(row):
            lines.append(f"   {r:<13} " + " ".join(f"{v:>11}" for v in row))
    lines.append("   action        precision recall support")
    for a, d in ev["per_action"].items():
        if d["support"] or d["predicted"]:
            lines.append(f"   {a:<13} {_fmt(d['precision']):>9} {_fmt(d['recall']):>6}"
                         f" {d['support']:>7}")
    return "\n".join(lines)
