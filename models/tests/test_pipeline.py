import json

from smsguard_train import baseline, prepare
from smsguard_train.splits import EVAL_ONLY_FAMILIES


def test_prepare_end_to_end(data_dir, tmp_path, capsys):
    out = tmp_path / "work"
    assert prepare.main(["--data", str(data_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "-- train" in printed and "-- notify" in printed
    splits = {n: prepare.read_jsonl(out / f"{n}.jsonl") for n in prepare.SPLIT_FILES}
    fams = {n: {r["family"] for r in v} for n, v in splits.items()}
    assert fams["notify"] == {"notify"} and fams["test_family"] == {"fbs"}
    assert not (fams["train"] | fams["valid"]) & (set(EVAL_ONLY_FAMILIES) | {"fbs"})
    # the bank text occurs in mudou, spamlr and oppo: one copy survives, with oppo's label
    bank = [r for n in ("train", "valid") for r in splits[n] if "尾号6621" in r["text"]]
    assert len(bank) == 1 and bank[0]["action"] == "transaction"
    # no text survives twice anywhere
    texts = [r["text"] for v in splits.values() for r in v]
    assert len(texts) == len(set(texts))
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["load"]["mudou_spam"]["skipped"]["label_only"] == 2
    assert sum(stats["splits"].values()) == len(prepare.read_jsonl(out / "pool.jsonl"))


def test_baseline_normalise_hides_corpus_masking():
    raw = baseline.normalise("【星河】满300减50，详询13800000000 http://s.example/a")
    x80 = baseline.normalise("【星河】满xxx减xx，详询xxxxxxxxxxx http://s.example/a", "x")
    fbs = baseline.normalise("【星河】满DIGIT减DIGIT，详询CELLPHONE URL", "placeholder")
    assert raw == x80
    assert fbs.replace(" ", "") == raw.replace(" ", "")
    assert baseline.normalise("box of xmas", "x") == "box of xmas"  # words with x untouched


def test_baseline_runs_on_fixture(data_dir, tmp_path):
    out = tmp_path / "work"
    prepare.main(["--data", str(data_dir), "--out", str(out)])
    res = baseline.run(out, traps=True)
    for kind in ("binary", "action4"):
        for name in ("valid", "test_family", "notify"):
            assert "spam_caught" in res["models"][kind][name]
    assert res["traps"]["sms80w_only"]["notify_transaction"]["n"] == 4  # otp, travel, finance, template
