//! A downloaded rule pack: parse and compile, then run one message through it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smsguard_core::{Engine, SmsMessage};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(engine) = Engine::new().with_rule_packs(&[("fuzz.rules", text)]) {
        let _ = engine.classify(&SmsMessage::new("10690000", "【测试】验证码123456，点击 http://a.example 领取"));
    }
});
