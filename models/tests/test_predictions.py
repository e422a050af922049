"""Baseline prediction files: one line per record, the record's fields plus a valid action."""

import json

import pytest

from smsguard_train import predictions

# Invented records (not corpus text).
RECS = [
    {"id": "a", "text": "【青禾银行】您尾号0417的卡消费66.00元", "sender": "95500", "action": "transaction",
     "category": "finance", "family": "x", "source": "s"},
    {"id": "b", "text": "全场五折，回T退订", "action": "promotion", "category": "offers"},
    {"id": "c", "text": "win a prize now", "sender": None, "action": "junk", "category": "unknown"},
]


def test_lines_carry_the_record_fields_and_the_prediction(tmp_path):
    path = tmp_path / "p.jsonl"
    n = predictions.write_predictions(path, RECS, ["transaction", "junk", "allow"])
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert n == 3 and len(lines) == 3
    assert lines[0] == {"text": RECS[0]["text"], "sender": "95500", "action": "transaction",
                        "category": "finance", "family": "x", "predicted": "transaction"}
    # A missing or null sender is written as "" so the Rust reader sees a string.
    assert lines[1]["sender"] == "" and lines[2]["sender"] == ""
    assert [x["predicted"] for x in lines] == ["transaction", "junk", "allow"]
    assert all(set(x) == {"text", "sender", "action", "category", "family", "predicted"} for x in lines)


def test_bad_predictions_are_refused(tmp_path):
    with pytest.raises(ValueError):
        predictions.write_predictions(tmp_path / "p.jsonl", RECS, ["allow"])
    with pytest.raises(ValueError):
        predictions.write_predictions(tmp_path / "q.jsonl", RECS[:1], ["spam"])


def test_run_writes_one_file_per_baseline_and_split(tmp_path):
    # A tiny invented training set, enough for both baselines to fit.
    ham = [{"text": f"您的验证码是{i}{i}{i}，请勿告诉他人", "sender": "", "action": "transaction",
            "category": "otp", "masking": "raw"} for i in range(10)]
    spam = [{"text": f"限时特价第{i}波，全场满减，回T退订", "sender": "", "action": "promotion",
             "category": "offers", "masking": "raw"} for i in range(10)]
    bin_ham = [{"text": f"晚上{i}点一起吃饭吧", "sender": "", "action": "allow", "category": "unknown",
                "masking": "raw"} for i in range(10)]

    def dump(name, recs):
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                                                encoding="utf-8")
    dump("train", ham + spam + bin_ham)
    dump("test_family", spam[:3])
    dump("notify", ham[:2] + spam[:2])
    written = predictions.run(tmp_path, ("test_family", "notify"), log=lambda *a: None)
    names = sorted(p.name for p in written)
    assert names == sorted(f"pred_{m}_{s}.jsonl" for m in ("baseline4", "baseline2")
                           for s in ("test_family", "notify"))
    notify = [json.loads(x) for x in (tmp_path / "pred_baseline4_notify.jsonl").read_text().splitlines()]
    assert [x["action"] for x in notify] == ["transaction", "transaction", "promotion", "promotion"]
    assert all(x["predicted"] in ("allow", "transaction", "promotion", "junk") for x in notify)
    binary = [json.loads(x) for x in (tmp_path / "pred_baseline2_notify.jsonl").read_text().splitlines()]
    assert {x["predicted"] for x in binary} <= {"allow", "junk"}
