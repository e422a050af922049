//! Shared vectors for sender classification and signature checks (`testdata/sender.jsonl`,
//! `testdata/signature.jsonl`). Every failing vector is reported with its note, not just the first.

use serde::Deserialize;
use smsguard_core::sender::{classify_sender, SenderKind};
use smsguard_core::signature::{Institutions, Placement, SignatureScan};

const SENDER_VECTORS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/sender.jsonl"));
const SIGNATURE_VECTORS: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/signature.jsonl"));

#[derive(Deserialize)]
struct SenderVector {
    raw: String,
    normalised: String,
    kind: String,
    note: String,
}

#[derive(Deserialize)]
struct SignatureVector {
    sender: String,
    body: String,
    scan: String,
    name: Option<String>,
    placement: Option<String>,
    institution: Option<String>,
    fit: String,
    note: String,
}

/// Parse every line; a malformed vector is itself a failure.
fn load<T: for<'de> Deserialize<'de>>(text: &str, file: &str, failures: &mut Vec<String>) -> Vec<T> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match serde_json::from_str(line) {
            Ok(v) => out.push(v),
            Err(e) => failures.push(format!("{file} line {}: bad vector: {e}", i + 1)),
        }
    }
    out
}

fn report(failures: &[String], total: usize) {
    assert!(failures.is_empty(), "{} of {total} vectors failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn sender_vectors() {
    let mut failures = Vec::new();
    let vectors: Vec<SenderVector> = load(SENDER_VECTORS, "sender.jsonl", &mut failures);
    assert!(vectors.len() >= 40, "expected ~40 sender vectors, found {}", vectors.len());
    for v in &vectors {
        if SenderKind::parse(&v.kind).is_none() {
            failures.push(format!("[{}] unknown kind `{}` in vector", v.note, v.kind));
            continue;
        }
        let got = classify_sender(&v.raw);
        if got.kind.as_str() != v.kind || got.normalised != v.normalised {
            failures.push(format!(
                "[{}] expected {} `{}`, got {} `{}`",
                v.note,
                v.kind,
                v.normalised,
                got.kind.as_str(),
                got.normalised
            ));
        }
    }
    report(&failures, vectors.len());
}

#[test]
fn signature_vectors() {
    let table = Institutions::embedded();
    let mut failures = Vec::new();
    let vectors: Vec<SignatureVector> = load(SIGNATURE_VECTORS, "signature.jsonl", &mut failures);
    assert!(vectors.len() >= 40, "expected ~40 signature vectors, found {}", vectors.len());
    for v in &vectors {
        let check = table.check(&v.body, &classify_sender(&v.sender));
        let (scan, name, placement) = match &check.scan {
            SignatureScan::None => ("none", None, None),
            SignatureScan::Invalid { problem } => {
                // Problems describe, they never quote the content.
                if let Some(n) = &v.name {
                    if problem.contains(n.as_str()) {
                        failures.push(format!("[{}] problem quotes the signature", v.note));
                    }
                }
                ("invalid", None, None)
            }
            SignatureScan::Valid { signature } => {
                let p = match signature.placement {
                    Placement::Leading => "leading",
                    Placement::Trailing => "trailing",
                };
                ("valid", Some(signature.name.as_str()), Some(p))
            }
        };
        let got =
            (scan, name, placement, check.institution.as_ref().map(|i| i.name.as_str()), check.fit.as_str());
        let want = (
            v.scan.as_str(),
            v.name.as_deref(),
            v.placement.as_deref(),
            v.institution.as_deref(),
            v.fit.as_str(),
        );
        if got != want {
            failures.push(format!(
                "[{}] expected (scan, name, placement, institution, fit) = {want:?}, got {got:?}",
                v.note
            ));
        }
    }
    report(&failures, vectors.len());
}

#[test]
fn embedded_table_parses_and_covers_the_kinds() {
    let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/institutions.tsv"));
    let table = match Institutions::parse(text, "institutions.tsv") {
        Ok(t) => t,
        Err(e) => panic!("embedded table rejected: {e}"),
    };
    assert!(table.len() >= 40, "only {} institutions", table.len());
    assert_eq!(Institutions::embedded().len(), table.len());
    for kind in ["bank", "payment", "carrier", "railway", "airline", "government", "ecommerce", "courier"] {
        assert!(table.iter().any(|i| i.kind.as_str() == kind), "no institution of kind {kind}");
    }
}
