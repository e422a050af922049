import json

from smsguard_train import traditional


def test_convert_changes_only_the_text_and_uses_taiwan_words():
    rows = [
        {"text": "请点击链接领取积分", "action": "junk", "family": "x", "id": "a"},
        {"text": "明天见", "action": "allow", "family": "y", "id": "b"},
    ]
    out = traditional.convert(rows, "s2twp")
    assert [r["text"] for r in out] == ["請點選連結領取積分", "明天見"]
    for before, after in zip(rows, out):
        assert {k: v for k, v in after.items() if k not in ("text", "script")} == {
            k: v for k, v in before.items() if k != "text"
        }
        assert after["script"] == "s2twp"
    assert rows[0]["text"] == "请点击链接领取积分"  # the input is not modified


def test_main_writes_one_file_per_split_and_config(tmp_path):
    (tmp_path / "notify.jsonl").write_text(
        json.dumps({"text": "您的验证码是123456", "action": "transaction"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert traditional.main(["--work", str(tmp_path), "--splits", "notify", "--configs", "s2t,s2hk"]) == 0
    for config in ("s2t", "s2hk"):
        rows = [json.loads(line) for line in open(tmp_path / f"trad_{config}_notify.jsonl", encoding="utf-8")]
        assert [r["text"] for r in rows] == ["您的驗證碼是123456"]
    assert traditional.main(["--work", str(tmp_path), "--splits", "nus_test"]) == 1
