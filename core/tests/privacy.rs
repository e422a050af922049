//! Privacy check: with logging at trace level, run the demo inbox and a generated sample of
//! hostile messages through every session path (classify, explain, reports, unsubscribe,
//! feedback, personal rules made from the message, the JSON API) and assert that no log line and
//! no error names the message's text or a phone number from it. Outputs meant for the user
//! (verdicts, report drafts) may quote the message; logs and errors never.

use std::sync::Mutex;

use smsguard_core::feedback::FeedbackKind;
use smsguard_core::session::{Session, SessionConfig};
use smsguard_core::user_rules::{RuleEffect, RuleTarget};
use smsguard_core::SmsMessage;

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        LINES.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture;

fn inbox() -> Vec<SmsMessage> {
    let text = include_str!("../../testdata/inbox.jsonl");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("inbox.jsonl: {e}"));
            SmsMessage::new(v["sender"].as_str().unwrap_or_default(), v["body"].as_str().unwrap_or_default())
        })
        .collect()
}

/// Hostile, invented messages: phone numbers, links, regex metacharacters, mixed scripts,
/// replacement characters (what a platform makes of lone surrogates), long runs.
fn generated(n: usize) -> Vec<SmsMessage> {
    const PIECES: &[&str] = &[
        "【某某商城】",
        "验证码",
        "您的账户",
        "点击",
        "http://x.example/a?b=",
        "加微信",
        "退订回T",
        "(",
        ")[",
        "\\",
        "*",
        "+86 ",
        "贷款",
        "\u{FFFD}",
        "\u{200B}",
        "ＡＢＣ",
        "😀",
        "退款",
        "中奖",
        " ",
        "\n",
        "元",
        "。",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let mut body = String::new();
            let parts = 3 + next() % 12;
            for _ in 0..parts {
                if next() % 3 == 0 {
                    // A phone-number-like digit run.
                    body.push_str(&format!("1{:010}", next() % 10_000_000_000));
                } else {
                    body.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
                }
            }
            let sender = match i % 4 {
                0 => format!("1{:010}", next() % 10_000_000_000),
                1 => format!("10690{:06}", next() % 1_000_000),
                2 => format!("+86 1{:010}", next() % 10_000_000_000),
                _ => String::new(),
            };
            SmsMessage::new(sender, body)
        })
        .collect()
}

/// What must never appear: each run of 5+ digits in sender or body, and every 6-character window
/// of the body that holds at least 4 non-space characters.
fn secrets(msg: &SmsMessage) -> Vec<String> {
    let mut out = Vec::new();
    for text in [&msg.sender, &msg.body] {
        let mut run = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() {
                run.push(c);
            } else {
                if run.len() >= 5 {
                    out.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
    }
    let chars: Vec<char> = msg.body.chars().collect();
    for w in chars.windows(6) {
        if w.iter().filter(|c| !c.is_whitespace()).count() >= 4 {
            out.push(w.iter().collect());
        }
    }
    out
}

fn exercise(msg: &SmsMessage, with_rules: bool, said: &mut Vec<String>) {
    let session = Session::open(SessionConfig { model_default: true, ..SessionConfig::default() }, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = session.engine().explain(msg);
    let plan = session.report_plan(msg, Some("china_mobile"));
    for channel in ["12321", "china_mobile"] {
        if let Err(e) = session.report_sent(msg, channel, 100) {
            said.push(e.to_string());
        }
    }
    let _ = plan;
    if let Some(reply) = session.unsubscribe(msg) {
        if let Err(e) = session.record_unsubscribe(&reply, 100) {
            said.push(e.to_string());
        }
    }
    for kind in [FeedbackKind::IsJunk, FeedbackKind::NotJunk] {
        if let Err(e) = session.feedback(kind, msg, 100) {
            said.push(e.to_string());
        }
    }
    let head: String = msg.body.chars().take(12).collect();
    // Each rule change compiles the rules again: a third of the messages is enough.
    let targets = if with_rules {
        vec![
            RuleTarget::Sender(msg.sender.clone()),
            RuleTarget::Keyword(head.clone()),
            RuleTarget::Regex(head.clone()),
            RuleTarget::Regex(format!("{head}(")),
            RuleTarget::Signature(head),
        ]
    } else {
        Vec::new()
    };
    for target in targets {
        if let Err(e) = session.rules_add(target, RuleEffect::Block, 100) {
            said.push(e.to_string());
        }
    }
    let message = serde_json::json!({"sender": msg.sender, "body": msg.body});
    for request in [
        serde_json::json!({"v": 1, "op": "classify", "message": message}),
        serde_json::json!({"v": 1, "op": "report_sent", "message": message, "channel": "nowhere"}),
        serde_json::json!({"v": 1, "op": "rules_add", "effect": "block", "kind": "regex", "value": format!("{}[", msg.body)}),
        serde_json::json!({"v": 1, "op": "rules_add", "effect": "block", "kind": "sender", "value": msg.body}),
        serde_json::json!({"v": 1, "op": "feedback", "kind": "sideways", "message": message}),
    ] {
        let response: serde_json::Value =
            serde_json::from_str(&smsguard_core::api::handle(&session, &request.to_string(), 100))
                .unwrap_or_else(|e| panic!("{e}"));
        if response["ok"] == false {
            said.push(response["error"].to_string());
        }
    }
}

#[test]
fn no_log_line_or_error_names_message_text_or_numbers() {
    log::set_logger(&CAPTURE).unwrap_or_else(|e| panic!("{e}"));
    log::set_max_level(log::LevelFilter::Trace);
    let mut messages = inbox();
    assert!(messages.len() >= 20, "the demo inbox is there");
    messages.extend(generated(150));
    let mut errors_seen = 0;
    let mut leaks = Vec::new();
    for (i, msg) in messages.iter().enumerate() {
        let mut said = Vec::new();
        exercise(msg, i % 3 == 0, &mut said);
        errors_seen += said.len();
        said.extend(LINES.lock().unwrap_or_else(|p| p.into_inner()).drain(..));
        for line in &said {
            if let Some(secret) = secrets(msg).into_iter().find(|s| line.contains(s.as_str())) {
                leaks.push(format!("`{secret}` in: {line}"));
            }
        }
    }
    // The check only means something if the paths produced errors to look at.
    assert!(errors_seen > messages.len(), "only {errors_seen} errors over {} messages", messages.len());
    assert!(leaks.is_empty(), "{} leaks, first: {:?}", leaks.len(), &leaks[..leaks.len().min(5)]);
}
