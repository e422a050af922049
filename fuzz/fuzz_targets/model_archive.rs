//! A model archive as an update would deliver it. The manifest is the shipped one with its
//! sha256 set to the input's, so the bytes reach the archive checks and tract's loader.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smsguard_core::model::manifest::sha256_hex;
use smsguard_core::model::nnef::{NnefModel, EMBEDDED_MANIFEST};

fuzz_target!(|data: &[u8]| {
    static MANIFEST: OnceLock<serde_json::Value> = OnceLock::new();
    let mut manifest = MANIFEST.get_or_init(|| serde_json::from_str(EMBEDDED_MANIFEST).unwrap_or_default()).clone();
    manifest["model_sha256"] = serde_json::Value::String(sha256_hex(data));
    let _ = NnefModel::from_bytes(data, &manifest.to_string());
});
