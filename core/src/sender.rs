//! Step 2a: who sent it. Normalises the sender (+86/0086, spaces, dashes) and sorts it into a
//! [`SenderKind`]: the kind of number says a lot about what a message may legitimately be.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    /// 11-digit mainland mobile (1[3-9]x…): a person, or a spoofer when paired with an institution.
    Mobile,
    /// 106xxxx SMS ports (1065x, 1069x…): both codes and marketing.
    Port106,
    /// 95xxx / 96xxx service numbers (banks 955xx, …).
    Service,
    /// Carrier short codes (10086, 10010, 10000, …).
    Carrier,
    /// Fixed-line numbers (area code + number).
    Landline,
    /// A name instead of a number.
    Alphanumeric,
    /// A number from outside mainland China.
    International,
    Unknown,
}

impl SenderKind {
    pub const ALL: [SenderKind; 8] = [
        SenderKind::Mobile,
        SenderKind::Port106,
        SenderKind::Service,
        SenderKind::Carrier,
        SenderKind::Landline,
        SenderKind::Alphanumeric,
        SenderKind::International,
        SenderKind::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::Mobile => "mobile",
            SenderKind::Port106 => "port106",
            SenderKind::Service => "service",
            SenderKind::Carrier => "carrier",
            SenderKind::Landline => "landline",
            SenderKind::Alphanumeric => "alphanumeric",
            SenderKind::International => "international",
            SenderKind::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<SenderKind> {
        SenderKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A sender after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    /// Digits only for numbers (country prefix of mainland numbers removed), the trimmed name for
    /// alphanumeric senders, `+<digits>` for international numbers.
    pub normalised: String,
    pub kind: SenderKind,
}

/// Normalise and classify a sender as the phone reports it.
pub fn classify_sender(raw: &str) -> Sender {
    // Placeholder until the sender module lands: everything is unknown.
    Sender { normalised: raw.trim().to_string(), kind: SenderKind::Unknown }
}
