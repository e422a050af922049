"""An independent Python reading of the featuriser's documented definition (core/src/featurise.rs,
module doc). Not used for training (training runs the Rust featuriser): it exists so the shared
vectors in testdata/featurise.jsonl are checked against two implementations of the same text.

    python -m smsguard_train.featref --write testdata/featurise.jsonl
"""

from __future__ import annotations

import json
import re
from pathlib import Path

FEATURISER_VERSION = 1
BUCKETS = 1 << 15
MAX_N = 3
MAX_UNITS = 160
SENDER_KINDS = ["mobile", "port106", "service", "carrier", "landline", "alphanumeric", "international",
                "unknown"]
MASK_FLAGS = ["<URL>", "<PHONE>", "<AMOUNT>", "<CODE>", "<PICKUP>", "<DATE>"]
OPT_OUT_MARKERS = ["退订", "拒收", "unsubscribe"]
SENDER_BASE = BUCKETS
SIGNATURE_PRESENT = SENDER_BASE + len(SENDER_KINDS)
SIGNATURE_ABSENT = SIGNATURE_PRESENT + 1
MASK_BASE = SIGNATURE_ABSENT + 1
OPT_OUT = MASK_BASE + len(MASK_FLAGS)
VOCAB = OPT_OUT + 1

_MASK = re.compile(r"<[A-Z]+>")
_DIGITS = re.compile(r"[0-9]+")


def units(s: str) -> list[str]:
    out, i = [], 0
    while i < len(s) and len(out) < MAX_UNITS:
        m = _MASK.match(s, i)
        if m:
            out.append(m.group())
            i = m.end()
            continue
        m = _DIGITS.match(s, i)
        if m:
            out.append("0")
            i = m.end()
            continue
        if not s[i].isspace():
            out.append(s[i])
        i += 1
    return out


def fnv1a(data: bytes, h: int = 0xCBF29CE484222325) -> int:
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def ngram_id(gram: list[str]) -> int:
    data = bytes([len(gram)]) + b"".join(u.encode("utf-8") + b"\xff" for u in gram)
    h = fnv1a(data)
    return (h ^ (h >> 32)) % BUCKETS


def featurise(masked: str, sender_kind: str = "unknown", signature: str | None = None) -> list[int]:
    us = units(masked)
    ids = [ngram_id(us[s:s + n]) for s in range(len(us)) for n in range(1, MAX_N + 1) if s + n <= len(us)]
    ids.append(SENDER_BASE + SENDER_KINDS.index(sender_kind))
    ids.append(SIGNATURE_PRESENT if signature else SIGNATURE_ABSENT)
    ids += [MASK_BASE + k for k, m in enumerate(MASK_FLAGS) if m in masked]
    if any(m in masked for m in OPT_OUT_MARKERS):
        ids.append(OPT_OUT)
    return ids


# Invented, already-normalised texts (what `Normalised.masked` looks like), one per behaviour.
VECTOR_INPUTS = [
    ("empty", "", "unknown", None),
    ("only_spaces", "  \t ", "mobile", None),
    ("personal", "晚上一起吃饭吗?", "mobile", None),
    ("otp", "【云杉银行】验证码<CODE>，<NUM>分钟内有效，请勿告诉他人。", "port106", "云杉银行"),
    ("bank", "【云杉银行】您尾号<NUM>的卡<DATE>支出<AMOUNT>，余额<AMOUNT>。", "service", "云杉银行"),
    ("pickup", "【飞毛腿驿站】取件码<PICKUP>，请凭码到西门取件", "port106", "飞毛腿驿站"),
    ("promo", "【好物铺】年终大促满<AMOUNT>减<AMOUNT>，戳<URL>，回t退订", "port106", "好物铺"),
    ("phish", "您的etc已失效，请登录<URL>重新认证，咨询<PHONE>", "mobile", None),
    ("raw_digits", "尾号 4821 余额 12.50", "service", None),
    ("english", "your parcel is held, pay the fee at <URL> to release it", "international", None),
    ("not_masks", "<url> <> <Url> a<b>c <123>", "alphanumeric", None),
    ("opt_out_reply", "拒收请回复r", "carrier", None),
    ("emoji", "🎉恭喜🎁中奖啦", "landline", None),
    ("long", "测试" * 120, "unknown", None),
]


def vectors() -> list[dict]:
    return [{"name": n, "masked": m, "sender_kind": k, "signature": s, "ids": featurise(m, k, s)}
            for n, m, k, s in VECTOR_INPUTS]


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--write", type=Path, required=True)
    path = ap.parse_args().write
    with open(path, "w", encoding="utf-8") as f:
        for v in vectors():
            f.write(json.dumps(v, ensure_ascii=False) + "\n")
