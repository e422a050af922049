//! A session: the user's saved state (a file through [`store`](crate::store), or memory) and the
//! engine built from it. The CLI, the uniffi object and the JNI surface all go through this one
//! implementation, so they cannot disagree about what a change, a report or an unsubscribe does.
//!
//! Guarantees, beyond the store's (atomic commits, cross-process merge):
//! - **Validated before saved.** A change that alters the user's rule pack is compiled into the
//!   engine it would produce *inside* the commit; if that fails, nothing is written and the caller
//!   gets an error naming the problem. So no sequence of calls can save a state that cannot load.
//! - **A bad saved state still opens.** A file edited by hand, or saved by an older version with
//!   other limits, may hold personal rules that no longer compile. They are skipped (each named by
//!   id and kind, never by value: a sender rule is a phone number) and reported in
//!   [`Session::problems`]; everything else applies, and the user can still list and remove them.
//! - **Time is the caller's**: every change takes `now` (Unix seconds).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::consent::{ConsentEntry, ConsentSource, ConsentState, Timestamp};
use crate::engine::Engine;
use crate::error::DataError;
use crate::feedback::{FeedbackEntry, FeedbackKind, FeedbackTarget};
use crate::message::SmsMessage;
use crate::model::nnef::NnefModel;
use crate::model::Model;
use crate::report::{plan_batch, plan_report, ReportFormats, ReportPlan};
use crate::rules::RuleSet;
use crate::signature::Institutions;
use crate::store::{StateError, Store, UserState};
use crate::unsubscribe::{reply_for, UnsubscribeReply};
use crate::update::{
    verify, Keyring, UpdateDir, UpdateError, UpdateInfo, UpdateKind, Verified, BUILTIN_VERSION,
};
use crate::user_rules::{rule_pack_text, RuleEffect, RuleTarget, UserRule};
use crate::verdict::{Reason, ReasonTable, Verdict};

/// Seconds since the Unix epoch from the system clock (a clock before 1970 reads as 0). For the
/// front ends; core itself always takes time as a parameter.
pub fn unix_now() -> Timestamp {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Timestamp::try_from(secs).unwrap_or(Timestamp::MAX)
}

/// A poisoned lock only means another thread panicked while holding it; every value these locks
/// guard is replaced whole, never left half-written.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Warnings a change returns for the app to show (stable codes, zh and en).
pub const SESSION_WARNINGS: &ReasonTable = &[
    (
        "block_hides_transactions",
        "屏蔽后，此签名或号码的验证码和通知类短信也会被拦截",
        "Blocking also hides this signature's or number's verification codes and notices",
    ),
    (
        "block_keyword_hides_transactions",
        "屏蔽后，含有此内容的验证码和通知类短信也会被拦截",
        "Blocking also hides verification codes and notices that contain this",
    ),
    (
        "feedback_spares_transactions",
        "此来源的营销和垃圾短信会被拦截，验证码和通知仍会显示；如需全部拦截，请在规则中屏蔽",
        "Marketing and junk from this source will be blocked; its codes and notices are still \
         shown. To hide everything, add a block rule",
    ),
];

fn warning(code: &str) -> Reason {
    Reason::from_table(SESSION_WARNINGS, code)
}

/// The engine settings a session starts from, before the user's state. The default: embedded
/// rules and the embedded model, unless the user (settings `model: false`) or the caller
/// (`model_default: false`, `force_model`) turns the model off.
#[derive(Clone)]
pub struct SessionConfig {
    /// Rule packs and institutions (what `Engine::with_rule_packs` / `with_institutions` made);
    /// its model, if any, is ignored: the model comes from `model` and the user's setting.
    pub base: Engine,
    /// Use a model unless the user's settings say otherwise.
    pub model_default: bool,
    /// Model on or off whatever the user's settings say (the CLI's explicit `--embedded-model`).
    pub force_model: Option<bool>,
    /// The model to use when one is on; `None` = the model embedded in the library.
    pub model: Option<Arc<dyn Model>>,
    /// Keys that signed updates must be signed with (default: the library's embedded keys).
    pub keys: Keyring,
    /// Where applied updates are kept. `None`: beside the state file (`<state>.updates/`), or
    /// nowhere for a session in memory (an update then lasts as long as the session).
    pub updates_dir: Option<PathBuf>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            base: Engine::default(),
            model_default: true,
            force_model: None,
            model: None,
            keys: Keyring::default(),
            updates_dir: None,
        }
    }
}

impl SessionConfig {
    fn model_on(&self, state: &UserState) -> bool {
        self.force_model.or(state.settings.model).unwrap_or(self.model_default)
    }
}

/// Where the user state lives.
enum Backing {
    File(Store),
    Memory(Mutex<UserState>),
}

/// What the engine in use was built from.
struct Built {
    pack: String,
    model_on: bool,
    problems: Vec<String>,
}

/// Share one per process (`Arc<Session>`): every method takes `&self` and may run on any thread.
pub struct Session {
    /// What the caller configured.
    given: RwLock<SessionConfig>,
    /// `given` with the installed updates in place of the embedded data they replace.
    config: RwLock<SessionConfig>,
    updates_dir: Option<UpdateDir>,
    /// Installed updates in use, and those found but not usable (described without content).
    updates: Mutex<(Vec<Verified>, Vec<String>)>,
    engine: RwLock<Arc<Engine>>,
    state: Backing,
    /// Serialises "validate, commit, swap the engine" so the engine reflects the latest commit.
    built: Mutex<Built>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("path", &self.path()).finish()
    }
}

/// What a `feedback` call did.
#[derive(Debug, Clone)]
pub struct FeedbackOutcome {
    pub entry: FeedbackEntry,
    /// The message's verdict with the feedback applied (to re-sort it).
    pub verdict: Verdict,
    pub warnings: Vec<Reason>,
}

impl Session {
    /// Open on a state file (`Some(path)`; a missing file is an empty state) or in memory.
    /// A damaged or newer file is an error and is left untouched; a state whose personal rules
    /// no longer compile opens with those rules skipped (see [`Session::problems`]).
    pub fn open(config: SessionConfig, path: Option<&Path>) -> Result<Session, StateError> {
        let state = match path {
            Some(p) => Backing::File(Store::open(p)?),
            None => Backing::Memory(Mutex::new(UserState::default())),
        };
        let snapshot = match &state {
            Backing::File(store) => store.snapshot(),
            Backing::Memory(m) => lock(m).clone(),
        };
        let updates_dir =
            config.updates_dir.clone().map(UpdateDir::new).or_else(|| path.map(UpdateDir::beside_state));
        let (installed, effective, update_problems) = load_installed(&config, updates_dir.as_ref());
        let model_on = effective.model_on(&snapshot);
        let base = base_engine(&effective, model_on)?;
        let (engine, problems) = build_tolerant(&base, &snapshot);
        Ok(Session {
            given: RwLock::new(config),
            config: RwLock::new(effective),
            updates_dir,
            updates: Mutex::new((installed, update_problems)),
            engine: RwLock::new(Arc::new(engine)),
            state,
            built: Mutex::new(Built { pack: snapshot.rule_pack_text(), model_on, problems }),
        })
    }

    /// The engine the next call uses (immutable; a change swaps in a new one).
    pub fn engine(&self) -> Arc<Engine> {
        Arc::clone(&self.engine.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn set_engine(&self, next: Engine) {
        *self.engine.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(next);
    }

    fn config(&self) -> SessionConfig {
        self.config.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The state file's path, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        match &self.state {
            Backing::File(store) => Some(store.path()),
            Backing::Memory(_) => None,
        }
    }

    /// The state file's generation (0 in memory or before the first commit).
    pub fn generation(&self) -> u64 {
        match &self.state {
            Backing::File(store) => store.generation(),
            Backing::Memory(_) => 0,
        }
    }

    /// A copy of the user state.
    pub fn snapshot(&self) -> UserState {
        match &self.state {
            Backing::File(store) => store.snapshot(),
            Backing::Memory(m) => lock(m).clone(),
        }
    }

    /// Saved personal rules and feedback that could not be compiled and are skipped (by id and
    /// kind; never a value). Empty when everything applies.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = lock(&self.updates).1.clone();
        problems.extend(lock(&self.built).problems.iter().cloned());
        problems
    }

    /// Whether a model scores messages now.
    pub fn model_on(&self) -> bool {
        lock(&self.built).model_on
    }

    /// Apply `change` to the user state, validate the result by building its engine, commit it
    /// (file or memory) and swap the engine in. If `change` fails, or the result would add a
    /// personal rule that cannot compile, nothing is written.
    pub fn change<T>(
        &self,
        change: impl FnOnce(&mut UserState) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        let mut built = lock(&self.built);
        let config = self.config();
        let mut next: Option<(Engine, Built)> = None;
        let validate = |s: &mut UserState, next: &mut Option<(Engine, Built)>| -> Result<(), StateError> {
            let model_on = config.model_on(s);
            let pack = s.rule_pack_text();
            if pack == built.pack && model_on == built.model_on {
                // Consent, strict mode, reports: the compiled rules are shared, only the policy's
                // inputs change.
                let engine = self.engine().as_ref().clone().with_user_choices(s.user_choices());
                *next = Some((engine, Built { pack, model_on, problems: built.problems.clone() }));
                return Ok(());
            }
            let base = base_engine(&config, model_on).map_err(StateError::Data)?;
            let refused = |why: String| {
                StateError::Data(DataError::new("user rules", format!("refused, nothing was saved: {why}")))
            };
            if built.problems.is_empty() {
                // The usual case: everything compiled before, so everything must compile after.
                let engine = base.with_user_state(s).map_err(|e| refused(describe(&e)))?;
                *next = Some((engine, Built { pack, model_on, problems: Vec::new() }));
                return Ok(());
            }
            // A state that already had skipped rules: accept any change that skips nothing new
            // (removals repair it), refuse one that adds a rule that cannot apply.
            let (engine, problems) = build_tolerant(&base, s);
            if let Some(new) = problems.iter().find(|p| is_new_problem(p, &built.problems)) {
                return Err(refused(new.clone()));
            }
            *next = Some((engine, Built { pack, model_on, problems }));
            Ok(())
        };
        let out = match &self.state {
            Backing::File(store) => store.update(|s| {
                let out = change(s)?;
                validate(s, &mut next)?;
                Ok(out)
            })?,
            Backing::Memory(m) => {
                let mut current = lock(m);
                let mut candidate = current.clone();
                let out = change(&mut candidate)?;
                validate(&mut candidate, &mut next)?;
                *current = candidate;
                out
            }
        };
        if let Some((engine, b)) = next {
            self.set_engine(engine);
            *built = b;
        }
        Ok(out)
    }

    /// Re-read the state file (another process committed) and rebuild the engine.
    pub fn reload(&self) -> Result<(), StateError> {
        if let Backing::File(store) = &self.state {
            store.reload()?;
        }
        self.rebuild()
    }

    fn rebuild(&self) -> Result<(), StateError> {
        let mut built = lock(&self.built);
        let config = self.config();
        let state = self.snapshot();
        let model_on = config.model_on(&state);
        let base = base_engine(&config, model_on).map_err(StateError::Data)?;
        let (engine, problems) = build_tolerant(&base, &state);
        self.set_engine(engine);
        *built = Built { pack: state.rule_pack_text(), model_on, problems };
        Ok(())
    }

    /// Use this model (a checked model update) from now on, in place of the model in use: loading
    /// one turns the model on for this session, unless the user's settings turned it off.
    pub fn load_model(&self, model: Arc<dyn Model>) -> Result<(), StateError> {
        let given = {
            let mut given = self.given.write().unwrap_or_else(|p| p.into_inner());
            given.model = Some(model);
            given.model_default = true;
            given.clone()
        };
        let installed = lock(&self.updates).0.clone();
        let effective = overlay(&given, &installed).map_err(|(_, e)| StateError::Data(e))?;
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = effective;
        self.rebuild()
    }

    // --- signed updates --------------------------------------------------------------------

    /// Check a signed update (key, signature, payload, newer than what is in use, content loads
    /// in this library), keep it in the updates directory and use it from now on. Refused with
    /// the reason otherwise; the data in use stays. Rule packs, the institutions table or a model
    /// the caller configured explicitly win over updates: an update replaces embedded data only.
    pub fn apply_update(&self, bundle: &[u8]) -> Result<UpdateInfo, UpdateError> {
        let given = self.given.read().unwrap_or_else(|p| p.into_inner()).clone();
        let update = verify(bundle, &given.keys)?;
        let kind = update.manifest.kind;
        // Held until the engine is swapped: two processes applying at once cannot install an
        // older bundle over a newer one.
        let _dir_lock = self.updates_dir.as_ref().map(UpdateDir::lock).transpose()?;
        let mut installed = lock(&self.updates).0.clone();
        let mut in_use = installed
            .iter()
            .find(|u| u.manifest.kind == kind)
            .map_or(BUILTIN_VERSION, |u| u.manifest.version);
        if let Some(Ok(Some(on_disk))) = self.updates_dir.as_ref().map(|d| d.read(kind, &given.keys)) {
            in_use = in_use.max(on_disk.manifest.version);
        }
        if update.manifest.version <= in_use {
            return Err(UpdateError::NotNewer { kind, offered: update.manifest.version, in_use });
        }
        installed.retain(|u| u.manifest.kind != kind);
        installed.push(update.clone());
        let effective = overlay(&given, &installed).map_err(|(_, e)| UpdateError::Payload(e))?;
        if let Some(dir) = &self.updates_dir {
            dir.write(&update)?;
        }
        {
            let mut updates = lock(&self.updates);
            updates.0 = installed;
            let label = format!("installed {} update", kind.as_str());
            updates.1.retain(|p| !p.starts_with(&label));
        }
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = effective;
        self.rebuild()?;
        Ok(update.info())
    }

    /// The updates in use (the embedded data is in use for the kinds not listed).
    pub fn updates(&self) -> Vec<UpdateInfo> {
        lock(&self.updates).0.iter().map(Verified::info).collect()
    }

    /// Where updates are kept, if anywhere.
    pub fn updates_dir(&self) -> Option<&Path> {
        self.updates_dir.as_ref().map(UpdateDir::path)
    }

    // --- classification -------------------------------------------------------------------

    pub fn classify(&self, msg: &SmsMessage) -> Verdict {
        self.engine().classify(msg)
    }

    // --- consent ---------------------------------------------------------------------------

    pub fn consent_set(
        &self,
        signature: Option<&str>,
        port: Option<&str>,
        state: ConsentState,
        now: Timestamp,
    ) -> Result<ConsentEntry, StateError> {
        self.change(|s| Ok(s.consents.set(signature, port, state, now, ConsentSource::User)?.clone()))
    }

    pub fn consent_forget(&self, signature: Option<&str>, port: Option<&str>) -> Result<bool, StateError> {
        self.change(|s| Ok(s.consents.forget(signature, port)))
    }

    // --- personal rules --------------------------------------------------------------------

    /// Add a rule; returns its id and warnings for the app (a block of a signature or sender hides
    /// its codes and notices too: the user is told before it matters).
    pub fn rules_add(
        &self,
        target: RuleTarget,
        effect: RuleEffect,
        now: Timestamp,
    ) -> Result<(u32, Vec<Reason>), StateError> {
        let warnings = match (&target, effect) {
            (_, RuleEffect::Allow) => Vec::new(),
            (RuleTarget::Signature(_) | RuleTarget::Sender(_), RuleEffect::Block) => {
                vec![warning("block_hides_transactions")]
            }
            (RuleTarget::Keyword(_) | RuleTarget::Regex(_), RuleEffect::Block) => {
                vec![warning("block_keyword_hides_transactions")]
            }
        };
        let id = self.change(|s| Ok(s.rules.add(target, effect, now)?))?;
        Ok((id, warnings))
    }

    pub fn rules_remove(&self, id: u32) -> Result<UserRule, StateError> {
        self.change(|s| Ok(s.rules.remove(id)?))
    }

    /// Import a rules file (`rules export`); returns how many rules were added.
    pub fn rules_import(&self, text: &str, origin: &str, now: Timestamp) -> Result<usize, StateError> {
        self.change(|s| Ok(s.rules.import(text, origin, now)?))
    }

    // --- feedback and settings -------------------------------------------------------------

    /// "Not junk" / "is junk" on a message: a personal rule for its signature (or sender).
    pub fn feedback(
        &self,
        kind: FeedbackKind,
        msg: &SmsMessage,
        now: Timestamp,
    ) -> Result<FeedbackOutcome, StateError> {
        let seen = self.classify(msg);
        let entry = self.change(|s| Ok(s.feedback.record(kind, msg, &seen, now)?))?;
        let warnings = match kind {
            FeedbackKind::IsJunk => vec![warning("feedback_spares_transactions")],
            FeedbackKind::NotJunk => Vec::new(),
        };
        Ok(FeedbackOutcome { entry, verdict: self.classify(msg), warnings })
    }

    pub fn feedback_undo(&self, id: u32) -> Result<FeedbackEntry, StateError> {
        self.change(|s| Ok(s.feedback.undo(id)?))
    }

    pub fn set_strict(&self, strict: bool) -> Result<(), StateError> {
        self.change(|s| {
            s.settings.strict = strict;
            Ok(())
        })
    }

    /// Turn the model on or off (saved in the user's settings).
    pub fn set_model(&self, on: bool) -> Result<(), StateError> {
        self.change(|s| {
            s.settings.model = Some(on);
            Ok(())
        })
    }

    // --- reports and unsubscribe -----------------------------------------------------------

    /// The report plan for one message, with the current engine and report history. With a
    /// `carrier` (the receiving SIM's operator, a [`crate::report::Carrier`] name), that carrier's
    /// draft comes first.
    pub fn report_plan(&self, msg: &SmsMessage, carrier: Option<&str>) -> ReportPlan {
        let verdict = self.classify(msg);
        let mut plan = plan_report(msg, &verdict, ReportFormats::embedded(), &self.snapshot().reports);
        if let Some(c) = carrier {
            crate::report::order_for_carrier(&mut plan, c);
        }
        plan
    }

    /// Plans for several messages; a message repeated within the batch is offered once.
    pub fn report_batch(&self, msgs: &[SmsMessage]) -> Vec<ReportPlan> {
        let engine = self.engine();
        let items: Vec<(SmsMessage, Verdict)> =
            msgs.iter().map(|m| (m.clone(), engine.classify(m))).collect();
        plan_batch(&items, ReportFormats::embedded(), &self.snapshot().reports)
    }

    /// Record that the user sent the report of `msg` through `channel`. Planned against the
    /// history read under the commit, so two processes cannot both record a first report.
    /// Returns false when that channel was already recorded; a second channel is recorded too.
    /// An unknown channel, or a message that is not reportable, is refused.
    pub fn report_sent(&self, msg: &SmsMessage, channel: &str, now: Timestamp) -> Result<bool, StateError> {
        let formats = ReportFormats::embedded();
        if formats.get(channel).is_none() {
            return Err(StateError::Data(
                DataError::new("report", "unknown report channel").for_item(channel),
            ));
        }
        let verdict = self.classify(msg);
        self.change(|s| {
            let plan = plan_report(msg, &verdict, formats, &s.reports);
            if !plan.reportable && !s.reports.contains(&plan.key) {
                return Err(StateError::Data(DataError::new(
                    "report",
                    "this message is not reportable; nothing recorded",
                )));
            }
            Ok(s.reports.record(&plan.key, channel, now))
        })
    }

    /// The unsubscribe reply for a message, if core offers one.
    pub fn unsubscribe(&self, msg: &SmsMessage) -> Option<UnsubscribeReply> {
        reply_for(msg, &self.classify(msg))
    }

    /// Record that the reply was sent: revokes consent for its signature (or port).
    pub fn record_unsubscribe(&self, reply: &UnsubscribeReply, now: Timestamp) -> Result<(), StateError> {
        self.change(|s| s.record_unsubscribe(reply, now))
    }
}

/// The installed updates that can be used, the config with them in place, and why others cannot.
fn load_installed(
    given: &SessionConfig,
    dir: Option<&UpdateDir>,
) -> (Vec<Verified>, SessionConfig, Vec<String>) {
    let mut effective = given.clone();
    let mut installed = Vec::new();
    let mut problems = Vec::new();
    let Some(dir) = dir else { return (installed, effective, problems) };
    for kind in UpdateKind::ALL {
        let label = format!("installed {} update", kind.as_str());
        match dir.read(kind, &given.keys) {
            Ok(None) => {}
            Ok(Some(u)) if u.manifest.version <= BUILTIN_VERSION => problems.push(format!(
                "{label} v{} not used: not newer than this library's own data (v{BUILTIN_VERSION})",
                u.manifest.version
            )),
            Ok(Some(u)) => match overlay_one(given, effective.clone(), &u) {
                Ok(next) => {
                    effective = next;
                    installed.push(u);
                }
                Err(e) => problems.push(format!("{label} v{} not used: {e}", u.manifest.version)),
            },
            Err(e) => problems.push(format!("{label} not used: {e}")),
        }
    }
    (installed, effective, problems)
}

/// `given` with `updates` in place of the embedded data they replace.
fn overlay(given: &SessionConfig, updates: &[Verified]) -> Result<SessionConfig, (UpdateKind, DataError)> {
    updates
        .iter()
        .try_fold(given.clone(), |config, u| overlay_one(given, config, u).map_err(|e| (u.manifest.kind, e)))
}

/// One update on top of `config`; data the caller gave explicitly in `given` wins.
fn overlay_one(
    given: &SessionConfig,
    mut config: SessionConfig,
    u: &Verified,
) -> Result<SessionConfig, DataError> {
    match u.manifest.kind {
        UpdateKind::Rules if given.base.has_default_rules() => {
            let origin = u.origin();
            config.base = config.base.with_rule_packs(&[(origin.as_str(), u.payload_text()?)])?;
        }
        UpdateKind::Institutions if given.base.has_default_institutions() => {
            let table = Institutions::parse(u.payload_text()?, &u.origin())?;
            config.base = config.base.with_institutions(table);
        }
        UpdateKind::Model if given.model.is_none() => {
            let manifest = u.manifest.model_manifest.as_deref().unwrap_or_default();
            config.model = Some(Arc::new(NnefModel::from_bytes(&u.payload, manifest)?));
        }
        _ => {}
    }
    Ok(config)
}

/// The base engine with the model on or off.
fn base_engine(config: &SessionConfig, model_on: bool) -> Result<Engine, DataError> {
    let base = config.base.clone().without_model();
    if !model_on {
        return Ok(base);
    }
    match &config.model {
        Some(m) => Ok(base.with_model(Arc::clone(m))),
        None => base.with_embedded_model(),
    }
}

/// Build the engine for `state`. When its user pack does not compile, find what does: each rule
/// and feedback entry alone (bad values, duplicate ids), then the longest prefix that fits the
/// engine's limits together. Returns the problems found, in words without values.
fn build_tolerant(base: &Engine, state: &UserState) -> (Engine, Vec<String>) {
    // The pack generator leaves out values that fail validation (edited by hand, or older
    // limits); they do not apply, so say so.
    let mut problems: Vec<String> = state
        .rules
        .list()
        .iter()
        .filter_map(|r| {
            r.target
                .canonical()
                .err()
                .map(|e| format!("personal rule {} ({}) skipped: {e}", r.id, r.target.kind_str()))
        })
        .collect();
    if let Ok(engine) = base.clone().with_user_state(state) {
        return (engine, problems);
    }
    let mut ids = HashSet::new();
    let alone = |text: String| RuleSet::compile(&[("user rules", text.as_str())]);
    let mut kept = state.clone();
    kept.rules.retain(|r| {
        if r.target.canonical().is_err() {
            return false; // reported above
        }
        let one = rule_pack_text_for_rule(r);
        let verdict = if !ids.insert(r.pack_id()) {
            Err(format!("duplicate id {}", r.id))
        } else {
            alone(one).map(|_| ()).map_err(|e| e.message)
        };
        match verdict {
            Ok(()) => true,
            Err(why) => {
                problems.push(format!("personal rule {} ({}) skipped: {why}", r.id, r.target.kind_str()));
                false
            }
        }
    });
    let mut feedback_ids = HashSet::new();
    kept.feedback.retain(|f| {
        let fresh = feedback_ids.insert(f.id);
        let ok = fresh && alone(rule_pack_text(&Default::default(), std::slice::from_ref(f))).is_ok();
        if !ok {
            let why = if fresh { "does not compile" } else { "duplicate id" };
            problems.push(format!("feedback {} ({}) skipped: {why}", f.id, target_kind(&f.target)));
        }
        ok
    });
    // Together they may still pass the pack's limits: keep the oldest that fit. A limit that
    // names the rule where it was crossed (the regex budget) cuts there in one step; others
    // (pack bytes, rule count) by halving.
    let pack_ids: Vec<String> = kept
        .rules
        .list()
        .iter()
        .map(UserRule::pack_id)
        .chain(kept.feedback.list().iter().map(|f| format!("user.feedback.{}", f.id)))
        .collect();
    let entries = pack_ids.len();
    let fits = |n: usize| {
        let mut s = kept.clone();
        keep_first(&mut s, n);
        base.clone().with_user_state(&s)
    };
    let first_error = match fits(entries) {
        Ok(engine) => return (engine, problems),
        Err(e) => e,
    };
    let why = describe(&first_error);
    let mut hi = entries; // fits(hi) fails
    let mut fits_at = None;
    let mut error = Some(first_error);
    while let Some(e) = error.take() {
        let cut = e.item.as_deref().and_then(|item| pack_ids[..hi].iter().position(|id| id == item));
        if let Some(cut) = cut {
            hi = cut;
            match fits(hi) {
                Ok(_) => fits_at = Some(hi),
                Err(e) => error = Some(e),
            }
        }
    }
    let mut lo = fits_at.unwrap_or(0); // fits(0) holds: the base alone
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid).is_ok() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    problems.push(format!("{OVER_LIMITS}{} {OVER_LIMITS_TAIL} ({why})", entries - lo));
    let engine = fits(lo).unwrap_or_else(|_| base.clone());
    (engine, problems)
}

const OVER_LIMITS: &str = "the newest ";
const OVER_LIMITS_TAIL: &str =
    "personal rules and feedback skipped: together they exceed the rule engine's limits";

/// How many entries an over-the-limits problem skips.
fn skipped_over_limits(p: &str) -> Option<usize> {
    p.strip_prefix(OVER_LIMITS)?.split(' ').next()?.parse().ok()
}

/// Whether a change made `p` a problem: a skipped rule the state did not skip before, or more
/// entries over the limits than before (fewer is a repair).
fn is_new_problem(p: &str, before: &[String]) -> bool {
    match skipped_over_limits(p) {
        Some(n) => !before.iter().filter_map(|b| skipped_over_limits(b)).any(|m| n <= m),
        None => !before.iter().any(|b| b == p),
    }
}

/// A compile error of the user pack, in words: its line numbers are in generated text the user
/// never sees, so only the message is kept.
fn describe(e: &DataError) -> String {
    e.message.clone()
}

fn rule_pack_text_for_rule(r: &UserRule) -> String {
    let mut one = crate::user_rules::UserRules::default();
    one.insert_raw(r.clone());
    rule_pack_text(&one, &[])
}

fn target_kind(t: &FeedbackTarget) -> &'static str {
    match t {
        FeedbackTarget::Signature(_) => "signature",
        FeedbackTarget::Sender(_) => "sender",
    }
}

/// Keep the first `n` entries: rules first (in order), then feedback.
fn keep_first(s: &mut UserState, n: usize) {
    let mut i = 0;
    s.rules.retain(|_| {
        i += 1;
        i <= n
    });
    s.feedback.retain(|_| {
        i += 1;
        i <= n
    });
}
