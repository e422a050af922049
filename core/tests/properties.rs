//! Property tests over the whole engine: whatever the sender and body, `classify` returns, is
//! deterministic, and its verdict respects the taxonomy's invariants.

use proptest::prelude::*;
use smsguard_core::normalise::normalise;
use smsguard_core::{Action, Category, Engine, SmsMessage, Verdict};

/// Pieces that stress the steps: signature brackets, digits (codes, card tails, phone numbers),
/// opt-outs, links, control and zero-width characters, full-width forms, evasion decorations.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<char>().prop_map(String::from),
        "\\PC{0,12}",
        Just("【".to_string()),
        Just("】".to_string()),
        Just("[".to_string()),
        "[0-9]{1,20}",
        "[０-９]{1,6}",
        Just("回T退订".to_string()),
        Just("验证码".to_string()),
        Just("请勿泄露".to_string()),
        Just("t.cn/".to_string()),
        Just("http://".to_string()),
        Just("加 V❤ 信".to_string()),
        Just("¥".to_string()),
        Just("元".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{feff}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        "[\\x00-\\x1f\\x7f]{1,4}",
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat()),
        // Long repeats of brackets and digits (kept moderate: 256 cases run in debug builds;
        // `long_adversarial_bodies_finish_quickly` covers 100k characters).
        (
            prop_oneof![Just("【"), Just("】"), Just("【】"), Just("9"), Just("【1"), Just("加V")],
            1..4_000usize
        )
            .prop_map(|(s, n)| s.repeat(n)),
        ("\\PC{0,20}", 1..300usize).prop_map(|(s, n)| format!("【{s}】").repeat(n)),
    ]
}

fn sender() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(\\+86|0086)?1[3-9][0-9]{9}",
        "106[0-9]{4,17}",
        "95[0-9]{3}",
        "100(86|10|00)[0-9]{0,4}",
        "[+ 0-9-]{0,24}",
        "[A-Za-z]{1,11}",
        Just(String::new()),
    ]
}

/// The invariants every verdict must satisfy, as a description of the first one broken.
fn broken_invariant(body: &str, v: &Verdict) -> Option<String> {
    if !v.category.fits(v.action) {
        return Some(format!("category {} does not fit action {}", v.category, v.action));
    }
    if !(v.score.is_finite() && (0.0..=1.0).contains(&v.score)) {
        return Some(format!("score {} outside 0..=1", v.score));
    }
    let marketing = v.action == Action::Promotion
        || (v.action == Action::Junk && v.category == Category::UnsolicitedMarketing);
    if v.consent.is_some() && !marketing {
        return Some(format!("consent set on {}/{}", v.action, v.category));
    }
    // `none` exactly for empty messages. The engine judges emptiness after normalisation (a body
    // of only zero-width characters is empty too); a body that is blank as given always is.
    let empty = normalise(body).text.trim().is_empty();
    if (v.action == Action::None) != empty {
        return Some(format!("action {} but normalised body empty = {empty}", v.action));
    }
    if body.trim().is_empty() && v.action != Action::None {
        return Some("blank body without a none verdict".to_string());
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn classify_is_total_deterministic_and_consistent(sender in sender(), body in body()) {
        let engine = Engine::new();
        let msg = SmsMessage::new(sender.as_str(), body.as_str());
        let first = engine.classify(&msg);
        let again = engine.classify(&msg);
        prop_assert_eq!(&first, &again, "same engine, same input");
        let fresh = Engine::new().classify(&msg);
        prop_assert_eq!(&first, &fresh, "a fresh engine agrees");
        let problem = broken_invariant(&body, &first);
        prop_assert!(problem.is_none(), "{}", problem.unwrap_or_default());
    }

    #[test]
    fn every_verdict_has_a_reason(sender in sender(), body in body()) {
        let v = Engine::new().classify(&SmsMessage::new(sender, body));
        prop_assert!(!v.reasons.is_empty(), "{}/{} without reasons", v.action, v.category);
        for r in &v.reasons {
            prop_assert!(!r.code.is_empty() && !r.zh.is_empty() && !r.en.is_empty());
        }
    }
}

#[test]
fn blank_bodies_are_none() {
    let engine = Engine::new();
    for body in ["", " ", "\n\t ", "\u{3000}"] {
        let v = engine.classify(&SmsMessage::new("10086", body));
        assert_eq!(v.action, Action::None, "{body:?}");
        assert!(!v.reasons.is_empty());
    }
    let v = engine.classify(&SmsMessage::new("10086", "x"));
    assert_ne!(v.action, Action::None);
}

/// Linear time: a quadratic step would take minutes on 100k characters, linear ones milliseconds.
#[test]
fn long_adversarial_bodies_finish_quickly() {
    let engine = Engine::new();
    let bodies = [
        "【".repeat(100_000),
        "】".repeat(100_000),
        "9".repeat(100_000),
        "【1】".repeat(30_000),
        "加 V❤ 信".repeat(20_000),
        "t.cn/a".repeat(20_000),
        format!("【{}", "验证码".repeat(30_000)),
        "\u{200b}".repeat(100_000),
    ];
    for body in &bodies {
        let start = std::time::Instant::now();
        let v = engine.classify(&SmsMessage::new("10690000", body.as_str()));
        let took = start.elapsed();
        assert!(took < std::time::Duration::from_secs(10), "{} chars took {took:?}", body.chars().count());
        assert!(v.category.fits(v.action));
    }
}
