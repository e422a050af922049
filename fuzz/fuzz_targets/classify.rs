//! normalise + sender + signature + rules + model + policy on an arbitrary (sender, body). Bytes
//! are decoded lossily, as platforms deliver lone UTF-16 surrogates: U+FFFD. The first U+0001
//! splits sender from body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smsguard_core::{Action, Engine, SmsMessage};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new().with_embedded_model().unwrap_or_else(|_| Engine::new()))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (sender, body) = text.split_once('\u{1}').unwrap_or(("", &text));
    let msg = SmsMessage::new(sender, body);
    let explanation = engine().explain(&msg);
    // An engine bug is caught inside and keeps the message visible; here it must not happen.
    assert!(!explanation.verdict.reasons.iter().any(|r| r.code == "internal_error"));
    if body.trim().is_empty() {
        assert_eq!(explanation.verdict.action, Action::None);
    }
});
