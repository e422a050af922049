"""Baseline: character 1-3-gram TF-IDF + logistic regression.

    python -m smsguard_train.baseline --work models/work

Models (trained on train.jsonl, evaluated on valid, test_family, notify):
* binary spam vs ham (all training rows);
* 4-way action (rows with a usable action target: taxonomy.train_action).
Traps (binary, evaluated on notify; the headline is the share of notify *transaction* rows sent to
spam): trained on the 80万 family alone (uncapped) and on all open corpora (every family except
notify, uncapped), from pool.jsonl; each with our normalise() and without it (*_raw).
Results go to models/work/baseline.json and stdout (numbers only, never text).

normalise() is the baseline's own text normalisation, applied identically to every corpus at
train and test time so the model cannot learn a corpus's masking convention. The shipped model's
features come from the Rust featuriser, not from this function.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Callable

from .metrics import binary_to_action, evaluate, format_report
from .prepare import read_jsonl
from .taxonomy import HAM_ACTIONS, eval_action, is_spam, train_action

# FBS placeholders (upper case in the source) -> what other corpora show in their place.
_FBS_NUMBERS = re.compile(r"CELLPHONE|HOTLINE|PHONE|DIGIT")
_FBS_URL = re.compile(r"URL")
_FBS_ID = re.compile(r"WECHAT")
_FBS_NAMES = re.compile(r"NAME|PLACE|BANK")
_X_MASK = re.compile(r"(?<![a-z])x+(?![a-z])")  # 80万 masks digits as x: "xxx元", "xx.xx"
_URL = re.compile(r"(?:https?://|www\.)\S+|[a-z0-9.-]+\.(?:com|cn|net|org|cc|me|ly|top|vip)"
                  r"(?:/[\w./?=&%#-]*)?")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def normalise(text: str, masking: str = "raw") -> str:
    t = text
    if masking == "placeholder":
        t = _FBS_NUMBERS.sub("0", t)
        t = _FBS_URL.sub("http://u", t)
        t = _FBS_ID.sub("id0", t)
        t = _FBS_NAMES.sub("", t)
    t = unicodedata.normalize("NFKC", t).lower()
    if masking == "x":
        t = _X_MASK.sub("0", t)
    t = _URL.sub(" U ", t)
    t = _DIGITS.sub("0", t)
    return _SPACE.sub(" ", t).strip()


def lower_only(text: str, masking: str = "raw") -> str:
    """No masking unification: how a naive baseline sees the corpora (used by the *_raw traps)."""
    del masking
    return text.lower()


Norm = Callable[[str, str], str]


def _texts(recs: list[dict], norm: Norm = normalise) -> list[str]:
    return [norm(r["text"], r.get("masking", "raw")) for r in recs]


def _fit(texts: list[str], labels: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    import numpy as np

    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True,
                        max_features=300_000, dtype=np.float32),
        LogisticRegression(class_weight="balanced", max_iter=2000, C=4.0),
    )
    model.fit(texts, labels)
    return model


def train_binary(recs: list[dict], norm: Norm = normalise):
    return _fit(_texts(recs, norm), ["spam" if is_spam(r["action"]) else "ham" for r in recs])


def train_action4(recs: list[dict]):
    use = [(r, train_action(r)) for r in recs]
    use = [(r, a) for r, a in use if a is not None]
    return _fit(_texts([r for r, _ in use]), [a for _, a in use])


def predict_actions(model, recs: list[dict], binary: bool, norm: Norm = normalise) -> list[str]:
    if not recs:
        return []
    pred = model.predict(_texts(recs, norm))
    if binary:
        return [binary_to_action(p == "spam") for p in pred]
    return [str(p) for p in pred]


def eval_sets(work: Path) -> dict[str, list[dict]]:
    notify = read_jsonl(work / "notify.jsonl")
    return {
        "valid": read_jsonl(work / "valid.jsonl"),
        "test_family": read_jsonl(work / "test_family.jsonl"),
        "notify": notify,
        "notify_no_templates": [r for r in notify if "template" not in r.get("tags", [])],
    }


def notify_transaction_to_spam(model, notify: list[dict], norm: Norm = normalise) -> dict:
    """The trap number: share of notify transaction rows a binary model calls spam."""
    tx = [r for r in notify if r["action"] == "transaction"]
    pred = predict_actions(model, tx, binary=True, norm=norm)
    n_spam = sum(1 for p in pred if p != "allow")
    return {"n": len(tx), "to_spam": n_spam / len(tx) if tx else None}


def run(work: Path, *, traps: bool = True) -> dict:
    t0 = time.time()
    train = read_jsonl(work / "train.jsonl")
    sets = eval_sets(work)
    out: dict = {"train_rows": len(train), "models": {}, "traps": {}}
    reports: list[str] = []
    for kind, trainer in (("binary", train_binary), ("action4", train_action4)):
        model = trainer(train)
        res = {}
        for name, recs in sets.items():
            ev = evaluate([eval_action(r) for r in recs],
                          predict_actions(model, recs, binary=(kind == "binary")))
            res[name] = ev
            reports.append(format_report(f"{kind} / {name}", ev))
        res["notify_transaction"] = notify_transaction_to_spam(model, sets["notify"]) \
            if kind == "binary" else None
        out["models"][kind] = res
    if traps:
        pool = read_jsonl(work / "pool.jsonl")
        # *_raw: the same without masking unification (digits vs 80万 "x" vs FBS placeholders),
        # i.e. what a naive pipeline measures.
        for name, keep, norm in (
                ("sms80w_only", lambda r: r["family"] == "sms80w", normalise),
                ("all_open_corpora", lambda r: r["family"] != "notify", normalise),
                ("sms80w_only_raw", lambda r: r["family"] == "sms80w", lower_only),
                ("all_open_corpora_raw", lambda r: r["family"] != "notify", lower_only)):
            recs = [r for r in pool if keep(r)]
            model = train_binary(recs, norm)
            ev = evaluate([eval_action(r) for r in sets["notify"]],
                          predict_actions(model, sets["notify"], binary=True, norm=norm))
            out["traps"][name] = {
                "train_rows": len(recs),
                "train_ham": sum(1 for r in recs if r["action"] in HAM_ACTIONS),
                "notify_transaction": notify_transaction_to_spam(model, sets["notify"], norm),
                "notify": ev,
            }
            reports.append(format_report(f"trap {name} (binary) / notify", ev))
    out["seconds"] = round(time.time() - t0, 1)
    out["report"] = reports
    return out


def headline(out: dict) -> str:
    def f(x):
        return "-" if x is None else f"{x:.3f}"
    lines = ["== headline (ham->junk = real messages hidden; spam caught = junk+promotion)"]
    for kind, res in out["models"].items():
        for name in ("valid", "test_family", "notify", "notify_no_templates"):
            ev = res[name]
            lines.append(f"   {kind:<8} {name:<20} ham->junk {f(ev['ham_to_junk'])}"
                         f"  ham->spam {f(ev['ham_to_spam'])}  spam caught {f(ev['spam_caught'])}")
    nt = out["models"]["binary"]["notify_transaction"]
    lines.append(f"   binary (our train split): notify transaction -> spam {f(nt['to_spam'])}"
                 f" of {nt['n']}")
    for name, t in out["traps"].items():
        lines.append(f"   trap {name:<17}: notify transaction -> spam "
                     f"{f(t['notify_transaction']['to_spam'])} (train rows {t['train_rows']},"
                     f" ham {t['train_ham']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="TF-IDF + LR baseline")
    ap.add_argument("--work", type=Path, default=Path("models/work"))
    ap.add_argument("--no-traps", action="store_true")
    a = ap.parse_args(argv)
    out = run(a.work, traps=not a.no_traps)
    for block in out["report"]:
        print(block)
    print(headline(out))
    print(f"seconds: {out['seconds']}")
    with open(a.work / "baseline.json", "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
