//! Plain JNI for OEM system apps, where JNA is not allowed: the native half of
//! `com.smsguard.oem.SmsGuardNative` (bindings/java/). Same engine, same results as the uniffi
//! object; one `.so` serves both.
//!
//! Handles are ids into a table of engines, not raw pointers: a stale, closed or forged handle
//! from Java gets an exception instead of undefined behaviour, and this module needs no unsafe
//! code beyond the exported symbol names.
//!
//! Errors and panics: every native function runs its body through `EnvUnowned::with_env`, which
//! catches panics; [`ThrowSmsGuardException`] turns both into `SmsGuardException` (kind and
//! message, never message text).
//!
//! User state: `nativeOpenWithState` opens a guard on a state file; consent, strict mode and
//! reports delegate to the same `SmsGuard` methods as the uniffi exports (one code path).

// `#[no_mangle]` is how the JVM finds native methods; it is the only "unsafe" construct here.
#![allow(unsafe_code)]

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use jni::errors::ErrorPolicy;
use jni::objects::{JByteArray, JClass, JObjectArray, JString};
use jni::refs::Reference;
use jni::strings::JNIString;
use jni::sys::jlong;
use jni::{Env, EnvUnowned};
use smsguard_core as core;

use crate::api::SmsGuard;
use crate::error::SmsGuardError;
use crate::types::{GuardConfig, RulePack};

/// Separates the fields of the compact classify result and of exception messages.
pub const FIELD_SEP: char = '\u{1f}';
/// Separates reason codes inside their field.
pub const CODE_SEP: char = '\u{1e}';

/// The compact classify result the Java class parses:
/// `action␟category␟score-bits␟sender_kind␟consent␟codes␟subcategory␟signature`. The score is
/// the f32's bits in hex so Java gets the exact value; codes are joined by U+001E; the
/// subcategory is empty for allow and junk; the signature (empty if none) comes last because only
/// it can hold arbitrary text.
pub fn compact(v: &core::Verdict) -> String {
    let codes: Vec<&str> = v.reason_codes().collect();
    format!(
        "{a}{s}{c}{s}{bits:08x}{s}{k}{s}{consent}{s}{codes}{s}{sub}{s}{sig}",
        s = FIELD_SEP,
        a = v.action.as_str(),
        c = v.category.as_str(),
        bits = v.score.to_bits(),
        k = v.sender_kind.as_str(),
        consent = v.consent.map(|c| c.as_str()).unwrap_or(""),
        codes = codes.join(&CODE_SEP.to_string()),
        sub = v.subcategory.map(|c| c.as_str()).unwrap_or(""),
        sig = v.signature.as_deref().unwrap_or(""),
    )
}

// --- handles ---------------------------------------------------------------------------------

static NEXT_HANDLE: AtomicI64 = AtomicI64::new(1);

fn handles() -> &'static RwLock<HashMap<jlong, Arc<SmsGuard>>> {
    static HANDLES: std::sync::OnceLock<RwLock<HashMap<jlong, Arc<SmsGuard>>>> = std::sync::OnceLock::new();
    HANDLES.get_or_init(|| RwLock::new(HashMap::new()))
}

fn insert(guard: SmsGuard) -> jlong {
    let id = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    let mut table = handles().write().unwrap_or_else(|p| p.into_inner());
    table.insert(id, Arc::new(guard));
    id
}

fn lookup(handle: jlong) -> Result<Arc<SmsGuard>, Failure> {
    let table = handles().read().unwrap_or_else(|p| p.into_inner());
    table.get(&handle).cloned().ok_or(Failure::Closed)
}

fn remove(handle: jlong) -> bool {
    let mut table = handles().write().unwrap_or_else(|p| p.into_inner());
    table.remove(&handle).is_some()
}

// --- errors ----------------------------------------------------------------------------------

/// Why a native call failed. Becomes `SmsGuardException` with a kind Java code can switch on.
#[derive(Debug)]
pub enum Failure {
    Guard(SmsGuardError),
    /// The handle was closed (or never opened).
    Closed,
    /// The Java arguments were unusable (mismatched arrays, …).
    BadArgument(&'static str),
    Jni(jni::errors::Error),
}

impl Failure {
    /// The kind string of `SmsGuardException.Kind` (Java parses it back).
    fn kind(&self) -> &'static str {
        match self {
            Failure::Guard(SmsGuardError::InvalidData { .. }) => "INVALID_DATA",
            Failure::Guard(SmsGuardError::Io { .. }) => "IO",
            Failure::Guard(SmsGuardError::StateUnreadable { .. }) => "STATE_UNREADABLE",
            Failure::Guard(SmsGuardError::Internal { .. }) => "INTERNAL",
            Failure::Closed => "CLOSED",
            Failure::BadArgument(_) => "BAD_ARGUMENT",
            Failure::Jni(_) => "INTERNAL",
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Guard(e) => e.fmt(f),
            Failure::Closed => f.write_str("the SmsGuardNative handle is closed"),
            Failure::BadArgument(what) => f.write_str(what),
            Failure::Jni(e) => write!(f, "JNI: {e}"),
        }
    }
}

impl std::error::Error for Failure {}

impl From<jni::errors::Error> for Failure {
    fn from(e: jni::errors::Error) -> Self {
        Failure::Jni(e)
    }
}

impl From<SmsGuardError> for Failure {
    fn from(e: SmsGuardError) -> Self {
        Failure::Guard(e)
    }
}

const EXCEPTION_CLASS: &jni::strings::JNIStr = jni::jni_str!("com/smsguard/oem/SmsGuardException");

fn throw(env: &mut Env<'_>, kind: &str, message: &str) {
    // If even this fails (class missing), the JVM has a pending NoClassDefFoundError, which is
    // what the caller then sees.
    let _ = env.throw_new(EXCEPTION_CLASS, JNIString::new(format!("{kind}{FIELD_SEP}{message}")));
}

/// Throws `com.smsguard.oem.SmsGuardException` for errors and panics, returning the type's
/// default (0 / null) to the JVM, which the pending exception makes irrelevant.
#[derive(Debug, Default)]
pub struct ThrowSmsGuardException;

impl<T: Default> ErrorPolicy<T, Failure> for ThrowSmsGuardException {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut Self::Captures<'unowned_env_local, 'native_method>,
        err: Failure,
    ) -> jni::errors::Result<T> {
        // A Java exception raised during the call (e.g. OutOfMemoryError) takes precedence.
        if !env.exception_check() {
            throw(env, err.kind(), &err.to_string());
        }
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut Self::Captures<'unowned_env_local, 'native_method>,
        _payload: Box<dyn std::any::Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        // The payload may quote the data being processed (a slice of an SMS): never pass it on.
        if !env.exception_check() {
            throw(env, "INTERNAL", "internal error (a bug in smsguard; no message text is included)");
        }
        Ok(T::default())
    }
}

// --- argument helpers ------------------------------------------------------------------------

/// A Java string argument; `null` reads as empty (platforms may give no sender).
fn string_arg(env: &Env<'_>, s: &JString<'_>) -> Result<String, Failure> {
    if s.is_null() {
        return Ok(String::new());
    }
    Ok(s.try_to_string(env)?)
}

fn string_array(env: &mut Env<'_>, a: &JObjectArray<'_, JString<'_>>) -> Result<Vec<String>, Failure> {
    if a.is_null() {
        return Ok(Vec::new());
    }
    let len = a.len(env)?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let s = a.get_element(env, i)?;
        out.push(string_arg(env, &s)?);
    }
    Ok(out)
}

/// An optional Java string argument: `null` (or empty) is `None`.
fn opt_string(env: &Env<'_>, s: &JString<'_>) -> Result<Option<String>, Failure> {
    if s.is_null() {
        return Ok(None);
    }
    Ok(Some(s.try_to_string(env)?).filter(|s| !s.is_empty()))
}

fn message(env: &Env<'_>, sender: &JString<'_>, body: &JString<'_>) -> Result<core::SmsMessage, Failure> {
    Ok(core::SmsMessage::new(string_arg(env, sender)?, string_arg(env, body)?))
}

fn message_at(
    env: &Env<'_>,
    sender: &JString<'_>,
    body: &JString<'_>,
    received_at: &JString<'_>,
) -> Result<core::SmsMessage, Failure> {
    let mut m = message(env, sender, body)?;
    m.received_at = opt_string(env, received_at)?;
    Ok(m)
}

// --- native methods --------------------------------------------------------------------------

/// `static native long nativeOpen(String[] origins, String[] texts, boolean embeddedModel)`: rule
/// packs by name and text (both null or empty: the embedded rules), and the embedded model if asked.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeOpen<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    origins: JObjectArray<'caller, JString<'caller>>,
    texts: JObjectArray<'caller, JString<'caller>>,
    embedded_model: bool,
) -> jlong {
    unowned_env
        .with_env(|env| -> Result<jlong, Failure> {
            let origins = string_array(env, &origins)?;
            let texts = string_array(env, &texts)?;
            if origins.len() != texts.len() {
                return Err(Failure::BadArgument("rule pack origins and texts differ in length"));
            }
            let rule_packs =
                origins.into_iter().zip(texts).map(|(origin, text)| RulePack { origin, text }).collect();
            let guard =
                SmsGuard::build(GuardConfig { rule_packs, embedded_model, ..Default::default() }, None)?;
            Ok(insert(guard))
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native boolean nativeClose(long handle)`: false if it was already closed.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeClose<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) -> bool {
    unowned_env
        .with_env(|_env| -> Result<bool, Failure> { Ok(remove(handle)) })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeClassify(long handle, String sender, String body)`: see [`compact`].
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeClassify<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    sender: JString<'caller>,
    body: JString<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let guard = lookup(handle)?;
            let msg = message(env, &sender, &body)?;
            let verdict = guard.engine().classify(&msg);
            Ok(JString::from_str(env, compact(&verdict))?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeExplainJson(long handle, String sender, String body)`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeExplainJson<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    sender: JString<'caller>,
    body: JString<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let guard = lookup(handle)?;
            let msg = message(env, &sender, &body)?;
            let json = crate::api::explain_json(&guard.engine(), &msg)?;
            Ok(JString::from_str(env, json)?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native long nativeOpenWithState(String statePath, boolean embeddedModel)`: embedded
/// rules plus the user state in that file (`STATE_UNREADABLE` when it is damaged or newer; the file
/// is left untouched), and the embedded model if asked.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeOpenWithState<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    path: JString<'caller>,
    embedded_model: bool,
) -> jlong {
    unowned_env
        .with_env(|env| -> Result<jlong, Failure> {
            let path = opt_string(env, &path)?.ok_or(Failure::BadArgument("state path is null or empty"))?;
            let config = GuardConfig { embedded_model, ..Default::default() };
            Ok(insert(SmsGuard::build(config, Some(&path))?))
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native long nativeOpenSession(String statePath, String configJson)`: a session on the
/// state file (null or empty: in memory). `configJson` (null or `{}`: the embedded data) may hold
/// `rule_packs: [{origin, text}]`, `institutions: {origin, text}` and `embedded_model: bool`
/// (the model's default; the user's `model` setting overrides it).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeOpenSession<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    path: JString<'caller>,
    config_json: JString<'caller>,
) -> jlong {
    unowned_env
        .with_env(|env| -> Result<jlong, Failure> {
            let path = opt_string(env, &path)?;
            let config = match opt_string(env, &config_json)? {
                None => GuardConfig::default(),
                Some(text) => GuardConfig::from_json(&text).map_err(Failure::BadArgument)?,
            };
            Ok(insert(SmsGuard::build(config, path.as_deref())?))
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeCall(long handle, String requestJson)`: one versioned JSON request
/// (core's `api`, the ops the app uses); the response says `ok` or carries the error. Only a closed
/// handle (or a JNI failure) throws.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeCall<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    request: JString<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let guard = lookup(handle)?;
            let request = string_arg(env, &request)?;
            let response = core::api::handle(guard.session(), &request, core::session::unix_now());
            Ok(JString::from_str(env, response)?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeSetAsideState(String statePath)`: moves a refused state file to
/// `<path>.corrupt-<n>`; returns where it went.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeSetAsideState<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    path: JString<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let path = opt_string(env, &path)?.ok_or(Failure::BadArgument("state path is null or empty"))?;
            let aside = crate::api::set_aside_state(path)?;
            Ok(JString::from_str(env, aside)?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeReportJson(long handle, String sender, String body, String
/// receivedAt)`: core's report plan as JSON (the same document as `smsguard report`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeReportJson<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    sender: JString<'caller>,
    body: JString<'caller>,
    received_at: JString<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let guard = lookup(handle)?;
            let msg = message_at(env, &sender, &body, &received_at)?;
            let json = serde_json::to_string(&guard.report_plan(&msg))
                .map_err(|e| SmsGuardError::Internal { detail: format!("report plan to JSON: {e}") })?;
            Ok(JString::from_str(env, json)?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native boolean nativeReportSent(long handle, String sender, String body, String
/// receivedAt, String channel)`: records the report in the history; false if already recorded.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeReportSent<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    sender: JString<'caller>,
    body: JString<'caller>,
    received_at: JString<'caller>,
    channel: JString<'caller>,
) -> bool {
    unowned_env
        .with_env(|env| -> Result<bool, Failure> {
            let guard = lookup(handle)?;
            let msg = message_at(env, &sender, &body, &received_at)?;
            let channel = string_arg(env, &channel)?;
            Ok(guard.record_report(&msg, &channel)?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native void nativeConsent(long handle, boolean grant, String signature, String port)`:
/// grant or revoke (either key may be null, not both).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeConsent<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    grant: bool,
    signature: JString<'caller>,
    port: JString<'caller>,
) {
    unowned_env
        .with_env(|env| -> Result<(), Failure> {
            let guard = lookup(handle)?;
            let (signature, port) = (opt_string(env, &signature)?, opt_string(env, &port)?);
            if grant {
                guard.grant(signature, port)?;
            } else {
                guard.revoke(signature, port)?;
            }
            Ok(())
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native void nativeSetStrict(long handle, boolean strict)`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeSetStrict<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    strict: bool,
) {
    unowned_env
        .with_env(|_env| -> Result<(), Failure> { Ok(lookup(handle)?.set_strict(strict)?) })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeLoadModel(long handle, byte[] model, String manifestJson)`: a
/// model update (NNEF archive + manifest), see `SmsGuard::load_model`. Returns the new model's
/// name; `INVALID_DATA` when it is refused, and the model in use stays.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeLoadModel<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
    model: JByteArray<'caller>,
    manifest: JString<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let guard = lookup(handle)?;
            if model.is_null() {
                return Err(Failure::BadArgument("model bytes are null"));
            }
            let bytes = env.convert_byte_array(&model)?;
            let name = guard.load_model(bytes, string_arg(env, &manifest)?)?;
            Ok(JString::from_str(env, name)?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeModelName(long handle)`: the model in use, or null (rules only).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeModelName<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    handle: jlong,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            match lookup(handle)?.version().model {
                Some(name) => Ok(JString::from_str(env, name)?),
                None => Ok(JString::default()),
            }
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeVersion()`: `library␟normaliser`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeVersion<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let v = crate::api::library_version();
            Ok(JString::from_str(env, format!("{}{FIELD_SEP}{}", v.library, v.normaliser))?)
        })
        .resolve::<ThrowSmsGuardException>()
}

/// `static native String nativeDebugPanic(String message)`: panics on purpose (test builds only).
#[cfg(feature = "test-panic")]
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_smsguard_oem_SmsGuardNative_nativeDebugPanic<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    message: JString<'caller>,
) -> JString<'caller> {
    unowned_env
        .with_env(|env| -> Result<JString<'caller>, Failure> {
            let m = string_arg(env, &message)?;
            panic!("debug_panic: {m}")
        })
        .resolve::<ThrowSmsGuardException>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_exact_score_and_puts_the_signature_last() {
        let v = core::Verdict {
            action: core::Action::Junk,
            category: core::Category::Fraud,
            subcategory: None,
            score: 0.1f32,
            signature: Some(format!("a{FIELD_SEP}b")),
            sender_kind: core::SenderKind::Mobile,
            consent: None,
            reasons: vec![core::Reason::new("x_one", "", ""), core::Reason::new("x_two", "", "")],
        };
        let s = compact(&v);
        let f: Vec<&str> = s.splitn(8, FIELD_SEP).collect();
        assert_eq!(f[..7], ["junk", "fraud", "3dcccccd", "mobile", "", "x_one\u{1e}x_two", ""]);
        assert_eq!(u32::from_str_radix(f[2], 16).ok().map(f32::from_bits), Some(0.1f32));
        assert_eq!(f[7], format!("a{FIELD_SEP}b"));
        let promo = core::Verdict {
            action: core::Action::Promotion,
            category: core::Category::Coupons,
            subcategory: Some(core::Subcategory::Coupons),
            signature: None,
            ..v
        };
        let f: Vec<String> = compact(&promo).splitn(8, FIELD_SEP).map(str::to_string).collect();
        assert_eq!((f[6].as_str(), f[7].as_str()), ("coupons", ""));
    }

    #[test]
    fn handles_are_not_reusable_after_close() {
        let h = insert(SmsGuard::build(GuardConfig::default(), None).expect("defaults open"));
        assert!(lookup(h).is_ok());
        assert!(remove(h));
        assert!(!remove(h));
        assert!(matches!(lookup(h), Err(Failure::Closed)));
        assert!(matches!(lookup(0), Err(Failure::Closed)));
    }
}
