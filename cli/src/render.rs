//! Human-readable output for `classify` and `explain`. Reasons are shown in Chinese and English.

use std::fmt::Write;

use serde::Serialize;
use smsguard_core::rules::Effect;
use smsguard_core::signature::{Placement, SignatureScan};
use smsguard_core::{Action, Explanation, Verdict};

/// The snake_case name serde gives a unit enum variant (the same string as in JSON output).
fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".to_string(),
    }
}

/// One verdict: folder, category, subcategory, score, signature, sender kind, consent and reasons.
pub fn verdict(v: &Verdict) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} / {}  (score {:.2})", v.action, v.category, v.score);
    if let Some(sub) = v.subcategory {
        let _ = writeln!(s, "subcategory: {sub}");
    }
    let _ = writeln!(
        s,
        "signature:   {}",
        v.signature.as_deref().map_or_else(|| "none".to_string(), |n| format!("【{n}】"))
    );
    let _ = writeln!(s, "sender kind: {}", v.sender_kind.as_str());
    if let Some(c) = v.consent {
        let _ = writeln!(s, "consent:     {}", c.as_str());
    }
    if v.reasons.is_empty() {
        let _ = write!(s, "reasons:     none given");
    } else {
        let _ = write!(s, "reasons:");
        for r in &v.reasons {
            let _ = write!(s, "\n  - {}: {}\n    {}", r.code, r.zh, r.en);
        }
    }
    s
}

/// Every step of one classification, in the order the engine runs them.
pub fn explanation(e: &Explanation) -> String {
    let mut s = String::new();
    let n = &e.normalised;
    let _ = writeln!(s, "1. normalise (normaliser v{})", e.normaliser_version);
    let _ = writeln!(s, "   text:     {}", n.text);
    let _ = writeln!(s, "   masked:   {}", n.masked);
    if n.entities.is_empty() {
        let _ = writeln!(s, "   entities: none");
    } else {
        let list: Vec<String> =
            n.entities.iter().map(|en| format!("{} \"{}\"", name(&en.kind), en.text)).collect();
        let _ = writeln!(s, "   entities: {}", list.join(", "));
    }
    let evasions = if n.evasions.is_empty() { "none".to_string() } else { n.evasions.join(", ") };
    let _ = writeln!(s, "   evasions undone: {evasions}");

    let _ = writeln!(s, "2. sender");
    let _ = writeln!(s, "   normalised: {}", e.sender.normalised);
    let _ = writeln!(s, "   kind:       {}", e.sender.kind.as_str());

    let _ = writeln!(s, "3. signature");
    let scan = match &e.signature.scan {
        SignatureScan::None => "none".to_string(),
        SignatureScan::Valid { signature } => {
            let at = match signature.placement {
                Placement::Leading => "leading",
                Placement::Trailing => "trailing",
            };
            format!("【{}】 ({at})", signature.name)
        }
        SignatureScan::Invalid { problem } => format!("invalid: {problem}"),
    };
    let _ = writeln!(s, "   scan:        {scan}");
    let institution = e
        .signature
        .institution
        .as_ref()
        .map_or_else(|| "unknown".to_string(), |i| format!("{} ({})", i.name, name(&i.kind)));
    let _ = writeln!(s, "   institution: {institution}");
    let _ = writeln!(s, "   sender fit:  {}", name(&e.signature.fit));

    let skipped = e.verdict.action == Action::None;
    if skipped {
        let _ = writeln!(s, "4. rules: skipped (empty message)");
    } else if e.rule_hits.is_empty() {
        let _ = writeln!(s, "4. rules: no rule matched");
    } else {
        let _ = writeln!(s, "4. rules: {} matched (highest priority first)", e.rule_hits.len());
        for hit in &e.rule_hits {
            let effect = match hit.effect {
                Effect::Protect { action, category } => format!("protect {action}/{category}"),
                Effect::Block { category, unless_transaction: false } => format!("block junk/{category}"),
                Effect::Block { category, unless_transaction: true } => {
                    format!("block junk/{category} unless transaction")
                }
                Effect::Hint { action, category, weight } => {
                    format!("hint {action}/{category} weight {weight:.2}")
                }
            };
            let _ = writeln!(s, "   - {}  [{effect}, priority {}]", hit.rule, hit.priority);
            let _ = writeln!(s, "     {}: {} / {}", hit.reason.code, hit.reason.zh, hit.reason.en);
        }
    }

    match (&e.model, &e.model_name) {
        _ if skipped => {
            let _ = writeln!(s, "5. model: skipped (empty message)");
        }
        (Some(m), model_name) => {
            let _ = writeln!(s, "5. model: {}", model_name.as_deref().unwrap_or("unnamed"));
            let _ = writeln!(
                s,
                "   allow {:.3}  transaction {:.3}  promotion {:.3}  junk {:.3}",
                m.allow, m.transaction, m.promotion, m.junk
            );
            if let Some((c, p)) = m.category {
                let _ = writeln!(s, "   category {c} {p:.3}");
            }
        }
        (None, _) => {
            let _ = writeln!(s, "5. model: no model");
        }
    }

    let _ = writeln!(s, "6. decision");
    for line in verdict(&e.verdict).lines() {
        let _ = writeln!(s, "   {line}");
    }
    s.truncate(s.trim_end().len());
    s
}
