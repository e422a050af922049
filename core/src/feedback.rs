//! Feedback: "not junk" / "is junk" on a message becomes a personal rule for the message's
//! signature (or its sender when it is unsigned). The rules go into the user pack (see
//! `user_rules::rule_pack_text`) with reason codes `feedback_not_junk` / `feedback_is_junk`, so
//! the verdict says the decision came from feedback. Each entry has an id and can be undone.

use serde::{Deserialize, Serialize};

use crate::consent::{port_key, signature_key, Timestamp};
use crate::message::SmsMessage;
use crate::verdict::Verdict;

/// At most this many feedback entries (one per signature or sender). Unbounded, 4,500 of them
/// once made a state no engine could load; with the user's rules (`MAX_USER_RULES`) this keeps
/// the user pack within the rule engine's limits.
pub const MAX_FEEDBACK: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    NotJunk,
    IsJunk,
}

impl FeedbackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackKind::NotJunk => "not_junk",
            FeedbackKind::IsJunk => "is_junk",
        }
    }

    pub fn parse(s: &str) -> Option<FeedbackKind> {
        match s {
            "not_junk" | "not-junk" => Some(FeedbackKind::NotJunk),
            "is_junk" | "is-junk" | "junk" => Some(FeedbackKind::IsJunk),
            _ => None,
        }
    }
}

/// What the personal rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum FeedbackTarget {
    /// Folded signature name.
    Signature(String),
    /// Normalised sender.
    Sender(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackEntry {
    pub id: u32,
    pub kind: FeedbackKind,
    pub target: FeedbackTarget,
    pub at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackError {
    /// The message has neither a valid signature nor a sender: nothing to attach a rule to.
    NoTarget,
    NotFound(u32),
    /// [`MAX_FEEDBACK`] entries already: each is a rule the engine compiles on every start.
    TooMany,
}

impl std::fmt::Display for FeedbackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeedbackError::NoTarget => f.write_str("the message has no signature and no sender to remember"),
            FeedbackError::NotFound(id) => write!(f, "no feedback with id {id}"),
            FeedbackError::TooMany => {
                write!(f, "{MAX_FEEDBACK} pieces of feedback already; undo some, or turn them into rules")
            }
        }
    }
}

impl std::error::Error for FeedbackError {}

/// Which target feedback on this message would create: the verdict's signature, else the sender.
pub fn target_for(msg: &SmsMessage, verdict: &Verdict) -> Option<FeedbackTarget> {
    if let Some(s) = verdict.signature.as_deref().map(signature_key).filter(|s| !s.is_empty()) {
        return Some(FeedbackTarget::Signature(s));
    }
    Some(port_key(&msg.sender)).filter(|s| !s.is_empty()).map(FeedbackTarget::Sender)
}

/// All feedback given, at most one entry per target (the latest wins).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackLog {
    #[serde(default)]
    entries: Vec<FeedbackEntry>,
    #[serde(default)]
    next_id: u32,
}

impl FeedbackLog {
    /// Record feedback on a message (with the verdict it got). Replaces earlier feedback on the
    /// same signature/sender. Returns the new entry.
    pub fn record(
        &mut self,
        kind: FeedbackKind,
        msg: &SmsMessage,
        verdict: &Verdict,
        now: Timestamp,
    ) -> Result<FeedbackEntry, FeedbackError> {
        let target = target_for(msg, verdict).ok_or(FeedbackError::NoTarget)?;
        self.record_target(kind, target, now)
    }

    /// Record feedback for a target directly.
    pub fn record_target(
        &mut self,
        kind: FeedbackKind,
        target: FeedbackTarget,
        now: Timestamp,
    ) -> Result<FeedbackEntry, FeedbackError> {
        self.entries.retain(|e| e.target != target);
        if self.entries.len() >= MAX_FEEDBACK {
            return Err(FeedbackError::TooMany);
        }
        let id = self.entries.iter().map(|e| e.id.saturating_add(1)).fold(self.next_id.max(1), u32::max);
        self.next_id = id.saturating_add(1);
        let entry = FeedbackEntry { id, kind, target, at: now };
        self.entries.push(entry.clone());
        Ok(entry)
    }

    /// Undo one piece of feedback: its personal rule disappears.
    pub fn undo(&mut self, id: u32) -> Result<FeedbackEntry, FeedbackError> {
        let i = self.entries.iter().position(|e| e.id == id).ok_or(FeedbackError::NotFound(id))?;
        Ok(self.entries.remove(i))
    }

    pub fn list(&self) -> &[FeedbackEntry] {
        &self.entries
    }

    /// Keep only the entries `keep` accepts (see `UserRules::retain`).
    pub fn retain(&mut self, keep: impl FnMut(&FeedbackEntry) -> bool) {
        self.entries.retain(keep);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sender::SenderKind;
    use crate::verdict::{Action, Category};

    fn verdict(signature: Option<&str>) -> Verdict {
        Verdict {
            action: Action::Junk,
            category: Category::Other,
            subcategory: None,
            score: 0.9,
            signature: signature.map(str::to_string),
            sender_kind: SenderKind::Port106,
            consent: None,
            reasons: Vec::new(),
        }
    }

    #[test]
    fn signature_first_then_sender() {
        let msg = SmsMessage::new("1069000111", "【某商城】x");
        assert_eq!(
            target_for(&msg, &verdict(Some("某商城"))),
            Some(FeedbackTarget::Signature("某商城".into()))
        );
        assert_eq!(target_for(&msg, &verdict(None)), Some(FeedbackTarget::Sender("1069000111".into())));
        let anon = SmsMessage::new("  ", "x");
        let mut log = FeedbackLog::default();
        assert_eq!(log.record(FeedbackKind::IsJunk, &anon, &verdict(None), 1), Err(FeedbackError::NoTarget));
    }

    #[test]
    fn latest_feedback_per_target_wins_and_undo_removes_it() {
        let msg = SmsMessage::new("1069000111", "x");
        let mut log = FeedbackLog::default();
        let a = log.record(FeedbackKind::IsJunk, &msg, &verdict(Some("某商城")), 1);
        let b = log.record(FeedbackKind::NotJunk, &msg, &verdict(Some("某商城")), 2);
        let (Ok(a), Ok(b)) = (a, b) else { panic!("feedback refused") };
        assert_ne!(a.id, b.id);
        assert_eq!(log.list().len(), 1);
        assert_eq!(log.list()[0].kind, FeedbackKind::NotJunk);
        assert_eq!(log.undo(a.id), Err(FeedbackError::NotFound(a.id)));
        assert_eq!(log.undo(b.id).map(|e| e.kind), Ok(FeedbackKind::NotJunk));
        assert!(log.is_empty());
    }
}
