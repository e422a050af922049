"""Turn a placeholder-masked split back into surface text, to measure the engine as a phone sees it.

    python -m smsguard_train.surface models/work/test_family.jsonl OUT.jsonl [--seed 7] [--digits 1-4]
    target/release/smsguard --embedded-model eval OUT.jsonl

FBS replaces links, numbers and contacts by words (`URL`, `DIGIT`, `CELLPHONE`, …). The model
never notices (the normaliser masks a real link and the word `URL` alike), but the rules match
what a phone receives: "a link" in a rule is `http://…`, a bare domain or `www.`, and the word
`URL` is none of them, so on FBS every link-based rule is silent for the half of the messages
that carry a link. This writes each placeholder as an invented value of its kind (random, seeded;
`--digits` is the length range for `DIGIT`, whose real lengths FBS does not keep) so the rules can
see it. The numbers this gives are a second view, not a replacement: the invented values are
guesses, and `DIGIT` also feeds the protective rules (amounts, card tails) in the other direction.
Output lines are the input records with only `text` changed (gitignored like all of work/).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Callable

LOWER = "abcdefghjkmnpqrstuvwxyz"


def substitutes(rng: random.Random, digits: tuple[int, int]) -> dict[str, Callable[[], str]]:
    def num(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def word(n: int) -> str:
        return "".join(rng.choice(LOWER) for _ in range(n))

    return {
        "URL": lambda: f"http://{word(5)}.{rng.choice(['cn', 'com', 'top', 'cc', 'vip'])}/{word(4)}",
        "CELLPHONE": lambda: "1" + rng.choice("3578") + num(9),
        "PHONE": lambda: "0" + num(rng.choice([2, 3])) + "-" + num(8),
        "HOTLINE": lambda: "400-" + num(3) + "-" + num(4),
        "DIGIT": lambda: num(rng.randint(*digits)),
        "WECHAT": lambda: "wx" + word(4) + num(3),
    }


def surface(text: str, subs: dict[str, Callable[[], str]]) -> str:
    """Every placeholder word, also glued ones (`CELLPHONEWECHAT`), becomes an invented value."""
    pattern = re.compile("|".join(sorted(subs, key=len, reverse=True)))
    return pattern.sub(lambda m: subs[m.group(0)](), text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--digits", default="1-4", help="length range of an invented DIGIT value, e.g. 1-4")
    args = ap.parse_args(argv)
    try:
        lo, hi = (int(x) for x in args.digits.split("-"))
    except ValueError:
        ap.error(f"--digits wants LOW-HIGH, got {args.digits!r}")
    if not 1 <= lo <= hi:
        ap.error("--digits wants 1 <= LOW <= HIGH")
    subs = substitutes(random.Random(args.seed), (lo, hi))
    n = 0
    with open(args.input, encoding="utf-8") as f, open(args.output, "w", encoding="utf-8") as out:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            record["text"] = surface(record["text"], subs)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    print(f"{n} records → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
