//! The one public error enum. Each variant says what the caller can do about it; none carries SMS
//! text or phone numbers (core's errors never do either).

use std::fmt;

use smsguard_core as core;

// Fields are `detail`, not `message`: Kotlin exceptions already have a `message` property.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum SmsGuardError {
    /// A data file or text the caller supplied (rule pack, institutions table) is malformed:
    /// fix or drop that file. `origin` is the name the caller gave it.
    InvalidData { origin: String, line: Option<u32>, item: Option<String>, detail: String },
    /// Reading or writing a file failed: check the path and permissions.
    Io { path: String, detail: String },
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
            SmsGuardError::Internal { detail } => write!(f, "internal error: {detail}"),
        }
    }
}

impl std::error::Error for SmsGuardError {}

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
}
