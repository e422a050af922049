//! The output: where a message goes and why. Field names and string values are the stable
//! I/O contract of DESIGN.md (snake_case keys, lower-case action and category).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::sender::SenderKind;

/// The folder a phone shows (iOS IdentityLookup actions). `None` only for empty input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    None,
    Allow,
    Transaction,
    Promotion,
    Junk,
}

impl Action {
    pub const ALL: [Action; 5] =
        [Action::None, Action::Allow, Action::Transaction, Action::Promotion, Action::Junk];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::None => "none",
            Action::Allow => "allow",
            Action::Transaction => "transaction",
            Action::Promotion => "promotion",
            Action::Junk => "junk",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The category used when nothing more specific is known.
    pub fn default_category(self) -> Category {
        match self {
            Action::None => Category::None,
            Action::Allow => Category::Personal,
            Action::Transaction | Action::Promotion | Action::Junk => Category::Other,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Refines the action. Which categories belong to which action is [`Category::fits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    None,
    // allow
    Personal,
    // transaction (iOS 16 transactional sub-actions, plus otp)
    Otp,
    Finance,
    Orders,
    Reminders,
    Health,
    Weather,
    Carrier,
    Rewards,
    PublicServices,
    // promotion
    Offers,
    Coupons,
    // junk
    Fraud,
    Phishing,
    Gambling,
    Adult,
    IllegalGoods,
    UnsolicitedMarketing,
    // shared by transaction, promotion and junk
    Other,
}

impl Category {
    pub const ALL: [Category; 20] = [
        Category::None,
        Category::Personal,
        Category::Otp,
        Category::Finance,
        Category::Orders,
        Category::Reminders,
        Category::Health,
        Category::Weather,
        Category::Carrier,
        Category::Rewards,
        Category::PublicServices,
        Category::Offers,
        Category::Coupons,
        Category::Fraud,
        Category::Phishing,
        Category::Gambling,
        Category::Adult,
        Category::IllegalGoods,
        Category::UnsolicitedMarketing,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::None => "none",
            Category::Personal => "personal",
            Category::Otp => "otp",
            Category::Finance => "finance",
            Category::Orders => "orders",
            Category::Reminders => "reminders",
            Category::Health => "health",
            Category::Weather => "weather",
            Category::Carrier => "carrier",
            Category::Rewards => "rewards",
            Category::PublicServices => "public_services",
            Category::Offers => "offers",
            Category::Coupons => "coupons",
            Category::Fraud => "fraud",
            Category::Phishing => "phishing",
            Category::Gambling => "gambling",
            Category::Adult => "adult",
            Category::IllegalGoods => "illegal_goods",
            Category::UnsolicitedMarketing => "unsolicited_marketing",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether this category refines `action` in the taxonomy.
    pub fn fits(self, action: Action) -> bool {
        use Category::*;
        match action {
            Action::None => self == None,
            Action::Allow => self == Personal,
            Action::Transaction => matches!(
                self,
                Otp | Finance
                    | Orders
                    | Reminders
                    | Health
                    | Weather
                    | Carrier
                    | Rewards
                    | PublicServices
                    | Other
            ),
            Action::Promotion => matches!(self, Offers | Coupons | Other),
            Action::Junk => matches!(
                self,
                Fraud | Phishing | Gambling | Adult | IllegalGoods | UnsolicitedMarketing | Other
            ),
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Consent state of a marketing sender's signature (only set on marketing verdicts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Granted,
    Revoked,
    Unknown,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Granted => "granted",
            Consent::Revoked => "revoked",
            Consent::Unknown => "unknown",
        }
    }
}

/// One reason behind a verdict: a stable machine code plus text a person can read.
/// Codes are snake_case, stable across releases (apps and scripts key on them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    /// Chinese text for the user.
    pub zh: String,
    /// English text for the user.
    pub en: String,
}

/// A table of reason texts: `(code, zh, en)`. Each module that gives reasons owns one.
pub type ReasonTable = [(&'static str, &'static str, &'static str)];

impl Reason {
    pub fn new(code: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { code: code.into(), zh: zh.into(), en: en.into() }
    }

    /// The reason for `code` from `table`. Callers pass their own constant codes (each table has
    /// a test that its codes resolve); an unknown code still yields a reason naming the code.
    pub fn from_table(table: &ReasonTable, code: &str) -> Reason {
        match table.iter().find(|(c, _, _)| *c == code) {
            Some((c, zh, en)) => Reason::new(*c, *zh, *en),
            None => Reason::new(code, code, code),
        }
    }
}

/// The engine's answer for one message. `classify` always returns one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub action: Action,
    pub category: Category,
    /// Confidence in `action`, 0..=1.
    pub score: f32,
    /// The 【签名】 of the message, if it carries a valid one.
    pub signature: Option<String>,
    pub sender_kind: SenderKind,
    /// Set for marketing (promotion, unsolicited marketing), `None` otherwise.
    pub consent: Option<Consent>,
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// The verdict for an empty message.
    pub fn empty(sender_kind: SenderKind) -> Self {
        Verdict {
            action: Action::None,
            category: Category::None,
            score: 1.0,
            signature: None,
            sender_kind,
            consent: None,
            reasons: vec![Reason::new("empty_body", "短信内容为空", "The message body is empty")],
        }
    }

    /// What a message gets if classifying it failed by a bug: shown in the inbox, never hidden.
    pub fn internal_error(sender_kind: SenderKind) -> Self {
        Verdict {
            action: Action::Allow,
            category: Category::Personal,
            score: 0.0,
            signature: None,
            sender_kind,
            consent: None,
            reasons: vec![Reason::new(
                "internal_error",
                "分类出错，已保留在收件箱",
                "Classification failed; kept in the inbox",
            )],
        }
    }

    pub fn reason_codes(&self) -> impl Iterator<Item = &str> {
        self.reasons.iter().map(|r| r.code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_string(&a).ok(), Some(format!("\"{}\"", a.as_str())));
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_string(&c).ok(), Some(format!("\"{}\"", c.as_str())));
        }
    }

    #[test]
    fn every_category_fits_some_action() {
        for c in Category::ALL {
            assert!(Action::ALL.iter().any(|a| c.fits(*a)), "{c} fits no action");
        }
        assert!(Category::Otp.fits(Action::Transaction));
        assert!(!Category::Otp.fits(Action::Junk));
        assert!(Category::UnsolicitedMarketing.fits(Action::Junk));
    }
}
