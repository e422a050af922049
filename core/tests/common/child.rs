//! Multi-process tests run their helper (an example's `run`, e.g. `examples/state_contender.rs`)
//! in child processes that are this test binary itself, re-executed to run only the test named
//! [`CHILD_TEST`] with the helper's arguments in [`CHILD_ENV`]. So the child is always built from
//! this very tree and profile, with no nested `cargo build` (which resolved features differently
//! from `cargo test --workspace` and rebuilt dependencies: minutes of a CI run).
//!
//! A test file using this declares
//! `#[test] fn child_process() { if let Some(a) = child::args() { std::process::exit(run(&a)) } }`.

use std::process::Command;

pub const CHILD_ENV: &str = "SMSGUARD_TEST_CHILD_ARGS";
pub const CHILD_TEST: &str = "child_process";
/// Separates arguments in [`CHILD_ENV`] (paths and numbers never contain it).
const SEP: char = '\u{1f}';

/// The helper's arguments when this process is such a child, else `None`.
pub fn args() -> Option<Vec<String>> {
    std::env::var(CHILD_ENV).ok().map(|s| s.split(SEP).map(str::to_string).collect())
}

/// A command that runs the helper with `args` in a child process. Its stdout starts with the test
/// harness's own `running 1 test` line; readers skip lines that are not theirs.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap_or_default());
    cmd.args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1", "--quiet"])
        .env(CHILD_ENV, args.join(&SEP.to_string()));
    cmd
}
