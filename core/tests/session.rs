//! The session (core's one implementation of "change the user's state, then classify with it"),
//! against the defects a review found: states that could be saved but never opened again, and
//! front ends that disagreed. All messages and values are invented.

use std::path::{Path, PathBuf};

use smsguard_core::consent::ConsentState;
use smsguard_core::feedback::{FeedbackKind, MAX_FEEDBACK};
use smsguard_core::session::{Session, SessionConfig};
use smsguard_core::store::{self, StateError, UserState};
use smsguard_core::user_rules::{RuleEffect, RuleTarget};
use smsguard_core::{Action, SmsMessage};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smsguard-session-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir.join("state.json")
}

fn open(path: &Path) -> Session {
    Session::open(SessionConfig::default(), Some(path)).unwrap_or_else(|e| panic!("{e}"))
}

/// A long regex that is valid alone (under every per-rule limit) but not by the thousand.
fn long_regex(i: usize) -> String {
    format!("(优惠{i:04}|活动{i:04})[a-z]{{0,8}}(领取|点击)[0-9]{{4,8}}{}", "x".repeat(700))
}

fn rules_file(regexes: impl Iterator<Item = String>) -> String {
    let rules: Vec<String> = regexes
        .map(|r| format!(r#"{{"target": {{"kind": "regex", "value": "{r}"}}, "effect": "block"}}"#))
        .collect();
    format!(r#"{{"format": "smsguard-user-rules", "version": 1, "rules": [{}]}}"#, rules.join(","))
}

#[test]
fn feedback_is_bounded_at_the_door_and_the_state_still_opens() {
    let path = temp("feedback-bound");
    // Fill the log to one below the bound through the store (a session validates every tap:
    // a thousand taps would compile a thousand packs).
    let mut state = UserState::default();
    for i in 0..(MAX_FEEDBACK - 1) {
        let target = smsguard_core::feedback::FeedbackTarget::Sender(format!("1069{i:08}"));
        state.feedback.record_target(FeedbackKind::IsJunk, target, 1).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&path, store::encode(&state, 1)).unwrap_or_else(|e| panic!("{e}"));
    let session = open(&path);
    let tap = |i: usize| {
        let msg = SmsMessage::new(format!("1065{i:08}"), "您有一张优惠券待领取，回T退订");
        session.feedback(FeedbackKind::IsJunk, &msg, 1)
    };
    tap(1).unwrap_or_else(|e| panic!("{e}"));
    let why = tap(2).expect_err("feedback is bounded").to_string();
    assert!(why.contains(&MAX_FEEDBACK.to_string()) && why.contains("undo"), "{why}");
    // Everything saved opens again, and undo still works.
    let again = open(&path);
    assert!(again.problems().is_empty(), "{:?}", again.problems());
    assert_eq!(again.snapshot().feedback.list().len(), MAX_FEEDBACK);
    let first = again.snapshot().feedback.list()[0].id;
    again.feedback_undo(first).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn an_import_that_would_break_the_engine_is_refused_and_nothing_is_saved() {
    let path = temp("import-refused");
    let session = open(&path);
    session
        .rules_add(RuleTarget::Keyword("刷单".into()), RuleEffect::Block, 1)
        .unwrap_or_else(|e| panic!("{e}"));
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    // Each rule is valid alone; 1,100 of them pass the per-state rule count but not the engine.
    let text = rules_file((0..1100).map(long_regex));
    let err = session.rules_import(&text, "big.json", 2).expect_err("refused");
    let msg = err.to_string();
    assert!(msg.contains("nothing was saved"), "{msg}");
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), before, "the file was written");
    assert_eq!(session.snapshot().rules.list().len(), 1);
    assert!(open(&path).problems().is_empty());
}

/// A state written by hand or by an older version with other limits: bad rules, duplicate ids,
/// too many long regexes together.
fn write_bad_state(path: &Path) {
    let mut state = UserState::default();
    state.rules.add(RuleTarget::Keyword("刷单".into()), RuleEffect::Block, 1).map(|_| ()).ok();
    state
        .consents
        .set(Some("某商城"), None, ConsentState::Granted, 1, smsguard_core::consent::ConsentSource::User)
        .map(|_| ())
        .ok();
    let mut json: serde_json::Value = serde_json::from_str(&store::encode(&state, 3)).unwrap_or_default();
    let rules = json["state"]["rules"]["rules"].as_array_mut().map(std::mem::take).unwrap_or_default();
    let mut all = rules;
    // A regex that no longer compiles, then two rules sharing an id, then 1,100 long regexes.
    all.push(serde_json::json!({"id": 2, "target": {"kind": "regex", "value": "(秘密值"}, "effect": "block", "created_at": 1}));
    all.push(serde_json::json!({"id": 3, "target": {"kind": "keyword", "value": "返利"}, "effect": "block", "created_at": 1}));
    all.push(serde_json::json!({"id": 3, "target": {"kind": "keyword", "value": "兼职"}, "effect": "block", "created_at": 1}));
    for i in 0..1100 {
        all.push(serde_json::json!({"id": 10 + i, "target": {"kind": "regex", "value": long_regex(i)}, "effect": "block", "created_at": 1}));
    }
    json["state"]["rules"]["rules"] = serde_json::Value::Array(all);
    json["state"]["rules"]["next_id"] = serde_json::json!(2000);
    std::fs::write(path, json.to_string()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_state_that_cannot_compile_still_opens_reports_what_is_skipped_and_can_be_repaired() {
    let path = temp("bad-state");
    write_bad_state(&path);
    let session = open(&path);
    let problems = session.problems();
    assert!(problems.iter().any(|p| p.contains("personal rule 2 (regex)")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("duplicate id 3")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("newest") && p.contains("limits")), "{problems:?}");
    for p in &problems {
        assert!(!p.contains("优惠") && !p.contains("秘密值"), "a problem quotes a value: {p}");
    }
    // What compiles applies: the first keyword rule blocks, consent is honoured.
    let v = session.classify(&SmsMessage::new("13800000001", "在家刷单日赚三百，加我详聊"));
    assert_eq!(v.action, Action::Junk, "{:?}", v.reasons);
    assert_eq!(session.snapshot().rules.list().len(), 1 + 3 + 1100);

    // Changes that add no problem still save (consent), one that adds a rule while over the
    // limit is refused, and removals repair the state.
    session.consent_set(Some("某书店"), None, ConsentState::Revoked, 5).unwrap_or_else(|e| panic!("{e}"));
    let err = session
        .rules_add(RuleTarget::Keyword("新词".into()), RuleEffect::Block, 5)
        .expect_err("over the limit");
    assert!(matches!(err, StateError::Data(_)), "{err}");
    session.rules_remove(2).unwrap_or_else(|e| panic!("{e}"));
    // The app's "remove all of these" is one change (each change compiles the user's rules).
    session
        .change(|s| {
            s.rules.retain(|r| !(10..10 + 1100).contains(&r.id));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let left = session.problems();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains("duplicate id 3"));
    // A fresh open of the repaired file has only the duplicate left, and the CLI or app can
    // remove it by id (removes the first of the two).
    let again = open(&path);
    assert_eq!(again.problems(), left);
    again.rules_remove(3).unwrap_or_else(|e| panic!("{e}"));
    assert!(open(&path).problems().is_empty());
}

#[test]
fn a_sent_report_is_recorded_once_per_channel_for_every_front_end() {
    let path = temp("report");
    let session = open(&path);
    let msg = SmsMessage::new("1065900451234", "【速贷通】无抵押当天放款，额度高至二十万，详询客服");
    session.consent_set(Some("速贷通"), None, ConsentState::Revoked, 1).unwrap_or_else(|e| panic!("{e}"));
    let plan = session.report_plan(&msg, None);
    assert!(plan.reportable, "{plan:?}");
    assert_eq!(session.report_sent(&msg, "china_mobile", 2).ok(), Some(true));
    assert_eq!(session.report_sent(&msg, "china_mobile", 3).ok(), Some(false));
    // A second channel for the same message is recorded too (the user may report twice).
    assert_eq!(session.report_sent(&msg, "12321_sms", 4).ok(), Some(true));
    assert!(session.report_sent(&msg, "no_such_channel", 5).is_err());
    let code = SmsMessage::new("95588", "【工商银行】您的验证码为528164，请勿泄露。");
    assert!(session.report_sent(&code, "china_mobile", 6).is_err(), "a code is never reportable");
    // The carrier of the receiving SIM goes first.
    let plan = session.report_plan(
        &SmsMessage::new("1065900451234", "【速贷通】新的一条贷款广告，点击领取"),
        Some("china_unicom"),
    );
    if plan.reportable {
        assert_eq!(plan.drafts.first().map(|d| d.channel.as_str()), Some("china_unicom"));
    }
}

#[test]
fn the_model_is_on_by_default_and_the_setting_is_saved_and_applied() {
    let path = temp("model-setting");
    let session = open(&path);
    assert!(session.model_on(), "the embedded model is on by default");
    assert!(session.engine().model_name().is_some());
    session.set_model(false).unwrap_or_else(|e| panic!("{e}"));
    assert!(!session.model_on());
    assert!(session.engine().model_name().is_none());
    let again = open(&path);
    assert!(!again.model_on() && again.engine().model_name().is_none(), "the choice is saved");
    again.set_model(true).unwrap_or_else(|e| panic!("{e}"));
    assert!(open(&path).engine().model_name().is_some());
    // A caller can still make rules only the default (the CLI's --no-model forces it).
    let rules_only = SessionConfig { model_default: false, ..SessionConfig::default() };
    let fresh = Session::open(rules_only, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(!fresh.model_on() && fresh.engine().model_name().is_none());
}
