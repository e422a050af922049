//! Step 3: signature/keyword rules. A versioned, human-editable rule-pack format compiled into
//! one regex-automata multi-pattern matcher (keywords as a prefilter) plus per-rule verification.
//! The default pack (`core/data/default.rules`) is embedded in the library.

use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::normalise::Normalised;
use crate::sender::Sender;
use crate::signature::SignatureCheck;
use crate::verdict::{Action, Category, Reason};

/// What a matching rule asks of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum Effect {
    /// Hard allow into `action` (allow or transaction). Protective: beats blocks of lower priority.
    Protect { action: Action, category: Category },
    /// Hard block: junk with this category.
    Block { category: Category },
    /// Soft evidence for `action`/`category`, weight in 0..=1.
    Hint { action: Action, category: Category, weight: f32 },
}

/// One rule that matched a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleHit {
    /// `pack/rule-id`, stable.
    pub rule: String,
    pub effect: Effect,
    /// Higher wins among hard effects.
    pub priority: i32,
    pub reason: Reason,
}

/// What the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct RuleInput<'a> {
    pub body: &'a str,
    pub normalised: &'a Normalised,
    pub sender: &'a Sender,
    pub signature: &'a SignatureCheck,
}

/// Compiled rules from one or more packs.
#[derive(Debug, Default)]
pub struct RuleSet {}

impl RuleSet {
    /// The default pack embedded in the library, compiled once.
    pub fn embedded() -> &'static RuleSet {
        static EMBEDDED: once_cell::sync::Lazy<RuleSet> = once_cell::sync::Lazy::new(RuleSet::default);
        &EMBEDDED
    }

    /// Compile packs given as `(origin, text)`; later packs may not reuse a rule id of an earlier one.
    pub fn compile(_packs: &[(&str, &str)]) -> Result<RuleSet, DataError> {
        Ok(RuleSet::default())
    }

    /// All rules that match, in priority order (highest first).
    pub fn evaluate(&self, _input: &RuleInput<'_>) -> Vec<RuleHit> {
        Vec::new()
    }
}
