//! The state store: all user state (consent ledger, user rules, feedback, report history,
//! settings) in ONE versioned JSON file at a path the app gives.
//!
//! File shape (version 1):
//! ```json
//! { "format": "smsguard-state", "version": 1, "generation": 7, "state": { … } }
//! ```
//! `generation` counts commits; it only grows.
//!
//! Guarantees:
//! - **Atomic commits.** A commit writes a temp file in the same directory, fsyncs it, renames it
//!   over the state file and fsyncs the directory. A reader (or a crash) sees the old file or the
//!   new one, never a mix (`tests/state_crash.rs` SIGKILLs a writer many times to prove it).
//! - **Nothing is overwritten silently.** A corrupt file, or one from a newer version, makes
//!   [`Store::open`] fail with an error naming the path and the problem; the store never writes
//!   over it. [`Store::set_aside`] moves such a file to `<path>.corrupt-<n>` when the app (user)
//!   chooses to start over. A file from an older version is migrated in memory and copied to
//!   `<path>.v<old>.bak` before anything writes.
//! - **Threads.** A [`Store`] is `Send + Sync`; a `Mutex` inside serialises commits, readers take a
//!   snapshot.
//! - **Processes.** A commit holds an OS file lock ([`File::lock`]: `flock` on Unix, `LockFileEx`
//!   on Windows) on `<path>.lock` and re-reads the file under it: if another process committed
//!   since we loaded, its state is loaded first and our change applied on top, so no update is
//!   lost. The OS releases the lock when its holder closes it, exits or is killed, so a crashed
//!   writer leaves nothing that blocks the next one and no lock is ever judged stale. The lock file
//!   is created once and never deleted (deleting it would let a second writer lock a fresh file
//!   while the first still holds the old one); it is separate from the state file because that is
//!   replaced by rename on every commit. A commit that waits longer than the lock timeout fails with
//!   [`StateError::Locked`]. [`Store::update_if`] refuses instead (compare-and-swap on the
//!   generation) for callers whose change depends on what they showed the user.
//!   `tests/state_contention.rs` runs writer, reader and lock-holding processes on one file.
//! - **Readers never lock.** [`Store::open`], [`Store::reload`] and [`read_file`] read the last
//!   committed file without touching the lock: an iOS extension must never take a file lock in the
//!   App Group container (a suspended process holding one is killed, 0xdead10cc). A writer holds
//!   the lock only for one commit.
//!
//! How an app or the CLI (`smsguard consent|rules|report|unsubscribe … --state FILE`) uses it;
//! `now` is the caller's clock in Unix seconds:
//! ```
//! use smsguard_core::consent::ConsentSource;
//! use smsguard_core::store::Store;
//! use smsguard_core::user_rules::{RuleEffect, RuleTarget};
//! use smsguard_core::{Engine, SmsMessage};
//!
//! # let dir = std::env::temp_dir().join(format!("smsguard-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).ok();
//! # let path = dir.join("state.json");
//! # std::fs::remove_file(&path).ok();
//! let now = 1_764_000_000;
//! let store = Store::open(&path)?; // corrupt / newer file: an error, file left as it is
//! // consent grant 某商城
//! store.update(|s| Ok(s.consents.grant(Some("某商城"), None, now, ConsentSource::User).map(|_| ())?))?;
//! // rules add block keyword 贷款   (`RuleTarget::parse("keyword", "贷款")` from CLI strings)
//! let id = store.update(|s| Ok(s.rules.add(RuleTarget::Keyword("贷款".into()), RuleEffect::Block, now)?))?;
//! // classify / explain honour the state: consents + strict mode, and the user rule pack
//! // (compile it together with the default pack via `Engine::with_rule_packs`).
//! let engine = Engine::new().with_user_choices(store.user_choices());
//! let pack = store.rule_pack_text();
//! assert!(pack.contains(&format!("[user.block.{id}]")));
//! // report: plan drafts, then record what the user actually sent (a hash, never the text)
//! let msg = SmsMessage::new("13900000000", "【某贷款】低息贷款，回T退订");
//! let verdict = engine.classify(&msg);
//! let state = store.snapshot();
//! let plan = smsguard_core::report::plan_report(
//!     &msg, &verdict, smsguard_core::report::ReportFormats::embedded(), &state.reports);
//! if plan.reportable {
//!     store.update(|s| Ok(s.reports.record(&plan.key, "china_mobile", now)))?;
//! }
//! // unsubscribe: build the reply; once sent, record it (revokes consent, how = unsubscribe)
//! if let Some(reply) = smsguard_core::unsubscribe::reply_for(&msg, &verdict) {
//!     assert_eq!(reply.body, "T");
//!     store.update(|s| s.record_unsubscribe(&reply, now))?;
//! }
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), smsguard_core::store::StateError>(())
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::consent::{ConsentKeyError, ConsentLedger, ConsentSource, ConsentState};
use crate::error::DataError;
use crate::feedback::{FeedbackError, FeedbackLog};
use crate::policy::UserChoices;
use crate::report::ReportHistory;
use crate::user_rules::{rule_pack_text, RuleEffect, RuleError, RuleTarget, UserRules};

/// `format` of a state file.
pub const STATE_FORMAT: &str = "smsguard-state";
/// The version this library writes. Older ones are migrated; newer ones are refused.
pub const STATE_VERSION: u32 = 1;
/// A state file larger than this is not ours (or is damaged); refuse rather than exhaust memory.
pub const MAX_STATE_BYTES: u64 = 32 << 20;
/// How long a commit waits for another writer's lock before giving up, unless the store was
/// given another timeout ([`Store::with_lock_timeout`]).
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a waiting commit retries the lock.
const LOCK_POLL: Duration = Duration::from_millis(2);

/// User settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Strict mode: marketing without recorded consent goes to junk.
    #[serde(default)]
    pub strict: bool,
    /// Score with the model: `None` = the library's default, else the user's choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<bool>,
}

/// Everything the user decided, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserState {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub consents: ConsentLedger,
    #[serde(default)]
    pub rules: UserRules,
    #[serde(default)]
    pub feedback: FeedbackLog,
    #[serde(default)]
    pub reports: ReportHistory,
}

impl UserState {
    /// What the policy needs: the consent ledger and strict mode. Allow/block decisions
    /// travel as the user rule pack ([`UserState::rule_pack_text`]).
    pub fn user_choices(&self) -> UserChoices {
        UserChoices { consents: self.consents.clone(), strict: self.settings.strict }
    }

    /// The `smsguard-rules/1` pack (named `user`, priority 1000) for the user's rules and
    /// feedback; compile it together with the default pack.
    pub fn rule_pack_text(&self) -> String {
        rule_pack_text(&self.rules, self.feedback.list())
    }
}

/// Errors of the state layer. Nothing here carries SMS text or phone numbers: paths (given by
/// the app), generations, rule ids and descriptions of what is wrong.
#[derive(Debug)]
pub enum StateError {
    Io {
        path: PathBuf,
        op: &'static str,
        source: io::Error,
    },
    /// Not a readable state file: damaged JSON, wrong shape, not ours.
    Corrupt {
        path: PathBuf,
        problem: String,
    },
    /// Written by a newer smsguard; this one cannot read it safely.
    NewerVersion {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    /// [`Store::update_if`]: the file was committed by someone else since `expected`.
    Conflict {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    /// Another writer held the lock for longer than the timeout.
    Locked {
        path: PathBuf,
    },
    Rule(RuleError),
    Consent(ConsentKeyError),
    Feedback(FeedbackError),
    Data(DataError),
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateError::Io { path, op, source } => write!(f, "{}: cannot {op}: {source}", path.display()),
            StateError::Corrupt { path, problem } => {
                write!(f, "{}: not a valid state file ({problem}); it was left untouched", path.display())
            }
            StateError::NewerVersion { path, found, supported } => write!(
                f,
                "{}: state file version {found} is newer than this smsguard supports ({supported}); \
                 it was left untouched",
                path.display()
            ),
            StateError::Conflict { path, expected, found } => write!(
                f,
                "{}: changed by another process (generation {found}, expected {expected}); reload and retry",
                path.display()
            ),
            StateError::Locked { path } => {
                write!(f, "{}: another writer held the state lock too long", path.display())
            }
            StateError::Rule(e) => e.fmt(f),
            StateError::Consent(e) => e.fmt(f),
            StateError::Feedback(e) => e.fmt(f),
            StateError::Data(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StateError::Io { source, .. } => Some(source),
            StateError::Rule(e) => Some(e),
            StateError::Feedback(e) => Some(e),
            StateError::Data(e) => Some(e),
            _ => None,
        }
    }
}

impl From<RuleError> for StateError {
    fn from(e: RuleError) -> Self {
        StateError::Rule(e)
    }
}
impl From<ConsentKeyError> for StateError {
    fn from(e: ConsentKeyError) -> Self {
        StateError::Consent(e)
    }
}
impl From<FeedbackError> for StateError {
    fn from(e: FeedbackError) -> Self {
        StateError::Feedback(e)
    }
}
impl From<DataError> for StateError {
    fn from(e: DataError) -> Self {
        StateError::Data(e)
    }
}

/// For callers that speak the crate-wide error: I/O stays I/O, everything else becomes a
/// [`DataError`] whose origin is the state file (or `user rules` / `consent` / `feedback`).
impl From<StateError> for crate::error::Error {
    fn from(e: StateError) -> Self {
        match e {
            StateError::Io { path, op, source } => crate::error::Error::Io {
                path: path.display().to_string(),
                source: io::Error::new(source.kind(), format!("cannot {op}: {source}")),
            },
            StateError::Data(d) => crate::error::Error::Data(d),
            StateError::Corrupt { ref path, .. }
            | StateError::NewerVersion { ref path, .. }
            | StateError::Conflict { ref path, .. }
            | StateError::Locked { ref path } => {
                let origin = path.display().to_string();
                let full = e.to_string();
                let msg = full.strip_prefix(&format!("{origin}: ")).unwrap_or(&full).to_string();
                crate::error::Error::Data(DataError::new(origin, msg))
            }
            StateError::Rule(r) => crate::error::Error::Data(DataError::new("user rules", r.to_string())),
            StateError::Consent(c) => crate::error::Error::Data(DataError::new("consent", c.to_string())),
            StateError::Feedback(f) => crate::error::Error::Data(DataError::new("feedback", f.to_string())),
        }
    }
}

fn io_err(path: &Path, op: &'static str) -> impl FnOnce(io::Error) -> StateError {
    let path = path.to_path_buf();
    move |source| StateError::Io { path, op, source }
}

/// Describe a JSON error without quoting the file's content (it may hold phone numbers).
pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "read error".to_string(),
        Category::Syntax => "invalid JSON".to_string(),
        Category::Eof => "truncated JSON".to_string(),
        Category::Data => {
            // Field and variant names are ours; values (after `invalid type:`/`value:`) are not shown.
            let full = e.to_string();
            let msg = full.split(" at line ").next().unwrap_or("");
            if msg.starts_with("missing field")
                || msg.starts_with("unknown variant")
                || msg.starts_with("duplicate field")
            {
                msg.split(", expected").next().unwrap_or(msg).to_string()
            } else {
                "unexpected value".to_string()
            }
        }
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

/// The file as written.
#[derive(Serialize, Deserialize)]
struct FileV1 {
    format: String,
    version: u32,
    generation: u64,
    state: UserState,
}

/// Version 0: the first shape (before the ledger had times and sources, and before rules,
/// feedback and reports). `{"version": 0, "strict": b, "consents": {"sig": "granted"|"revoked"},
/// "blocked_signatures": […], "allowed_signatures": […], "blocked_senders": […],
/// "allowed_senders": […]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV0 {
    #[allow(dead_code)]
    version: u32,
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    consents: std::collections::BTreeMap<String, ConsentState>,
    #[serde(default)]
    blocked_signatures: Vec<String>,
    #[serde(default)]
    allowed_signatures: Vec<String>,
    #[serde(default)]
    blocked_senders: Vec<String>,
    #[serde(default)]
    allowed_senders: Vec<String>,
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<serde_json::Value>,
}

/// A decoded state file.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub state: UserState,
    pub generation: u64,
    /// The version the file was written in (older than [`STATE_VERSION`] means it was migrated).
    pub version: u32,
}

/// Migrate version 0. Its entries are imported: consents keep no time (0) and say `import`.
fn migrate_v0(v0: FileV0, path: &Path) -> Result<UserState, StateError> {
    let corrupt = |what: String| StateError::Corrupt { path: path.to_path_buf(), problem: what };
    let mut state =
        UserState { settings: Settings { strict: v0.strict, model: None }, ..UserState::default() };
    for (sig, consent) in v0.consents {
        state
            .consents
            .set(Some(&sig), None, consent, 0, ConsentSource::Import)
            .map_err(|e| corrupt(format!("version 0 consent: {e}")))?;
    }
    let lists = [
        (v0.blocked_signatures, RuleEffect::Block, true),
        (v0.allowed_signatures, RuleEffect::Allow, true),
        (v0.blocked_senders, RuleEffect::Block, false),
        (v0.allowed_senders, RuleEffect::Allow, false),
    ];
    for (list, effect, is_signature) in lists {
        for v in list {
            let target = if is_signature { RuleTarget::Signature(v) } else { RuleTarget::Sender(v) };
            match state.rules.add(target, effect, 0) {
                Ok(_) | Err(RuleError::Duplicate(_)) => {}
                Err(e) => return Err(corrupt(format!("version 0 rule: {e}"))),
            }
        }
    }
    Ok(state)
}

/// Decode a state file's text. `path` only names it in errors.
pub fn decode(text: &str, path: &Path) -> Result<Loaded, StateError> {
    let corrupt = |problem: String| StateError::Corrupt { path: path.to_path_buf(), problem };
    let header: Header = serde_json::from_str(text).map_err(|e| corrupt(describe_json_error(&e)))?;
    if let Some(f) = &header.format {
        if f != STATE_FORMAT {
            return Err(corrupt(format!("format is not `{STATE_FORMAT}`")));
        }
    }
    let version = match &header.version {
        None => return Err(corrupt("no `version`".into())),
        Some(v) => v.as_u64().ok_or_else(|| corrupt("`version` is not a non-negative integer".into()))?,
    };
    if version > u64::from(STATE_VERSION) {
        return Err(StateError::NewerVersion {
            path: path.to_path_buf(),
            found: version,
            supported: STATE_VERSION,
        });
    }
    match version {
        0 => {
            let v0: FileV0 = serde_json::from_str(text).map_err(|e| corrupt(describe_json_error(&e)))?;
            Ok(Loaded { state: migrate_v0(v0, path)?, generation: 0, version: 0 })
        }
        _ => {
            if header.format.is_none() {
                return Err(corrupt("no `format`".into()));
            }
            let f: FileV1 = serde_json::from_str(text).map_err(|e| corrupt(describe_json_error(&e)))?;
            Ok(Loaded { state: f.state, generation: f.generation, version: STATE_VERSION })
        }
    }
}

/// Encode a state for writing.
pub fn encode(state: &UserState, generation: u64) -> String {
    let file =
        FileV1 { format: STATE_FORMAT.into(), version: STATE_VERSION, generation, state: state.clone() };
    // Serialising plain structs with string keys cannot fail.
    let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
    s.push('\n');
    s
}

/// Read and decode the file at `path`; `Ok(None)` when it does not exist. Takes no file lock: a
/// commit replaces the file by rename, so this sees one committed generation, whole.
pub fn read_file(path: &Path) -> Result<Option<Loaded>, StateError> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(path, "open")(e)),
    };
    let len = f.metadata().map_err(io_err(path, "read"))?.len();
    if len > MAX_STATE_BYTES {
        return Err(StateError::Corrupt {
            path: path.to_path_buf(),
            problem: format!("larger than {MAX_STATE_BYTES} bytes"),
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    Read::by_ref(&mut f).take(MAX_STATE_BYTES + 1).read_to_end(&mut bytes).map_err(io_err(path, "read"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| StateError::Corrupt { path: path.to_path_buf(), problem: "not UTF-8".into() })?;
    decode(&text, path).map(Some)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The first of `<path><suffix>`, `<path><suffix>.1`, … that does not exist.
fn free_name(path: &Path, suffix: &str) -> PathBuf {
    let first = sibling(path, suffix);
    if !first.exists() {
        return first;
    }
    (1..).map(|n| sibling(path, &format!("{suffix}.{n}"))).find(|p| !p.exists()).unwrap_or(first)
}

fn temp_prefix(path: &Path) -> String {
    format!(".{}.tmp-", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
}

/// Write `text` to `path` atomically: temp file in the same directory, fsync, rename, fsync dir.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), StateError> {
    write_atomic_bytes(path, text.as_bytes())
}

/// [`write_atomic`] for bytes.
pub fn write_atomic_bytes(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = parent_dir(path);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!("{}{}-{n}", temp_prefix(path), std::process::id()));
    let result = (|| {
        let mut f =
            OpenOptions::new().write(true).create_new(true).open(&tmp).map_err(io_err(&tmp, "create"))?;
        f.write_all(bytes).map_err(io_err(&tmp, "write"))?;
        f.sync_all().map_err(io_err(&tmp, "fsync"))?;
        drop(f);
        fs::rename(&tmp, path).map_err(io_err(path, "rename"))?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), StateError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir, "fsync directory"))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), StateError> {
    // Directories cannot be opened for fsync on this platform; the rename is already durable there.
    Ok(())
}

/// Remove temp files left by writers that died mid-commit. Only called under the lock: only the
/// lock holder writes a temp file, so any other one belongs to a writer that is gone.
fn remove_stale_temps(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = fs::read_dir(parent_dir(path)) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Take the exclusive OS lock on `<path>.lock`, waiting at most `timeout`. The lock is released
/// when the returned file is dropped (or the process dies).
fn acquire_lock(path: &Path, timeout: Duration) -> Result<File, StateError> {
    let lock = sibling(path, ".lock");
    // Created if missing, never truncated or deleted: its content means nothing, only the lock.
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(io_err(&lock, "open lock file"))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => {
                let waited = start.elapsed();
                if waited >= timeout {
                    return Err(StateError::Locked { path: path.to_path_buf() });
                }
                // Polled because the blocking `File::lock` cannot time out.
                std::thread::sleep(LOCK_POLL.min(timeout - waited));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&lock, "lock")(e)),
        }
    }
}

struct Inner {
    state: UserState,
    generation: u64,
}

/// How [`Store::open`] found the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// No file yet: empty state; the first commit creates it.
    New,
    /// A current-version file.
    Loaded,
    /// An older version, migrated in memory; the original was copied to `backup`.
    Migrated { from: u32, backup: PathBuf },
}

/// The user state at one path. Share it between threads (`Arc<Store>`).
pub struct Store {
    path: PathBuf,
    opened: Opened,
    lock_timeout: Duration,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("opened", &self.opened).finish()
    }
}

impl Store {
    /// Open the state at `path`. A missing file is an empty state (created on the first commit);
    /// a corrupt or newer file is an error and is left untouched; an older one is migrated after a
    /// backup copy. Takes no file lock.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StateError> {
        let path = path.as_ref().to_path_buf();
        let (inner, opened) = match read_file(&path)? {
            None => (Inner { state: UserState::default(), generation: 0 }, Opened::New),
            Some(l) if l.version < STATE_VERSION => {
                let backup = free_name(&path, &format!(".v{}.bak", l.version));
                fs::copy(&path, &backup).map_err(io_err(&backup, "back up"))?;
                sync_dir(&parent_dir(&path))?;
                (
                    Inner { state: l.state, generation: l.generation },
                    Opened::Migrated { from: l.version, backup },
                )
            }
            Some(l) => (Inner { state: l.state, generation: l.generation }, Opened::Loaded),
        };
        Ok(Store { path, opened, lock_timeout: LOCK_TIMEOUT, inner: Mutex::new(inner) })
    }

    /// Move a file that [`Store::open`] refused (corrupt, newer version) to `<path>.corrupt-<n>`
    /// so that the app can start over. Returns where it went. The user should decide this.
    pub fn set_aside(path: impl AsRef<Path>) -> Result<PathBuf, StateError> {
        let path = path.as_ref();
        let aside = (1..).map(|n| sibling(path, &format!(".corrupt-{n}"))).find(|p| !p.exists());
        let aside = aside.unwrap_or_else(|| sibling(path, ".corrupt"));
        fs::rename(path, &aside).map_err(io_err(path, "move aside"))?;
        sync_dir(&parent_dir(path))?;
        Ok(aside)
    }

    /// Make commits wait at most `timeout` for another writer's lock (default [`LOCK_TIMEOUT`])
    /// before failing with [`StateError::Locked`].
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Store {
        self.lock_timeout = timeout;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn opened(&self) -> &Opened {
        &self.opened
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The state is only replaced after a successful commit, so a poisoned lock still guards a
        // consistent value.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> UserState {
        self.lock().state.clone()
    }

    /// The generation of the state in memory (0 before the first commit).
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// What the policy needs (see [`UserState::user_choices`]).
    pub fn user_choices(&self) -> UserChoices {
        self.lock().state.user_choices()
    }

    /// The user rule pack (see [`UserState::rule_pack_text`]).
    pub fn rule_pack_text(&self) -> String {
        self.lock().state.rule_pack_text()
    }

    /// Re-read the file (e.g. after another process committed). Takes no file lock.
    pub fn reload(&self) -> Result<(), StateError> {
        let mut inner = self.lock();
        if let Some(l) = read_file(&self.path)? {
            inner.state = l.state;
            inner.generation = l.generation;
        }
        Ok(())
    }

    /// Apply `change` and commit. Under the file lock the current file is re-read first, so a
    /// commit by another process is never lost: `change` runs on the newest state. If `change`
    /// fails nothing is written.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut UserState) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        self.commit(None, change)
    }

    /// Like [`Store::update`], but refuse with [`StateError::Conflict`] unless the file is still
    /// at generation `expected` (compare-and-swap).
    pub fn update_if<T>(
        &self,
        expected: u64,
        change: impl FnOnce(&mut UserState) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        self.commit(Some(expected), change)
    }

    fn commit<T>(
        &self,
        expected: Option<u64>,
        change: impl FnOnce(&mut UserState) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        let mut inner = self.lock();
        let _file_lock = acquire_lock(&self.path, self.lock_timeout)?;
        remove_stale_temps(&self.path);
        let (mut state, disk_generation) = match read_file(&self.path)? {
            Some(l) if l.version == STATE_VERSION && l.generation == inner.generation => {
                (inner.state.clone(), l.generation)
            }
            Some(l) if l.version < STATE_VERSION => {
                // Still the old file we migrated from (another process may have migrated it too).
                (if l.state == inner.state { inner.state.clone() } else { l.state }, l.generation)
            }
            Some(l) => (l.state, l.generation),
            None => (inner.state.clone(), inner.generation),
        };
        if let Some(expected) = expected {
            if disk_generation != expected {
                return Err(StateError::Conflict {
                    path: self.path.clone(),
                    expected,
                    found: disk_generation,
                });
            }
        }
        let out = change(&mut state)?;
        let generation = disk_generation.max(inner.generation) + 1;
        write_atomic(&self.path, &encode(&state, generation))?;
        inner.state = state;
        inner.generation = generation;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_do_not_quote_values() {
        let e = serde_json::from_str::<FileV1>(r#"{"format": "13800000000", "version": "13800000000"}"#)
            .err()
            .map(|e| describe_json_error(&e))
            .unwrap_or_default();
        assert!(!e.contains("13800000000"), "{e}");
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn encode_decode_round_trip() {
        let mut s = UserState::default();
        s.settings.strict = true;
        s.consents.grant(Some("某商城"), None, 5, ConsentSource::User).map(|_| ()).ok();
        let text = encode(&s, 9);
        let l = decode(&text, Path::new("x.json")).ok();
        assert_eq!(l, Some(Loaded { state: s, generation: 9, version: STATE_VERSION }));
    }
}
