from collections import Counter

import pytest

from conftest import FIXTURES, MARKETING_CELLS
from smsguard_train import loaders as L
from smsguard_train.taxonomy import UNKNOWN, valid_label


def labels(res):
    return Counter((r["action"], r["category"]) for r in res.records)


def test_label_map_targets_are_in_taxonomy():
    for key, val in L.LABEL_MAP.items():
        if val is not None:
            action, category, quality = val
            assert valid_label(action, category), key
            assert quality in ("gold", "silver", "folder", "binary"), key
    # every source in the table has a family
    assert {s for s, _ in L.LABEL_MAP} <= set(L.FAMILY)


def test_desegment_keeps_only_latin_word_spaces():
    assert L.desegment("我 明天 早上 去 学校") == "我明天早上去学校"
    assert L.desegment("hello there , see you") == "hello there,see you"
    assert L.desegment("全场 DIGIT 折 ， 电话 CELLPHONE") == "全场DIGIT折，电话CELLPHONE"
    assert L.desegment("  回  T  退订 ") == "回T退订"


def test_sms80w_chenhangjun():
    res = L.load_sms80w_chenhangjun(FIXTURES / "sms80w_chenhangjun")
    assert res.rows == 7
    # commas inside the text stay (split on the first comma only)
    assert any("，记得带伞" in r["text"] or ",记得带伞" in r["text"] for r in res.records)
    assert res.skipped == Counter({"no_text": 1, "unknown_label": 1})
    # skips are located by file:line (never by text) for audits
    assert res.skipped_at == {"no_text": ["dataset.csv:5"], "unknown_label": ["dataset.csv:7"]}
    assert labels(res) == Counter({("allow", UNKNOWN): 3, ("junk", UNKNOWN): 2})
    assert {r["family"] for r in res.records} == {"sms80w"}
    assert {r["masking"] for r in res.records} == {"x"}


def test_sms80w_wdingao_reads_toy_file_and_skips_empty():
    res = L.load_sms80w_wdingao(FIXTURES / "sms80w_wdingao")
    assert len(res.records) == 4
    assert res.skipped["empty_text"] == 1


def test_tensorlayer_desegments_and_labels_by_file():
    res = L.load_sms80w_tensorlayer_msglog(FIXTURES / "sms80w_tensorlayer_msglog")
    by_label = Counter(r["label_raw"] for r in res.records)
    assert by_label == Counter({"pass": 3, "spam": 2})
    assert "我明天早上去学校" in [r["text"] for r in res.records]
    assert all("  " not in r["text"] for r in res.records)


def test_fbs_file_name_is_label_and_other_is_dropped():
    res = L.load_fbs_ccs20(FIXTURES / "fbs_ccs20")
    assert labels(res) == Counter({("promotion", "offers"): 2, ("junk", "phishing"): 1,
                                   ("junk", "gambling"): 1})
    assert res.skipped["dropped_label:Other"] == 1
    # files absent from the fixture folder are counted, not fatal
    assert res.skipped["missing_file:AD:Loan"] == 1
    assert all(r["masking"] == "placeholder" for r in res.records)


def test_mudou_label_only_rows_and_inner_tabs():
    res = L.load_mudou_spam(FIXTURES / "mudou_spam")
    assert res.skipped["label_only"] == 2
    assert res.skipped["malformed_fields"] == 1
    texts = [r["text"] for r in res.records]
    assert "点击领取红包 链接见下" in texts  # 5 fields: raw half re-joined
    assert len(res.records) == 5


def test_spamlr_inner_tab_and_empty_text():
    res = L.load_spamlr_xhacker(FIXTURES / "spamlr_xhacker")
    assert "明天的快递我帮你收 放门卫了" in [r["text"] for r in res.records]
    assert res.skipped["empty_text"] == 1
    assert {r["family"] for r in res.records} == {"mudou"}


def test_oppo_silver_labels():
    res = L.load_oppo_android_sms_zh4(FIXTURES / "oppo_android_sms_zh4")
    assert labels(res) == Counter({("transaction", "other"): 1, ("promotion", "other"): 1,
                                   ("junk", "other"): 1, ("junk", "fraud"): 1})
    assert res.skipped == Counter({"dropped_label:NEEDS_REVIEW": 1, "unknown_label": 1})
    assert res.skipped_at["unknown_label"] == ["zh_all_suggested.csv:7"]
    assert all(r["label_quality"] == "silver" for r in res.records)
    assert any(r["text"] == "【乐购网】双十二全场五折起,回T退订" for r in res.records)


def test_marketing_cells_keep_heads_and_unique_bodies():
    res = L.LoadResult()
    L.parse_marketing_cells(MARKETING_CELLS, res)
    texts = [r["text"] for r in res.records]
    assert res.skipped["multipart_continuation"] == 1
    assert res.skipped["repeat_body"] == 1  # same body behind two different @n prefixes
    assert res.skipped["empty_text"] == 1
    assert not any(t.startswith("@") or t.startswith("[") for t in texts)
    heads = [r for r in res.records if "multipart_head" in r["tags"]]
    assert len(heads) == 2
    assert "12345" in texts  # numeric cells are read as text, not crashed on
    assert all(r["action"] == "promotion" for r in res.records)


def test_marketing_xlsx(data_dir):
    res = L.load_anonyscorpio_marketing(data_dir / "anonyscorpio_marketing")
    assert len(res.records) == 4
    assert {r["family"] for r in res.records} == {"jd_marketing"}


def test_strip_gateway_markers():
    assert L.strip_gateway_markers("@123[2/5]尾巴") == ("尾巴", 2, 5)
    assert L.strip_gateway_markers("正文@1") == ("正文@1", None, None)


def test_notify_mapping_and_bad_rows():
    res = L.load_notify_samples(FIXTURES / "notify-samples")
    assert res.skipped["wrong_field_count"] == 1
    assert res.skipped_at["wrong_field_count"] == ["all.tsv:8"]
    got = {r["label_raw"]: (r["action"], r["category"]) for r in res.records}
    assert got["transaction/otp"] == ("transaction", "otp")
    assert got["transaction/travel"] == ("transaction", "orders")
    assert got["promotion/rewards"] == ("promotion", "offers")
    assert got["fraud/travel"] == ("junk", "fraud")
    tmpl = [r for r in res.records if "template" in r["tags"]]
    assert len(tmpl) == 1
    assert [r["sender"] for r in res.records][:1] == ["1069000000"]


def test_notify_bad_header_is_an_error(tmp_path):
    d = tmp_path / "notify-samples"
    d.mkdir()
    (d / "all.tsv").write_text("a\tb\n", encoding="utf-8")
    with pytest.raises(ValueError, match="all.tsv: line 1"):
        L.load_notify_samples(d)


def test_uci_unescapes_html():
    res = L.load_uci_sms_spam(FIXTURES / "uci_sms_spam")
    assert res.skipped["no_text"] == 1
    assert any("<T&C>" in r["text"] for r in res.records)
    assert any("6 & bring" in r["text"] for r in res.records)


def test_mendeley_label_case():
    res = L.load_mendeley_smishing(FIXTURES / "mendeley_smishing")
    assert labels(res) == Counter({("allow", UNKNOWN): 1, ("junk", "phishing"): 2,
                                   ("junk", UNKNOWN): 1})
    assert res.skipped["short_row"] == 1


def test_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="uci_sms_spam"):
        L.load_all(tmp_path, only=["uci_sms_spam"])


def test_load_all_fixture(data_dir):
    out = L.load_all(data_dir)
    assert set(out) == set(L.LOADERS)
    for name, res in out.items():
        assert res.records, name
        for r in res.records:
            assert set(L.RECORD_KEYS) <= set(r)
            assert r["text"] and r["text"] == r["text"].strip()
            assert "\t" not in r["text"] and "\n" not in r["text"]


def test_nus_groups_by_sender_and_writes_numbers_back():
    res = L.load_nus_sms_zh(FIXTURES / "nus_sms_zh")
    assert labels(res) == Counter({("allow", "personal"): 4})
    assert {r["group"] for r in res.records} == {"nus:u_alpha", "nus:u_beta", "nus:u_gamma"}
    assert any(r["text"] == "我12点到，等我" for r in res.records)
    assert res.skipped == Counter({"url_or_email_placeholder": 1, "no_user": 1,
                                   "wrong_field_count": 1})
    assert all(r["family"] == "nus" and r["label_quality"] == "gold" for r in res.records)


def test_lccc_groups_by_split_and_session():
    res = L.load_lccc_weibo_chat(FIXTURES / "lccc_weibo_chat")
    assert labels(res) == Counter({("allow", "personal"): 3})
    assert [r["group"] for r in res.records] == ["lccc:test:0", "lccc:test:0", "lccc:valid:0"]
    assert res.skipped["wrong_field_count"] == 1
