//! Several real processes on one state file (`examples/state_contender.rs`): writers that commit
//! concurrently lose no update, a reader never sees a torn or inconsistent file, generations only
//! grow, and a lock held by a process that is SIGKILLed does not block the next writer.
//!
//! `STATE_CONTENTION_WRITERS` (default 3) and `STATE_CONTENTION_UPDATES` (default 40) tune it.

#[allow(dead_code)]
#[path = "../examples/state_contender.rs"]
mod contender;

#[path = "common/child.rs"]
mod child;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use smsguard_core::store::{read_file, StateError, Store};
use smsguard_core::user_rules::{RuleEffect, RuleTarget};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("smsguard-contention-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap_or_default();
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// Not a test of its own: the contender processes of the tests below (see `common/child.rs`).
#[test]
fn child_process() {
    if let Some(args) = child::args() {
        std::process::exit(contender::run(&args));
    }
}

fn spawn(args: &[&str]) -> Child {
    child::command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {args:?}: {e}"))
}

/// Wait for a child and return (success, stdout, stderr).
fn finish(mut child: Child) -> (bool, String, String) {
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    let mut err = String::new();
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut err);
    }
    let ok = child.wait().is_ok_and(|s| s.success());
    (ok, out, err)
}

/// Start a `hold` child and wait until it holds the lock. `None` if it exited instead.
fn start_holder(path: &Path) -> Option<Child> {
    let mut child = spawn(&["hold", &path.to_string_lossy()]);
    // Bounded: the holder either gets the lock or gives up after the store's lock timeout. Lines
    // before `held` are the test harness's.
    let held = child
        .stdout
        .as_mut()
        .is_some_and(|s| BufReader::new(s).lines().map_while(Result::ok).any(|line| line.trim() == "held"));
    if held {
        Some(child)
    } else {
        let (_, _, err) = finish(child);
        eprintln!("holder did not get the lock: {err}");
        None
    }
}

/// SIGKILL (Child::kill on Unix) and reap, so that the process is really gone.
fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn add_rule(store: &Store, key: &str) -> Result<u32, StateError> {
    store.update(|s| Ok(s.rules.add(RuleTarget::Keyword(key.into()), RuleEffect::Block, 1)?))
}

#[test]
fn writer_processes_lose_no_update_and_a_reader_never_sees_a_torn_file() {
    let dir = TempDir::new("writers");
    let path = dir.0.join("state.json");
    let p = path.to_string_lossy().into_owned();
    let writers = env_u64("STATE_CONTENTION_WRITERS").unwrap_or(3);
    let updates = env_u64("STATE_CONTENTION_UPDATES").unwrap_or(40);
    let total = writers * updates;
    let started = Instant::now();

    let reader = spawn(&["read", &p, &total.to_string(), "180"]);
    let mut children: Vec<Child> =
        (0..writers).map(|w| spawn(&["write", &p, &w.to_string(), &updates.to_string()])).collect();
    let pids: Vec<u32> = children.iter().map(Child::id).collect();

    // Meanwhile, processes that die holding the lock while the writers queue behind them (a lock
    // file naming a dead pid is what the old lock-file scheme raced on).
    let mut kills = 0;
    while kills < 10 && children.iter_mut().all(|c| c.try_wait().ok().flatten().is_none()) {
        let Some(holder) = start_holder(&path) else { break };
        std::thread::sleep(Duration::from_millis(20));
        kill(holder);
        kills += 1;
    }

    let mut generations = Vec::new();
    for (w, child) in children.drain(..).enumerate() {
        let (ok, out, err) = finish(child);
        assert!(ok, "writer {w} failed: {err}");
        let mine: Vec<u64> = out.lines().filter_map(|l| l.trim().parse().ok()).collect();
        assert_eq!(mine.len() as u64, updates, "writer {w} reported {} commits", mine.len());
        assert!(mine.windows(2).all(|g| g[0] < g[1]), "writer {w}: generations not increasing: {mine:?}");
        generations.extend(mine);
    }
    let writers_done = started.elapsed();
    generations.sort_unstable();
    // Each commit got its own generation: two writers never committed on top of the same one.
    assert_eq!(generations, (1..=total).collect::<Vec<u64>>(), "generations reused or skipped");

    let (ok, out, err) = finish(reader);
    assert!(ok, "reader failed: {err}");

    let loaded = read_file(&path).unwrap_or_else(|e| panic!("final file: {e}"));
    let Some(loaded) = loaded else { panic!("no state file") };
    assert_eq!(loaded.generation, total);
    let counts = contender::check(&loaded.state, loaded.generation).unwrap_or_else(|e| panic!("{e}"));
    for (w, pid) in pids.iter().enumerate() {
        assert_eq!(counts.get(&(w as u32, *pid)).copied(), Some(updates as u32), "writer {w} lost updates");
    }
    assert_eq!(counts.len() as u64, writers, "rules from processes that never committed");
    eprintln!(
        "state_contention: {writers} writer processes x {updates} updates ({total} commits) with 1 reader \
         process and {kills} lock holders SIGKILLed: writers done in {:.2}s; reader: {}",
        writers_done.as_secs_f64(),
        out.lines().last().unwrap_or_default().trim()
    );
}

#[test]
fn a_live_holder_blocks_writers_not_readers_and_a_killed_one_blocks_nobody() {
    let dir = TempDir::new("holder");
    let path = dir.0.join("state.json");
    let store = Store::open(&path).unwrap_or_else(|e| panic!("open: {e}"));
    add_rule(&store, "before").unwrap_or_else(|e| panic!("{e}"));

    let Some(holder) = start_holder(&path) else { panic!("the holder never got the lock") };
    // Readers never take the lock (an iOS extension must not): they all answer while it is held.
    let reader = Store::open(&path).unwrap_or_else(|e| panic!("open while locked: {e}"));
    assert_eq!(reader.generation(), 1);
    reader.reload().unwrap_or_else(|e| panic!("reload while locked: {e}"));
    assert!(matches!(read_file(&path), Ok(Some(l)) if l.generation == 1));

    // A writer waits for the lock, then gives up with `Locked`, writing nothing.
    let timeout = Duration::from_millis(300);
    let waiting = Store::open(&path).unwrap_or_else(|e| panic!("open: {e}")).with_lock_timeout(timeout);
    let t = Instant::now();
    let r = add_rule(&waiting, "while-held");
    assert!(matches!(r, Err(StateError::Locked { .. })), "{r:?}");
    assert!(t.elapsed() >= timeout, "gave up after {:?}", t.elapsed());
    assert!(matches!(read_file(&path), Ok(Some(l)) if l.generation == 1));

    kill(holder);
    let lock = dir.0.join("state.json.lock");
    assert!(lock.exists(), "the killed holder's lock file should still be there");
    // The lock file is left behind but unlocked: the next writer goes straight in.
    let next =
        Store::open(&path).unwrap_or_else(|e| panic!("open: {e}")).with_lock_timeout(Duration::from_secs(5));
    add_rule(&next, "after").unwrap_or_else(|e| panic!("commit after the holder died: {e}"));
    assert_eq!(next.generation(), 2);
    let keys: Vec<String> =
        next.snapshot().rules.list().iter().map(|r| r.target.value().to_string()).collect();
    assert_eq!(keys, ["before", "after"], "the killed holder's change must not be committed");
    assert!(lock.exists(), "the lock file is never deleted");
}
