//! Step 4: the statistical model, behind a trait so that the policy works rules-only until a model
//! is plugged in (the tract model, [`nnef::NnefModel`], lives behind this trait).

pub mod archive;
pub mod embbag;
pub mod manifest;
pub mod nnef;

pub use nnef::NnefModel;

use serde::{Deserialize, Serialize};

use crate::normalise::Normalised;
use crate::sender::SenderKind;
use crate::verdict::{Action, Category};

/// What the model sees.
#[derive(Debug, Clone, Copy)]
pub struct ModelInput<'a> {
    pub normalised: &'a Normalised,
    pub sender_kind: SenderKind,
    pub signature: Option<&'a str>,
}

/// The model's opinion: a probability per action (allow, transaction, promotion, junk; they sum
/// to 1) and optionally the most likely category with its probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    pub allow: f32,
    pub transaction: f32,
    pub promotion: f32,
    pub junk: f32,
    pub category: Option<(Category, f32)>,
    /// The junk probability this model was calibrated to call confident (its manifest's
    /// `thresholds.junk`, chosen on validation so that benign mail stays below it). The policy
    /// maps it onto its own junk bar; without one, the policy's bar applies as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub junk_threshold: Option<f32>,
    /// The manifest's `thresholds.allow`: a chat-like message (no sender number, no signature,
    /// nothing to act on, no rule hint) stays in the inbox when allow is at least this, even with
    /// promotion or junk ahead (calibrated on the validation chats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_threshold: Option<f32>,
    /// The manifest's `thresholds.promotion`: the promotion + junk probability a signed message
    /// without an opt-out needs before the model alone moves it out of the inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_threshold: Option<f32>,
}

impl ModelScore {
    pub fn prob(&self, action: Action) -> f32 {
        match action {
            Action::Allow => self.allow,
            Action::Transaction => self.transaction,
            Action::Promotion => self.promotion,
            Action::Junk => self.junk,
            Action::None => 0.0,
        }
    }

    /// The most probable action and its probability.
    pub fn top(&self) -> (Action, f32) {
        [Action::Allow, Action::Transaction, Action::Promotion, Action::Junk]
            .into_iter()
            .map(|a| (a, self.prob(a)))
            .fold((Action::Allow, f32::MIN), |best, x| if x.1 > best.1 { x } else { best })
    }
}

/// A classifier over normalised text. Implementations must be cheap to call from many threads.
pub trait Model: Send + Sync + std::fmt::Debug {
    /// Short name and version for explanations (`"embedded-v1"`).
    fn name(&self) -> &str;
    /// `None` when the model cannot score this input (it then adds no evidence).
    fn predict(&self, input: &ModelInput<'_>) -> Option<ModelScore>;
}
