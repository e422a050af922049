//! Rich internal errors. Bindings map these onto one small public enum; nothing here ever carries
//! SMS text or phone numbers (only file names, line numbers, rule ids and what is wrong).

use std::fmt;

/// A problem in a data file we load: a rule pack, the institutions table, later model manifests
/// and state files. Names the file, the line and the item (rule id, institution) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// Which file or pack (e.g. `default.rules`, `user rules`).
    pub origin: String,
    /// 1-based line number, when the problem is on one line.
    pub line: Option<usize>,
    /// The item the problem belongs to (rule id, institution name).
    pub item: Option<String>,
    pub message: String,
}

impl DataError {
    pub fn new(origin: impl Into<String>, message: impl Into<String>) -> Self {
        DataError { origin: origin.into(), line: None, item: None, message: message.into() }
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn for_item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(item) = &self.item {
            write!(f, " ({item})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DataError {}

/// Replace Rust's default panic hook, which prints the panic message to stderr (a device log on
/// a phone), and that message can quote the SMS being processed. Ours names only file and line.
/// For front ends (the CLI, the bindings); installed once per process whoever calls first.
pub fn quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| match info.location() {
            Some(at) => eprintln!("smsguard: internal error at {}:{}", at.file(), at.line()),
            None => eprintln!("smsguard: internal error"),
        }));
    });
}

/// Every error the core can return.
#[derive(Debug)]
pub enum Error {
    /// A data file (rule pack, institutions table, …) is malformed.
    Data(DataError),
    /// Reading or writing a file failed.
    Io { path: String, source: std::io::Error },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Data(e) => e.fmt(f),
            Error::Io { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Data(e) => Some(e),
            Error::Io { source, .. } => Some(source),
        }
    }
}

impl From<DataError> for Error {
    fn from(e: DataError) -> Self {
        Error::Data(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
