//! Report drafts: what is offered for which verdict, the bodies per channel, segments, warnings,
//! history dedupe through the store, and batches. All messages are invented.

use smsguard_core::message::SmsMessage;
use smsguard_core::report::{
    message_key, plan_batch, plan_report, ChannelKind, ReportFormats, ReportHistory,
};
use smsguard_core::sender::SenderKind;
use smsguard_core::store::Store;
use smsguard_core::verdict::{Action, Category, Consent, Verdict};

fn verdict(action: Action, category: Category, kind: SenderKind, consent: Option<Consent>) -> Verdict {
    Verdict {
        action,
        category,
        subcategory: smsguard_core::verdict::Subcategory::derive(action, category, None, ""),
        score: 0.9,
        signature: Some("某贷款".into()),
        sender_kind: kind,
        consent,
        reasons: Vec::new(),
    }
}

fn junk(kind: SenderKind) -> Verdict {
    verdict(Action::Junk, Category::Fraud, kind, None)
}

fn msg(sender: &str, body: &str) -> SmsMessage {
    SmsMessage {
        sender: sender.into(),
        body: body.into(),
        received_at: Some("2026-11-20T09:15:00+08:00".into()),
        known_contact: false,
    }
}

const SPAM: &str = "【某贷款】您有一笔5万元额度待领取，点击 x.cn/a1 立即到账，回T退订";

#[test]
fn junk_gets_a_draft_per_channel_with_the_verbatim_text() {
    let m = msg("13912345678", SPAM);
    let plan =
        plan_report(&m, &junk(SenderKind::Mobile), ReportFormats::embedded(), &ReportHistory::default());
    assert!(plan.reportable);
    assert_eq!(plan.text, SPAM);
    assert_eq!(plan.received_at.as_deref(), Some("2026-11-20T09:15:00+08:00"));
    assert!(plan.warnings.iter().all(|w| w.code != "report_port106_codes"), "no 106 warning for a mobile");

    let by_channel = |c: &str| plan.drafts.iter().find(|d| d.channel == c);
    let cm = by_channel("china_mobile").unwrap_or_else(|| panic!("no China Mobile draft"));
    assert_eq!(cm.destination, "10086999");
    assert_eq!(cm.body, format!("13912345678*{SPAM}"));
    assert_eq!(cm.kind, ChannelKind::Sms);
    assert!(cm.verified);
    let sms12321 = by_channel("12321_sms").map(|d| (d.destination.as_str(), d.body.as_str()));
    assert_eq!(sms12321, Some(("12321", cm.body.as_str())));
    // Unverified carriers are offered but flagged, and the plan says so.
    assert_eq!(by_channel("china_unicom").map(|d| d.verified), Some(false));
    assert!(plan.warnings.iter().any(|w| w.code == "report_unverified_channel"));
    // The copyable text carries the number, the time and the message unchanged.
    let web = by_channel("12321_web").unwrap_or_else(|| panic!("no copy draft"));
    assert_eq!(web.kind, ChannelKind::Copy);
    assert!(web.body.contains("13912345678") && web.body.contains("2026-11-20T09:15:00+08:00"));
    assert!(web.body.contains(SPAM));
}

#[test]
fn segments_follow_the_body_length() {
    let short = msg("13912345678", "【某贷款】低息贷款速批");
    let plan =
        plan_report(&short, &junk(SenderKind::Mobile), ReportFormats::embedded(), &ReportHistory::default());
    let cm = plan.drafts.iter().find(|d| d.channel == "china_mobile").map(|d| d.segments);
    assert_eq!(cm, Some(1));
    // 12 (number + *) + 60 Chinese characters = 72 > 70: two segments of 67.
    let body60 = format!("【某贷款】{}", "速".repeat(55));
    let plan = plan_report(
        &msg("13912345678", &body60),
        &junk(SenderKind::Mobile),
        ReportFormats::embedded(),
        &ReportHistory::default(),
    );
    let d = plan.drafts.iter().find(|d| d.channel == "china_mobile");
    assert_eq!(d.map(|d| (d.body.chars().count(), d.segments)), Some((72, 2)));
}

#[test]
fn never_offered_for_transactions_personal_or_consented_marketing() {
    let m = msg("1069012345", "【某银行】您尾号0042的卡支出120.00元");
    let h = ReportHistory::default();
    let f = ReportFormats::embedded();
    let cases = [
        (
            verdict(Action::Transaction, Category::Finance, SenderKind::Port106, None),
            "report_not_transaction",
        ),
        (verdict(Action::Transaction, Category::Otp, SenderKind::Port106, None), "report_not_transaction"),
        (verdict(Action::Allow, Category::Personal, SenderKind::Mobile, None), "report_not_personal"),
        (
            verdict(Action::Promotion, Category::Offers, SenderKind::Port106, Some(Consent::Granted)),
            "report_consented",
        ),
    ];
    for (v, code) in cases {
        let plan = plan_report(&m, &v, f, &h);
        assert!(!plan.reportable && plan.drafts.is_empty(), "{:?} offered", v.action);
        assert_eq!(plan.not_reportable.map(|r| r.code), Some(code.to_string()));
    }
    // Marketing without consent (unknown or revoked) is reportable.
    for c in [Consent::Unknown, Consent::Revoked] {
        let v = verdict(Action::Promotion, Category::Offers, SenderKind::Port106, Some(c));
        assert!(plan_report(&m, &v, f, &h).reportable, "{c:?}");
    }
    let anonymous = msg("", SPAM);
    let plan = plan_report(&anonymous, &junk(SenderKind::Unknown), f, &h);
    assert_eq!(plan.not_reportable.map(|r| r.code), Some("report_no_sender".to_string()));
}

#[test]
fn every_106_port_gets_the_blacklist_warning() {
    let plan = plan_report(
        &msg("106900001234", SPAM),
        &junk(SenderKind::Port106),
        ReportFormats::embedded(),
        &ReportHistory::default(),
    );
    assert!(plan.reportable);
    assert_eq!(plan.warnings.first().map(|w| w.code.as_str()), Some("report_port106_codes"));
}

#[test]
fn reported_messages_are_not_offered_again_and_history_holds_no_text() {
    let dir = std::env::temp_dir().join(format!("smsguard-report-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("state.json");
    let _ = std::fs::remove_file(&path);
    let store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let m = msg("13912345678", SPAM);
    let v = junk(SenderKind::Mobile);

    let plan = plan_report(&m, &v, ReportFormats::embedded(), &store.snapshot().reports);
    assert!(plan.reportable);
    let recorded = store.update(|s| Ok(s.reports.record(&plan.key, "china_mobile", 1_700_000_000)));
    assert_eq!(recorded.ok(), Some(true));
    let again = store.update(|s| Ok(s.reports.record(&plan.key, "china_mobile", 1_700_000_001)));
    assert_eq!(again.ok(), Some(false), "the same channel recorded twice");

    let plan2 = plan_report(&m, &v, ReportFormats::embedded(), &store.snapshot().reports);
    assert!(!plan2.reportable && plan2.drafts.is_empty());
    assert_eq!(plan2.not_reportable.map(|r| r.code), Some("report_already_sent".to_string()));
    // Another message from the same sender is still reportable.
    let other = msg("13912345678", "【某贷款】另一条推销");
    assert!(plan_report(&other, &v, ReportFormats::embedded(), &store.snapshot().reports).reportable);

    // The file holds the hash, never the text or the number.
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text.contains(&plan.key));
    assert!(!text.contains("5万元") && !text.contains("13912345678"));
    assert_eq!(plan.key.len(), 64);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn message_key_depends_on_sender_and_body() {
    let a = message_key(&msg("13912345678", SPAM));
    assert_eq!(a, message_key(&SmsMessage::new("13912345678", SPAM)), "received_at must not matter");
    assert_ne!(a, message_key(&msg("13912345679", SPAM)));
    assert_ne!(a, message_key(&msg("13912345678", &format!("{SPAM} "))));
}

#[test]
fn batch_offers_each_message_once() {
    let a = (msg("13912345678", SPAM), junk(SenderKind::Mobile));
    let b = (msg("106900001234", "【某博彩】注册就送88元"), junk(SenderKind::Port106));
    let t = (
        msg("95588", "【某银行】验证码 304117"),
        verdict(Action::Transaction, Category::Otp, SenderKind::Service, None),
    );
    let plans = plan_batch(&[a.clone(), b, a, t], ReportFormats::embedded(), &ReportHistory::default());
    let flags: Vec<bool> = plans.iter().map(|p| p.reportable).collect();
    assert_eq!(flags, [true, true, false, false]);
    assert_eq!(plans[2].not_reportable.as_ref().map(|r| r.code.as_str()), Some("report_duplicate_in_batch"));
    assert_eq!(plans[3].not_reportable.as_ref().map(|r| r.code.as_str()), Some("report_not_transaction"));
    assert_eq!(plans[0].key, plans[2].key);
}
