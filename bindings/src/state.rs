//! Records and enums for the user state (consent ledger, user rules, feedback, report plans,
//! unsubscribe replies), mirroring core's `consent`, `user_rules`, `feedback`, `report` and
//! `unsubscribe` types. Conversions only; every decision is core's.

use smsguard_core as core;
use smsguard_core::consent as cc;
use smsguard_core::feedback as cf;
use smsguard_core::report as cp;
use smsguard_core::unsubscribe as cu;
use smsguard_core::user_rules as cr;

use crate::types::{Action, Category, Reason};

/// Sizes are small counts (segments of one SMS); saturate rather than wrap on 32-bit targets.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

mirror_enum!(
    /// A recorded consent decision (no entry means unknown).
    ConsentState from cc::ConsentState { Granted, Revoked }
);

mirror_enum!(
    /// How a consent decision came about: in the app, by an unsubscribe reply, or imported.
    ConsentSource from cc::ConsentSource { User, Unsubscribe, Import }
);

mirror_enum!(
    /// What a personal rule does: always let through, or always junk.
    UserRuleEffect from cr::RuleEffect { Allow, Block }
);

mirror_enum!(
    /// "Not junk" (trust this signature/sender) or "is junk" (block it).
    FeedbackKind from cf::FeedbackKind { NotJunk, IsJunk }
);

mirror_enum!(
    /// `Sms`: send `body` to `destination`; `Copy`: paste `body` into the form at `destination`.
    ChannelKind from cp::ChannelKind { Sms, Copy }
);

/// One current consent decision. `signature` is the folded 【签名】 name, `port` the normalised
/// sender; at least one is set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentEntry {
    pub signature: Option<String>,
    pub port: Option<String>,
    pub state: ConsentState,
    /// Seconds since the Unix epoch.
    pub at: i64,
    pub how: ConsentSource,
}

impl From<&cc::ConsentEntry> for ConsentEntry {
    fn from(e: &cc::ConsentEntry) -> Self {
        ConsentEntry {
            signature: e.signature.clone(),
            port: e.port.clone(),
            state: e.state.into(),
            at: e.at,
            how: e.how.into(),
        }
    }
}

/// What a personal rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum UserRuleKind {
    /// The message's 【签名】, exactly (folded).
    Signature,
    /// The sender, exactly (normalised).
    Sender,
    /// A literal keyword in the text.
    Keyword,
    /// A regex over the normalised text (linear-time engine; validated when added).
    Regex,
}

impl UserRuleKind {
    /// The kind name core's `RuleTarget::parse` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            UserRuleKind::Signature => "signature",
            UserRuleKind::Sender => "sender",
            UserRuleKind::Keyword => "keyword",
            UserRuleKind::Regex => "regex",
        }
    }
}

impl From<&cr::RuleTarget> for UserRuleKind {
    fn from(t: &cr::RuleTarget) -> Self {
        match t {
            cr::RuleTarget::Signature(_) => UserRuleKind::Signature,
            cr::RuleTarget::Sender(_) => UserRuleKind::Sender,
            cr::RuleTarget::Keyword(_) => UserRuleKind::Keyword,
            cr::RuleTarget::Regex(_) => UserRuleKind::Regex,
        }
    }
}

/// One personal allow/block rule.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserRule {
    pub id: u32,
    pub kind: UserRuleKind,
    /// The canonical value (folded signature, normalised sender, keyword or regex).
    pub value: String,
    pub effect: UserRuleEffect,
    pub created_at: i64,
}

impl From<&cr::UserRule> for UserRule {
    fn from(r: &cr::UserRule) -> Self {
        UserRule {
            id: r.id,
            kind: (&r.target).into(),
            value: r.target.value().to_string(),
            effect: r.effect.into(),
            created_at: r.created_at,
        }
    }
}

/// One piece of feedback: a personal rule for a signature or (unsigned messages) a sender.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedbackEntry {
    pub id: u32,
    pub kind: FeedbackKind,
    /// The folded signature, or `None` when the rule is for a sender.
    pub signature: Option<String>,
    /// The normalised sender, when the message was unsigned.
    pub sender: Option<String>,
    pub at: i64,
}

impl From<&cf::FeedbackEntry> for FeedbackEntry {
    fn from(e: &cf::FeedbackEntry) -> Self {
        let (signature, sender) = match &e.target {
            cf::FeedbackTarget::Signature(s) => (Some(s.clone()), None),
            cf::FeedbackTarget::Sender(s) => (None, Some(s.clone())),
        };
        FeedbackEntry { id: e.id, kind: e.kind.into(), signature, sender, at: e.at }
    }
}

/// One ready-to-send (or ready-to-copy) report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReportDraft {
    /// Stable channel id (e.g. `china_mobile`): pass it to `report_sent`.
    pub channel: String,
    pub kind: ChannelKind,
    pub destination: String,
    pub body: String,
    /// SMS segments `body` takes.
    pub segments: u32,
    /// Whether the channel's format is verified (label unverified ones).
    pub verified: bool,
}

impl From<cp::ReportDraft> for ReportDraft {
    fn from(d: cp::ReportDraft) -> Self {
        ReportDraft {
            channel: d.channel,
            kind: d.kind.into(),
            destination: d.destination,
            body: d.body,
            segments: count(d.segments),
            verified: d.verified,
        }
    }
}

/// Everything about reporting one message: drafts when it is reportable, else why not.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportPlan {
    /// SHA-256 (hex) of the normalised sender and body: what the history stores.
    pub key: String,
    pub reportable: bool,
    /// Why no report is offered (`report_not_transaction`, `report_already_sent`, …).
    pub not_reportable: Option<Reason>,
    pub drafts: Vec<ReportDraft>,
    pub warnings: Vec<Reason>,
    /// The message exactly as received.
    pub text: String,
    pub received_at: Option<String>,
    pub action: Action,
    pub category: Category,
}

impl From<cp::ReportPlan> for ReportPlan {
    fn from(p: cp::ReportPlan) -> Self {
        ReportPlan {
            key: p.key,
            reportable: p.reportable,
            not_reportable: p.not_reportable.map(Into::into),
            drafts: p.drafts.into_iter().map(Into::into).collect(),
            warnings: p.warnings.into_iter().map(Into::into).collect(),
            text: p.text,
            received_at: p.received_at,
            action: p.action.into(),
            category: p.category.into(),
        }
    }
}

/// A ready-to-send unsubscribe reply: send `body` to `destination`, then call
/// `unsubscribe_sent` with this record (it revokes consent for `signature`, or the port).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct UnsubscribeReply {
    pub destination: String,
    /// The keyword, e.g. `T`.
    pub body: String,
    pub segments: u32,
    /// The folded signature whose consent is revoked once sent.
    pub signature: Option<String>,
    /// Reasons to think twice (fraud, personal numbers: replying confirms the number).
    pub warnings: Vec<Reason>,
}

impl From<cu::UnsubscribeReply> for UnsubscribeReply {
    fn from(r: cu::UnsubscribeReply) -> Self {
        UnsubscribeReply {
            destination: r.destination,
            body: r.body,
            segments: count(r.segments),
            signature: r.signature,
            warnings: r.warnings.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<UnsubscribeReply> for cu::UnsubscribeReply {
    fn from(r: UnsubscribeReply) -> Self {
        cu::UnsubscribeReply {
            destination: r.destination,
            body: r.body,
            segments: r.segments as usize,
            signature: r.signature,
            warnings: r.warnings.into_iter().map(|w| core::Reason::new(w.code, w.zh, w.en)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_reply_round_trips() {
        let r = cu::UnsubscribeReply {
            destination: "106900001234".into(),
            body: "T".into(),
            segments: 1,
            signature: Some("某商城".into()),
            warnings: vec![core::Reason::new("w", "中", "en")],
        };
        assert_eq!(cu::UnsubscribeReply::from(UnsubscribeReply::from(r.clone())), r);
    }

    #[test]
    fn feedback_target_splits_into_signature_or_sender() {
        let e = cf::FeedbackEntry {
            id: 3,
            kind: cf::FeedbackKind::IsJunk,
            target: cf::FeedbackTarget::Sender("10690000".into()),
            at: 9,
        };
        let f = FeedbackEntry::from(&e);
        assert_eq!(
            (f.signature, f.sender.as_deref(), f.kind),
            (None, Some("10690000"), FeedbackKind::IsJunk)
        );
    }
}
