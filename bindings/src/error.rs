//! The one public error enum. Each variant says what the caller can do about it; none carries SMS
//! text or phone numbers (core's errors never do either).

use std::fmt;

use smsguard_core as core;
use smsguard_core::store::StateError;

// Fields are `detail`, not `message`: Kotlin exceptions already have a `message` property.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum SmsGuardError {
    /// A data file or text the caller supplied (rule pack, institutions table, model update) is
    /// malformed or does not fit this library: fix or drop that file. `origin` is the name the
    /// caller gave it (`model` / `model manifest` for a model update).
    InvalidData { origin: String, line: Option<u32>, item: Option<String>, detail: String },
    /// Reading or writing a file failed (or another process held the state file's lock too
    /// long): check the path and permissions, or retry.
    Io { path: String, detail: String },
    /// The state file is damaged or from a newer smsguard. It was left untouched: open another
    /// path, or ask the user and call `set_aside_state(path)` to move it away and start over.
    StateUnreadable { path: String, detail: String },
    /// A bug in smsguard (never caused by input): report it.
    Internal { detail: String },
}

impl fmt::Display for SmsGuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SmsGuardError::InvalidData { origin, line, item, detail } => {
                // Same shape as core's DataError so that messages read the same everywhere.
                let e = core::DataError {
                    origin: origin.clone(),
                    line: line.map(|l| l as usize),
                    item: item.clone(),
                    message: detail.clone(),
                };
                e.fmt(f)
            }
            SmsGuardError::Io { path, detail } => write!(f, "{path}: {detail}"),
            SmsGuardError::StateUnreadable { path, detail } => {
                write!(f, "{path}: unreadable state file ({detail}); it was left untouched")
            }
            SmsGuardError::Internal { detail } => write!(f, "internal error: {detail}"),
        }
    }
}

impl std::error::Error for SmsGuardError {}

/// Run an export's body with panics caught here rather than by uniffi, whose internal error would
/// carry the panic message (it can quote the SMS being processed). The caller gets `Internal`
/// with a fixed text instead.
pub(crate) fn guarded<T>(body: impl FnOnce() -> Result<T, SmsGuardError>) -> Result<T, SmsGuardError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(SmsGuardError::Internal {
            detail: "a bug in smsguard (no message text is included); please report it".into(),
        })
    })
}

impl From<core::DataError> for SmsGuardError {
    fn from(e: core::DataError) -> Self {
        SmsGuardError::InvalidData {
            origin: e.origin,
            // Files beyond 4 billion lines do not exist; saturate rather than wrap.
            line: e.line.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
            item: e.item,
            detail: e.message,
        }
    }
}

impl From<core::Error> for SmsGuardError {
    fn from(e: core::Error) -> Self {
        match e {
            core::Error::Data(d) => d.into(),
            core::Error::Io { path, source } => SmsGuardError::Io { path, detail: source.to_string() },
        }
    }
}

impl From<StateError> for SmsGuardError {
    fn from(e: StateError) -> Self {
        match e {
            StateError::Corrupt { path, problem } => {
                SmsGuardError::StateUnreadable { path: path.display().to_string(), detail: problem }
            }
            StateError::NewerVersion { path, found, supported } => SmsGuardError::StateUnreadable {
                path: path.display().to_string(),
                detail: format!("version {found} is newer than this library supports ({supported})"),
            },
            // Rule, consent and feedback refusals, lock timeouts and plain I/O: core's mapping
            // (DataError naming `user rules` / `consent` / `feedback`, or Io) is already actionable.
            other => core::Error::from(other).into(),
        }
    }
}

impl From<core::update::UpdateError> for SmsGuardError {
    fn from(e: core::update::UpdateError) -> Self {
        match e {
            core::update::UpdateError::State(e) => e.into(),
            e => SmsGuardError::InvalidData {
                origin: "update".into(),
                line: None,
                item: Some(e.reason().into()),
                detail: e.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_keep_file_line_and_item() {
        let e: SmsGuardError =
            core::DataError::new("user.rules", "unknown effect").at_line(7).for_item("r1").into();
        assert_eq!(
            e,
            SmsGuardError::InvalidData {
                origin: "user.rules".into(),
                line: Some(7),
                item: Some("r1".into()),
                detail: "unknown effect".into()
            }
        );
        assert_eq!(e.to_string(), "user.rules line 7 (r1): unknown effect");
    }

    #[test]
    fn io_errors_name_the_path() {
        let e: SmsGuardError = core::Error::Io {
            path: "state.json".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        }
        .into();
        assert!(matches!(&e, SmsGuardError::Io { path, .. } if path == "state.json"));
        assert!(e.to_string().starts_with("state.json: "));
    }

    #[test]
    fn corrupt_and_newer_state_files_are_state_unreadable() {
        let e: SmsGuardError =
            StateError::Corrupt { path: "s.json".into(), problem: "invalid JSON at line 1 column 2".into() }
                .into();
        assert!(matches!(&e, SmsGuardError::StateUnreadable { path, .. } if path == "s.json"));
        let e: SmsGuardError =
            StateError::NewerVersion { path: "s.json".into(), found: 9, supported: 1 }.into();
        assert!(matches!(&e, SmsGuardError::StateUnreadable { detail, .. } if detail.contains('9')));
        let e: SmsGuardError = StateError::Consent(core::consent::ConsentKeyError::Empty).into();
        assert!(matches!(&e, SmsGuardError::InvalidData { origin, .. } if origin == "consent"));
    }
}
