//! Helper for `tests/state_contention.rs`: several of these processes change and read one state
//! file at the same time.
//!
//! Usage:
//! - `state_contender write <state-file> <writer> <count>`: `count` commits, each adding the keyword
//!   rule [`rule_key`]`(writer, pid, i)`; prints the generation of each commit.
//! - `state_contender read <state-file> <last-generation> <max-seconds>`: reads the file in a loop
//!   (alternating [`read_file`] and [`Store::reload`], neither takes the lock) until it sees
//!   `last-generation` or time runs out; exits non-zero at the first read that is not a complete,
//!   consistent commit (see [`check`]); prints `reads <n> generations <distinct> last <g>`.
//! - `state_contender hold <state-file>`: takes the lock inside a commit, prints `held` and sleeps
//!   until killed; the commit never completes.
//!
//! Every commit adds exactly one rule to a file that starts empty, so generation `g` must hold
//! exactly `g` rules with ids `1..=g`, and each writer's rules must be a prefix `0..m` of its own.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use smsguard_core::store::{read_file, Store, UserState};
use smsguard_core::user_rules::{RuleEffect, RuleTarget};

/// The keyword rule added by `writer` (process `pid`) in its `i`-th commit.
pub fn rule_key(writer: u32, pid: u32, i: u32) -> String {
    format!("contender-w{writer}-p{pid}-{i}")
}

/// Parse a [`rule_key`] back into `(writer, pid, i)`.
pub fn parse_key(key: &str) -> Option<(u32, u32, u32)> {
    let rest = key.strip_prefix("contender-w")?;
    let (w, rest) = rest.split_once("-p")?;
    let (p, i) = rest.split_once('-')?;
    Some((w.parse().ok()?, p.parse().ok()?, i.parse().ok()?))
}

/// Check that `state` is what generation `generation` of a contention run must be. Returns each
/// `(writer, pid)`'s number of commits.
pub fn check(state: &UserState, generation: u64) -> Result<BTreeMap<(u32, u32), u32>, String> {
    let rules = state.rules.list();
    if rules.len() as u64 != generation {
        return Err(format!("generation {generation} holds {} rules (an update was lost)", rules.len()));
    }
    let mut per_writer: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
    for (n, r) in rules.iter().enumerate() {
        if u64::from(r.id) != n as u64 + 1 {
            return Err(format!("generation {generation}: rule #{n} has id {}", r.id));
        }
        let key = match &r.target {
            RuleTarget::Keyword(k) => parse_key(k),
            _ => None,
        };
        let Some((w, p, i)) = key else {
            return Err(format!("generation {generation}: rule {} is not a contender rule", r.id));
        };
        per_writer.entry((w, p)).or_default().push(i);
    }
    let mut out = BTreeMap::new();
    for (k, is) in per_writer {
        // A writer commits in order, so its rules are 0, 1, 2, … in file order.
        if is.iter().enumerate().any(|(n, &i)| i as usize != n) {
            return Err(format!("generation {generation}: writer {} pid {} has a gap", k.0, k.1));
        }
        out.insert(k, is.len() as u32);
    }
    Ok(out)
}

fn write(path: &str, writer: u32, count: u32) -> Result<(), String> {
    let store = Store::open(path).map_err(|e| format!("open: {e}"))?;
    let pid = std::process::id();
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let key = rule_key(writer, pid, i);
        store
            .update(|s| Ok(s.rules.add(RuleTarget::Keyword(key), RuleEffect::Block, i64::from(i))?))
            .map_err(|e| format!("commit {i}: {e}"))?;
        writeln!(out, "{}", store.generation()).and_then(|_| out.flush()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn read(path: &str, last: u64, max: Duration) -> Result<(), String> {
    let start = Instant::now();
    // `Store::open` on a missing file is an empty state; the writers create it.
    let store = Store::open(path).map_err(|e| format!("open: {e}"))?;
    let (mut reads, mut distinct, mut seen) = (0u64, 0u64, 0u64);
    while seen < last {
        if start.elapsed() > max {
            return Err(format!("saw generation {seen} of {last} in {max:?}"));
        }
        let (state, generation) = if reads.is_multiple_of(2) {
            match read_file(Path::new(path)) {
                Ok(Some(l)) => (l.state, l.generation),
                Ok(None) => (UserState::default(), 0),
                Err(e) => return Err(format!("read {reads}: {e}")),
            }
        } else {
            store.reload().map_err(|e| format!("reload {reads}: {e}"))?;
            (store.snapshot(), store.generation())
        };
        reads += 1;
        check(&state, generation).map_err(|e| format!("read {reads}: {e}"))?;
        if generation < seen {
            return Err(format!("read {reads}: generation went back from {seen} to {generation}"));
        }
        if generation > seen {
            distinct += 1;
            seen = generation;
        }
    }
    println!("reads {reads} generations {distinct} last {seen}");
    Ok(())
}

fn hold(path: &str) -> Result<(), String> {
    let store = Store::open(path).map_err(|e| format!("open: {e}"))?;
    store
        .update(|_| -> Result<(), _> {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "held").and_then(|_| out.flush());
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        })
        .map_err(|e| format!("lock: {e}"))
}

/// The helper's work for `args` (without the program name); the process exit code.
pub fn run(args: &[String]) -> i32 {
    let num = |i: usize| args.get(i).and_then(|s| s.parse::<u64>().ok());
    let result = match (args.first().map(String::as_str), args.get(1)) {
        (Some("write"), Some(path)) => match (num(2), num(3)) {
            (Some(w), Some(n)) => write(path, w as u32, n as u32),
            _ => Err("write needs <writer> <count>".into()),
        },
        (Some("read"), Some(path)) => match (num(2), num(3)) {
            (Some(last), Some(secs)) => read(path, last, Duration::from_secs(secs)),
            _ => Err("read needs <last-generation> <max-seconds>".into()),
        },
        (Some("hold"), Some(path)) => hold(path),
        _ => Err("usage: state_contender write|read|hold <state-file> …".into()),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("state_contender: {e}");
            1
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(u8::try_from(run(&args)).unwrap_or(1))
}
