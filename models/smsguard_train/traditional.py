"""Traditional-script versions of held-out splits, to measure the engine on Traditional Chinese.

    python -m smsguard_train.traditional --work models/work          # all configs below
    target/release/smsguard eval models/work/trad_s2twp_notify.jsonl

`../shared/data` holds no Traditional Chinese set (every corpus is mainland). What a Taiwan or
Hong Kong sender's phone would produce from the same message is OpenCC's conversion: `s2t`
(characters and phrases), `s2hk` (Hong Kong variants) and `s2twp` (Taiwan variants *and*
Taiwan vocabulary: 点击链接 → 點選連結, 短信 → 簡訊, 积分 → 點數), the hardest of the three for
rules written in mainland words. These are converted held-out messages, not native Traditional
ones: they measure the script and vocabulary gap, not Taiwan's or Hong Kong's own scams.
Output lines are the input records with only `text` changed, plus `"script": CONFIG`
(gitignored like all of work/).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .prepare import read_jsonl, write_jsonl

CONFIGS = ("s2t", "s2hk", "s2twp")
SPLITS = ("notify", "test_family", "nus_test")


def convert(rows: list[dict], config: str) -> list[dict]:
    import opencc  # only this tool needs it

    cc = opencc.OpenCC(config)
    return [{**r, "text": cc.convert(r["text"]), "script": config} for r in rows]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("models/work"))
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--splits", default=",".join(SPLITS))
    args = ap.parse_args(argv)
    for split in args.splits.split(","):
        src = args.work / f"{split}.jsonl"
        if not src.exists():
            print(f"missing {src}: run smsguard_train.prepare first", file=sys.stderr)
            return 1
        rows = read_jsonl(src)
        for config in args.configs.split(","):
            out = args.work / f"trad_{config}_{split}.jsonl"
            conv = convert(rows, config)
            changed = sum(a["text"] != b["text"] for a, b in zip(rows, conv))
            write_jsonl(out, conv)
            print(f"{out}: {len(conv)} messages, {changed} changed by {config}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
