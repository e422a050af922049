//! Crash test for the state store: a writer process (`examples/state_crash_writer.rs`) commits
//! state after state; we SIGKILL it at random moments, many times, and after every kill the file
//! must load and be exactly the state of one committed generation — the last one the writer
//! reported, or the one it was committing when it died (renamed but not yet reported).
//!
//! `STATE_CRASH_ITERATIONS` (default 80) and `STATE_CRASH_SEED` tune it.

#[allow(dead_code)]
#[path = "../examples/state_crash_writer.rs"]
mod writer;

#[path = "common/child.rs"]
mod child;

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use smsguard_core::store::{read_file, STATE_VERSION};

/// Not a test of its own: the writer process of the test below (see `common/child.rs`).
#[test]
fn child_process() {
    if let Some(args) = child::args() {
        std::process::exit(writer::run(&args));
    }
}

/// xorshift64*: reproducible random kill times from a printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

#[test]
fn sigkill_mid_write_never_loses_the_last_committed_state() {
    let dir = std::env::temp_dir().join(format!("smsguard-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let path = dir.join("state.json");

    let iterations = env_u64("STATE_CRASH_ITERATIONS").unwrap_or(80);
    let seed = env_u64("STATE_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    }) | 1;
    eprintln!("state_crash: {iterations} iterations, STATE_CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    let mut on_disk: u64 = 0;
    let mut kills_mid_run = 0;
    let mut committed_not_reported = 0;
    let started = Instant::now();
    for i in 0..iterations {
        let mut child = child::command(&[&path.to_string_lossy()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn writer: {e}"));
        // Between 2 and 80 ms (a commit takes ~15 ms with its two fsyncs): sometimes before the
        // first commit, usually mid-stream.
        std::thread::sleep(Duration::from_micros(2_000 + rng.next() % 78_000));
        let exited_early = child.try_wait().ok().flatten();
        // Child::kill is SIGKILL on Unix.
        let _ = child.kill();
        let _ = child.wait();
        let mut out = String::new();
        if let Some(mut s) = child.stdout.take() {
            let _ = s.read_to_string(&mut out);
        }
        let mut err = String::new();
        if let Some(mut s) = child.stderr.take() {
            let _ = s.read_to_string(&mut err);
        }
        assert!(exited_early.is_none(), "iteration {i}: writer exited by itself ({exited_early:?}): {err}");
        let printed: Vec<u64> = out.lines().filter_map(|l| l.trim().parse().ok()).collect();
        if !printed.is_empty() {
            kills_mid_run += 1;
        }
        let last_printed = printed.last().copied().unwrap_or(on_disk);

        let loaded = match read_file(&path) {
            Ok(l) => l,
            Err(e) => panic!("iteration {i}: state file does not load after SIGKILL: {e}"),
        };
        let Some(loaded) = loaded else {
            assert_eq!(last_printed, 0, "iteration {i}: file missing after a reported commit");
            continue;
        };
        let g = loaded.generation;
        assert_eq!(loaded.version, STATE_VERSION);
        assert!(
            g >= last_printed && g <= last_printed + 1,
            "iteration {i}: file at generation {g}, writer reported {last_printed}"
        );
        if g == last_printed + 1 {
            committed_not_reported += 1;
        }
        assert!(g >= on_disk, "iteration {i}: generation went back from {on_disk} to {g}");
        assert!(
            loaded.state == writer::expected_state(g),
            "iteration {i}: generation {g} has the wrong content"
        );
        on_disk = g;
    }
    // Leftovers of the last kill are at most one temp file (and the lock file, which stays).
    let temps = std::fs::read_dir(&dir)
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().contains(".tmp-")).count())
        .unwrap_or(0);
    assert!(temps <= 1, "{temps} temp files left behind");
    eprintln!(
        "state_crash: {iterations} kills in {:.1}s, {kills_mid_run} after at least one commit, \
         {committed_not_reported} between rename and report, final generation {on_disk}",
        started.elapsed().as_secs_f64()
    );
    assert!(on_disk > 0, "the writer never committed anything");
    assert!(kills_mid_run * 4 >= iterations, "too few kills landed mid-run ({kills_mid_run}/{iterations})");
    let _ = std::fs::remove_dir_all(&dir);
}
