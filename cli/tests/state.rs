//! `--state FILE` commands end to end: consent, unsubscribe, rules, feedback, settings, reports.
//! Every example message is invented.

mod common;

use common::{json_lines, remove_temp, run, stderr, stdout, temp_file};

const PROMO_SENDER: &str = "1065900456";
const PROMO: &str = "【优品汇】冬季新品上市，羽绒服直降200元，回T退订";
const OTP_SENDER: &str = "10690000123";
const OTP: &str = "【星河商城】您的验证码为482913，5分钟内有效，请勿泄露。";

/// A path for a state file that does not exist yet.
fn state_path(test: &str) -> std::path::PathBuf {
    let path = temp_file(test, "placeholder", b"");
    path.with_file_name("state.json")
}

fn classify(state: &str, sender: &str, body: &str) -> serde_json::Value {
    let out = run(&["--state", state, "classify", "--json", "--sender", sender, "--body", body], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("verdict JSON")
}

fn ok(args: &[&str]) -> String {
    let out = run(args, b"");
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn consent_decides_between_promotion_and_unsolicited_junk() {
    let path = state_path("consent");
    let st = path.to_str().expect("utf-8 path");
    let v = classify(st, PROMO_SENDER, PROMO);
    assert_eq!((v["action"].as_str(), v["consent"].as_str()), (Some("promotion"), Some("unknown")));

    ok(&["--state", st, "consent", "grant", "--signature", "优品汇"]);
    let v = classify(st, PROMO_SENDER, PROMO);
    assert_eq!((v["action"].as_str(), v["consent"].as_str()), (Some("promotion"), Some("granted")));

    ok(&["--state", st, "consent", "revoke", "--signature", "优品汇"]);
    let v = classify(st, PROMO_SENDER, PROMO);
    assert_eq!((v["action"].as_str(), v["category"].as_str()), (Some("junk"), Some("unsolicited_marketing")));
    assert_eq!(v["reasons"][0]["code"].as_str(), Some("consent_revoked"));

    let list = ok(&["--state", st, "consent", "list", "--json"]);
    assert!(list.contains("\"revoked\"") && list.contains("优品汇"), "{list}");

    ok(&["--state", st, "settings", "--strict", "true"]);
    ok(&["--state", st, "consent", "forget", "--signature", "优品汇"]);
    let v = classify(st, PROMO_SENDER, PROMO);
    assert_eq!(v["reasons"][0]["code"].as_str(), Some("consent_unknown_strict"), "{v}");
    remove_temp(&path);
}

#[test]
fn sending_an_unsubscribe_revokes_consent() {
    let path = state_path("unsubscribe");
    let st = path.to_str().expect("utf-8 path");
    let reply = ok(&["--state", st, "unsubscribe", "--sender", PROMO_SENDER, "--body", PROMO, "--sent"]);
    let reply: serde_json::Value = serde_json::from_str(&reply).expect("reply JSON");
    assert_eq!((reply["destination"].as_str(), reply["body"].as_str()), (Some(PROMO_SENDER), Some("T")));
    let v = classify(st, PROMO_SENDER, PROMO);
    assert_eq!(v["category"].as_str(), Some("unsolicited_marketing"));
    // No opt-out instruction: a clear error, exit 2.
    let out = run(&["unsubscribe", "--sender", OTP_SENDER, "--body", OTP], b"");
    assert_eq!(out.status.code(), Some(2));
    remove_temp(&path);
}

#[test]
fn user_rules_win_and_round_trip_through_export_and_import() {
    let path = state_path("rules");
    let st = path.to_str().expect("utf-8 path");
    assert!(ok(&["--state", st, "rules", "add", "block", "keyword", "羽绒服"]).contains("added rule"));
    let v = classify(st, PROMO_SENDER, PROMO);
    assert_eq!(v["action"].as_str(), Some("junk"));
    assert!(
        v["reasons"].as_array().is_some_and(|r| r.iter().any(|x| x["code"] == "user_block_keyword")),
        "{v}"
    );

    // A bad regex is refused with a clear error and nothing is saved.
    let out = run(&["--state", st, "rules", "add", "block", "regex", "(unclosed"], b"");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(ok(&["--state", st, "rules", "list", "--json"]).matches("\"id\"").count(), 1);

    let export = path.with_file_name("rules.json");
    ok(&["--state", st, "rules", "export", export.to_str().expect("utf-8")]);
    let other = path.with_file_name("other.json");
    let other_st = other.to_str().expect("utf-8");
    assert!(
        ok(&["--state", other_st, "rules", "import", export.to_str().expect("utf-8")]).contains("imported 1")
    );
    assert_eq!(classify(other_st, PROMO_SENDER, PROMO)["action"].as_str(), Some("junk"));

    ok(&["--state", st, "rules", "remove", "1"]);
    assert_eq!(classify(st, PROMO_SENDER, PROMO)["action"].as_str(), Some("promotion"));
    remove_temp(&path);
}

#[test]
fn feedback_becomes_a_visible_reversible_rule() {
    let path = state_path("feedback");
    let st = path.to_str().expect("utf-8 path");
    let out = ok(&["--state", st, "feedback", "is-junk", "--sender", PROMO_SENDER, "--body", PROMO]);
    assert!(out.contains("recorded feedback"), "{out}");
    let v = classify(st, PROMO_SENDER, PROMO);
    assert_eq!(v["action"].as_str(), Some("junk"));
    assert!(
        v["reasons"].as_array().is_some_and(|r| r.iter().any(|x| x["code"] == "feedback_is_junk")),
        "{v}"
    );
    let list: serde_json::Value =
        serde_json::from_str(&ok(&["--state", st, "feedback", "list"])).expect("json");
    let id = list[0]["id"].as_u64().expect("feedback id").to_string();
    ok(&["--state", st, "feedback", "undo", &id]);
    assert_eq!(classify(st, PROMO_SENDER, PROMO)["action"].as_str(), Some("promotion"));
    remove_temp(&path);
}

#[test]
fn reports_are_never_offered_for_transactions_and_not_twice() {
    let path = state_path("report");
    let st = path.to_str().expect("utf-8 path");
    let plan: serde_json::Value =
        serde_json::from_str(&ok(&["--state", st, "report", "--sender", OTP_SENDER, "--body", OTP]))
            .expect("json");
    assert_eq!(plan["reportable"], false);
    assert!(plan["drafts"].as_array().is_some_and(Vec::is_empty));

    let args = [
        "--state",
        st,
        "report",
        "--sender",
        PROMO_SENDER,
        "--body",
        PROMO,
        "--received-at",
        "2026-11-20T09:00:00+08:00",
    ];
    let plan: serde_json::Value = serde_json::from_str(&ok(&args)).expect("json");
    assert_eq!(plan["reportable"], true);
    let cm =
        plan["drafts"].as_array().and_then(|d| d.iter().find(|x| x["channel"] == "china_mobile")).cloned();
    let cm = cm.expect("a China Mobile draft");
    assert_eq!(cm["destination"], "10086999");
    assert_eq!(cm["body"].as_str(), Some(format!("{PROMO_SENDER}*{PROMO}").as_str()));
    assert_eq!(cm["segments"], 1);
    // A 106 port may also send the user's codes: warned.
    assert!(plan["warnings"]
        .as_array()
        .is_some_and(|w| w.iter().any(|x| x["code"] == "report_port106_codes")));

    let mut sent = args.to_vec();
    sent.extend(["--sent", "china_mobile"]);
    ok(&sent);
    let plan: serde_json::Value = serde_json::from_str(&ok(&args)).expect("json");
    assert_eq!(plan["reportable"], false);
    assert_eq!(plan["not_reportable"]["code"], "report_already_sent");
    remove_temp(&path);
}

#[test]
fn report_jsonl_gives_one_plan_per_line_and_offers_a_repeat_once() {
    let line = |id: u32, sender: &str, body: &str| {
        serde_json::json!({"id": id, "sender": sender, "body": body}).to_string()
    };
    let input = [
        line(1, PROMO_SENDER, PROMO),
        line(2, OTP_SENDER, OTP),
        "not json".to_string(),
        line(4, PROMO_SENDER, PROMO),
    ]
    .join("\n");
    let out = run(&["report", "--jsonl", "-"], input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4);
    assert_eq!((lines[0]["id"].as_u64(), lines[0]["reportable"].as_bool()), (Some(1), Some(true)));
    assert_eq!(lines[1]["reportable"], false);
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[3]["reportable"], false);
    assert_eq!(lines[3]["not_reportable"]["code"], "report_duplicate_in_batch");
}

#[test]
fn a_corrupt_state_file_is_reported_and_left_untouched() {
    let path = temp_file("corrupt", "state.json", b"{ this is not a state file");
    let st = path.to_str().expect("utf-8 path");
    for args in [
        vec!["--state", st, "classify", "--sender", PROMO_SENDER, "--body", PROMO],
        vec!["--state", st, "consent", "grant", "--signature", "优品汇"],
    ] {
        let out = run(&args, b"");
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("state.json"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read(&path).expect("still there"), b"{ this is not a state file");
    remove_temp(&path);
}
