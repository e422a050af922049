//! `smsguard bench --json`: the report's numbers are consistent, and the model's heap is counted
//! (it once was not: the model is loaded before the engine, so the engine's delta missed it).

mod common;

use common::{run, stderr, stdout};
use serde_json::Value;

fn report(args: &[&str]) -> Value {
    let out = run(args, b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("one JSON object")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} missing or not a number: {v}"))
}

#[test]
fn with_the_model_its_heap_is_reported_and_counted_in_the_engines() {
    let r = report(&["--embedded-model", "bench", "--json", "--iterations", "3"]);
    let model_heap = num(&r, "model_heap_bytes");
    // The int8 embedding table alone is vocab × dim bytes (manifest: 32,785 × 16).
    assert!(model_heap >= 32_785.0 * 16.0, "model heap {model_heap} is smaller than its table");
    assert!(num(&r, "heap_after_load_bytes") > model_heap);
    assert!(num(&r, "model_load_ms") > 0.0);
    let (p50, p90, p99, max) = (
        num(&r, "latency_us_p50"),
        num(&r, "latency_us_p90"),
        num(&r, "latency_us_p99"),
        num(&r, "latency_us_max"),
    );
    assert!(0.0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max, "{r}");
    assert_eq!(r["iterations"], 3);
    if let (Some(peak), Some(anon)) = (r["peak_rss_bytes"].as_f64(), r["rss_anon_bytes"].as_f64()) {
        assert!(0.0 < anon && anon < peak, "{r}");
    }
    assert!(num(&r, "messages_in_mix") >= 20.0, "a realistic mix, not a handful");
}

#[test]
fn rules_only_has_no_model_numbers_and_a_smaller_heap() {
    let rules = report(&["--no-model", "bench", "--json", "--iterations", "2"]);
    assert!(rules["model_heap_bytes"].is_null() && rules["model_load_ms"].is_null(), "{rules}");
    // The model is on by default; --embedded-model says so explicitly.
    let model = report(&["bench", "--json", "--iterations", "2"]);
    assert!(!model["model_load_ms"].is_null(), "{model}");
    let explicit = report(&["--embedded-model", "bench", "--json", "--iterations", "2"]);
    assert!(!explicit["model_load_ms"].is_null(), "{explicit}");
    assert!(num(&model, "heap_after_load_bytes") > num(&rules, "heap_after_load_bytes"));
}
