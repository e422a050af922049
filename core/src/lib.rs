//! smsguard-core: the whole on-device SMS filter engine, pure Rust, no FFI types.
//!
//! The modules follow the data flow:
//! [`message`] → [`normalise`] → [`sender`] + [`signature`] → [`rules`] → [`model`] → [`policy`]
//! → [`verdict`]. [`engine`] runs the steps in order; `classify` never fails.

#![forbid(unsafe_code)]

pub mod api;
pub mod consent;
pub mod contact;
pub mod engine;
pub mod error;
pub mod featurise;
pub mod feedback;
pub mod message;
pub mod model;
pub mod normalise;
pub mod policy;
pub mod report;
pub mod rules;
pub mod sender;
pub mod session;
pub mod signature;
pub mod store;
pub mod unsubscribe;
pub mod update;
pub mod user_rules;
pub mod verdict;

pub use engine::{Engine, Explanation};
pub use error::{DataError, Error, Result};
pub use message::SmsMessage;
pub use policy::UserChoices;
pub use sender::SenderKind;
pub use verdict::{Action, Category, Consent, Reason, Subcategory, Verdict};
