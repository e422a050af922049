//! `smsguard classify --jsonl`: the batch contract, run through the real binary.
//! All message texts here are invented.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{json_lines, remove_temp, run, stderr, stdout, temp_file, BIN};
use serde_json::Value;

const VERDICT_KEYS: [&str; 8] =
    ["action", "category", "subcategory", "score", "signature", "sender_kind", "consent", "reasons"];

fn classify(stdin: &[u8]) -> std::process::Output {
    let out = run(&["classify", "--jsonl"], stdin);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    out
}

fn is_verdict(v: &Value) -> bool {
    VERDICT_KEYS.iter().all(|k| v.get(k).is_some()) && v.get("error").is_none()
}

fn error_line(v: &Value) -> Option<(u64, String)> {
    Some((v.get("line")?.as_u64()?, v.get("error")?.as_str()?.to_string()))
}

#[test]
fn mixed_lines_keep_order_and_count() {
    let input = concat!(
        "{\"id\":\"a\",\"sender\":\"95588\",\"body\":\"【某某银行】您尾号1234的卡消费88.00元\"}\n",
        "this is not json\n",
        "{\"id\":\"c\",\"body\":\"明天见\"}\n",
        "{\"id\":\"d\"}\n",
        "[\"e\"]\n",
        "{\"id\":\"f\",\"sender\":\"13900001111\",\"body\":\"到家了吗\",\"received_at\":\"2026-11-28T10:00:00+08:00\"}\n",
    );
    let out = classify(input.as_bytes());
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 6, "one output line per input line");
    assert_eq!(lines[0]["id"], "a");
    assert!(is_verdict(&lines[0]));
    assert_eq!(error_line(&lines[1]).map(|e| e.0), Some(2));
    assert_eq!(lines[2]["id"], "c");
    assert!(is_verdict(&lines[2]));
    assert_eq!(error_line(&lines[3]).map(|e| e.0), Some(4));
    assert!(error_line(&lines[3]).is_some_and(|e| e.1.contains("body")), "names the missing body");
    assert_eq!(error_line(&lines[4]).map(|e| e.0), Some(5));
    assert_eq!(lines[5]["id"], "f");
    assert!(is_verdict(&lines[5]));
}

#[test]
fn output_keys_are_id_then_verdict_fields_in_order() {
    let out = classify(b"{\"body\":\"hello\",\"id\":7}\n{\"body\":\"no id here\"}\n");
    let text = stdout(&out);
    let mut rows = text.lines();
    let first = rows.next().expect("first line");
    let mut keys = vec!["\"id\":"];
    keys.extend(VERDICT_KEYS.iter().map(|k| match *k {
        "action" => "\"action\":",
        "category" => "\"category\":",
        "subcategory" => "\"subcategory\":",
        "score" => "\"score\":",
        "signature" => "\"signature\":",
        "sender_kind" => "\"sender_kind\":",
        "consent" => "\"consent\":",
        _ => "\"reasons\":",
    }));
    let positions: Vec<usize> =
        keys.iter().map(|k| first.find(k).unwrap_or_else(|| panic!("{k} missing"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "key order: {first}");
    assert!(first.starts_with("{\"id\":7,"));
    let second: Value = serde_json::from_str(rows.next().expect("second line")).expect("json");
    assert!(second.get("id").is_none(), "absent id stays absent");
    assert!(is_verdict(&second));
    // action/category are the lower-case names; reasons are {code, zh, en}.
    for v in [serde_json::from_str::<Value>(first).expect("json"), second] {
        let action = v["action"].as_str().expect("action is a string");
        let category = v["category"].as_str().expect("category is a string");
        let a = smsguard_core::Action::parse(action).expect("known action");
        let c = smsguard_core::Category::parse(category).expect("known category");
        assert!(c.fits(a));
        // The subcategory is a folder of transaction/promotion, null otherwise.
        match v["subcategory"].as_str() {
            Some(s) => {
                let s = smsguard_core::Subcategory::parse(s).expect("known subcategory");
                assert!(s.fits(a), "{s} does not fit {a}");
            }
            None => assert!(
                v["subcategory"].is_null()
                    && !matches!(a, smsguard_core::Action::Transaction | smsguard_core::Action::Promotion)
            ),
        }
        for r in v["reasons"].as_array().expect("reasons is an array") {
            for k in ["code", "zh", "en"] {
                assert!(r[k].is_string(), "reason.{k}");
            }
        }
    }
}

#[test]
fn ids_of_any_json_type_are_echoed_verbatim() {
    let ids = [
        "\"msg-1\"",
        "42",
        "-7",
        "123456789012345678901234567890",
        "1.5e3",
        "0.10",
        "true",
        "null",
        "[1,\"two\",{\"three\":3}]",
        "{\"batch\":9,\"seq\":[1,2]}",
        "\"\\u4e2d\\n\"",
    ];
    let input: String = ids.iter().map(|id| format!("{{\"id\": {id}, \"body\":\"你好\"}}\n")).collect();
    let out = classify(input.as_bytes());
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), ids.len());
    for (id, row) in ids.iter().zip(&rows) {
        assert!(row.starts_with(&format!("{{\"id\":{id},\"action\":")), "id {id} → {row}");
    }
}

#[test]
fn invalid_utf8_line_is_an_error_and_the_batch_goes_on() {
    let mut input = b"{\"id\":1,\"body\":\"ok\"}\n{\"id\":2,\"body\":\"bad \xff\xfe here\"}\n".to_vec();
    input.extend_from_slice(b"{\"id\":3,\"body\":\"ok\"}\n");
    let lines = json_lines(&classify(&input));
    assert_eq!(lines.len(), 3);
    let (n, msg) = error_line(&lines[1]).expect("error object");
    assert_eq!(n, 2);
    assert!(msg.contains("UTF-8"), "{msg}");
    assert_eq!(lines[2]["id"], 3);
}

#[test]
fn long_line_is_skipped_without_stopping_the_batch() {
    let big = "码".repeat(700_000); // ~2 MB of UTF-8 inside a valid object
    let input = format!("{{\"id\":1,\"body\":\"{big}\"}}\n{{\"id\":2,\"body\":\"短信\"}}\n");
    assert!(input.len() > 2_000_000);
    let lines = json_lines(&classify(input.as_bytes()));
    assert_eq!(lines.len(), 2);
    let (n, msg) = error_line(&lines[0]).expect("error object");
    assert_eq!(n, 1);
    assert!(msg.contains("longer than"), "{msg}");
    assert_eq!(lines[1]["id"], 2);
}

/// Peak resident memory of a running process, in KiB (Linux).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn seventy_megabyte_line_streams_in_bounded_memory() {
    let mut child = Command::new(BIN)
        .args(["classify", "--jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let chunk = vec![b'7'; 1 << 20];
    stdin.write_all(b"{\"id\":1,\"body\":\"").expect("write");
    for _ in 0..70 {
        stdin.write_all(&chunk).expect("write chunk");
    }
    // The pipe holds at most a few hundred KiB: by now the binary has read almost all 70 MB.
    let hwm = vm_hwm_kib(pid);
    stdin.write_all(b"\"}\n{\"id\":2,\"body\":\"still here\"}\n").expect("write tail");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(error_line(&lines[0]).map(|e| e.0), Some(1));
    assert_eq!(lines[1]["id"], 2);
    if let Some(kib) = hwm {
        assert!(kib < 32 * 1024, "peak RSS {kib} KiB while reading a 70 MB line");
    }
}

#[test]
fn empty_body_gets_a_none_verdict() {
    let lines = json_lines(&classify(b"{\"id\":1,\"body\":\"\"}\n{\"id\":2,\"body\":\"  \\n \"}\n"));
    for v in &lines {
        assert_eq!(v["action"], "none");
        assert_eq!(v["category"], "none");
    }
}

#[test]
fn malformed_objects_name_the_problem_and_not_the_text() {
    let input = concat!(
        "{\"sender\":\"10690000\"}\n",
        "{\"body\":42}\n",
        "{\"body\":null}\n",
        "{\"body\":\"验证码 918273\",\"sender\":17}\n",
        "\"验证码 918273\"\n",
        "918273\n",
        "null\n",
        "{\"body\":\"验证码 918273\"\n",
        "{\"body\":\"验证码 918273\",\"body\":\"验证码 918273\"}\n",
        "{\"body\":\"bad escape \\ud800\"}\n",
    );
    let out = classify(input.as_bytes());
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 10);
    for (i, v) in lines.iter().enumerate() {
        let (n, msg) = error_line(v).unwrap_or_else(|| panic!("line {} should be an error: {v}", i + 1));
        assert_eq!(n, i as u64 + 1);
        assert!(!msg.is_empty());
        assert!(!msg.contains("918273") && !msg.contains("10690000"), "echoes input: {msg}");
    }
    assert!(error_line(&lines[0]).is_some_and(|e| e.1.contains("body")));
    assert!(error_line(&lines[3]).is_some_and(|e| e.1.contains("sender")));
    assert!(error_line(&lines[4]).is_some_and(|e| e.1.contains("object")));
    assert!(!stderr(&out).contains("918273"));
}

#[test]
fn blank_lines_get_error_objects_to_keep_lines_aligned() {
    let lines = json_lines(&classify(b"{\"id\":1,\"body\":\"a\"}\n\n   \t\n{\"id\":4,\"body\":\"b\"}\n"));
    assert_eq!(lines.len(), 4);
    assert_eq!(error_line(&lines[1]), Some((2, "blank line".to_string())));
    assert_eq!(error_line(&lines[2]), Some((3, "blank line".to_string())));
    assert_eq!(lines[3]["id"], 4);
}

#[test]
fn crlf_bom_and_missing_final_newline_are_handled() {
    let input = b"\xef\xbb\xbf{\"id\":1,\"body\":\"a\"}\r\n{\"id\":2,\"body\":\"b\"}\r\n\r\n{\"id\":4,\"body\":\"c\"}";
    let lines = json_lines(&classify(input));
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], 1, "BOM on the first line is skipped");
    assert_eq!(lines[1]["id"], 2, "CRLF is accepted");
    assert_eq!(error_line(&lines[2]).map(|e| e.0), Some(3));
    assert_eq!(lines[3]["id"], 4, "a last line without newline counts");
}

#[test]
fn stdin_dash_default_and_file_give_the_same_output() {
    let input =
        "{\"id\":1,\"sender\":\"10086\",\"body\":\"【中国移动】您本月流量剩余1.2GB\"}\nnope\n".as_bytes();
    let dash = run(&["classify", "--jsonl", "-"], input);
    let default = run(&["classify", "--jsonl"], input);
    let path = temp_file("same_output", "in.jsonl", input);
    let path_str = path.to_str().expect("utf-8 temp path");
    let file = run(&["classify", "--jsonl", path_str], b"");
    for o in [&dash, &default, &file] {
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(json_lines(o).len(), 2);
        // stderr is not a terminal here and --summary is not given: stderr stays quiet.
        assert_eq!(stderr(o), "");
    }
    assert_eq!(stdout(&dash), stdout(&default));
    assert_eq!(stdout(&dash), stdout(&file));
    remove_temp(&path);
}

#[test]
fn missing_file_exits_1_naming_the_path() {
    let out = run(&["classify", "--jsonl", "/nonexistent/inbox-7f3a.jsonl"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/nonexistent/inbox-7f3a.jsonl"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn summary_counts_messages_and_errors() {
    let out = run(&["classify", "--jsonl", "--summary"], b"{\"body\":\"a\"}\nbad\n{\"body\":\"b\"}\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out).trim(), "2 messages, 1 errors");
}

#[test]
fn answers_each_line_before_the_input_ends() {
    // An OEM pipeline may write one line and wait for its answer: output must not sit in a buffer.
    let mut child = Command::new(BIN)
        .args(["classify", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    for id in 1..=3 {
        writeln!(stdin, "{{\"id\":{id},\"body\":\"第{id}条\"}}").expect("write");
        stdin.flush().expect("flush");
        let answer = rx.recv_timeout(Duration::from_secs(20)).expect("answer while stdin is open");
        let v: Value = serde_json::from_str(&answer).expect("json");
        assert_eq!(v["id"], id);
    }
    drop(stdin);
    assert_eq!(child.wait().expect("wait").code(), Some(0));
    reader.join().expect("reader thread");
}

#[test]
fn closed_stdout_ends_quietly() {
    // `smsguard classify --jsonl big.jsonl | head -1`: a closed pipe is not an error to report.
    let mut child = Command::new(BIN)
        .args(["classify", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        for i in 0..200_000 {
            if writeln!(stdin, "{{\"id\":{i},\"body\":\"第{i}条\"}}").is_err() {
                break; // the binary stopped reading
            }
        }
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("read a line");
    assert!(first.starts_with("{\"id\":0,"));
    // The reader is dropped here: the binary's next writes fail with a broken pipe.
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer thread");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
