//! Signed updates through the session: a good bundle replaces the embedded data and survives a
//! restart; each kind of bad bundle is refused with its reason while the data in use stays (same
//! verdicts, same files on disk). Keys are made here; messages and rules are invented.

use std::path::{Path, PathBuf};

use smsguard_core::model::nnef::{EMBEDDED_MANIFEST, EMBEDDED_NNEF};
use smsguard_core::session::{Session, SessionConfig};
use smsguard_core::update::{Keyring, SigningKey, UpdateError, UpdateKind};
use smsguard_core::{Action, Engine, SmsMessage};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smsguard-updates-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir.join("state.json")
}

fn key(id: &str, byte: u8) -> SigningKey {
    SigningKey::from_random(id, [byte; 32])
}

fn trusting(k: &SigningKey) -> SessionConfig {
    let public = k.public().and_then(|p| p.key()).unwrap_or_else(|e| panic!("{e}"));
    SessionConfig { keys: Keyring::embedded().with_key(&k.id, public), ..SessionConfig::default() }
}

fn open(config: SessionConfig, path: &Path) -> Session {
    Session::open(config, Some(path)).unwrap_or_else(|e| panic!("{e}"))
}

/// A whole base pack: one rule that sends an invented fruit-box offer to junk.
const PACK: &str = "format = smsguard-rules/1\npack = update-test\nversion = 2\n\n[fruit.box]\nany = 蓝莓礼盒\neffect = block fraud\nreason = fruit_box\nzh = 测试规则\nen = Test rule\n";

fn fruit() -> SmsMessage {
    SmsMessage::new("", "周末蓝莓礼盒到货，回复1预订")
}

fn sign(k: &SigningKey, kind: UpdateKind, version: u64, payload: &[u8]) -> Vec<u8> {
    let manifest = (kind == UpdateKind::Model).then_some(EMBEDDED_MANIFEST);
    k.sign(kind, version, payload, manifest, 1_700_000_000).unwrap_or_else(|e| panic!("{e}"))
}

fn reason(r: Result<impl std::fmt::Debug, UpdateError>) -> &'static str {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.reason(),
    }
}

#[test]
fn a_rules_update_replaces_the_default_pack_and_survives_a_restart() {
    let path = temp("rules");
    let k = key("test-2026", 3);
    let session = open(trusting(&k), &path);
    assert_ne!(session.classify(&fruit()).action, Action::Junk, "the default pack knows nothing of it");

    let info = session
        .apply_update(&sign(&k, UpdateKind::Rules, 2, PACK.as_bytes()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((info.kind, info.version), (UpdateKind::Rules, 2));
    assert_eq!(session.classify(&fruit()).action, Action::Junk);
    assert!(session.updates_dir().is_some_and(|d| d.join("rules.update").is_file()));

    let again = open(trusting(&k), &path);
    assert_eq!(again.classify(&fruit()).action, Action::Junk, "kept beside the state");
    assert_eq!(again.updates().len(), 1);
    assert!(again.problems().is_empty(), "{:?}", again.problems());

    // Without the key in the keyring (a library that no longer trusts it), the installed bundle
    // is not used and the reason is reported; the embedded pack is back.
    let untrusting = open(SessionConfig::default(), &path);
    assert_ne!(untrusting.classify(&fruit()).action, Action::Junk);
    assert!(untrusting.problems().iter().any(|p| p.starts_with("installed rules update not used")));
}

#[test]
fn each_bad_bundle_is_refused_with_its_reason_and_nothing_changes() {
    let path = temp("refusals");
    let k = key("test-2026", 3);
    let session = open(trusting(&k), &path);
    session.apply_update(&sign(&k, UpdateKind::Rules, 5, PACK.as_bytes())).unwrap_or_else(|e| panic!("{e}"));
    let file = session.updates_dir().map(|d| d.join("rules.update")).unwrap_or_default();
    let installed = std::fs::read(&file).unwrap_or_else(|e| panic!("{e}"));
    let other_pack = PACK.replace("蓝莓礼盒", "草莓礼盒");

    let good = sign(&k, UpdateKind::Rules, 6, other_pack.as_bytes());
    let n = good.len();
    assert_eq!(reason(session.apply_update(&good[..n - 64])), "unsigned");
    let mut tampered = good.clone();
    tampered[n - 70] ^= 0x20;
    assert_eq!(reason(session.apply_update(&tampered)), "tampered");
    let impostor = key("test-2026", 4);
    assert_eq!(
        reason(session.apply_update(&sign(&impostor, UpdateKind::Rules, 6, other_pack.as_bytes()))),
        "bad_signature"
    );
    assert_eq!(
        reason(session.apply_update(&sign(&key("stranger", 3), UpdateKind::Rules, 6, other_pack.as_bytes()))),
        "unknown_key"
    );
    assert_eq!(
        reason(session.apply_update(&sign(&k, UpdateKind::Rules, 5, other_pack.as_bytes()))),
        "not_newer"
    );
    assert_eq!(
        reason(session.apply_update(&sign(&k, UpdateKind::Rules, 4, other_pack.as_bytes()))),
        "not_newer"
    );
    let broken = PACK.replace("any = 蓝莓礼盒", "regex = 蓝莓(礼盒");
    assert_eq!(
        reason(session.apply_update(&sign(&k, UpdateKind::Rules, 7, broken.as_bytes()))),
        "invalid_payload"
    );
    assert_eq!(reason(session.apply_update(b"not an update")), "malformed");

    // The data in use stayed, in this session and on disk.
    assert_eq!(session.classify(&fruit()).action, Action::Junk);
    assert_eq!(session.updates()[0].version, 5);
    assert_eq!(std::fs::read(&file).unwrap_or_else(|e| panic!("{e}")), installed);

    // The refusal names the update, the line and the rule.
    let e =
        session.apply_update(&sign(&k, UpdateKind::Rules, 7, broken.as_bytes())).err().map(|e| e.to_string());
    let e = e.unwrap_or_default();
    assert!(e.contains("rules update v7 line 6 (fruit.box)"), "{e}");

    // A newer good one is taken.
    session.apply_update(&good).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(session.classify(&fruit()).action, Action::Junk);
}

#[test]
fn another_process_cannot_install_an_older_version_over_a_newer_one() {
    let path = temp("two-processes");
    let k = key("test-2026", 3);
    let first = open(trusting(&k), &path);
    let second = open(trusting(&k), &path);
    first.apply_update(&sign(&k, UpdateKind::Rules, 9, PACK.as_bytes())).unwrap_or_else(|e| panic!("{e}"));
    // The second session opened before and has not seen v9: the file on disk decides.
    assert_eq!(reason(second.apply_update(&sign(&k, UpdateKind::Rules, 8, PACK.as_bytes()))), "not_newer");
}

#[test]
fn a_file_changed_on_disk_is_not_used_and_the_state_still_opens() {
    let path = temp("on-disk");
    let k = key("test-2026", 3);
    let session = open(trusting(&k), &path);
    session.apply_update(&sign(&k, UpdateKind::Rules, 2, PACK.as_bytes())).unwrap_or_else(|e| panic!("{e}"));
    let file = session.updates_dir().map(|d| d.join("rules.update")).unwrap_or_default();
    let mut bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{e}"));
    let n = bytes.len();
    bytes[n - 70] ^= 0x20;
    std::fs::write(&file, &bytes).unwrap_or_else(|e| panic!("{e}"));

    let reopened = open(trusting(&k), &path);
    assert!(reopened.updates().is_empty());
    assert_ne!(reopened.classify(&fruit()).action, Action::Junk);
    let problems = reopened.problems();
    assert!(problems.iter().any(|p| p.contains("changed after signing")), "{problems:?}");
}

#[test]
fn explicit_packs_win_over_a_rules_update() {
    let path = temp("explicit");
    let k = key("test-2026", 3);
    let own = "format = smsguard-rules/1\npack = oem\nversion = 1\n\n[oem.rule]\nany = 测试专用词\neffect = block fraud\nreason = oem\nzh = 厂商\nen = OEM\n";
    let base = Engine::new().with_rule_packs(&[("oem.rules", own)]).unwrap_or_else(|e| panic!("{e}"));
    let session = open(SessionConfig { base, ..trusting(&k) }, &path);
    session.apply_update(&sign(&k, UpdateKind::Rules, 2, PACK.as_bytes())).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(session.classify(&fruit()).action, Action::Junk, "the OEM's own pack stays in use");
    assert_eq!(session.classify(&SmsMessage::new("", "这是测试专用词")).action, Action::Junk);
}

#[test]
fn a_model_update_loads_and_a_mismatched_one_is_refused() {
    let path = temp("model");
    let k = key("test-2026", 3);
    let session = open(SessionConfig { model_default: true, ..trusting(&k) }, &path);
    let info = session
        .apply_update(&sign(&k, UpdateKind::Model, 2, EMBEDDED_NNEF))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.kind, UpdateKind::Model);
    assert!(session.engine().model_name().is_some());

    // Payload and model manifest that do not belong together (sha256 in the model manifest).
    let mut other = EMBEDDED_NNEF.to_vec();
    other.extend_from_slice(&[0u8; 512]);
    assert_eq!(reason(session.apply_update(&sign(&k, UpdateKind::Model, 3, &other))), "invalid_payload");
    assert_eq!(session.updates()[0].version, 2);
}

#[test]
fn an_institutions_update_replaces_the_table() {
    let path = temp("institutions");
    let k = key("test-2026", 3);
    let session = open(trusting(&k), &path);
    let garbage = "this is\tnot\ta table\n";
    assert_eq!(
        reason(session.apply_update(&sign(&k, UpdateKind::Institutions, 2, garbage.as_bytes()))),
        "invalid_payload"
    );
    let before = session.engine().institutions().len();
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/institutions.tsv"))
        .unwrap_or_else(|e| panic!("{e}"));
    // The embedded table minus its last institution line.
    let mut lines: Vec<&str> = table.lines().collect();
    let last = lines.iter().rposition(|l| !l.starts_with('#') && !l.trim().is_empty()).unwrap_or(0);
    lines.remove(last);
    let smaller = lines.join("\n") + "\n";
    session
        .apply_update(&sign(&k, UpdateKind::Institutions, 2, smaller.as_bytes()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(session.engine().institutions().len(), before - 1);
}
