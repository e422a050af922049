//! Rule-pack compile time against the number of keywords (packs arrive as updates: a pack must
//! not be able to stall the phone). Generates one pack with N distinct keywords (256 per rule,
//! the per-list maximum) and prints the best of 3 compile times. Our part (parse, intern, index)
//! is linear; what still grows faster is aho-corasick's automaton build, which is why
//! `MAX_KEYWORDS_TOTAL` is 20k (pass larger N to see the refusal).
//! Run with `cargo run --release -p smsguard-core --example rules_compile_scaling [N…]`.

use std::time::{Duration, Instant};

use smsguard_core::rules::RuleSet;

/// A pack with `n` distinct keywords (`k0`, `k1`, … in base 36), 256 to a rule.
fn pack(n: usize) -> String {
    let mut text = String::from("format = smsguard-rules/1\npack = scaling\nversion = 1\n");
    let mut next = 0usize;
    let mut rule = 0usize;
    while next < n {
        let take = (n - next).min(256);
        let keywords: Vec<String> = (next..next + take).map(base36).collect();
        text.push_str(&format!(
            "\n[r{rule}]\nany = {}\neffect = block other\nreason = r\nzh = 中\nen = e\n",
            keywords.join(", ")
        ));
        next += take;
        rule += 1;
    }
    text
}

fn base36(mut i: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit((i % 36) as u32, 36).unwrap_or('0'));
        i /= 36;
        if i == 0 {
            break;
        }
    }
    digits.push('k');
    digits.iter().rev().collect()
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![5_000, 10_000, 20_000] } else { sizes };
    println!("{:>8} {:>8} {:>12} {:>14}", "keywords", "bytes", "compile", "per keyword");
    for n in sizes {
        let text = pack(n);
        let mut best = Duration::MAX;
        let mut outcome = String::new();
        for _ in 0..3 {
            let t = Instant::now();
            let result = RuleSet::compile(&[("scaling.rules", &text)]);
            best = best.min(t.elapsed());
            outcome = match result {
                Ok(set) => format!("{} keywords compiled", set.keyword_count()),
                Err(e) => format!("refused: {e}"),
            };
        }
        let per = best.as_nanos() / n.max(1) as u128;
        println!("{n:>8} {:>8} {:>10.1}ms {per:>12}ns  {outcome}", text.len(), best.as_secs_f64() * 1e3);
    }
}
