import numpy as np

from smsguard_train.dedupe import (canon, cluster_texts, dedupe, minhash_signatures,
                                   resolve_cluster)


def rec(text, action="allow", category="unknown", family="f1", quality="binary", source="s"):
    return {"text": text, "action": action, "category": category, "family": family,
            "label_quality": quality, "source": source, "sender": "", "tags": []}


LONG = ("【青岚银行】尊敬的客户，您尾号8812的信用卡本期账单已出，应还金额3,120.00元，"
        "最后还款日为12月25日，请按时还款以免影响信用记录。")


def test_canon_folds_width_case_space_digits():
    assert canon("ＡＢＣ  验证码：４８２９１３\t") == canon("abc 验证码：111111")
    assert canon("Code 12") != canon("Code 1a")


def test_exact_duplicates_after_canonicalisation():
    texts = ["验证码 482913，5分钟内有效", "验证码 100200，9分钟内有效", "完全不同的一条短信内容"]
    ids, info = cluster_texts(texts, near=False)
    assert ids[0] == ids[1] != ids[2]
    assert info["unique_canonical"] == 2


def test_near_duplicate_one_edit_in_long_text():
    variant = LONG.replace("请按时还款", "请及时还款")
    other = "【松果超市】周末生鲜特惠，鸡蛋、牛奶、水果低至五折，会员再享积分翻倍，拒收请回复R"
    ids, info = cluster_texts([LONG, variant, other])
    assert ids[0] == ids[1]
    assert ids[2] != ids[0]
    assert info["near_merges"] == 1


def test_near_duplicate_threshold_rejects_half_overlap():
    a = LONG
    b = LONG[: len(LONG) // 2] + "然后是一段完全无关的文字，讲的是周末去公园散步看到的风景和人群。"
    ids, _ = cluster_texts([a, b])
    assert ids[0] != ids[1]


def test_minhash_estimates_jaccard():
    sig = minhash_signatures([LONG, LONG, "abcdefghijklmnopqrstuvwxyz" * 3], num_perm=128)
    assert (sig[0] == sig[1]).all()
    assert (sig[0] == sig[2]).mean() < 0.1
    assert sig.dtype == np.uint32


def test_short_texts_do_not_crash():
    ids, _ = cluster_texts(["好", "好", "嗯", "ok"])
    assert ids[0] == ids[1] and ids[2] != ids[0] and ids[3] != ids[2]


def test_higher_quality_label_wins():
    got, reason = resolve_cluster([rec(LONG, "allow", quality="binary"),
                                   rec(LONG, "promotion", "other", quality="silver")])
    assert (got["action"], got["category"]) == ("promotion", "other")
    assert reason == "resolved_by_quality"
    assert got["cluster_size"] == 2


def test_equal_quality_conflict_is_dropped_and_majority_kept():
    got, reason = resolve_cluster([rec(LONG, "allow"), rec(LONG, "junk")])
    assert got is None and reason == "conflict_dropped"
    got, _ = resolve_cluster([rec(LONG, "junk"), rec(LONG, "allow"), rec(LONG, "junk")])
    assert got["action"] == "junk"


def test_known_category_preferred_over_unknown():
    got, _ = resolve_cluster([rec(LONG, "junk", "unknown", quality="gold"),
                              rec(LONG, "junk", "phishing", quality="gold")])
    assert got["category"] == "phishing"


def test_priority_family_keeps_its_copy():
    members = [rec(LONG, "allow", family="train_fam", quality="gold"),
               rec(LONG, "transaction", "finance", family="notify", quality="gold")]
    got, reason = resolve_cluster(members, priority=["notify"])
    assert got["family"] == "notify" and reason == "cross_family"


def test_dedupe_across_corpora_end_to_end():
    recs = [rec(LONG, "allow", source="a", family="mudou"),
            rec(LONG.replace("8812", "0042"), "transaction", "other", source="b",
                family="mudou", quality="silver"),
            rec("完全不同的一条短信内容，周末一起吃饭", source="c", family="sms80w"),
            rec("完全不同的一条短信内容，周末一起吃饭", source="d", family="uci")]
    kept, stats = dedupe(recs)
    assert len(kept) == 2
    assert kept[0]["action"] == "transaction"
    assert stats.reasons["cross_family"] == 1
    assert stats.reasons["removed_records"] == 2
    assert stats.cross_family == {"sms80w+uci": 1}
