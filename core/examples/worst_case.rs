//! Worst-case time per message: adversarial messages (10,000 characters of repeated keywords,
//! nested brackets, mixed scripts, long digit runs, link floods, signature floods) through the
//! default engine with the model, and through adversarial rule packs (the keyword limit spent on
//! keywords that all occur in one message, regex rules that run on every message, regex rules
//! that keep building lazy-DFA states). Reports, per case, the median, p99 and maximum of
//! `classify` over many runs, and whether the rules were all decided within the time budget
//! (`rules::RULE_TIME_BUDGET`); the goal is a maximum ≤ 1 ms.
//!
//! `cargo run --release -p smsguard-core --example worst_case [-- RUNS]`
//! Times on shared machines are noisy: compare instruction counts with
//! `valgrind --tool=callgrind target/release/examples/worst_case 20` when a change must be judged.

use std::time::{Duration, Instant};

use smsguard_core::rules::MAX_KEYWORDS_TOTAL;
use smsguard_core::{Engine, SmsMessage};

fn repeat_to(piece: &str, chars: usize) -> String {
    piece.chars().cycle().take(chars).collect()
}

fn messages() -> Vec<(&'static str, SmsMessage)> {
    const N: usize = 10_000;
    let mixed: String = [
        "Hello",
        "Привет",
        "مرحبا",
        "你好",
        "こんにちは",
        "😀",
        "e\u{301}",
        "\u{200B}",
        "ＡＢＣ１２３",
        "\u{FFFD}",
    ]
    .iter()
    .cycle()
    .flat_map(|s| s.chars())
    .take(N)
    .collect();
    vec![
        (
            "keywords x10k",
            SmsMessage::new("10690000123", repeat_to("验证码贷款中奖点击退订加微信链接积分兑换", N)),
        ),
        ("brackets nested", SmsMessage::new("", format!("{}{}", "【".repeat(N / 2), "】".repeat(N / 2)))),
        ("brackets mixed", SmsMessage::new("", repeat_to("【(（[{「『【某银行】", N))),
        ("signature flood", SmsMessage::new("95588", repeat_to("【某银行】您的验证码123456", N))),
        ("mixed scripts", SmsMessage::new("+8613800000000", mixed)),
        ("digits x10k", SmsMessage::new("", "1".repeat(N))),
        ("digit groups", SmsMessage::new("", repeat_to("138-0000-0000 ", N))),
        ("link flood", SmsMessage::new("", repeat_to("http://a.example/x?y=1 www.b.example ", N))),
        ("one char", SmsMessage::new("", "码".repeat(N))),
        ("whitespace", SmsMessage::new("", repeat_to(" \t\u{3000}\n", N))),
        ("typical OTP", SmsMessage::new("95588", "【某银行】您的验证码为482913，5分钟内有效，请勿泄露。")),
    ]
}

/// A pack that spends the whole keyword budget on keywords one message contains, plus regex
/// rules on every message.
fn adversarial_pack() -> (&'static str, String, SmsMessage) {
    let per_rule = 256;
    let rules = MAX_KEYWORDS_TOTAL / per_rule;
    let mut pack = String::from("format = smsguard-rules/1\npack = adversarial\nversion = 1\n");
    for r in 0..rules {
        let keywords: Vec<String> = (0..per_rule).map(|k| format!("码{}", r * per_rule + k)).collect();
        pack.push_str(&format!(
            "\n[adv.k{r}]\nany = {}\neffect = hint junk/fraud 0.1\nreason = adv\nzh = 测\nen = t\n",
            keywords.join(", ")
        ));
    }
    for r in 0..64 {
        pack.push_str(&format!(
            "\n[adv.r{r}]\nregex = (码[0-9]{{1,6}}.{{0,40}}){{1,8}}{r}\neffect = hint junk/fraud 0.1\nreason = adv\nzh = 测\nen = t\n"
        ));
    }
    let body: String =
        (0..2_000).map(|i| format!("码{i}")).collect::<String>().chars().take(10_000).collect();
    ("adversarial pack", pack, SmsMessage::new("", body))
}

/// Regex rules whose lazy DFA keeps building new states on a digit run (more than its cache
/// holds, so warm caches do not help): the case the time budget is for.
fn state_building_pack() -> (&'static str, String, SmsMessage) {
    let mut pack = String::from("format = smsguard-rules/1\npack = states\nversion = 1\n");
    for r in 0..64 {
        pack.push_str(&format!(
            "\n[states.r{r}]\nregex = ([0-9]{{1,6}}.{{0,40}}){{1,8}}q{}\neffect = hint junk/fraud 0.1\nreason = adv\nzh = 测\nen = t\n",
            char::from(b'a' + (r % 26) as u8)
        ));
    }
    let body: String = (0..10_000).map(|i| char::from(b'0' + (i * 7 % 10) as u8)).collect();
    ("state-building pack", pack, SmsMessage::new("", body))
}

/// Whether the rules were all decided within the time budget (the verdict says when not).
fn complete(engine: &Engine, msg: &SmsMessage) -> &'static str {
    if engine.classify(msg).reason_codes().any(|c| c == "rules_incomplete") {
        "budget spent"
    } else {
        "complete"
    }
}

/// Times `classify` of `msg` and prints one row; returns the slowest call.
fn measure(name: &str, engine: &Engine, msg: &SmsMessage, runs: usize, note: &str) -> Duration {
    let _ = engine.classify(msg);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(engine.classify(std::hint::black_box(msg)));
            t.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    let max = times[times.len() - 1];
    println!(
        "{name:<22} {:>7} {:>10.1} {:>10.1} {:>10.1}   {}{note}",
        msg.body.chars().count(),
        at(0.5),
        at(0.99),
        max.as_secs_f64() * 1e6,
        complete(engine, msg)
    );
    max
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let engine = Engine::new().with_embedded_model().unwrap_or_else(|e| {
        eprintln!("embedded model unavailable ({e}); rules only");
        Engine::new()
    });
    println!(
        "{:<22} {:>7} {:>10} {:>10} {:>10}   rules",
        "case (rules + model)", "chars", "p50 µs", "p99 µs", "max µs"
    );
    let mut worst = Duration::ZERO;
    for (name, msg) in messages() {
        worst = worst.max(measure(name, &engine, &msg, runs, ""));
    }
    for (name, pack, msg) in [adversarial_pack(), state_building_pack()] {
        let t = Instant::now();
        match Engine::new().with_rule_packs(&[("adversarial.rules", &pack)]) {
            Ok(adv) => {
                let compile = t.elapsed();
                let adv = match Engine::new().with_embedded_model() {
                    Ok(_) => adv.with_embedded_model().unwrap_or_else(|_| Engine::new()),
                    Err(_) => adv,
                };
                let note = format!(
                    " (pack: {} bytes, compiled in {:.0} ms)",
                    pack.len(),
                    compile.as_secs_f64() * 1e3
                );
                worst = worst.max(measure(name, &adv, &msg, runs, &note));
            }
            Err(e) => println!("{name} refused: {e}"),
        }
    }
    println!("worst single classify: {:.1} µs (goal ≤ 1000 µs)", worst.as_secs_f64() * 1e6);
}
