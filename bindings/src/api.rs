//! The uniffi exports: one thread-safe [`SmsGuard`] object plus a few free functions.
//!
//! Extension points: persistent state (consent records, user rules, report drafts, unsubscribe,
//! feedback) arrives in core with a later issue. Each becomes a method here that converts its
//! types in `types.rs` and calls core, plus a native method in `jni.rs`; opening from a state
//! path becomes another constructor next to `with_config`.

use std::sync::{Arc, RwLock};

use smsguard_core as core;

use crate::error::SmsGuardError;
use crate::types::{Explanation, GuardConfig, SmsMessage, UserChoices, Verdict, VersionInfo};

/// An engine ready to classify. Share one per process: every method takes `&self` and may run
/// on any thread at the same time.
#[derive(Debug, uniffi::Object)]
pub struct SmsGuard {
    // The engine is immutable; changing the user's choices swaps in a new one (cheap: rules
    // and institutions are shared), so classification never waits on a writer for long.
    engine: RwLock<Arc<core::Engine>>,
}

impl SmsGuard {
    /// The engine the next call uses. A poisoned lock only means a writer panicked between
    /// taking the lock and storing a complete `Arc`, which cannot leave a half-written value.
    pub fn engine(&self) -> Arc<core::Engine> {
        match self.engine.read() {
            Ok(e) => Arc::clone(&e),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Build from a config (also used by the JNI layer).
    pub fn open(config: GuardConfig) -> Result<SmsGuard, SmsGuardError> {
        let mut engine = core::Engine::new();
        if !config.rule_packs.is_empty() {
            let packs: Vec<(&str, &str)> =
                config.rule_packs.iter().map(|p| (p.origin.as_str(), p.text.as_str())).collect();
            engine = engine.with_rule_packs(&packs)?;
        }
        if let Some(table) = &config.institutions {
            engine =
                engine.with_institutions(core::signature::Institutions::parse(&table.text, &table.origin)?);
        }
        if let Some(user) = config.user_choices {
            engine = engine.with_user_choices(user.into());
        }
        Ok(SmsGuard { engine: RwLock::new(Arc::new(engine)) })
    }
}

#[uniffi::export]
impl SmsGuard {
    /// The embedded rules and institutions, no user choices, nothing on disk.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(SmsGuard { engine: RwLock::new(Arc::new(core::Engine::new())) })
    }

    /// Open with replacement rule packs, institutions table and user choices.
    #[uniffi::constructor]
    pub fn with_config(config: GuardConfig) -> Result<Arc<Self>, SmsGuardError> {
        SmsGuard::open(config).map(Arc::new)
    }

    /// Where one message goes and why. Never fails.
    pub fn classify(&self, message: SmsMessage) -> Verdict {
        self.engine().classify(&message.into()).into()
    }

    /// Classify many messages in one call (saves the per-call crossing cost).
    pub fn classify_batch(&self, messages: Vec<SmsMessage>) -> Vec<Verdict> {
        let engine = self.engine();
        messages.into_iter().map(|m| engine.classify(&m.into()).into()).collect()
    }

    /// Every intermediate step for one message.
    pub fn explain(&self, message: SmsMessage) -> Explanation {
        self.engine().explain(&message.into()).into()
    }

    /// The explanation as core's JSON (the same document as `smsguard explain`).
    pub fn explain_json(&self, message: SmsMessage) -> Result<String, SmsGuardError> {
        explain_json(&self.engine(), &message.into())
    }

    /// Replace the user's choices (consent, allow/block lists, strict mode) for later calls.
    pub fn set_user_choices(&self, choices: UserChoices) {
        let next = Arc::new(self.engine().as_ref().clone().with_user_choices(choices.into()));
        match self.engine.write() {
            Ok(mut e) => *e = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    pub fn version(&self) -> VersionInfo {
        let engine = self.engine();
        // The model name is only reported through explanations; ask with an empty message.
        let model = engine.explain(&core::SmsMessage::default()).model_name;
        VersionInfo { model, ..library_version() }
    }
}

pub(crate) fn explain_json(engine: &core::Engine, msg: &core::SmsMessage) -> Result<String, SmsGuardError> {
    serde_json::to_string(&engine.explain(msg))
        .map_err(|e| SmsGuardError::Internal { detail: format!("explanation to JSON: {e}") })
}

/// The library's version and the normaliser version it was built with.
#[uniffi::export]
pub fn library_version() -> VersionInfo {
    VersionInfo {
        library: env!("CARGO_PKG_VERSION").to_string(),
        normaliser: core::normalise::NORMALISER_VERSION,
        model: None,
    }
}

/// Panics on purpose: proves from each language that a panic comes back as an error.
#[cfg(feature = "test-panic")]
#[uniffi::export]
pub fn debug_panic(message: String) -> String {
    panic!("debug_panic: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Action, Consent, RulePack};

    fn msg(sender: &str, body: &str) -> SmsMessage {
        SmsMessage { sender: sender.into(), body: body.into(), received_at: None }
    }

    #[test]
    fn classify_matches_core() {
        let guard = SmsGuard::new();
        let engine = core::Engine::new();
        for (s, b) in [("95588", "您尾号1234的卡消费100.00元"), ("", ""), ("10690000", "【某商城】满100减20")]
        {
            let ours = guard.classify(msg(s, b));
            assert_eq!(ours, Verdict::from(engine.classify(&core::SmsMessage::new(s, b))));
        }
    }

    #[test]
    fn empty_body_is_action_none() {
        let v = SmsGuard::new().classify(msg("10086", "   "));
        assert_eq!(v.action, Action::None);
        assert!(v.reasons.iter().any(|r| r.code == "empty_body"));
    }

    #[test]
    fn batch_is_the_same_as_one_by_one() {
        let guard = SmsGuard::new();
        let msgs = vec![msg("1", "a"), msg("2", ""), msg("3", "验证码123456")];
        let batch = guard.classify_batch(msgs.clone());
        let single: Vec<Verdict> = msgs.into_iter().map(|m| guard.classify(m)).collect();
        assert_eq!(batch, single);
    }

    #[test]
    fn explain_json_is_valid_and_carries_the_verdict() {
        let guard = SmsGuard::new();
        let m = msg("10086", "您的话费余额不足");
        let json = guard.explain_json(m.clone()).expect("serialises");
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        let verdict = guard.classify(m);
        let action = v["verdict"]["action"].as_str();
        assert_eq!(action, Some(core::Action::from(verdict.action).as_str()));
    }

    #[test]
    fn config_and_user_choices_apply() {
        let guard = SmsGuard::with_config(GuardConfig {
            rule_packs: vec![RulePack { origin: "test.rules".into(), text: String::new() }],
            ..Default::default()
        })
        .expect("empty pack compiles");
        let mut choices = UserChoices::default();
        choices.consents.insert("某商城".into(), Consent::Granted);
        guard.set_user_choices(choices);
        // The swapped engine is used from now on and still classifies.
        assert_eq!(guard.classify(msg("1", "")).action, Action::None);
        assert_eq!(guard.version().library, env!("CARGO_PKG_VERSION"));
    }
}
