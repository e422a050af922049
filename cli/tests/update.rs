//! `smsguard update` end to end: keygen → sign → verify → apply → status, and the refusals a
//! device must survive (exit 2, the reason named, the rules in use unchanged). Rules and messages
//! are invented.

mod common;

use common::{remove_temp, run, stderr, stdout, temp_file};

const PACK: &str =
    "format = smsguard-rules/1\npack = cli-update\nversion = 2\n\n[lantern.sale]\nany = 灯笼团购\n\
effect = block fraud\nreason = lantern\nzh = 测试\nen = Test\n";
const BODY: &str = "元宵灯笼团购今晚截止，回复1参团";

fn action(state: &str, trust: &str) -> String {
    let out = run(&["--state", state, "--trust-key", trust, "classify", "--json", "--body", BODY], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("verdict JSON");
    v["action"].as_str().unwrap_or_default().to_string()
}

#[test]
fn keygen_sign_verify_apply_and_every_refusal() {
    let payload = temp_file("update", "pack.rules", PACK.as_bytes());
    let dir = payload.parent().expect("dir").to_path_buf();
    let p = |name: &str| dir.join(name).display().to_string();
    let (secret, public, bundle, state) =
        (p("key.json"), p("key.pub.json"), p("rules.bundle"), p("state.json"));

    let out = run(&["update", "keygen", "--id", "cli-test", "--out", &secret], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(&public, stdout(&out)).expect("write public key");
    // A second keygen never overwrites a secret key.
    assert!(!run(&["update", "keygen", "--id", "cli-test", "--out", &secret], b"").status.success());

    let pay = payload.display().to_string();
    let signed = run(
        &["update", "sign", "--key", &secret, "--kind", "rules", "--version", "4", &pay, "-o", &bundle],
        b"",
    );
    assert!(signed.status.success(), "{}", stderr(&signed));

    // Without the key: the embedded keyring does not know it.
    let out = run(&["update", "verify", &bundle], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not trust"), "{}", stderr(&out));
    let out = run(&["--trust-key", &public, "update", "verify", &bundle], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"version\": 4"));

    assert_ne!(action(&state, &public), "junk");
    let out = run(&["--state", &state, "--trust-key", &public, "update", "apply", &bundle], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(action(&state, &public), "junk");
    let out = run(&["--state", &state, "--trust-key", &public, "update", "status"], b"");
    assert!(stdout(&out).contains("\"kind\": \"rules\""), "{}", stdout(&out));

    // Refusals: same version again, a tampered copy; the update in use stays.
    let out = run(&["--state", &state, "--trust-key", &public, "update", "apply", &bundle], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not newer"), "{}", stderr(&out));
    let mut bytes = std::fs::read(&bundle).expect("bundle");
    let n = bytes.len();
    bytes[n - 70] ^= 0x20;
    let tampered = p("tampered.bundle");
    std::fs::write(&tampered, &bytes).expect("write");
    let out = run(&["--state", &state, "--trust-key", &public, "update", "apply", &tampered], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("changed after signing"), "{}", stderr(&out));
    assert_eq!(action(&state, &public), "junk");

    // `apply` needs a state to keep the update beside.
    let out = run(&["--trust-key", &public, "update", "apply", &bundle], b"");
    assert_eq!(out.status.code(), Some(2));
    remove_temp(&payload);
}
