import pytest

from smsguard_train.splits import SplitError, assign_splits, check_family_disjoint


def rec(i, family, action="allow", source=None, category="unknown"):
    return {"text": f"t{i}", "family": family, "source": source or family, "action": action,
            "category": category, "label_quality": "binary", "tags": []}


def make_pool():
    recs = []
    i = 0
    for fam, n_ham, n_spam in (("sms80w", 400, 100), ("mudou", 60, 60), ("uci", 40, 10),
                               ("fbs", 0, 50), ("notify", 20, 5), ("jd_marketing", 0, 30)):
        for _ in range(n_ham):
            recs.append(rec(i, fam, "allow")); i += 1
        for _ in range(n_spam):
            recs.append(rec(i, fam, "promotion" if fam == "jd_marketing" else "junk")); i += 1
    return recs


def families(recs):
    return {r["family"] for r in recs}


def test_no_family_on_both_sides():
    s = assign_splits(make_pool(), test_family="fbs")
    train_side = families(s["train"]) | families(s["valid"])
    assert families(s["test_family"]) == {"fbs"}
    assert families(s["notify"]) == {"notify"}
    assert not train_side & {"fbs", "notify"}
    s2 = assign_splits(make_pool(), test_family="mudou")
    assert families(s2["test_family"]) == {"mudou"}
    assert not (families(s2["train"]) | families(s2["valid"])) & {"mudou", "notify"}


def test_80w_ham_cap():
    s = assign_splits(make_pool(), cap_80w_ham=0.05, cap_jd=10)
    train = s["train"] + s["valid"]
    ham80 = sum(1 for r in train if r["family"] == "sms80w" and r["action"] == "allow")
    ham = sum(1 for r in train if r["action"] == "allow")
    assert 0 < ham80 <= 0.05 * ham
    # 80万 spam is not capped, JD is capped at 10
    assert sum(1 for r in train if r["family"] == "sms80w" and r["action"] == "junk") == 100
    assert sum(1 for r in train if r["family"] == "jd_marketing") == 10
    assert len(s["capped_out"]) == 400 - ham80 + 20


def test_valid_is_stratified_and_deterministic():
    a = assign_splits(make_pool(), seed=3)
    b = assign_splits(make_pool(), seed=3)
    assert [r["text"] for r in a["valid"]] == [r["text"] for r in b["valid"]]
    assert 0.05 < len(a["valid"]) / (len(a["valid"]) + len(a["train"])) < 0.15
    # every stratum with >= 10 rows contributes to valid
    assert {("mudou", "allow"), ("mudou", "junk"), ("uci", "allow")} <= \
        {(r["family"], r["action"]) for r in a["valid"]}


def test_check_family_disjoint_raises():
    with pytest.raises(SplitError):
        check_family_disjoint({"train": [rec(1, "fbs")], "test_family": [rec(2, "fbs")]})
    with pytest.raises(SplitError):
        assign_splits(make_pool(), test_family="notify")


def chats(n_users=50, per_user=6, n_sessions=80, per_session=3):
    recs = []
    for u in range(n_users):
        for k in range(per_user):
            r = rec(f"n{u}-{k}", "nus", "allow", "nus_sms_zh", "personal")
            r["group"] = f"nus:u{u}"
            recs.append(r)
    for s in range(n_sessions):
        for k in range(per_session):
            r = rec(f"l{s}-{k}", "lccc", "allow", "lccc_weibo_chat", "personal")
            r["group"] = f"lccc:test:{s}"
            recs.append(r)
    return recs


def test_chat_families_are_split_by_group_and_held_out():
    s = assign_splits(make_pool() + chats(), cap_lccc=120, seed=5)
    for fam, split in (("nus", "nus_test"), ("lccc", "lccc_test")):
        held = {r["group"] for r in s[split]}
        trained = {r["group"] for k in ("train", "valid") for r in s[k] if r["family"] == fam}
        assert held and trained and not held & trained, fam
        valid = {r["group"] for r in s["valid"] if r["family"] == fam}
        train = {r["group"] for r in s["train"] if r["family"] == fam}
        assert not valid & train, f"{fam}: a group on both sides of train/valid"
    # ~20 % of the NUS senders are held out
    assert 0.05 < len({r["group"] for r in s["nus_test"]}) / 50 < 0.4
    # LCCC capped by whole sessions: at most the cap plus one session's lines
    lccc = [r for k in ("train", "valid") for r in s[k] if r["family"] == "lccc"]
    assert 120 <= len(lccc) <= 123
    # the chats do not let more 80万 fragments in
    base = assign_splits(make_pool(), seed=5)
    n80 = lambda sp: sum(1 for k in ("train", "valid") for r in sp[k]
                         if r["family"] == "sms80w" and r["action"] == "allow")  # noqa: E731
    assert n80(s) == n80(base)


def test_a_chat_without_a_group_is_refused():
    bad = chats(n_users=1, per_user=1, n_sessions=0)
    bad[0]["group"] = ""
    with pytest.raises(SplitError, match="group"):
        assign_splits(make_pool() + bad)
