//! The consent ledger: which marketing signatures (and optionally which sender ports) the user
//! agreed to hear from, when, and how that was decided.
//!
//! Keys are folded signature names (`signature::canonical_name`), so `【某商城】` and `【某商城 】` written in
//! full-width or another case are one entry. A key may also carry a sender port: a consent for
//! `(signature, port)` is more specific than one for the signature alone, and an entry for a port
//! without a signature covers unsigned marketing from that port.
//!
//! Time is passed in by the caller (`now`, seconds since the Unix epoch): the core has no clock.

use serde::{Deserialize, Serialize};

use crate::sender::classify_sender;
use crate::verdict::Consent;

/// Seconds since the Unix epoch, supplied by the caller.
pub type Timestamp = i64;

/// How a consent decision came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    /// The user granted or revoked it in the app.
    User,
    /// An unsubscribe reply was sent (always a revoke).
    Unsubscribe,
    /// Imported from a file or migrated from an older state file.
    Import,
}

impl ConsentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentSource::User => "user",
            ConsentSource::Unsubscribe => "unsubscribe",
            ConsentSource::Import => "import",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentSource> {
        [ConsentSource::User, ConsentSource::Unsubscribe, ConsentSource::Import]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// What the ledger holds for one key: granted or revoked (unknown is the absence of an entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    Granted,
    Revoked,
}

impl ConsentState {
    pub fn consent(self) -> Consent {
        match self {
            ConsentState::Granted => Consent::Granted,
            ConsentState::Revoked => Consent::Revoked,
        }
    }
}

/// The current decision for one signature and/or port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    /// Folded signature name; `None` for a port-only entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Normalised sender port; `None` for a signature-wide entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    pub state: ConsentState,
    /// When it was decided (caller's clock).
    pub at: Timestamp,
    pub how: ConsentSource,
}

/// Why a ledger key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentKeyError {
    /// Neither a signature nor a port was given (or both were blank).
    Empty,
    /// The signature is longer than a signature can be (16 characters, some slack for folding).
    SignatureTooLong,
    /// The port is not a plausible sender (too long).
    PortTooLong,
}

impl std::fmt::Display for ConsentKeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConsentKeyError::Empty => "a consent needs a signature or a sender port",
            ConsentKeyError::SignatureTooLong => "signature longer than 32 characters",
            ConsentKeyError::PortTooLong => "sender port longer than 32 characters",
        })
    }
}

/// Signatures are 2–16 characters; folding may expand a few, so allow some slack.
const MAX_SIGNATURE_CHARS: usize = 32;
const MAX_PORT_CHARS: usize = 32;

/// Canonical form of a signature key: the signature module's canonical name, brackets removed if
/// the caller kept them, so a key typed by the user equals the name the engine extracts.
pub fn signature_key(signature: &str) -> String {
    crate::signature::canonical_name(signature.trim().trim_start_matches('【').trim_end_matches('】'))
}

/// Canonical form of a port key: the sender normalised as the engine sees it.
pub fn port_key(port: &str) -> String {
    classify_sender(port).normalised
}

fn key(
    signature: Option<&str>,
    port: Option<&str>,
) -> Result<(Option<String>, Option<String>), ConsentKeyError> {
    let signature = signature.map(signature_key).filter(|s| !s.is_empty());
    let port = port.map(port_key).filter(|s| !s.is_empty());
    if signature.is_none() && port.is_none() {
        return Err(ConsentKeyError::Empty);
    }
    if signature.as_ref().is_some_and(|s| s.chars().count() > MAX_SIGNATURE_CHARS) {
        return Err(ConsentKeyError::SignatureTooLong);
    }
    if port.as_ref().is_some_and(|p| p.chars().count() > MAX_PORT_CHARS) {
        return Err(ConsentKeyError::PortTooLong);
    }
    Ok((signature, port))
}

/// The ledger: one current entry per key, plus a bounded log of past decisions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentLedger {
    #[serde(default)]
    entries: Vec<ConsentEntry>,
    /// Earlier decisions that were replaced, oldest first, at most [`ConsentLedger::HISTORY_LIMIT`].
    #[serde(default)]
    history: Vec<ConsentEntry>,
}

impl ConsentLedger {
    /// How many replaced decisions are kept (the file must not grow without bound).
    pub const HISTORY_LIMIT: usize = 500;

    /// Record a grant. Replaces any earlier decision for the same key.
    pub fn grant(
        &mut self,
        signature: Option<&str>,
        port: Option<&str>,
        now: Timestamp,
        how: ConsentSource,
    ) -> Result<&ConsentEntry, ConsentKeyError> {
        self.set(signature, port, ConsentState::Granted, now, how)
    }

    /// Record a revoke. Replaces any earlier decision for the same key.
    pub fn revoke(
        &mut self,
        signature: Option<&str>,
        port: Option<&str>,
        now: Timestamp,
        how: ConsentSource,
    ) -> Result<&ConsentEntry, ConsentKeyError> {
        self.set(signature, port, ConsentState::Revoked, now, how)
    }

    /// Record a decision.
    pub fn set(
        &mut self,
        signature: Option<&str>,
        port: Option<&str>,
        state: ConsentState,
        now: Timestamp,
        how: ConsentSource,
    ) -> Result<&ConsentEntry, ConsentKeyError> {
        let (signature, port) = key(signature, port)?;
        let entry = ConsentEntry { signature, port, state, at: now, how };
        let idx = match self.position(&entry.signature, &entry.port) {
            Some(i) => {
                let old = std::mem::replace(&mut self.entries[i], entry);
                self.push_history(old);
                i
            }
            None => {
                self.entries.push(entry);
                self.entries.len() - 1
            }
        };
        Ok(&self.entries[idx])
    }

    /// Forget the decision for a key (back to unknown). Returns whether there was one.
    pub fn forget(&mut self, signature: Option<&str>, port: Option<&str>) -> bool {
        let Ok((signature, port)) = key(signature, port) else { return false };
        match self.position(&signature, &port) {
            Some(i) => {
                let old = self.entries.remove(i);
                self.push_history(old);
                true
            }
            None => false,
        }
    }

    fn position(&self, signature: &Option<String>, port: &Option<String>) -> Option<usize> {
        self.entries.iter().position(|e| e.signature == *signature && e.port == *port)
    }

    fn push_history(&mut self, old: ConsentEntry) {
        self.history.push(old);
        if self.history.len() > Self::HISTORY_LIMIT {
            let excess = self.history.len() - Self::HISTORY_LIMIT;
            self.history.drain(..excess);
        }
    }

    /// Current decisions, sorted by signature then port (stable output for `consent list`).
    pub fn list(&self) -> Vec<&ConsentEntry> {
        let mut v: Vec<&ConsentEntry> = self.entries.iter().collect();
        v.sort_by(|a, b| (&a.signature, &a.port).cmp(&(&b.signature, &b.port)));
        v
    }

    /// Replaced decisions, oldest first.
    pub fn history(&self) -> &[ConsentEntry] {
        &self.history
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry for exactly this key, if any.
    pub fn get(&self, signature: Option<&str>, port: Option<&str>) -> Option<&ConsentEntry> {
        let (signature, port) = key(signature, port).ok()?;
        self.position(&signature, &port).map(|i| &self.entries[i])
    }

    /// The consent that applies to a message with this signature from this sender: the most
    /// specific entry wins — `(signature, port)`, then the signature alone, then (only for
    /// unsigned messages) the port alone. `Unknown` when nothing is recorded.
    pub fn consent_for(&self, signature: Option<&str>, sender: &str) -> Consent {
        let signature = signature.map(signature_key).filter(|s| !s.is_empty());
        let port = Some(port_key(sender)).filter(|p| !p.is_empty());
        let find =
            |s: &Option<String>, p: &Option<String>| self.position(s, p).map(|i| self.entries[i].state);
        let state = match (&signature, &port) {
            (Some(_), Some(_)) => find(&signature, &port).or_else(|| find(&signature, &None)),
            (Some(_), None) => find(&signature, &None),
            (None, Some(_)) => find(&None, &port),
            (None, None) => None,
        };
        state.map_or(Consent::Unknown, ConsentState::consent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_then_revoke_replaces_and_keeps_history() {
        let mut l = ConsentLedger::default();
        l.grant(Some("某商城"), None, 100, ConsentSource::User).map(|_| ()).ok();
        assert_eq!(l.consent_for(Some("某商城"), "10690001"), Consent::Granted);
        l.revoke(Some("【某商城】"), None, 200, ConsentSource::Unsubscribe).map(|_| ()).ok();
        assert_eq!(l.consent_for(Some("某商城"), "10690001"), Consent::Revoked);
        assert_eq!(l.list().len(), 1);
        let e = l.list()[0];
        assert_eq!((e.at, e.how, e.state), (200, ConsentSource::Unsubscribe, ConsentState::Revoked));
        assert_eq!(l.history().len(), 1);
        assert_eq!(l.history()[0].state, ConsentState::Granted);
    }

    #[test]
    fn signature_keys_are_folded() {
        let mut l = ConsentLedger::default();
        l.grant(Some("AbcShop"), None, 1, ConsentSource::User).map(|_| ()).ok();
        assert_eq!(l.consent_for(Some("abcshop"), ""), Consent::Granted);
        assert_eq!(l.consent_for(Some("ABCSHOP"), "10690001"), Consent::Granted);
    }

    #[test]
    fn keys_equal_the_names_the_engine_extracts() {
        for (written, body) in [
            ("【 某 商城 】", "【 某 商城 】会员日全场五折，回T退订"),
            ("某\u{200B}商城", "【某商城\u{FEFF}】会员日全场五折"),
            ("ＡＢＣ商城", "abc商城的新品到了【ＡＢＣ商城】"),
        ] {
            let crate::signature::SignatureScan::Valid { signature } = crate::signature::scan(body) else {
                panic!("no signature in test message")
            };
            assert_eq!(signature_key(written), signature.name, "{written:?}");
        }
    }

    #[test]
    fn most_specific_entry_wins() {
        let mut l = ConsentLedger::default();
        l.grant(Some("某商城"), None, 1, ConsentSource::User).map(|_| ()).ok();
        l.revoke(Some("某商城"), Some("1069001"), 2, ConsentSource::User).map(|_| ()).ok();
        l.revoke(None, Some("1069777"), 3, ConsentSource::User).map(|_| ()).ok();
        assert_eq!(l.consent_for(Some("某商城"), "1069001"), Consent::Revoked);
        assert_eq!(l.consent_for(Some("某商城"), "1069002"), Consent::Granted);
        // A port-only entry covers unsigned messages, not other brands' signed ones.
        assert_eq!(l.consent_for(None, "1069777"), Consent::Revoked);
        assert_eq!(l.consent_for(Some("别的店"), "1069777"), Consent::Unknown);
    }

    #[test]
    fn empty_keys_are_refused_and_history_is_bounded() {
        let mut l = ConsentLedger::default();
        assert_eq!(l.grant(Some("  "), None, 1, ConsentSource::User).err(), Some(ConsentKeyError::Empty));
        assert_eq!(
            l.grant(Some(&"长".repeat(40)), None, 1, ConsentSource::User).err(),
            Some(ConsentKeyError::SignatureTooLong)
        );
        for i in 0..(ConsentLedger::HISTORY_LIMIT as i64 + 20) {
            l.grant(Some("某商城"), None, i, ConsentSource::User).map(|_| ()).ok();
        }
        assert_eq!(l.history().len(), ConsentLedger::HISTORY_LIMIT);
        assert!(l.forget(Some("某商城"), None));
        assert_eq!(l.consent_for(Some("某商城"), ""), Consent::Unknown);
        assert!(!l.forget(Some("某商城"), None));
    }
}
