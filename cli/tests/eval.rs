//! `smsguard eval`: labelled files in both layouts, the engine's numbers, and `--predicted`
//! scoring another classifier's answers with the same metrics. All texts are invented.

mod common;

use common::{remove_temp, run, stderr, stdout, temp_file};
use serde_json::Value;

/// Two benign messages, two spam; the `predicted` fields play a classifier that hides one
/// benign message and catches one spam.
const LABELLED: &str = concat!(
    r#"{"sender":"95588","text":"【某某银行】您尾号0042的卡本次验证码为615273，5分钟内有效。","action":"transaction","category":"otp","predicted":"junk"}"#,
    "\n",
    r#"{"sender":"13800001111","text":"晚上七点在小区门口等你，带上伞","action":"allow","predicted":"allow"}"#,
    "\n",
    r#"{"sender":"13600006666","text":"【某某银行】您的积分即将过期，请登录 t.cn/Ab3xYz 兑换现金","action":"junk","category":"phishing","predicted":"promotion","predicted_category":"offers"}"#,
    "\n",
    r#"{"sender":"1069012345","text":"【某书店】周末全场新书八折，回T退订","action":"promotion","predicted":"transaction"}"#,
    "\n",
    "{not json\n",
);

fn metrics(args: &[&str]) -> Value {
    let out = run(args, b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("one JSON object")
}

#[test]
fn predicted_rows_are_scored_with_the_engines_metrics() {
    let path = temp_file("eval_predicted", "labelled.jsonl", LABELLED.as_bytes());
    let p = path.to_str().expect("utf-8 temp path");
    let m = metrics(&["eval", "--predicted", "--json", p]);
    assert_eq!(m["messages"], 4);
    assert_eq!(m["skipped"], 1, "the broken line is counted, not fatal");
    assert_eq!((m["ham"].as_u64(), m["ham_to_junk"].as_u64()), (Some(2), Some(1)));
    assert_eq!(m["ham_to_spam"], 1);
    assert_eq!((m["spam"].as_u64(), m["spam_caught"].as_u64()), (Some(2), Some(1)));
    assert_eq!(m["junk_to_junk"], 0);
    // Rows: expected allow, transaction, promotion, junk; columns: predicted.
    assert_eq!(m["confusion"][1][3], 1);
    assert_eq!(m["confusion"][3][2], 1);
    assert_eq!(m["categories"]["phishing -> offers"], 1);

    // The engine on the same rows: it keeps the code and the personal message in the inbox.
    let e = metrics(&["eval", "--json", p]);
    assert_eq!(e["messages"], 4);
    assert_eq!(e["ham_to_junk"], 0);
    assert_eq!(e["spam_caught"], 2);
    remove_temp(&path);
}

#[test]
fn predicted_needs_predictions_and_tsv_is_read() {
    let tsv = "category\tsubcategory\tsender\ttext\tsource\n\
               transaction\totp\t95588\t【某某银行】验证码615273，请勿告诉他人。\tinvented\n\
               fraud\tbank\t13600006666\t【某某银行】您的账户存在风险，请点击 t.cn/Zz9 验证\tinvented\n";
    let path = temp_file("eval_tsv", "notify.tsv", tsv.as_bytes());
    let p = path.to_str().expect("utf-8 temp path");
    let out = run(&["eval", "--predicted", p], b"");
    assert_eq!(out.status.code(), Some(2), "no predictions in the file: a data error");
    assert!(stderr(&out).contains("predicted"), "{}", stderr(&out));
    let out = run(&["eval", p], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in ["2 messages", "sent to junk", "out of inbox", "spam caught"] {
        assert!(text.contains(line), "missing {line:?}: {text}");
    }
    remove_temp(&path);
}

#[test]
fn by_gives_the_headline_numbers_per_group() {
    let rows = concat!(
        r#"{"text":"周六去爬山吗？早上八点楼下见","action":"allow","family":"chats","predicted":"promotion"}"#,
        "\n",
        r#"{"text":"好的，我下班顺路买菜","action":"allow","family":"chats","predicted":"allow"}"#,
        "\n",
        r#"{"text":"【某书店】周末全场新书八折，回T退订","action":"promotion","family":"ads","predicted":"promotion"}"#,
        "\n",
        r#"{"text":"没有分组的一行","action":"allow","predicted":"junk"}"#,
        "\n",
    );
    let path = temp_file("eval_by", "grouped.jsonl", rows.as_bytes());
    let p = path.to_str().expect("utf-8 temp path");
    let m = metrics(&["eval", "--predicted", "--by", "family", "--json", p]);
    let g = &m["groups"];
    assert_eq!((g["chats"]["ham"].as_u64(), g["chats"]["ham_to_promotion"].as_u64()), (Some(2), Some(1)));
    assert_eq!(g["chats"]["ham_to_junk"], 0);
    assert_eq!((g["ads"]["spam"].as_u64(), g["ads"]["spam_caught"].as_u64()), (Some(1), Some(1)));
    assert_eq!(g["(none)"]["ham_to_junk"], 1, "a row without the field has its own group");
    assert_eq!(m["ham_to_junk"], 1, "the whole file is still scored");
    let text = stdout(&run(&["eval", "--predicted", "--by", "family", p], b""));
    assert!(text.contains("chats") && text.contains("ham->promotion"), "{text}");
    remove_temp(&path);
}
