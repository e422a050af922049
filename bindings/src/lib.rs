//! smsguard-ffi: the engine for apps and firmware. Bindings hold no logic: every export converts
//! types and calls `smsguard-core`.
//!
//! - [`api`]: the uniffi exports (Kotlin/JNA, Swift, Python): the [`api::SmsGuard`] object.
//! - [`types`]: records and enums mirroring core's verdict and explanation.
//! - [`state`]: records for the user state (consent, personal rules, feedback, report plans,
//!   unsubscribe replies), mirroring core's.
//! - [`error`]: the one public error enum.
//! - [`jni`]: hand-written JNI for OEM system apps that may not use JNA.
//!
//! Panics: uniffi and jni 0.22 both wrap every export in `catch_unwind` (uniffi reports an
//! internal error, our JNI policy throws a Java exception), so no extra guard is needed here;
//! the `test-panic` feature adds exports that panic on purpose so every language's tests prove it.
//! That requires `panic = "unwind"`, which the workspace release profile sets.

pub mod api;
pub mod error;
pub mod jni;
pub mod state;
pub mod types;

pub use api::SmsGuard;
pub use error::SmsGuardError;

uniffi::setup_scaffolding!("smsguard_ffi");
