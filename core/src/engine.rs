//! Runs the steps in order. An [`Engine`] is immutable after construction and shared across
//! threads; `classify` always returns a verdict.

use std::sync::Arc;

use serde::Serialize;

use crate::error::DataError;
use crate::message::SmsMessage;
use crate::model::nnef::NnefModel;
use crate::model::{Model, ModelInput, ModelScore};
use crate::normalise::{normalise, EntityKind, Normalised};
use crate::policy::{decide, Evidence, UserChoices};
use crate::rules::{RuleHit, RuleInput, RuleSet, DEFAULT_PACK};
use crate::sender::{classify_sender, Sender};
use crate::signature::{Institutions, SignatureCheck};
use crate::store::UserState;
use crate::verdict::{Subcategory, Verdict};

/// Every intermediate step for one message, for `explain`.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub normaliser_version: u32,
    pub normalised: Normalised,
    pub sender: Sender,
    pub signature: SignatureCheck,
    pub rule_hits: Vec<RuleHit>,
    pub model: Option<ModelScore>,
    pub model_name: Option<String>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone)]
enum Rules {
    Embedded,
    Custom(Arc<RuleSet>),
}

#[derive(Debug, Clone)]
pub struct Engine {
    rules: Rules,
    /// Replacement base packs `(origin, text)`; `None` = the embedded default pack.
    base_packs: Option<Arc<Vec<(String, String)>>>,
    /// The user's own rules and feedback as a pack, compiled after the base packs.
    user_pack: Option<Arc<String>>,
    institutions: Option<Arc<Institutions>>,
    model: Option<Arc<dyn Model>>,
    user: UserChoices,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// The embedded default rules and institutions, no model, no user choices.
    pub fn new() -> Self {
        Engine {
            rules: Rules::Embedded,
            base_packs: None,
            user_pack: None,
            institutions: None,
            model: None,
            user: UserChoices::default(),
        }
    }

    /// Replace the default rules with these packs (`(origin, text)`), compiled together.
    pub fn with_rule_packs(mut self, packs: &[(&str, &str)]) -> Result<Self, DataError> {
        self.base_packs = Some(Arc::new(packs.iter().map(|(o, t)| (o.to_string(), t.to_string())).collect()));
        self.recompile()
    }

    /// Honour what the user saved: consents and strict mode go to the policy, the user's rules and
    /// feedback become a pack compiled after the base rules (priority 1000: they win).
    pub fn with_user_state(mut self, state: &UserState) -> Result<Self, DataError> {
        self.user = state.user_choices();
        let has_rules = !state.rules.is_empty() || !state.feedback.is_empty();
        self.user_pack = has_rules.then(|| Arc::new(state.rule_pack_text()));
        self.recompile()
    }

    fn recompile(mut self) -> Result<Self, DataError> {
        if self.base_packs.is_none() && self.user_pack.is_none() {
            self.rules = Rules::Embedded;
            return Ok(self);
        }
        let mut packs: Vec<(&str, &str)> = match &self.base_packs {
            Some(base) => base.iter().map(|(o, t)| (o.as_str(), t.as_str())).collect(),
            None => vec![("default.rules", DEFAULT_PACK)],
        };
        if let Some(user) = &self.user_pack {
            packs.push(("user rules", user.as_str()));
        }
        self.rules = Rules::Custom(Arc::new(RuleSet::compile(&packs)?));
        Ok(self)
    }

    /// Whether the rules are the embedded default pack (no replacement packs given).
    pub fn has_default_rules(&self) -> bool {
        self.base_packs.is_none()
    }

    /// Whether the institutions table is the embedded one.
    pub fn has_default_institutions(&self) -> bool {
        self.institutions.is_none()
    }

    /// Replace the institutions table.
    pub fn with_institutions(mut self, table: Institutions) -> Self {
        self.institutions = Some(Arc::new(table));
        self
    }

    pub fn with_model(mut self, model: Arc<dyn Model>) -> Self {
        self.model = Some(model);
        self
    }

    /// The name of the model in use (`embbag-v2`), or `None` when classifying with rules only.
    pub fn model_name(&self) -> Option<&str> {
        self.model.as_deref().map(|m| m.name())
    }

    /// Use the model shipped in the library (loaded and optimised once per process).
    pub fn with_embedded_model(self) -> Result<Self, DataError> {
        let model: Arc<dyn Model> = NnefModel::embedded()?;
        Ok(self.with_model(model))
    }

    /// Rules only.
    pub fn without_model(mut self) -> Self {
        self.model = None;
        self
    }

    pub fn with_user_choices(mut self, user: UserChoices) -> Self {
        self.user = user;
        self
    }

    pub fn rules(&self) -> &RuleSet {
        match &self.rules {
            Rules::Embedded => RuleSet::embedded(),
            Rules::Custom(r) => r,
        }
    }

    pub fn institutions(&self) -> &Institutions {
        self.institutions.as_deref().unwrap_or_else(|| Institutions::embedded())
    }

    pub fn classify(&self, msg: &SmsMessage) -> Verdict {
        self.explain(msg).verdict
    }

    /// Every step for one message. Never panics: a bug in a step (none is known; the property
    /// tests and fuzzing look for them) yields a verdict that keeps the message in the inbox,
    /// never a hidden message, and no panic text (which could quote the message) leaves here.
    pub fn explain(&self, msg: &SmsMessage) -> Explanation {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.explain_steps(msg))).unwrap_or_else(
            |_| {
                let sender = Sender { normalised: String::new(), kind: crate::sender::SenderKind::Unknown };
                Explanation {
                    normaliser_version: crate::normalise::NORMALISER_VERSION,
                    normalised: Normalised::default(),
                    signature: SignatureCheck::none(),
                    rule_hits: Vec::new(),
                    model: None,
                    model_name: self.model_name().map(str::to_string),
                    verdict: Verdict::internal_error(sender.kind),
                    sender,
                }
            },
        )
    }

    fn explain_steps(&self, msg: &SmsMessage) -> Explanation {
        // Bounded: one very long body must not cost more than a message's time budget.
        let body = crate::message::judged_body(&msg.body);
        let normalised = normalise(&body);
        let sender = classify_sender(&msg.sender);
        let signature = self.institutions().check(&body, &sender);
        let (rule_hits, model, verdict) = if normalised.text.trim().is_empty() {
            (Vec::new(), None, Verdict::empty(sender.kind))
        } else {
            let evaluation = self.rules().evaluate_bounded(&RuleInput {
                body: &body,
                normalised: &normalised,
                sender: &sender,
                signature: &signature,
            });
            let rule_hits = evaluation.hits;
            let model = self.model.as_ref().and_then(|m| {
                m.predict(&ModelInput {
                    normalised: &normalised,
                    sender_kind: sender.kind,
                    signature: signature.signature().map(|s| s.name.as_str()),
                })
            });
            let verdict = decide(
                &Evidence {
                    sender: &sender,
                    signature: &signature,
                    hits: &rule_hits,
                    model: model.as_ref(),
                    opt_out: crate::unsubscribe::detect(&body).is_some(),
                    link_or_phone: normalised.has(EntityKind::Url) || normalised.has(EntityKind::Phone),
                },
                &self.user,
            );
            let verdict = crate::policy::when_rules_incomplete(evaluation.complete, &rule_hits, verdict);
            let verdict = crate::contact::apply(msg.known_contact, &rule_hits, verdict);
            let verdict = Verdict {
                subcategory: Subcategory::derive(
                    verdict.action,
                    verdict.category,
                    signature.institution.as_ref().map(|i| i.kind),
                    &normalised.text,
                ),
                ..verdict
            };
            (rule_hits, model, verdict)
        };
        Explanation {
            normaliser_version: crate::normalise::NORMALISER_VERSION,
            normalised,
            sender,
            signature,
            rule_hits,
            model,
            model_name: self.model_name().map(str::to_string),
            verdict,
        }
    }
}
