import pytest

from smsguard_train import metrics as M

# Hand-computed example: 10 messages.
TRUE = ["allow", "allow", "transaction", "transaction", "transaction",
        "promotion", "promotion", "junk", "junk", "spam_unknown"]
PRED = ["allow", "junk", "transaction", "promotion", "transaction",
        "promotion", "allow", "junk", "promotion", "allow"]


def test_headline_numbers():
    # ham = 5 rows (2 allow + 3 transaction); 1 predicted junk, 2 predicted junk/promotion
    assert M.ham_to_junk(TRUE, PRED) == pytest.approx(1 / 5)
    assert M.ham_to_spam(TRUE, PRED) == pytest.approx(2 / 5)
    # spam = 5 rows (2 promotion, 2 junk, 1 spam_unknown); caught: promo, junk, promotion = 3
    assert M.spam_caught(TRUE, PRED) == pytest.approx(3 / 5)


def test_confusion_and_per_action():
    cm = M.confusion(TRUE, PRED)
    rows = dict(zip(M.TRUE_LABELS, cm))
    assert rows["allow"] == [1, 0, 0, 1]
    assert rows["transaction"] == [0, 2, 1, 0]
    assert rows["spam_unknown"] == [1, 0, 0, 0]
    pa = M.per_action(TRUE, PRED)
    assert pa["junk"]["precision"] == pytest.approx(1 / 2)  # allow->junk is a false positive
    assert pa["junk"]["recall"] == pytest.approx(1 / 2)
    assert pa["promotion"]["precision"] == pytest.approx(1 / 3)
    assert pa["transaction"]["recall"] == pytest.approx(2 / 3)
    assert pa["allow"]["precision"] == pytest.approx(1 / 3)


def test_undefined_ratios_are_none():
    assert M.ham_to_junk(["junk"], ["junk"]) is None
    assert M.per_action(["junk"], ["junk"])["allow"]["precision"] is None
    ev = M.evaluate([], [])
    assert ev["n"] == 0 and ev["spam_caught"] is None


def test_binary_mapping_and_length_check():
    assert M.binary_to_action(True) == "junk" and M.binary_to_action(False) == "allow"
    with pytest.raises(ValueError):
        M.confusion(["allow"], [])
    assert "ham->junk" in M.format_report("x", M.evaluate(TRUE, PRED))
