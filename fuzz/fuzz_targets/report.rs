//! Report drafts (12321 `号码*内容`, carriers) and the unsubscribe reply for any message.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smsguard_core::session::{Session, SessionConfig};
use smsguard_core::SmsMessage;

fuzz_target!(|data: &[u8]| {
    static SESSION: OnceLock<Option<Session>> = OnceLock::new();
    let Some(session) = SESSION.get_or_init(|| Session::open(SessionConfig::default(), None).ok()) else { return };
    let text = String::from_utf8_lossy(data);
    let (sender, body) = text.split_once('\u{1}').unwrap_or(("", &text));
    let msg = SmsMessage::new(sender, body);
    let plan = session.report_plan(&msg, Some("china_mobile"));
    for d in &plan.drafts {
        assert!(!d.destination.is_empty());
    }
    let _ = session.unsubscribe(&msg);
});
