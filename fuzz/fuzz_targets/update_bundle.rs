//! A signed update bundle: framing, manifest, signature check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smsguard_core::update::{verify, Keyring};

fuzz_target!(|data: &[u8]| {
    let _ = verify(data, &Keyring::embedded());
});
