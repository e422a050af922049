"""Placeholder words become invented values of their kind; everything else is left alone."""

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smsguard_train import surface  # noqa: E402


def _subs(seed=1, digits=(1, 4)):
    return surface.substitutes(random.Random(seed), digits)


def test_each_placeholder_becomes_a_value_of_its_kind():
    text = surface.surface("尊敬的NAME 您的积分 DIGIT 分 即将清零 请登录 URL 兑换 或致电 CELLPHONE / PHONE / HOTLINE 加 WECHAT",
                           _subs())
    assert re.search(r"http://[a-z]{5}\.(cn|com|top|cc|vip)/[a-z]{4}", text)
    assert re.search(r"(?<![0-9])1[3578][0-9]{9}(?![0-9])", text)
    assert re.search(r"0[0-9]{2,3}-[0-9]{8}", text) and re.search(r"400-[0-9]{3}-[0-9]{4}", text)
    assert re.search(r"wx[a-z]{4}[0-9]{3}", text)
    assert "NAME" in text  # not a number or contact: the normaliser keeps such words as they are
    for word in ("URL", "DIGIT", "CELLPHONE", "PHONE", "HOTLINE", "WECHAT"):
        assert word not in text


def test_glued_placeholders_are_split_longest_first():
    text = surface.surface("CELLPHONEWECHAT", _subs())
    assert re.fullmatch(r"1[3578][0-9]{9}wx[a-z]{4}[0-9]{3}", text)


def test_digit_lengths_follow_the_range_and_the_seed_repeats():
    lengths = {len(surface.surface("DIGIT", _subs(seed=s, digits=(3, 5)))) for s in range(60)}
    assert lengths == {3, 4, 5}
    assert surface.surface("URL DIGIT", _subs(seed=9)) == surface.surface("URL DIGIT", _subs(seed=9))


def test_main_rewrites_only_the_text(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "点击 URL 领取", "action": "junk"}, ensure_ascii=False) + "\n\n",
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert surface.main([str(src), str(out), "--seed", "3"]) == 0
    (line,) = out.read_text(encoding="utf-8").splitlines()
    rec = json.loads(line)
    assert rec["id"] == "a" and rec["action"] == "junk" and rec["text"].startswith("点击 http://")
