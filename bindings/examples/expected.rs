//! Writes what the Rust engine says about each test vector, for the foreign-language tests
//! (Kotlin, Java/JNI, Python) to compare against exactly.
//!
//! `cargo run -p smsguard-ffi --example expected -- OUT.tsv VECTORS.jsonl...`
//!
//! Input lines: `{"id", "sender", "body", …}`. Output: one tab-separated line per vector:
//! `id sender body action category score-bits sender_kind consent codes signature explain_json
//! subcategory`,
//! with `\`, tab, CR and LF escaped as `\\`, `\t`, `\r`, `\n`; codes joined by `,`; the score
//! as the f32's bits in hex (exact); empty fields for absent values.

use std::fmt::Write as _;
use std::process::ExitCode;

use smsguard_core::{Engine, SmsMessage};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn field<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(|x| x.as_str())
}

fn run(out_path: &str, inputs: &[String]) -> Result<usize, String> {
    // The default engine, as every front end opens it: embedded rules and the embedded model.
    let engine = Engine::new().with_embedded_model().map_err(|e| format!("embedded model: {e}"))?;
    let mut out = String::new();
    let mut n = 0;
    for path in inputs {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = |what: &str| format!("{path} line {}: {what}", i + 1);
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| at(&e.to_string()))?;
            let id = field(&v, "id").ok_or_else(|| at("no \"id\""))?;
            let body = field(&v, "body").ok_or_else(|| at("no \"body\""))?;
            let sender = field(&v, "sender").unwrap_or("");
            let msg = SmsMessage::new(sender, body);
            let explanation = engine.explain(&msg);
            let verdict = &explanation.verdict;
            let json = serde_json::to_string(&explanation).map_err(|e| at(&e.to_string()))?;
            let codes: Vec<&str> = verdict.reason_codes().collect();
            let fields = [
                escape(id),
                escape(sender),
                escape(body),
                verdict.action.as_str().to_string(),
                verdict.category.as_str().to_string(),
                format!("{:08x}", verdict.score.to_bits()),
                verdict.sender_kind.as_str().to_string(),
                verdict.consent.map(|c| c.as_str()).unwrap_or("").to_string(),
                codes.join(","),
                escape(verdict.signature.as_deref().unwrap_or("")),
                escape(&json),
                verdict.subcategory.map(|s| s.as_str()).unwrap_or("").to_string(),
            ];
            let _ = writeln!(out, "{}", fields.join("\t"));
            n += 1;
        }
    }
    std::fs::write(out_path, out).map_err(|e| format!("{out_path}: {e}"))?;
    Ok(n)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out, inputs)) = args.split_first() else {
        eprintln!("usage: expected OUT.tsv VECTORS.jsonl...");
        return ExitCode::from(2);
    };
    match run(out, inputs) {
        Ok(n) => {
            eprintln!("expected: {n} vectors -> {out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("expected: {e}");
            ExitCode::FAILURE
        }
    }
}
