//! The versioned JSON requests (the JNI entry): any bytes, never a panic, always a JSON answer.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smsguard_core::session::{Session, SessionConfig};

fuzz_target!(|data: &[u8]| {
    static SESSION: OnceLock<Option<Session>> = OnceLock::new();
    let Some(session) = SESSION.get_or_init(|| Session::open(SessionConfig::default(), None).ok()) else { return };
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Changes accumulate in the in-memory state: a long run also exercises a full state.
    let response = smsguard_core::api::handle(session, text, 0);
    let value: serde_json::Value = serde_json::from_str(&response).unwrap_or_default();
    assert!(value["ok"].is_boolean(), "every response says ok or not");
});
