//! The uniffi exports: one thread-safe [`SmsGuard`] object plus a few free functions.
//!
//! A guard is core's [`Session`](core::session::Session): the user's state (a file, or memory)
//! and the engine built from it. Every method converts types and calls the session; what a
//! change, a report or an unsubscribe does is decided there, once, for the CLI, uniffi and JNI
//! alike. `now` is the system clock here: core takes time as a parameter.

use std::sync::Arc;

use smsguard_core as core;
use smsguard_core::consent::ConsentState as CoreConsentState;
use smsguard_core::session::{unix_now as now, Session, SessionConfig};
use smsguard_core::store::{StateError, Store};
use smsguard_core::user_rules::RuleTarget;

use crate::error::{guarded, SmsGuardError};
use crate::state::{
    ConsentEntry, FeedbackEntry, FeedbackKind, ReportPlan, UnsubscribeReply, UserRule, UserRuleEffect,
    UserRuleKind,
};
use crate::types::{Carrier, Explanation, GuardConfig, SmsMessage, UpdateInfo, Verdict, VersionInfo};

/// An engine ready to classify, plus the user's state. Share one per process: every method takes
/// `&self` and may run on any thread at the same time.
#[derive(Debug, uniffi::Object)]
pub struct SmsGuard {
    session: Session,
}

impl SmsGuard {
    /// The engine the next call uses.
    pub fn engine(&self) -> Arc<core::Engine> {
        self.session.engine()
    }

    /// The session behind this guard (the JNI request entry uses it directly).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Build from a config and, when given, a state file (also used by the JNI layer).
    pub fn build(config: GuardConfig, state_path: Option<&str>) -> Result<SmsGuard, SmsGuardError> {
        // No panic message (it may quote an SMS) reaches stderr, i.e. the device log.
        core::error::quiet_panic_hook();
        let mut base = core::Engine::new();
        if !config.rule_packs.is_empty() {
            let packs: Vec<(&str, &str)> =
                config.rule_packs.iter().map(|p| (p.origin.as_str(), p.text.as_str())).collect();
            base = base.with_rule_packs(&packs)?;
        }
        if let Some(table) = &config.institutions {
            base = base.with_institutions(core::signature::Institutions::parse(&table.text, &table.origin)?);
        }
        let mut keys = core::update::Keyring::embedded();
        for k in &config.update_keys {
            let public = core::update::PublicKeyFile { id: k.id.clone(), public: k.public.clone() }
                .key()
                .map_err(|detail| SmsGuardError::InvalidData {
                    origin: "update_keys".into(),
                    line: None,
                    item: Some(k.id.clone()),
                    detail,
                })?;
            keys = keys.with_key(&k.id, public);
        }
        let config =
            SessionConfig { base, model_default: config.embedded_model, keys, ..SessionConfig::default() };
        let session = Session::open(config, state_path.map(std::path::Path::new))?;
        Ok(SmsGuard { session })
    }

    /// Core's report plan for one message, with the current engine and report history.
    pub fn report_plan(&self, msg: &core::SmsMessage) -> core::report::ReportPlan {
        self.session.report_plan(msg, None)
    }

    /// Grant consent (JNI and uniffi share this).
    pub fn grant(
        &self,
        signature: Option<String>,
        port: Option<String>,
    ) -> Result<ConsentEntry, SmsGuardError> {
        let e = self.session.consent_set(
            signature.as_deref(),
            port.as_deref(),
            CoreConsentState::Granted,
            now(),
        )?;
        Ok(ConsentEntry::from(&e))
    }

    /// Revoke consent (JNI and uniffi share this).
    pub fn revoke(
        &self,
        signature: Option<String>,
        port: Option<String>,
    ) -> Result<ConsentEntry, SmsGuardError> {
        let e = self.session.consent_set(
            signature.as_deref(),
            port.as_deref(),
            CoreConsentState::Revoked,
            now(),
        )?;
        Ok(ConsentEntry::from(&e))
    }

    /// Record a sent report (JNI and uniffi share this). See [`SmsGuard::report_sent`].
    pub fn record_report(&self, msg: &core::SmsMessage, channel: &str) -> Result<bool, SmsGuardError> {
        Ok(self.session.report_sent(msg, channel, now())?)
    }
}

#[uniffi::export]
impl SmsGuard {
    /// The embedded rules and institutions; user state in memory only (nothing on disk).
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        // The embedded data in memory cannot fail to open; keep a constructor that never throws.
        let session = Session::open(SessionConfig::default(), None)
            .unwrap_or_else(|e| unreachable!("embedded defaults failed to open: {e}"));
        Arc::new(SmsGuard { session })
    }

    /// Open with replacement rule packs and institutions table; user state in memory only.
    #[uniffi::constructor]
    pub fn with_config(config: GuardConfig) -> Result<Arc<Self>, SmsGuardError> {
        SmsGuard::build(config, None).map(Arc::new)
    }

    /// The embedded data plus the user state in the file at `state_path` (created on the first
    /// change; a missing file is an empty state). A damaged or newer file gives
    /// `StateUnreadable` and is left untouched.
    #[uniffi::constructor]
    pub fn open(state_path: String) -> Result<Arc<Self>, SmsGuardError> {
        SmsGuard::build(GuardConfig::default(), Some(&state_path)).map(Arc::new)
    }

    /// [`SmsGuard::with_config`] and [`SmsGuard::open`] together.
    #[uniffi::constructor]
    pub fn open_with_config(state_path: String, config: GuardConfig) -> Result<Arc<Self>, SmsGuardError> {
        SmsGuard::build(config, Some(&state_path)).map(Arc::new)
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
        guarded(|| explain_json(&self.engine(), &message.into()))
    }

    /// The state file's path, or `None` for an in-memory guard.
    pub fn state_path(&self) -> Option<String> {
        self.session.path().map(|p| p.display().to_string())
    }

    /// Re-read the state file (after another process changed it) and rebuild the engine.
    pub fn reload_state(&self) -> Result<(), SmsGuardError> {
        Ok(self.session.reload()?)
    }

    // --- consent -----------------------------------------------------------------------------

    /// The user agrees to marketing from this 【签名】 (and/or sender port).
    pub fn consent_grant(
        &self,
        signature: Option<String>,
        port: Option<String>,
    ) -> Result<ConsentEntry, SmsGuardError> {
        self.grant(signature, port)
    }

    /// The user withdraws consent: that marketing becomes unsolicited (junk, reportable).
    pub fn consent_revoke(
        &self,
        signature: Option<String>,
        port: Option<String>,
    ) -> Result<ConsentEntry, SmsGuardError> {
        self.revoke(signature, port)
    }

    /// Forget the decision (back to unknown). False when none was recorded for that key.
    pub fn consent_forget(
        &self,
        signature: Option<String>,
        port: Option<String>,
    ) -> Result<bool, SmsGuardError> {
        Ok(self.session.consent_forget(signature.as_deref(), port.as_deref())?)
    }

    /// Current consent decisions.
    pub fn consent_list(&self) -> Vec<ConsentEntry> {
        self.session.snapshot().consents.list().into_iter().map(ConsentEntry::from).collect()
    }

    // --- personal rules ----------------------------------------------------------------------

    /// Add a personal rule; returns its id. A bad value (empty, too long, an unsafe regex) gives
    /// `InvalidData` with origin `user rules`.
    pub fn rules_add(
        &self,
        effect: UserRuleEffect,
        kind: UserRuleKind,
        value: String,
    ) -> Result<u32, SmsGuardError> {
        let target = RuleTarget::parse(kind.as_str(), &value).map_err(StateError::from)?;
        Ok(self.session.rules_add(target, effect.into(), now())?.0)
    }

    /// Remove a personal rule by id; returns it.
    pub fn rules_remove(&self, id: u32) -> Result<UserRule, SmsGuardError> {
        Ok(UserRule::from(&self.session.rules_remove(id)?))
    }

    pub fn rules_list(&self) -> Vec<UserRule> {
        self.session.snapshot().rules.list().iter().map(UserRule::from).collect()
    }

    /// The personal rules as core's JSON export (for backup or another device).
    pub fn rules_export_json(&self) -> String {
        self.session.snapshot().rules.export_json()
    }

    /// Import rules written by `rules_export_json`; returns how many were added. `origin` names
    /// the text in errors. A malformed file changes nothing.
    pub fn rules_import_json(&self, text: String, origin: String) -> Result<u32, SmsGuardError> {
        let n = self.session.rules_import(&text, &origin, now())?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    // --- feedback and settings ---------------------------------------------------------------

    /// "Not junk" / "is junk" on a message: becomes a personal rule for its signature (or its
    /// sender when unsigned), replacing earlier feedback on the same target.
    pub fn feedback(&self, kind: FeedbackKind, message: SmsMessage) -> Result<FeedbackEntry, SmsGuardError> {
        guarded(|| {
            let out = self.session.feedback(kind.into(), &message.into(), now())?;
            Ok(FeedbackEntry::from(&out.entry))
        })
    }

    /// Undo one piece of feedback by id; returns it.
    pub fn feedback_undo(&self, id: u32) -> Result<FeedbackEntry, SmsGuardError> {
        Ok(FeedbackEntry::from(&self.session.feedback_undo(id)?))
    }

    pub fn feedback_list(&self) -> Vec<FeedbackEntry> {
        self.session.snapshot().feedback.list().iter().map(FeedbackEntry::from).collect()
    }

    /// Strict mode: marketing without recorded consent goes to junk.
    pub fn set_strict(&self, strict: bool) -> Result<(), SmsGuardError> {
        Ok(self.session.set_strict(strict)?)
    }

    pub fn strict(&self) -> bool {
        self.session.snapshot().settings.strict
    }

    // --- reports and unsubscribe -------------------------------------------------------------

    /// Report drafts for one message (carrier SMS channels and copy-to-form channels), or why
    /// it is not reportable (notifications never are; nor consented marketing, nor a message
    /// already reported).
    pub fn report(&self, message: SmsMessage) -> ReportPlan {
        self.report_plan(&message.into()).into()
    }

    /// [`Self::report`] for a message the `carrier`'s SIM received: that carrier's report number
    /// comes first (an unverified format stays marked `verified: false`).
    pub fn report_for_carrier(&self, message: SmsMessage, carrier: Carrier) -> ReportPlan {
        let carrier: core::report::Carrier = carrier.into();
        self.session.report_plan(&message.into(), Some(carrier.as_str())).into()
    }

    /// Plans for several messages; a message repeated within the batch is offered once.
    pub fn report_batch(&self, messages: Vec<SmsMessage>) -> Vec<ReportPlan> {
        let msgs: Vec<core::SmsMessage> = messages.into_iter().map(Into::into).collect();
        self.session.report_batch(&msgs).into_iter().map(Into::into).collect()
    }

    /// Record that the user sent the report of `message` through `channel` (a draft's channel),
    /// so it is not offered again. Stores a hash, never the text. Returns false when it was
    /// already recorded for that channel. A message that is not reportable, or an unknown
    /// channel, gives `InvalidData` (origin `report`) and records nothing.
    pub fn report_sent(&self, message: SmsMessage, channel: String) -> Result<bool, SmsGuardError> {
        guarded(|| self.record_report(&message.into(), &channel))
    }

    /// The unsubscribe reply for a message (e.g. `T` to its sender), if it has an opt-out
    /// instruction and a sender. Check `warnings` before offering it.
    pub fn unsubscribe(&self, message: SmsMessage) -> Option<UnsubscribeReply> {
        self.session.unsubscribe(&message.into()).map(Into::into)
    }

    /// Record that the reply was sent: revokes consent for its signature (or sender port).
    pub fn unsubscribe_sent(&self, reply: UnsubscribeReply) -> Result<(), SmsGuardError> {
        let reply: core::unsubscribe::UnsubscribeReply = reply.into();
        Ok(self.session.record_unsubscribe(&reply, now())?)
    }

    /// Use a model update (a tract NNEF archive and its manifest JSON, as `models/` ships them)
    /// from the next call on, in place of the model in use (the embedded one, or none). It is
    /// checked first: the archive's sha256 against the manifest, the featuriser and normaliser
    /// versions against this library, the archive's bounds, then one test run. A wrong or
    /// corrupt model gives `InvalidData` (origin `model` or `model manifest`) and the model in use
    /// stays. Returns the new model's name (also in `version().model`). Not persisted: after
    /// opening a guard, load the update again.
    pub fn load_model(&self, model: Vec<u8>, manifest_json: String) -> Result<String, SmsGuardError> {
        let model: Arc<dyn core::model::Model> =
            Arc::new(core::model::nnef::NnefModel::from_bytes(&model, &manifest_json)?);
        let name = model.name().to_string();
        self.session.load_model(model)?;
        Ok(name)
    }

    /// Apply a signed update (rules, institutions or model) and use it from now on; it is kept
    /// beside the state file and used again when a guard opens that state. Refused as
    /// `InvalidData` with origin `update` and `item` the reason (`not_newer`: routine, ignore;
    /// `unsigned`, `unknown_key`, `bad_signature`, `tampered`, `malformed`, `invalid_payload`:
    /// drop the bundle): the data in use stays.
    pub fn apply_update(&self, bundle: Vec<u8>) -> Result<UpdateInfo, SmsGuardError> {
        guarded(|| Ok(self.session.apply_update(&bundle)?.into()))
    }

    /// The signed updates in use (embedded data for the kinds not listed).
    pub fn installed_updates(&self) -> Vec<UpdateInfo> {
        self.session.updates().into_iter().map(Into::into).collect()
    }

    /// Saved personal rules and feedback that no longer compile and are skipped (by id and kind),
    /// and installed updates that could not be used. Empty when everything applies; the user can
    /// list and remove the rules.
    pub fn state_problems(&self) -> Vec<String> {
        self.session.problems()
    }

    pub fn version(&self) -> VersionInfo {
        VersionInfo { model: self.engine().model_name().map(str::to_string), ..library_version() }
    }
}

/// Move a state file that `open` refused (`StateUnreadable`) to `<path>.corrupt-<n>` so that the
/// app can start over; returns where it went. Ask the user first: their choices are in it.
#[uniffi::export]
pub fn set_aside_state(state_path: String) -> Result<String, SmsGuardError> {
    Ok(Store::set_aside(&state_path)?.display().to_string())
}

pub(crate) fn explain_json(engine: &core::Engine, msg: &core::SmsMessage) -> Result<String, SmsGuardError> {
    serde_json::to_string(&engine.explain(msg))
        .map_err(|e| SmsGuardError::Internal { detail: format!("explanation to JSON: {e}") })
}

/// The carrier of a SIM's MCC-MNC (Android `getSimOperator`, e.g. `46001`); `Unknown` for
/// anything else.
#[uniffi::export]
pub fn carrier_from_mcc_mnc(code: String) -> Carrier {
    core::report::Carrier::from_mcc_mnc(&code).into()
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
pub fn debug_panic(message: String) -> Result<String, SmsGuardError> {
    crate::error::guarded(|| panic!("debug_panic: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Action, Consent, RulePack};

    fn msg(sender: &str, body: &str) -> SmsMessage {
        SmsMessage { sender: sender.into(), body: body.into(), received_at: None, known_contact: false }
    }

    #[test]
    fn classify_matches_core() {
        // The default guard is the embedded rules and model.
        let guard = SmsGuard::new();
        let engine = core::Engine::new().with_embedded_model().expect("embedded model loads");
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

    const GOOD_PACK: &str =
        "format = smsguard-rules/1\npack = test\nversion = 1\n\n[test.loan]\nany = 贷款\n\
        effect = block other\nreason = test_loan\nzh = 贷款\nen = Loan\n";
    // Line 7: an effect core's parser does not know.
    const BROKEN_PACK: &str =
        "format = smsguard-rules/1\npack = test\nversion = 1\n\n[test.loan]\nany = 贷款\n\
        effect = explode everything\nreason = test_loan\nzh = 贷款\nen = Loan\n";

    #[test]
    fn config_applies_and_a_broken_pack_is_invalid_data() {
        let guard = SmsGuard::with_config(GuardConfig {
            rule_packs: vec![RulePack { origin: "test.rules".into(), text: GOOD_PACK.into() }],
            ..Default::default()
        })
        .expect("empty pack compiles");
        assert_eq!(guard.classify(msg("1", "")).action, Action::None);
        assert_eq!(guard.version().library, env!("CARGO_PKG_VERSION"));
        let broken = SmsGuard::with_config(GuardConfig {
            rule_packs: vec![RulePack { origin: "broken.rules".into(), text: BROKEN_PACK.into() }],
            ..Default::default()
        });
        assert!(
            matches!(&broken, Err(SmsGuardError::InvalidData { origin, line: Some(7), .. }) if origin == "broken.rules"),
            "{broken:?}"
        );
    }

    #[test]
    fn the_embedded_model_is_on_by_default_and_survives_state_changes() {
        let rules_only = SmsGuard::with_config(GuardConfig { embedded_model: false, ..Default::default() })
            .expect("loads");
        assert_eq!(rules_only.version().model, None, "embedded_model: false is rules only");
        assert_eq!(GuardConfig::from_json("{}").map(|c| c.embedded_model), Ok(true));
        let guard = SmsGuard::new();
        let name = guard.version().model.expect("model in use");
        assert!(name.starts_with("embbag"), "{name}");
        // A user rule recompiles the rules; the model stays.
        guard.rules_add(UserRuleEffect::Block, UserRuleKind::Sender, "10690000321".into()).expect("adds");
        assert_eq!(guard.version().model.as_deref(), Some(name.as_str()));
        let v = guard.explain(msg("10690000999", "【某书店】周末全场新书八折，回T退订"));
        assert!(v.model.is_some(), "explanations carry the model's score");
    }

    fn testdata(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/model").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn a_model_update_replaces_the_model_and_a_bad_one_leaves_it_in_use() {
        let guard =
            SmsGuard::with_config(GuardConfig { embedded_model: true, ..Default::default() }).expect("loads");
        let embedded = guard.version().model.expect("embedded model");
        let archive = testdata("tiny.nnef.tar");
        let manifest = String::from_utf8(testdata("tiny.manifest.json")).expect("utf-8");

        // Refused, each with a reason, and the embedded model stays.
        let mut flipped = archive.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let wrong_version = manifest.replace("\"featuriser_version\": 1", "\"featuriser_version\": 99");
        assert_ne!(wrong_version, manifest, "the fixture names its featuriser version");
        for (model, manifest_json, expected) in [
            (flipped, manifest.clone(), "sha256"),
            (archive.clone(), wrong_version, "featuriser"),
            (archive.clone(), "{not json".to_string(), "manifest"),
            (b"not a tar".to_vec(), manifest.clone(), "sha256"),
        ] {
            let err = guard.load_model(model, manifest_json).expect_err("refused");
            match &err {
                SmsGuardError::InvalidData { origin, .. } => assert!(origin.starts_with("model"), "{err}"),
                other => panic!("expected InvalidData, got {other:?}"),
            }
            assert!(err.to_string().contains(expected), "{err}");
            assert_eq!(guard.version().model.as_deref(), Some(embedded.as_str()), "still the embedded model");
        }

        // Accepted: used from the next call on, and kept when the state changes.
        let name = guard.load_model(archive, manifest).expect("the tiny model is valid");
        assert_eq!(guard.version().model.as_deref(), Some(name.as_str()));
        assert_ne!(name, embedded);
        guard.rules_add(UserRuleEffect::Block, UserRuleKind::Sender, "10690000321".into()).expect("adds");
        assert_eq!(guard.version().model.as_deref(), Some(name.as_str()));
        let e = guard.explain(msg("10690000999", "【某书店】周末全场新书八折，回T退订"));
        assert_eq!(e.model_name.as_deref(), Some(name.as_str()), "explanations come from the update");
    }

    /// A fresh directory per test (tests run in parallel).
    fn temp_state(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("smsguard-ffi-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("state.json")
    }

    fn open(path: &std::path::Path) -> Arc<SmsGuard> {
        SmsGuard::open(path.display().to_string()).expect("opens")
    }

    const PROMO_SENDER: &str = "1069012345678";
    const PROMO: &str = "【潮汐优选】双十二会员日，全场满199减60，回T退订";
    const BANK: &str = "【北辰银行】您尾号8831的卡于12月01日支出238.50元，余额1024.00元。";

    #[test]
    fn consent_changes_classify_and_persists() {
        let path = temp_state("consent");
        let guard = open(&path);
        let before = guard.classify(msg(PROMO_SENDER, PROMO));
        assert_eq!(before.action, Action::Promotion, "{before:?}");
        guard.consent_revoke(Some("潮汐优选".into()), None).expect("revoke");
        let revoked = guard.classify(msg(PROMO_SENDER, PROMO));
        assert_eq!(revoked.consent, Some(Consent::Revoked));
        assert_eq!(revoked.action, Action::Junk, "{revoked:?}");
        guard.consent_grant(Some("潮汐优选".into()), None).expect("grant");
        assert_eq!(guard.classify(msg(PROMO_SENDER, PROMO)).consent, Some(Consent::Granted));
        // A second guard on the same file sees the decision.
        let again = open(&path);
        assert_eq!(again.consent_list().len(), 1);
        assert_eq!(again.classify(msg(PROMO_SENDER, PROMO)).consent, Some(Consent::Granted));
        assert!(again.consent_forget(Some("潮汐优选".into()), None).expect("forget"));
        assert!(again.consent_list().is_empty());
    }

    #[test]
    fn reports_follow_consent_and_dedupe() {
        let guard = open(&temp_state("report"));
        guard.consent_revoke(Some("潮汐优选".into()), None).expect("revoke");
        let plan = guard.report(msg(PROMO_SENDER, PROMO));
        assert!(plan.reportable, "{plan:?}");
        let cm = plan.drafts.iter().find(|d| d.destination == "10086999").expect("china mobile draft");
        assert_eq!(cm.body, format!("{PROMO_SENDER}*{PROMO}"));
        assert!(guard.report_sent(msg(PROMO_SENDER, PROMO), cm.channel.clone()).expect("recorded"));
        assert!(!guard.report_sent(msg(PROMO_SENDER, PROMO), cm.channel.clone()).expect("dedupes"));
        let after = guard.report(msg(PROMO_SENDER, PROMO));
        assert!(!after.reportable);
        assert_eq!(after.not_reportable.map(|r| r.code).as_deref(), Some("report_already_sent"));
        let bank = guard.report(msg("95566", BANK));
        assert!(!bank.reportable && bank.drafts.is_empty(), "{bank:?}");
        assert!(matches!(
            guard.report_sent(msg("95566", BANK), cm.channel.clone()),
            Err(SmsGuardError::InvalidData { .. })
        ));
    }

    #[test]
    fn unsubscribe_sent_revokes() {
        let guard = open(&temp_state("unsub"));
        let reply = guard.unsubscribe(msg(PROMO_SENDER, PROMO)).expect("has an opt-out");
        assert_eq!((reply.body.as_str(), reply.destination.as_str()), ("T", PROMO_SENDER));
        guard.unsubscribe_sent(reply).expect("recorded");
        assert_eq!(guard.classify(msg(PROMO_SENDER, PROMO)).consent, Some(Consent::Revoked));
        let list = guard.consent_list();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].how, crate::state::ConsentSource::Unsubscribe);
    }

    #[test]
    fn rules_feedback_and_strict_rebuild_the_engine() {
        let guard = SmsGuard::new();
        let body = "【云杉小贷】无抵押低息贷款，最快当天放款，回T退订";
        let id =
            guard.rules_add(UserRuleEffect::Block, UserRuleKind::Keyword, "当天放款".into()).expect("add");
        assert_eq!(guard.classify(msg(PROMO_SENDER, body)).action, Action::Junk);
        let exported = guard.rules_export_json();
        guard.rules_remove(id).expect("remove");
        assert!(guard.rules_list().is_empty());
        assert_eq!(guard.rules_import_json(exported, "backup.json".into()).expect("import"), 1);
        assert!(matches!(
            guard.rules_import_json("{not json".into(), "bad.json".into()),
            Err(SmsGuardError::InvalidData { origin, .. }) if origin == "bad.json"
        ));
        assert!(matches!(
            guard.rules_add(UserRuleEffect::Block, UserRuleKind::Keyword, "  ".into()),
            Err(SmsGuardError::InvalidData { .. })
        ));
        let f = guard.feedback(FeedbackKind::NotJunk, msg(PROMO_SENDER, PROMO)).expect("feedback");
        assert_eq!(guard.feedback_list().len(), 1);
        guard.feedback_undo(f.id).expect("undo");
        assert!(guard.feedback_list().is_empty());
        guard.set_strict(true).expect("strict");
        assert!(guard.strict());
        assert_eq!(guard.classify(msg(PROMO_SENDER, PROMO)).action, Action::Junk);
    }

    #[test]
    fn consent_changes_reuse_the_compiled_rules() {
        let guard = SmsGuard::new();
        let loan = msg(PROMO_SENDER, "【云杉小贷】无抵押低息贷款，最快当天放款，回T退订");
        let id =
            guard.rules_add(UserRuleEffect::Block, UserRuleKind::Keyword, "当天放款".into()).expect("add");
        let with_rule = guard.engine();
        guard.consent_grant(Some("云杉小贷".into()), None).expect("grant");
        let after_consent = guard.engine();
        assert!(std::ptr::eq(with_rule.rules(), after_consent.rules()), "recompiled for a consent");
        // The user rule still applies and the new consent is honoured.
        let v = guard.classify(loan.clone());
        assert_eq!(v.action, Action::Junk);
        assert!(v.reasons.iter().any(|r| r.code.contains("user")), "{v:?}");
        guard.rules_remove(id).expect("remove");
        assert!(!std::ptr::eq(after_consent.rules(), guard.engine().rules()), "rule removal not compiled");
        assert_ne!(guard.classify(loan).reasons, v.reasons);
    }

    #[test]
    fn corrupt_state_is_actionable_and_left_untouched() {
        let path = temp_state("corrupt");
        std::fs::write(&path, "{\"format\": \"smsguard-state\", \"version\": 1, \"gen").expect("write");
        let r = SmsGuard::open(path.display().to_string());
        assert!(matches!(&r, Err(SmsGuardError::StateUnreadable { .. })), "{r:?}");
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("{\"format\": \"smsguard-state\", \"version\": 1, \"gen")
        );
        let aside = set_aside_state(path.display().to_string()).expect("set aside");
        assert!(std::path::Path::new(&aside).exists() && !path.exists());
        assert!(SmsGuard::open(path.display().to_string()).is_ok());
    }

    #[test]
    fn a_signed_update_applies_persists_and_a_refusal_is_invalid_data_with_its_reason() {
        use smsguard_core::update::{SigningKey, UpdateKind};
        let path = temp_state("update");
        let key = SigningKey::from_random("oem-test", [9; 32]);
        let public = key.public().expect("public key");
        let config = || GuardConfig {
            update_keys: vec![crate::types::UpdateKey {
                id: public.id.clone(),
                public: public.public.clone(),
            }],
            ..Default::default()
        };
        let guard = SmsGuard::open_with_config(path.display().to_string(), config()).expect("opens");
        let pack = "format = smsguard-rules/1\npack = upd\nversion = 2\n\n[kite.sale]\nany = 风筝特卖\n\
            effect = block fraud\nreason = kite\nzh = 测试\nen = Test\n";
        let kite = || msg("", "周末风筝特卖，回复Y预订");
        assert_ne!(guard.classify(kite()).action, Action::Junk);
        let bundle = key.sign(UpdateKind::Rules, 3, pack.as_bytes(), None, 0).expect("signs");
        let info = guard.apply_update(bundle.clone()).expect("applies");
        assert_eq!((info.kind.as_str(), info.version, info.key.as_str()), ("rules", 3, "oem-test"));
        assert_eq!(guard.classify(kite()).action, Action::Junk);

        let again = SmsGuard::open_with_config(path.display().to_string(), config()).expect("reopens");
        assert_eq!(again.installed_updates(), vec![info]);
        let refused = again.apply_update(bundle);
        assert!(
            matches!(&refused, Err(SmsGuardError::InvalidData { origin, item: Some(r), .. }) if origin == "update" && r == "not_newer"),
            "{refused:?}"
        );
        let bad_key = SmsGuard::with_config(GuardConfig {
            update_keys: vec![crate::types::UpdateKey { id: "k".into(), public: "zz".into() }],
            ..Default::default()
        });
        assert!(
            matches!(&bad_key, Err(SmsGuardError::InvalidData { origin, .. }) if origin == "update_keys")
        );
    }
}
