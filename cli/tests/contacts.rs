//! `--known-contact` (classify, explain, report, JSONL) and `report --carrier/--sim-operator`,
//! through the real binary, against the shared vectors in testdata/.

mod common;

use common::{run, stderr, stdout};
use serde_json::Value;

const CONTACTS: &str = include_str!("../../testdata/contacts.jsonl");
const CARRIERS: &str = include_str!("../../testdata/report_carriers.jsonl");

fn rows(text: &str) -> Vec<Value> {
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("vector")).collect()
}

fn json_of(args: &[&str], stdin: &[u8]) -> Value {
    let out = run(args, stdin);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON")
}

#[test]
fn known_contact_flag_and_jsonl_field_follow_the_vectors() {
    let vectors = rows(CONTACTS);
    let mut jsonl = String::new();
    for v in &vectors {
        let (sender, body) = (v["sender"].as_str().unwrap_or(""), v["body"].as_str().unwrap_or(""));
        let mut args = vec!["classify", "--sender", sender, "--body", body, "--json"];
        if v["known_contact"] == true {
            args.push("--known-contact");
        }
        let got = json_of(&args, b"");
        assert_eq!(got["action"], v["expect_action"], "{}", v["id"]);
        let line = serde_json::json!({"id": v["id"], "sender": sender, "body": body, "known_contact": v["known_contact"]});
        jsonl.push_str(&format!("{line}\n"));
    }
    jsonl.push_str("{\"id\":\"bad\",\"body\":\"x\",\"known_contact\":1}\n");
    let out = run(&["classify", "--jsonl"], jsonl.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).expect("line")).collect();
    assert_eq!(lines.len(), vectors.len() + 1);
    for (v, got) in vectors.iter().zip(&lines) {
        assert_eq!(got["id"], v["id"]);
        assert_eq!(got["action"], v["expect_action"], "{}", v["id"]);
    }
    assert!(lines[vectors.len()]["error"].as_str().unwrap_or("").contains("known_contact"));

    let k01 = &vectors[0];
    let explained = json_of(
        &[
            "explain",
            "--sender",
            k01["sender"].as_str().unwrap_or(""),
            "--body",
            k01["body"].as_str().unwrap_or(""),
            "--json",
            "--known-contact",
        ],
        b"",
    );
    assert_eq!(explained["verdict"]["reasons"][0]["code"], "known_contact");
}

#[test]
fn report_puts_the_receiving_carrier_first() {
    for v in rows(CARRIERS) {
        let (sender, body) = (v["sender"].as_str().unwrap_or(""), v["body"].as_str().unwrap_or(""));
        let op = v["sim_operator"].as_str().unwrap_or("");
        let carrier = v["expect_carrier"].as_str().unwrap_or("");
        for args in [vec!["--sim-operator", op], vec!["--carrier", carrier]] {
            let mut all = vec!["report", "--sender", sender, "--body", body];
            all.extend(args);
            let plan = json_of(&all, b"");
            assert_eq!(plan["drafts"][0]["channel"], v["expect_first_channel"], "{} {all:?}", v["id"]);
            assert_eq!(plan["drafts"][0]["verified"], v["expect_first_verified"], "{}", v["id"]);
        }
    }
    let out = run(
        &["report", "--sender", "1", "--body", "x", "--carrier", "china_mobile", "--sim-operator", "46000"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "the two carrier options conflict");
    let out = run(&["report", "--sender", "1", "--body", "x", "--carrier", "vodafone"], b"");
    assert_eq!(out.status.code(), Some(2));
}
