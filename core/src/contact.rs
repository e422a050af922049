//! Saved contacts. The phone knows which senders the user saved (Android: `READ_CONTACTS`); the
//! caller passes that as [`SmsMessage::known_contact`](crate::message::SmsMessage). A saved
//! contact's message is never junk or promotion — people forward offers and paste links — unless
//! the user blocked it with a rule or "is junk" feedback: the user's own block wins.

use crate::rules::{Effect, RuleHit};
use crate::user_rules::USER_PACK_NAME;
use crate::verdict::{Action, Category, Reason, ReasonTable, Verdict};

/// Reason codes of this step: (code, zh, en). Stable API.
pub const CONTACT_REASONS: &ReasonTable = &[
    ("known_contact", "发送方是你通讯录中的联系人", "The sender is one of your saved contacts"),
    (
        "known_contact_blocked",
        "发送方是你的联系人，但你屏蔽了它",
        "The sender is a saved contact, but you blocked it",
    ),
];

/// The score of a verdict the contact flag decided: strong evidence, as a user's own rule is.
const CONTACT_SCORE: f32 = 0.9;

fn reason(code: &str) -> Reason {
    Reason::from_table(CONTACT_REASONS, code)
}

/// Whether one of the user's own block rules (or "is junk" feedback) matched.
fn user_blocked(hits: &[RuleHit]) -> bool {
    hits.iter()
        .any(|h| matches!(h.effect, Effect::Block { .. }) && h.rule.split('/').next() == Some(USER_PACK_NAME))
}

/// Apply the contact flag to the policy's verdict. Transactions and personal verdicts are left
/// as they are (the flag only ever moves a message towards the inbox); junk or promotion from a
/// contact becomes personal unless the user blocked it.
pub fn apply(known_contact: bool, hits: &[RuleHit], mut verdict: Verdict) -> Verdict {
    if !known_contact || !matches!(verdict.action, Action::Junk | Action::Promotion) {
        return verdict;
    }
    if user_blocked(hits) {
        verdict.reasons.push(reason("known_contact_blocked"));
        return verdict;
    }
    verdict.action = Action::Allow;
    verdict.category = Category::Personal;
    verdict.score = CONTACT_SCORE;
    // Consent is about marketing folders; a personal verdict carries none.
    verdict.consent = None;
    verdict.reasons.insert(0, reason("known_contact"));
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Effect;

    fn hit(rule: &str, effect: Effect) -> RuleHit {
        RuleHit { rule: rule.into(), effect, priority: 1000, reason: Reason::new("x", "x", "x") }
    }

    #[test]
    fn reason_codes_are_translated_and_not_shared_with_other_tables() {
        for (code, zh, en) in CONTACT_REASONS {
            assert!(!zh.is_empty() && !en.is_empty(), "{code}");
            let elsewhere = crate::policy::POLICY_REASONS
                .iter()
                .chain(crate::report::REPORT_REASONS)
                .chain(crate::user_rules::USER_RULE_REASONS);
            assert!(elsewhere.clone().all(|(c, _, _)| c != code), "{code} twice");
        }
    }

    #[test]
    fn only_a_user_block_counts() {
        let block = Effect::Block { category: Category::Fraud, unless_transaction: false };
        assert!(user_blocked(&[hit("user/user.block.3", block)]));
        assert!(!user_blocked(&[hit("default/fraud.loan", block)]));
        assert!(!user_blocked(&[hit("username/x", block)]));
        let protect = Effect::Protect { action: Action::Allow, category: Category::Personal };
        assert!(!user_blocked(&[hit("user/user.allow.1", protect)]));
    }
}
