//! Properties over arbitrary (hostile) input: nothing panics, report bodies carry the message
//! verbatim, segment counts match the length, and state files decode or fail cleanly.

use proptest::prelude::*;

use smsguard_core::message::SmsMessage;
use smsguard_core::report::{plan_report, sms_segments, ReportFormats, ReportHistory};
use smsguard_core::sender::SenderKind;
use smsguard_core::store::{decode, encode, UserState};
use smsguard_core::unsubscribe::detect;
use smsguard_core::user_rules::{RuleEffect, RuleTarget, UserRules};
use smsguard_core::verdict::{Action, Category, Verdict};

fn junk() -> Verdict {
    Verdict {
        action: Action::Junk,
        category: Category::Other,
        subcategory: None,
        score: 0.9,
        signature: None,
        sender_kind: SenderKind::Port106,
        consent: None,
        reasons: Vec::new(),
    }
}

/// Text with the characters that matter here: CJK, full-width, quotes, braces, `*`, `#`, emoji.
fn sms_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("回".to_string()),
            Just("复".to_string()),
            Just("退订".to_string()),
            Just("拒收".to_string()),
            Just("T".to_string()),
            Just("Ｔ".to_string()),
            Just("{text}".to_string()),
            Just("{sender}".to_string()),
            Just("*".to_string()),
            Just("#".to_string()),
            Just("“".to_string()),
            Just("😀".to_string()),
            Just(" ".to_string()),
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn unsubscribe_detection_never_panics(body in sms_text()) {
        if let Some(kw) = detect(&body) {
            prop_assert!(!kw.is_empty() && kw.len() <= 11);
            prop_assert!(kw == "退订" || kw.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        }
    }

    #[test]
    fn report_bodies_carry_the_text_verbatim(body in sms_text(), sender in "[0-9]{5,13}") {
        let msg = SmsMessage::new(sender.clone(), body.clone());
        let plan = plan_report(&msg, &junk(), ReportFormats::embedded(), &ReportHistory::default());
        prop_assert_eq!(&plan.text, &body);
        if body.trim().is_empty() {
            prop_assert!(!plan.reportable);
        } else {
            prop_assert!(plan.reportable);
            for d in &plan.drafts {
                prop_assert!(d.body.contains(&body));
                prop_assert_eq!(d.segments, sms_segments(&d.body));
                let units = d.body.encode_utf16().count();
                let fits = if units <= 70 {
                    d.segments == 1
                } else {
                    (d.segments - 1) * 67 < units && units <= d.segments * 67
                };
                prop_assert!(fits, "{} units in {} segments", units, d.segments);
            }
            let cm = plan.drafts.iter().find(|d| d.channel == "china_mobile").map(|d| d.body.clone());
            // The report names the sender as normalised (e.g. `+` for an international number).
            let reported = smsguard_core::sender::classify_sender(&sender).normalised;
            prop_assert_eq!(cm, Some(format!("{}*{}", reported, body)));
        }
    }

    #[test]
    fn state_files_decode_or_fail_cleanly(text in sms_text()) {
        let _ = decode(&text, std::path::Path::new("fuzz.json"));
    }

    #[test]
    fn any_accepted_rule_survives_export_and_generates_parseable_lines(
        value in sms_text(),
        kind in prop::sample::select(vec!["signature", "sender", "keyword", "regex"]),
    ) {
        let mut rules = UserRules::default();
        let Ok(target) = RuleTarget::parse(kind, &value) else { return Ok(()) };
        prop_assert!(rules.add(target, RuleEffect::Block, 1).is_ok());
        let mut back = UserRules::default();
        prop_assert_eq!(back.import(&rules.export_json(), "fuzz", 1), Ok(1));
        prop_assert_eq!(back.export(), rules.export());
        let state = UserState { rules, ..UserState::default() };
        for line in state.rule_pack_text().lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            prop_assert!(line.starts_with('[') || line.contains(" = "), "odd line");
        }
        // Once the real rule engine is in, the generated pack must compile for every accepted rule.
        if smsguard_core::rules::RuleSet::compile(&[("probe", "not a rule pack")]).is_err() {
            let pack = state.rule_pack_text();
            let compiled = smsguard_core::rules::RuleSet::compile(&[("user", &pack)]);
            prop_assert!(compiled.is_ok(), "{:?}", compiled.err());
        }
        let round = decode(&encode(&state, 3), std::path::Path::new("x")).map(|l| l.state).ok();
        prop_assert_eq!(round, Some(state));
    }
}
