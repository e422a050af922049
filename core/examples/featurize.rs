//! The training pipeline's only source of features: JSONL on stdin (or a file argument) →
//! JSONL on stdout, one output line per input line, same order.
//!
//! Input lines: `{"id", "sender", "body"}` (a raw SMS: normalised, sender classified and
//! signature found as the engine does), or `{"id", "masked", "sender_kind", "signature"}` (an
//! already normalised text, used by the shared vectors in `testdata/featurise.jsonl`).
//! Output: `{"id", "ids": [...]}`, or `{"line": N, "error": "..."}` for a malformed line.
//! `--version` prints the featuriser and normaliser versions and the vocabulary size as JSON.

use std::io::{BufRead, BufWriter, Write};

use serde::Deserialize;
use serde_json::{json, Value};
use smsguard_core::featurise::{featurise, featurise_message, FEATURISER_VERSION, VOCAB};
use smsguard_core::model::ModelInput;
use smsguard_core::normalise::{Normalised, NORMALISER_VERSION};
use smsguard_core::{SenderKind, SmsMessage};

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    sender: String,
    body: Option<String>,
    masked: Option<String>,
    sender_kind: Option<String>,
    signature: Option<String>,
}

fn ids(line: Line) -> Result<Vec<i64>, String> {
    match (line.body, line.masked) {
        (Some(body), None) => Ok(featurise_message(&SmsMessage::new(line.sender, body))),
        (None, Some(masked)) => {
            let kind = match line.sender_kind.as_deref() {
                None => SenderKind::Unknown,
                Some(k) => SenderKind::parse(k).ok_or("unknown sender_kind")?,
            };
            let n = Normalised { text: masked.clone(), masked, ..Default::default() };
            Ok(featurise(&ModelInput {
                normalised: &n,
                sender_kind: kind,
                signature: line.signature.as_deref(),
            }))
        }
        _ => Err("need exactly one of body or masked".into()),
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version") {
        let v = json!({"featuriser_version": FEATURISER_VERSION, "normaliser_version": NORMALISER_VERSION, "vocab": VOCAB});
        println!("{v}");
        return Ok(());
    }
    let input: Box<dyn BufRead> = match args.first() {
        Some(path) if path != "-" => Box::new(std::io::BufReader::new(std::fs::File::open(path)?)),
        _ => Box::new(std::io::stdin().lock()),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line?;
        let text = String::from_utf8_lossy(&line);
        let record = match serde_json::from_str::<Line>(text.trim_end_matches('\r')) {
            Ok(l) => {
                let id = l.id.clone();
                match ids(l) {
                    Ok(ids) => json!({"id": id, "ids": ids}),
                    Err(e) => json!({"line": i + 1, "error": e}),
                }
            }
            // serde's message names the problem and column, never the text.
            Err(e) => json!({"line": i + 1, "error": e.to_string()}),
        };
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
