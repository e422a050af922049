//! Saved contacts and the receiving SIM's carrier, from the shared vectors
//! (`testdata/contacts.jsonl`, `testdata/report_carriers.jsonl`, invented messages) that the
//! Kotlin, JNI, Python and Android suites read too: through the engine, the session and the JSON
//! API the apps use.

use serde_json::{json, Value};
use smsguard_core::feedback::FeedbackKind;
use smsguard_core::report::Carrier;
use smsguard_core::session::{Session, SessionConfig};
use smsguard_core::user_rules::{RuleEffect, RuleTarget};
use smsguard_core::{Action, Category, Engine, SmsMessage};

const CONTACTS: &str = include_str!("../../testdata/contacts.jsonl");
const CARRIERS: &str = include_str!("../../testdata/report_carriers.jsonl");

fn rows(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("vector line"))
        .collect()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{}: no {k}", v["id"]))
}

fn message(v: &Value) -> SmsMessage {
    SmsMessage::new(s(v, "sender"), s(v, "body"))
        .with_known_contact(v["known_contact"].as_bool().unwrap_or(false))
}

fn memory() -> Session {
    Session::open(SessionConfig::default(), None).expect("in-memory session")
}

fn temp_session(name: &str) -> (Session, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("smsguard-contacts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let session = Session::open(SessionConfig::default(), Some(&dir.join("state.json"))).expect("opens");
    (session, dir)
}

#[test]
fn contact_vectors_hold_rules_only_and_with_the_model() {
    let vectors = rows(CONTACTS);
    assert!(vectors.len() >= 6);
    let with_model = Engine::new().with_embedded_model().expect("embedded model");
    for engine in [Engine::new(), with_model] {
        for v in &vectors {
            let got = engine.classify(&message(v));
            let id = s(v, "id");
            assert_eq!(got.action.as_str(), s(v, "expect_action"), "{id}");
            assert_eq!(got.category.as_str(), s(v, "expect_category"), "{id}");
            let codes: Vec<&str> = got.reason_codes().collect();
            match s(v, "expect_reason") {
                "" => assert!(!codes.iter().any(|c| c.starts_with("known_contact")), "{id}: {codes:?}"),
                want => assert_eq!(codes.first(), Some(&want), "{id}: the contact reason comes first"),
            }
        }
    }
}

#[test]
fn the_json_api_takes_the_flag_and_refuses_a_wrong_type() {
    let session = memory();
    for v in rows(CONTACTS) {
        let mut m = json!({"sender": s(&v, "sender"), "body": s(&v, "body")});
        if v["known_contact"] == true {
            m["known_contact"] = json!(true);
        }
        let req = json!({"v": 1, "op": "classify", "message": m}).to_string();
        let r: Value = serde_json::from_str(&smsguard_core::api::handle(&session, &req, 0)).expect("json");
        assert_eq!(r["result"]["action"], s(&v, "expect_action"), "{r}");
    }
    let bad = json!({"v": 1, "op": "classify", "message": {"body": "x", "known_contact": "yes"}}).to_string();
    let r: Value = serde_json::from_str(&smsguard_core::api::handle(&session, &bad, 0)).expect("json");
    assert_eq!(r["error"]["kind"], "bad_request");
    assert!(r["error"]["detail"].as_str().unwrap_or("").contains("known_contact"), "{r}");
    // An old request without the field reads as not a contact.
    let old = json!({"v": 1, "op": "classify", "message": {"sender": "13912340004", "body": "你上次问的贷款，利息低至3厘，当天放款，加我微信详聊"}});
    let r: Value =
        serde_json::from_str(&smsguard_core::api::handle(&session, &old.to_string(), 0)).expect("json");
    assert_eq!(r["result"]["action"], "junk");
}

/// The user's own block wins over the contact flag: a sender rule, a keyword rule, "is junk".
/// A way the user blocks a sender, by name.
type UserBlock = (&'static str, Box<dyn Fn(&Session)>);

#[test]
fn a_contact_the_user_blocked_stays_blocked_and_says_why() {
    let loan = SmsMessage::new("13912340004", "你上次问的贷款，利息低至3厘，当天放款，加我微信详聊")
        .with_known_contact(true);
    let promo = SmsMessage::new("13912340006", "新店开业，凭此短信到店消费满100送50，地址人民路88号")
        .with_known_contact(true);
    let blocks: [UserBlock; 3] = [
        (
            "sender",
            Box::new(|s: &Session| {
                s.rules_add(RuleTarget::Sender("13912340004".into()), RuleEffect::Block, 1).expect("rule");
            }),
        ),
        (
            "keyword",
            Box::new(|s: &Session| {
                s.rules_add(RuleTarget::Keyword("贷款".into()), RuleEffect::Block, 1).expect("rule");
            }),
        ),
        (
            "feedback",
            Box::new(|s: &Session| {
                s.feedback(FeedbackKind::IsJunk, &SmsMessage::new("13912340004", "随便什么"), 1)
                    .expect("feedback");
            }),
        ),
    ];
    for (name, block) in blocks {
        let (session, dir) = temp_session(name);
        assert_eq!(session.classify(&loan).action, Action::Allow, "{name}: a contact before the block");
        block(&session);
        let v = session.classify(&loan);
        assert_eq!(v.action, Action::Junk, "{name}");
        assert!(v.reason_codes().any(|c| c == "known_contact_blocked"), "{name}: {:?}", v.reasons);
        // Another contact is untouched by that block.
        assert_eq!(session.classify(&promo).action, Action::Allow, "{name}");
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn an_allow_verdict_never_becomes_reportable_through_the_flag() {
    let session = memory();
    let scam = SmsMessage::new("13912340007", "恭喜您中奖了！请点击 http://prize.example 领取iPhone");
    assert!(session.report_plan(&scam, None).reportable);
    let plan = session.report_plan(&scam.clone().with_known_contact(true), Some("china_mobile"));
    assert!(!plan.reportable);
    assert_eq!(plan.not_reportable.map(|r| r.code).as_deref(), Some("report_not_personal"));
}

#[test]
fn carrier_vectors_through_the_session_and_the_json_api() {
    let session = memory();
    let vectors = rows(CARRIERS);
    assert!(vectors.len() >= 8);
    for v in &vectors {
        let id = s(v, "id");
        let carrier = Carrier::from_mcc_mnc(s(v, "sim_operator"));
        assert_eq!(carrier.as_str(), s(v, "expect_carrier"), "{id}");
        let plan = session.report_plan(&message(v), Some(carrier.as_str()));
        assert!(plan.reportable, "{id}");
        assert_eq!(plan.drafts[0].channel, s(v, "expect_first_channel"), "{id}");
        assert_eq!(plan.drafts[0].verified, v["expect_first_verified"] == true, "{id}");
        let warned = |codes: Vec<&str>| match s(v, "expect_warning") {
            "" => assert!(!codes.contains(&"report_carrier_without_channel"), "{id}"),
            w => assert!(codes.contains(&w), "{id}: {codes:?}"),
        };
        warned(plan.warnings.iter().map(|w| w.code.as_str()).collect());
        // Unverified channels stay flagged in the plan's warnings whatever comes first.
        assert!(plan.warnings.iter().any(|w| w.code == "report_unverified_channel"), "{id}");

        for field in ["sim_operator", "carrier"] {
            let value = if field == "carrier" { carrier.as_str() } else { s(v, "sim_operator") };
            let req = json!({"v": 1, "op": "report_plan", "message": {"sender": s(v, "sender"), "body": s(v, "body")}, field: value});
            let r: Value = serde_json::from_str(&smsguard_core::api::handle(&session, &req.to_string(), 0))
                .expect("json");
            assert_eq!(
                r["result"]["drafts"][0]["channel"],
                s(v, "expect_first_channel"),
                "{id} {field}: {r}"
            );
            assert_eq!(r["result"]["drafts"][0]["verified"], v["expect_first_verified"], "{id} {field}");
        }
        let req = json!({"v": 1, "op": "carrier", "sim_operator": s(v, "sim_operator")}).to_string();
        let r: Value = serde_json::from_str(&smsguard_core::api::handle(&session, &req, 0)).expect("json");
        assert_eq!(r["result"]["carrier"], s(v, "expect_carrier"), "{id}");
    }
    // Without a carrier the plan keeps the table's order (what callers got before).
    let plan = session.report_plan(&message(&vectors[0]), None);
    assert_eq!(plan.drafts[0].channel, "china_mobile");
}

/// 退订 on a bank's marketing revokes consent for its marketing only: its codes stay transaction.
#[test]
fn unsubscribing_a_banks_marketing_keeps_its_codes() {
    let (session, dir) = temp_session("bank");
    let promo = SmsMessage::new("95566", "【北辰银行】信用卡分期限时优惠，手续费低至5折，详询网点。回T退订");
    let otp = SmsMessage::new("95566", "【北辰银行】验证码 530917，3分钟内有效，请勿告诉他人。");
    assert_eq!(session.classify(&otp).category, Category::Otp);
    let reply = session.unsubscribe(&promo).expect("a reply is offered");
    assert!(reply.warnings.is_empty(), "a bank's service number is not risky");
    session.record_unsubscribe(&reply, 5).expect("recorded");
    let after = session.classify(&promo);
    assert_eq!(after.action, Action::Junk, "revoked marketing is unsolicited");
    let code = session.classify(&otp);
    assert_eq!((code.action, code.category), (Action::Transaction, Category::Otp));
    let _ = std::fs::remove_dir_all(dir);
}
