//! Sanity check of a rule pack over a labelled TSV (`category<TAB>subcategory<TAB>sender<TAB>text…`,
//! header row): prints, per category, how many rows each top-hit effect got. Prints no message text.
//! Usage: `cargo run --release -p smsguard-core --example rules_eval -- FILE [PACK]`
//! Until the normaliser lands it approximates normalisation (lower-case, full-width → half-width)
//! and signature extraction (a leading or trailing 【…】).

use std::collections::BTreeMap;

use smsguard_core::normalise::Normalised;
use smsguard_core::rules::{Effect, RuleInput, RuleSet};
use smsguard_core::sender::classify_sender;
use smsguard_core::signature::{Placement, SenderFit, Signature, SignatureCheck, SignatureScan};

fn half_width(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

fn signature(text: &str) -> SignatureCheck {
    let name = text
        .strip_prefix('【')
        .and_then(|r| r.split_once('】'))
        .map(|(n, _)| n)
        .or_else(|| text.strip_suffix('】').and_then(|r| r.rsplit_once('【')).map(|(_, n)| n));
    let scan = match name {
        Some(n) if (2..=16).contains(&n.chars().count()) => SignatureScan::Valid {
            signature: Signature { name: n.to_string(), placement: Placement::Leading },
        },
        _ => SignatureScan::None,
    };
    SignatureCheck { scan, institution: None, fit: SenderFit::NotApplicable }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: rules_eval FILE [PACK]")?;
    let custom;
    let rules = match args.get(2) {
        Some(p) => {
            let text = std::fs::read_to_string(p)?;
            custom = RuleSet::compile(&[(p.as_str(), text.as_str())])?;
            &custom
        }
        None => RuleSet::embedded(),
    };
    let data = std::fs::read_to_string(path)?;
    let verbose = std::env::var("RULES_EVAL_VERBOSE").is_ok();
    let mut table: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut times: Vec<u64> = Vec::new();
    for (i, line) in data.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(cat), Some(sender), Some(body)) = (cols.first(), cols.get(2), cols.get(3)) else {
            continue;
        };
        let text = half_width(body);
        let normalised =
            Normalised { masked: text.clone(), text, entities: Vec::new(), evasions: Vec::new() };
        let sender = classify_sender(sender);
        let sig = signature(&normalised.text);
        let t = std::time::Instant::now();
        let hits =
            rules.evaluate(&RuleInput { body, normalised: &normalised, sender: &sender, signature: &sig });
        times.push(t.elapsed().as_nanos() as u64);
        let top_hard = hits.iter().find(|h| !matches!(h.effect, Effect::Hint { .. }));
        let outcome = match top_hard.map(|h| h.effect) {
            Some(Effect::Protect { .. }) => "protect".to_string(),
            Some(Effect::Block { .. }) => "BLOCK".to_string(),
            _ if hits.is_empty() => "none".to_string(),
            _ => "hint-only".to_string(),
        };
        if verbose {
            // Row number and rule names only: no message text leaves the corpus.
            let names: Vec<&str> = hits.iter().map(|h| h.rule.as_str()).collect();
            println!("row {}\t{cat}\t{outcome}\t{}", i + 1, names.join(","));
        }
        *table.entry((cat.to_string(), outcome)).or_default() += 1;
    }
    times.sort_unstable();
    if let (Some(p50), Some(p99)) = (times.get(times.len() / 2), times.get(times.len() * 99 / 100)) {
        println!(
            "evaluate p50 {:.1} µs, p99 {:.1} µs over {} messages",
            *p50 as f64 / 1e3,
            *p99 as f64 / 1e3,
            times.len()
        );
    }
    for ((cat, outcome), n) in table {
        println!("{cat:12} {outcome:10} {n}");
    }
    Ok(())
}
