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
//! Opening a guard also replaces Rust's default panic hook, which would print the panic message
//! (possibly quoting an SMS) to stderr, i.e. the device log: ours names only file and line.

/// Generates a fieldless uniffi enum and its conversion from core's enum of the same variants.
macro_rules! mirror_enum {
    ($(#[$m:meta])* $name:ident from $core:path { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name { $($v),+ }

        impl From<$core> for $name {
            fn from(x: $core) -> Self {
                use $core as C;
                match x { $(C::$v => $name::$v),+ }
            }
        }

        impl From<$name> for $core {
            fn from(x: $name) -> Self {
                use $core as C;
                match x { $($name::$v => C::$v),+ }
            }
        }
    };
}

// Android: link the pure-Rust unwinder (the NDK's libunwind.a is not used, see bindings/Cargo.toml).
#[cfg(target_os = "android")]
extern crate unwinding;

pub mod api;
pub mod error;
pub mod jni;
pub mod state;
pub mod types;

pub use api::SmsGuard;
pub use error::SmsGuardError;

uniffi::setup_scaffolding!("smsguard_ffi");
