//! The state file loader and its migrations, then building an engine from whatever loaded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smsguard_core::store::decode;
use smsguard_core::Engine;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(loaded) = decode(text, std::path::Path::new("fuzz.json")) {
        let _ = Engine::new().with_user_state(&loaded.state);
    }
});
