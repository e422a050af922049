//! Helper for `tests/state_crash.rs`: commits state after state to one file as fast as it can and
//! prints each generation once it is committed. The test SIGKILLs it at random moments and checks
//! that the file always holds exactly one committed state.
//!
//! Usage: `state_crash_writer <state-file> [max-commits]`
//!
//! The state of generation `g` is [`expected_state`]`(g)`, so the test can check the content,
//! not just that the file parses. It is a few KB, so kills land mid-write often.

use std::io::Write;
use std::process::ExitCode;

use smsguard_core::consent::ConsentSource;
use smsguard_core::store::{Store, UserState};
use smsguard_core::user_rules::{RuleEffect, RuleTarget};

/// The deterministic state committed as generation `g`.
pub fn expected_state(g: u64) -> UserState {
    let mut s = UserState::default();
    s.settings.strict = g.is_multiple_of(2);
    let n = 20 + (g % 40) as i64;
    for i in 0..n {
        let sig = format!("品牌{}", (g as i64 + i) % 97);
        let now = g as i64 * 1000 + i;
        let _ = if i % 3 == 0 {
            s.consents.revoke(Some(&sig), None, now, ConsentSource::Unsubscribe)
        } else {
            s.consents.grant(Some(&sig), Some(&format!("10690{i:04}")), now, ConsentSource::User)
        };
        let _ = s.rules.add(RuleTarget::Keyword(format!("关键词{g}-{i}")), RuleEffect::Block, now);
        s.reports.record(&format!("{g:016x}{i:016x}"), "china_mobile", now);
    }
    s
}

/// The writer's work for `args` (without the program name); the process exit code.
pub fn run(args: &[String]) -> i32 {
    let mut args = args.iter();
    let Some(path) = args.next() else {
        eprintln!("usage: state_crash_writer <state-file> [max-commits]");
        return 2;
    };
    let max: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
    let store = match Store::open(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("open: {e}");
            return 3;
        }
    };
    let mut out = std::io::stdout().lock();
    for _ in 0..max {
        // The only writer: the next generation is ours.
        let g = store.generation() + 1;
        if let Err(e) = store.update(|s| {
            *s = expected_state(g);
            Ok(())
        }) {
            eprintln!("commit: {e}");
            return 4;
        }
        if store.generation() != g {
            eprintln!("generation {} after committing {g}", store.generation());
            return 5;
        }
        if writeln!(out, "{g}").and_then(|_| out.flush()).is_err() {
            return 6;
        }
    }
    0
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(u8::try_from(run(&args)).unwrap_or(1))
}
