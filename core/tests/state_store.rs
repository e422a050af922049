//! The state store: round trip, corrupt and newer files refused and kept, v0 migration with a
//! backup, thread safety, two stores on one file (two processes), compare-and-swap, the
//! file lock (`tests/state_contention.rs` has the multi-process cases).

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use smsguard_core::consent::{ConsentSource, ConsentState};
use smsguard_core::store::{Opened, StateError, Store, UserState, STATE_VERSION};
use smsguard_core::user_rules::{RuleEffect, RuleTarget};
use smsguard_core::verdict::Consent;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("smsguard-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap_or_default();
        TempDir(d)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn open(path: &Path) -> Store {
    Store::open(path).unwrap_or_else(|e| panic!("open: {e}"))
}

fn grant(store: &Store, sig: &str, now: i64) {
    store
        .update(|s| {
            s.consents.grant(Some(sig), None, now, ConsentSource::User)?;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("commit: {e}"));
}

#[test]
fn missing_file_is_new_and_commits_round_trip() {
    let dir = TempDir::new("roundtrip");
    let path = dir.file("state.json");
    let store = open(&path);
    assert_eq!(store.opened(), &Opened::New);
    assert_eq!(store.generation(), 0);
    assert!(!path.exists(), "opening must not write");

    grant(&store, "某商城", 100);
    store
        .update(|s| {
            s.settings.strict = true;
            s.rules.add(RuleTarget::Keyword("贷款".into()), RuleEffect::Block, 101)?;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.generation(), 2);

    let again = open(&path);
    assert_eq!(again.opened(), &Opened::Loaded);
    assert_eq!(again.generation(), 2);
    assert_eq!(again.snapshot(), store.snapshot());
    let choices = again.user_choices();
    assert!(choices.strict);
    assert_eq!(choices.consents.consent_for(Some("某商城"), ""), Consent::Granted);
    // No temp file remains; the lock file stays (it is never deleted, see store.rs).
    assert_eq!(dir.names(), ["state.json", "state.json.lock"]);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text.contains("\"format\": \"smsguard-state\"") && text.contains("\"generation\": 2"));
}

#[test]
fn a_failed_change_writes_nothing() {
    let dir = TempDir::new("failed");
    let path = dir.file("state.json");
    let store = open(&path);
    grant(&store, "某商城", 1);
    let before = std::fs::read(&path).unwrap_or_default();
    let r = store.update(|s| {
        s.settings.strict = true;
        s.rules.add(RuleTarget::Regex("a(b".into()), RuleEffect::Block, 2)?;
        Ok(())
    });
    let Err(StateError::Rule(e)) = r else { panic!("bad regex accepted: {r:?}") };
    assert!(e.to_string().starts_with("bad regex"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap_or_default(), before);
    assert!(!store.snapshot().settings.strict, "memory changed by a failed commit");
    assert_eq!(store.generation(), 1);
}

#[test]
fn corrupt_file_is_refused_kept_and_can_be_set_aside() {
    let dir = TempDir::new("corrupt");
    let path = dir.file("state.json");
    for (bytes, problem) in [
        (&b"{\"format\": \"smsguard-state\", \"version\": 1, \"generation\": 3, \"sta"[..], "truncated JSON"),
        (&b"\xff\xfe not text"[..], "not UTF-8"),
        (&b"[1, 2, 3]"[..], "line 1"),
        (&b"{\"format\": \"other-app\", \"version\": 1}"[..], "format is not"),
        (&b"{\"format\": \"smsguard-state\", \"version\": 1, \"generation\": 1, \"state\": {\"settings\": {\"strict\": \"13800000000\"}}}"[..], "unexpected value"),
    ] {
        std::fs::write(&path, bytes).unwrap_or_default();
        let e = Store::open(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(e.contains(problem), "{e}");
        assert!(e.contains("left untouched"), "{e}");
        assert!(!e.contains("13800000000"), "error quotes file content: {e}");
        assert_eq!(std::fs::read(&path).unwrap_or_default(), bytes, "corrupt file was modified");
    }
    let aside = Store::set_aside(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(aside, dir.file("state.json.corrupt-1"));
    assert!(aside.exists() && !path.exists());
    // Starting over after setting it aside works, and a second corrupt file gets the next number.
    let store = open(&path);
    grant(&store, "某商城", 1);
    std::fs::write(&path, b"garbage").unwrap_or_default();
    assert_eq!(Store::set_aside(&path).ok(), Some(dir.file("state.json.corrupt-2")));
}

#[test]
fn newer_version_is_refused_and_never_overwritten() {
    let dir = TempDir::new("newer");
    let path = dir.file("state.json");
    let newer = format!(
        "{{\"format\": \"smsguard-state\", \"version\": {}, \"generation\": 5, \"state\": {{\"future\": 1}}}}",
        STATE_VERSION + 1
    );
    std::fs::write(&path, &newer).unwrap_or_default();
    match Store::open(&path) {
        Err(StateError::NewerVersion { found, supported, .. }) => {
            assert_eq!((found, supported), (u64::from(STATE_VERSION) + 1, STATE_VERSION));
        }
        other => panic!("newer file not refused: {other:?}"),
    }
    // A store already open on this path (e.g. an old app version running while a new one
    // upgraded the file) refuses to commit over it.
    let other = dir.file("b.json");
    let store = open(&other);
    std::fs::copy(&path, &other).unwrap_or_default();
    let r = store.update(|s| {
        s.settings.strict = true;
        Ok(())
    });
    assert!(matches!(r, Err(StateError::NewerVersion { .. })), "{r:?}");
    assert_eq!(std::fs::read_to_string(&other).unwrap_or_default(), newer);
}

/// A hand-written version 0 file: the first shape (consents as a plain map, allow/block lists).
const V0_FILE: &str = r#"{
  "version": 0,
  "strict": true,
  "consents": { "某商城": "granted", "【某书店】": "revoked" },
  "blocked_signatures": ["某贷款"],
  "allowed_signatures": [],
  "blocked_senders": ["+86 10690000999"],
  "allowed_senders": ["95500"]
}
"#;

#[test]
fn version_0_migrates_with_a_backup() {
    let dir = TempDir::new("v0");
    let path = dir.file("state.json");
    std::fs::write(&path, V0_FILE).unwrap_or_default();
    let store = open(&path);
    let backup = dir.file("state.json.v0.bak");
    assert_eq!(store.opened(), &Opened::Migrated { from: 0, backup: backup.clone() });
    assert_eq!(std::fs::read_to_string(&backup).unwrap_or_default(), V0_FILE);

    let s = store.snapshot();
    assert!(s.settings.strict);
    let entries = s.consents.list();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.how == ConsentSource::Import && e.at == 0));
    assert_eq!(s.consents.consent_for(Some("某书店"), ""), Consent::Revoked);
    assert_eq!(s.consents.consent_for(Some("某商城"), ""), Consent::Granted);
    let rules: Vec<(&str, &str, RuleEffect)> =
        s.rules.list().iter().map(|r| (r.target.kind_str(), r.target.value(), r.effect)).collect();
    assert_eq!(rules.len(), 3);
    assert!(rules.contains(&("signature", "某贷款", RuleEffect::Block)));
    assert!(rules.contains(&("sender", "95500", RuleEffect::Allow)));

    // The first commit writes version 1; the backup stays.
    grant(&store, "某影院", 5);
    let again = open(&path);
    assert_eq!(again.opened(), &Opened::Loaded);
    assert_eq!(again.generation(), 1);
    assert_eq!(again.snapshot().consents.list().len(), 3);
    assert!(backup.exists());
    // A second migration of another v0 file does not overwrite the first backup.
    std::fs::write(&path, V0_FILE).unwrap_or_default();
    let third = open(&path);
    assert_eq!(third.opened(), &Opened::Migrated { from: 0, backup: dir.file("state.json.v0.bak.1") });
}

#[test]
fn threads_share_one_store_without_losing_updates() {
    let dir = TempDir::new("threads");
    let path = dir.file("state.json");
    let store = Arc::new(open(&path));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..10 {
                    grant(&store, &format!("品牌{t}-{i}"), i);
                    // Readers run concurrently with writers.
                    assert!(store.snapshot().consents.list().len() > i as usize);
                }
            })
        })
        .collect();
    for t in threads {
        assert!(t.join().is_ok(), "a thread panicked");
    }
    assert_eq!(store.generation(), 40);
    assert_eq!(open(&path).snapshot().consents.list().len(), 40);
}

#[test]
fn two_stores_on_one_file_merge_instead_of_losing_updates() {
    // Two `Store`s on one path behave like two processes: each re-reads under the file lock.
    let dir = TempDir::new("twoproc");
    let path = dir.file("state.json");
    let a = open(&path);
    let b = open(&path);
    grant(&a, "甲商城", 1);
    grant(&b, "乙商城", 2); // b loaded before a's commit, but a's grant must survive
    grant(&a, "丙商城", 3);
    let s = open(&path).snapshot();
    assert_eq!(s.consents.list().len(), 3, "an update was lost");
    assert_eq!(open(&path).generation(), 3);
    assert_eq!(a.snapshot(), s);

    // Compare-and-swap: b still believes generation 2, the file is at 3.
    let r = b.update_if(b.generation(), |st| {
        st.settings.strict = true;
        Ok(())
    });
    assert!(matches!(r, Err(StateError::Conflict { expected: 2, found: 3, .. })), "{r:?}");
    assert!(!open(&path).snapshot().settings.strict);
    b.reload().unwrap_or_else(|e| panic!("{e}"));
    assert!(b
        .update_if(b.generation(), |st| {
            st.settings.strict = true;
            Ok(())
        })
        .is_ok());
    assert!(open(&path).snapshot().settings.strict);
}

#[test]
fn a_leftover_lock_file_does_not_block_and_dead_writers_temps_are_removed() {
    let dir = TempDir::new("lock");
    let path = dir.file("state.json");
    let store = open(&path).with_lock_timeout(Duration::from_secs(5));
    // A lock file with old-style content (a pid that cannot exist) but no OS lock on it, and a
    // temp file a crashed writer left.
    std::fs::write(dir.file("state.json.lock"), "4294967294").unwrap_or_default();
    std::fs::write(dir.file(".state.json.tmp-99999-0"), "half a state").unwrap_or_default();
    grant(&store, "某商城", 1);
    assert_eq!(dir.names(), ["state.json", "state.json.lock"]);
}

#[test]
fn a_commit_waits_for_another_handles_lock_and_times_out() {
    let dir = TempDir::new("wait");
    let path = dir.file("state.json");
    // Two stores on one path: only the file lock keeps them apart (as between processes).
    let holder = Arc::new(open(&path));
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let held = {
        let holder = Arc::clone(&holder);
        std::thread::spawn(move || {
            holder.update(|s| {
                let _ = locked_tx.send(());
                // Bounded, in case the test body fails before releasing.
                let _ = release_rx.recv_timeout(Duration::from_secs(30));
                Ok(s.rules.add(RuleTarget::Keyword("甲".into()), RuleEffect::Block, 1)?)
            })
        })
    };
    assert!(locked_rx.recv_timeout(Duration::from_secs(30)).is_ok(), "holder never got the lock");

    // A short timeout: the commit waits that long, then fails and writes nothing.
    let timeout = Duration::from_millis(200);
    let impatient = open(&path).with_lock_timeout(timeout);
    let started = Instant::now();
    let r = impatient.update(|s| Ok(s.rules.add(RuleTarget::Keyword("乙".into()), RuleEffect::Block, 2)?));
    assert!(matches!(r, Err(StateError::Locked { .. })), "{r:?}");
    assert!(started.elapsed() >= timeout, "gave up after {:?}", started.elapsed());
    assert_eq!(impatient.generation(), 0);
    assert!(!path.exists(), "a timed-out commit wrote the file");

    // A patient one waits until the holder commits, then applies its change on top.
    let patient = std::thread::spawn(move || {
        let store = open(&path).with_lock_timeout(Duration::from_secs(30));
        let r = store.update(|s| Ok(s.rules.add(RuleTarget::Keyword("乙".into()), RuleEffect::Block, 2)?));
        r.map(|_| store.snapshot())
    });
    std::thread::sleep(Duration::from_millis(50));
    let _ = release_tx.send(());
    let held = held.join().unwrap_or_else(|_| panic!("holder panicked"));
    assert!(held.is_ok(), "{held:?}");
    let state =
        patient.join().unwrap_or_else(|_| panic!("waiter panicked")).unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<&str> = state.rules.list().iter().map(|r| r.target.value()).collect();
    assert_eq!(keys, ["甲", "乙"], "the waiting commit lost the holder's update");
}

#[test]
fn every_part_of_the_state_survives_a_reopen() {
    let dir = TempDir::new("parts");
    let path = dir.file("state.json");
    let store = open(&path);
    store
        .update(|s| {
            s.consents.set(Some("某商城"), Some("1069001"), ConsentState::Revoked, 9, ConsentSource::User)?;
            s.rules.add(RuleTarget::Sender("10690000".into()), RuleEffect::Allow, 9)?;
            s.feedback.record_target(
                smsguard_core::feedback::FeedbackKind::IsJunk,
                smsguard_core::feedback::FeedbackTarget::Signature("某贷款".into()),
                9,
            )?;
            s.reports.record("ab".repeat(32).as_str(), "china_mobile", 9);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let back: UserState = open(&path).snapshot();
    assert_eq!(back, store.snapshot());
    assert_eq!(back.feedback.list().len(), 1);
    assert!(back.reports.contains(&"ab".repeat(32)));
    assert_eq!(back.rule_pack_text(), store.rule_pack_text());
}
