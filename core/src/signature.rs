//! Step 2b: the 【签名】. Extracts it, validates it (2–16 characters) and checks it against the
//! sender using a replaceable table of institutions (`core/data/institutions.tsv`): a bank's
//! signature from an 11-digit mobile or a foreign number is a spoofing signal.

use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::sender::Sender;

/// Where the signature stood in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// `【签名】…` at the start (the current standard).
    Leading,
    /// `…【签名】` at the end (legacy, still seen).
    Trailing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The name inside the brackets, folded (see `normalise::fold`).
    pub name: String,
    pub placement: Placement,
}

/// What the body's brackets held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SignatureScan {
    None,
    Valid {
        signature: Signature,
    },
    /// Brackets in signature position whose content is not a valid signature (too short or long,
    /// digits only, …). The reason is a short description, never the content.
    Invalid {
        problem: String,
    },
}

/// Kind of institution a signature belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    Bank,
    Payment,
    Carrier,
    Railway,
    Airline,
    Government,
    Ecommerce,
    Courier,
    Other,
}

/// An institution known to the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub name: String,
    pub kind: InstitutionKind,
}

/// How the sender fits the signature's institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderFit {
    /// No institution signature, nothing to check.
    NotApplicable,
    /// The sender is one the institution is known to use.
    Expected,
    /// A plausible kind of sender (e.g. a 106 port) but not a known one.
    Plausible,
    /// An 11-digit mobile, an international number, …: a spoofing signal.
    Spoofed,
}

/// The outcome of the signature step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureCheck {
    pub scan: SignatureScan,
    pub institution: Option<Institution>,
    pub fit: SenderFit,
}

impl SignatureCheck {
    pub fn signature(&self) -> Option<&Signature> {
        match &self.scan {
            SignatureScan::Valid { signature } => Some(signature),
            _ => None,
        }
    }
}

/// Find the signature of a body.
pub fn scan(_body: &str) -> SignatureScan {
    SignatureScan::None
}

/// The table of institutions and the senders each is expected to use.
#[derive(Debug, Clone, Default)]
pub struct Institutions {}

impl Institutions {
    /// The table embedded in the library.
    pub fn embedded() -> &'static Institutions {
        static EMBEDDED: once_cell::sync::Lazy<Institutions> =
            once_cell::sync::Lazy::new(Institutions::default);
        &EMBEDDED
    }

    /// Parse a table in the `institutions.tsv` format. `origin` names it in errors.
    pub fn parse(_text: &str, _origin: &str) -> Result<Institutions, DataError> {
        Ok(Institutions::default())
    }

    /// Scan the body and check its signature against the sender.
    pub fn check(&self, body: &str, _sender: &Sender) -> SignatureCheck {
        SignatureCheck { scan: scan(body), institution: None, fit: SenderFit::NotApplicable }
    }
}
