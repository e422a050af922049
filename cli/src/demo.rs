//! `smsguard demo`: sort a built-in inbox of invented messages into the phone's folders.
//! The inbox (`testdata/inbox.jsonl`) also records what a careful reader expects for each message;
//! the demo marks where the engine disagrees, so it doubles as a quick sanity check.

use std::io::{self, Write};

use serde::Deserialize;
use smsguard_core::{Action, Category, Engine, SmsMessage, Verdict};

use crate::CliError;

/// Every message is invented (names, numbers, codes, links); none comes from a real corpus.
pub const INBOX: &str = include_str!("../../testdata/inbox.jsonl");

#[derive(Debug, Deserialize)]
pub struct DemoMessage {
    pub id: String,
    pub sender: String,
    pub body: String,
    pub expect_action: Action,
    pub expect_category: Category,
    #[allow(dead_code)] // documentation for readers of the inbox file
    pub note: String,
}

/// The built-in inbox, parsed. An error names the line (the file is ours, but fail cleanly).
pub fn inbox() -> Result<Vec<DemoMessage>, CliError> {
    INBOX
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| CliError::Data(format!("built-in inbox line {}: {e}", i + 1)))
        })
        .collect()
}

const FOLDERS: [Action; 4] = [Action::Allow, Action::Transaction, Action::Promotion, Action::Junk];

/// Cut to `max` characters for a one-line preview.
fn preview(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

fn render(messages: &[DemoMessage], verdicts: &[Verdict]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "smsguard demo: {} invented messages sorted into folders\n", messages.len());
    // `none` only appears for empty messages; list it after the four folders if it is used.
    let none_used = verdicts.iter().any(|v| v.action == Action::None);
    let folders = FOLDERS.iter().chain(none_used.then_some(&Action::None));
    let mut agree = 0usize;
    for &folder in folders {
        let members: Vec<usize> = (0..verdicts.len()).filter(|&i| verdicts[i].action == folder).collect();
        let _ = writeln!(s, "== {} ({}) ==", folder.as_str().to_uppercase(), members.len());
        if members.is_empty() {
            let _ = writeln!(s, "   (empty)");
        }
        for i in members {
            let (m, v) = (&messages[i], &verdicts[i]);
            let _ = writeln!(s, "  {} {:<15} [{}] {}", m.id, m.sender, v.category, preview(&m.body, 36));
            match v.reasons.first() {
                Some(r) => {
                    let _ = writeln!(s, "      why: {} ({})", r.zh, r.en);
                }
                None => {
                    let _ = writeln!(s, "      why: no reason given");
                }
            }
            if v.action == m.expect_action && v.category == m.expect_category {
                agree += 1;
            } else {
                let _ = writeln!(s, "      expected: {}/{}", m.expect_action, m.expect_category);
            }
        }
        let _ = writeln!(s);
    }
    let _ = write!(s, "{agree} of {} messages sorted as expected (folder and category)", messages.len());
    s
}

pub fn run(engine: &Engine) -> Result<(), CliError> {
    let messages = inbox()?;
    let verdicts: Vec<Verdict> = messages
        .iter()
        .map(|m| engine.classify(&SmsMessage::new(m.sender.as_str(), m.body.as_str())))
        .collect();
    let mut out = io::stdout().lock();
    writeln!(out, "{}", render(&messages, &verdicts))
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io("stdout", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_is_well_formed() {
        let msgs = inbox().expect("inbox parses");
        assert!(msgs.len() >= 28, "about 30 messages");
        let mut ids: Vec<&str> = msgs.iter().map(|m| m.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), msgs.len(), "ids are unique");
        for m in &msgs {
            assert!(m.expect_category.fits(m.expect_action), "{}: category must fit action", m.id);
            assert!(!m.body.trim().is_empty(), "{}", m.id);
        }
        // Every folder has examples to show.
        for f in FOLDERS {
            assert!(msgs.iter().any(|m| m.expect_action == f), "no {f} example");
        }
    }

    #[test]
    fn preview_cuts_on_characters() {
        assert_eq!(preview("验证码123", 3), "验证码…");
        assert_eq!(preview("短", 3), "短");
    }
}
