//! The input: one incoming SMS as the phone hands it to us.

use serde::{Deserialize, Serialize};

/// One incoming SMS. `sender` is what the phone shows (a number, a port, an alphanumeric name);
/// it may be empty when the platform does not give one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    #[serde(default)]
    pub sender: String,
    pub body: String,
    /// When the phone received it, as the caller gives it (RFC 3339 or epoch seconds). Kept verbatim
    /// for reports; the engine never parses it for classification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// The sender is one of the user's saved contacts (the phone's address book; false when the
    /// app may not read it). Junk or promotion from a contact goes to the inbox unless the user
    /// blocked it ([`crate::contact`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub known_contact: bool,
}

impl SmsMessage {
    pub fn new(sender: impl Into<String>, body: impl Into<String>) -> Self {
        Self { sender: sender.into(), body: body.into(), received_at: None, known_contact: false }
    }

    /// The same message, marked as coming from a saved contact (or not).
    pub fn with_known_contact(mut self, known: bool) -> Self {
        self.known_contact = known;
        self
    }
}
