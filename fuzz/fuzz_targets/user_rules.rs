//! The user's rules file (import/export format, regexes included) through the session, which
//! compiles every change before saving it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smsguard_core::session::{Session, SessionConfig};
use smsguard_core::SmsMessage;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let config = SessionConfig { model_default: false, ..SessionConfig::default() };
    let Ok(session) = Session::open(config, None) else { return };
    if session.rules_import(text, "fuzz", 0).is_ok() {
        let _ = session.classify(&SmsMessage::new("13800000000", "周末一起吃饭吗"));
        let _ = session.snapshot();
    }
});
