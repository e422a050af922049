//! Commands over the user's saved state (`--state FILE`): consent, user rules, feedback,
//! settings, reports and unsubscribe replies. The CLI only parses and prints; everything else is
//! `smsguard_core::{store, consent, user_rules, feedback, report, unsubscribe}`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use smsguard_core::consent::{ConsentSource, Timestamp};
use smsguard_core::feedback::FeedbackKind;
use smsguard_core::report::{plan_report, ReportFormats};
use smsguard_core::store::{StateError, Store, UserState};
use smsguard_core::unsubscribe::reply_for;
use smsguard_core::user_rules::{RuleEffect, RuleTarget};
use smsguard_core::{Engine, SmsMessage};

use crate::{jsonl, write_stdout, CliError};

impl From<StateError> for CliError {
    fn from(e: StateError) -> Self {
        match e {
            StateError::Io { path, op, source } => CliError::io(format!("{} ({op})", path.display()), source),
            other => CliError::Data(other.to_string()),
        }
    }
}

/// Seconds since the epoch: the store takes the caller's clock.
fn now() -> Timestamp {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Timestamp::try_from(secs).unwrap_or(Timestamp::MAX)
}

fn open(path: Option<&Path>, command: &str) -> Result<Store, CliError> {
    let path = path.ok_or_else(|| CliError::Data(format!("`{command}` needs --state FILE")))?;
    Ok(Store::open(path)?)
}

fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| CliError::Data(format!("cannot encode: {e}")))?;
    write_stdout(&text)
}

/// The saved state, or the empty state when no `--state` was given.
pub fn load(path: Option<&Path>) -> Result<UserState, CliError> {
    match path {
        Some(p) => Ok(Store::open(p)?.snapshot()),
        None => Ok(UserState::default()),
    }
}

#[derive(Debug, Args)]
pub struct MessageArgs {
    /// The sender as the phone shows it.
    #[arg(long, default_value = "")]
    pub sender: String,
    /// The message text.
    #[arg(long)]
    pub body: String,
    /// When it was received (kept verbatim in report drafts).
    #[arg(long)]
    pub received_at: Option<String>,
}

impl MessageArgs {
    fn message(&self) -> SmsMessage {
        SmsMessage {
            sender: self.sender.clone(),
            body: self.body.clone(),
            received_at: self.received_at.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// Record that you agree to marketing from this signature (and/or port).
    Grant(ConsentKey),
    /// Record that you withdraw consent: its marketing becomes unsolicited (junk, reportable).
    Revoke(ConsentKey),
    /// Forget the decision (back to unknown).
    Forget(ConsentKey),
    /// List current decisions.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ConsentKey {
    /// The 【签名】 name, without brackets.
    #[arg(long, required_unless_present = "port")]
    signature: Option<String>,
    /// A sender port (for unsigned marketing, or to narrow a signature to one port).
    #[arg(long)]
    port: Option<String>,
}

pub fn consent(state: Option<&Path>, cmd: ConsentCommand) -> Result<(), CliError> {
    let store = open(state, "consent")?;
    let t = now();
    match cmd {
        ConsentCommand::Grant(k) => store.update(|s| {
            s.consents.grant(k.signature.as_deref(), k.port.as_deref(), t, ConsentSource::User)?;
            Ok(())
        })?,
        ConsentCommand::Revoke(k) => store.update(|s| {
            s.consents.revoke(k.signature.as_deref(), k.port.as_deref(), t, ConsentSource::User)?;
            Ok(())
        })?,
        ConsentCommand::Forget(k) => {
            let found = store.update(|s| Ok(s.consents.forget(k.signature.as_deref(), k.port.as_deref())))?;
            if !found {
                return Err(CliError::Data("no consent decision recorded for that key".into()));
            }
        }
        ConsentCommand::List { json } => {
            let state = store.snapshot();
            let list = state.consents.list();
            if json {
                return print_json(&list);
            }
            let mut text = format!("{} consent decisions", list.len());
            for e in list {
                text.push_str(&format!(
                    "\n  {:<8} signature={} port={} at={} how={}",
                    format!("{:?}", e.state).to_lowercase(),
                    e.signature.as_deref().unwrap_or("-"),
                    e.port.as_deref().unwrap_or("-"),
                    e.at,
                    e.how.as_str()
                ));
            }
            return write_stdout(&text);
        }
    }
    write_stdout("saved")
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TargetKind {
    Signature,
    Sender,
    Keyword,
    Regex,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EffectArg {
    Allow,
    Block,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Add a rule: `rules add block keyword 贷款`, `rules add allow signature 某银行`.
    Add { effect: EffectArg, kind: TargetKind, value: String },
    /// Remove a rule by id.
    Remove { id: u32 },
    /// List your rules.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Import rules from a file written by `rules export`.
    Import { file: PathBuf },
    /// Export your rules as JSON (to FILE, or stdout).
    Export { file: Option<PathBuf> },
}

pub fn rules(state: Option<&Path>, cmd: RulesCommand) -> Result<(), CliError> {
    let store = open(state, "rules")?;
    let t = now();
    match cmd {
        RulesCommand::Add { effect, kind, value } => {
            let kind = match kind {
                TargetKind::Signature => "signature",
                TargetKind::Sender => "sender",
                TargetKind::Keyword => "keyword",
                TargetKind::Regex => "regex",
            };
            let effect = match effect {
                EffectArg::Allow => RuleEffect::Allow,
                EffectArg::Block => RuleEffect::Block,
            };
            let target = RuleTarget::parse(kind, &value).map_err(|e| CliError::Data(e.to_string()))?;
            let id = store.update(|s| Ok(s.rules.add(target, effect, t)?))?;
            write_stdout(&format!("added rule {id}"))
        }
        RulesCommand::Remove { id } => {
            store.update(|s| Ok(s.rules.remove(id)?))?;
            write_stdout(&format!("removed rule {id}"))
        }
        RulesCommand::List { json } => {
            let state = store.snapshot();
            if json {
                return print_json(&state.rules.list());
            }
            let mut text = format!("{} rules", state.rules.list().len());
            for r in state.rules.list() {
                text.push_str(&format!(
                    "\n  {:>4}  {:<5} {:<9} {}",
                    r.id,
                    r.effect.as_str(),
                    r.target.kind_str(),
                    r.target.value()
                ));
            }
            write_stdout(&text)
        }
        RulesCommand::Import { file } => {
            let text = crate::read_text(&file)?;
            let origin = file.display().to_string();
            let n = store.update(|s| Ok(s.rules.import(&text, &origin, t)?))?;
            write_stdout(&format!("imported {n} rules"))
        }
        RulesCommand::Export { file } => {
            let text = store.snapshot().rules.export_json();
            match file {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| CliError::io(path.display().to_string(), e))
                }
                None => write_stdout(&text),
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// This message is not junk: trust its signature (or sender).
    NotJunk(MessageArgs),
    /// This message is junk: block its signature (or sender).
    IsJunk(MessageArgs),
    /// Undo a piece of feedback by id.
    Undo { id: u32 },
    /// List feedback given.
    List,
}

pub fn feedback(engine: &Engine, state: Option<&Path>, cmd: FeedbackCommand) -> Result<(), CliError> {
    let store = open(state, "feedback")?;
    let t = now();
    let (kind, args) = match cmd {
        FeedbackCommand::NotJunk(a) => (FeedbackKind::NotJunk, a),
        FeedbackCommand::IsJunk(a) => (FeedbackKind::IsJunk, a),
        FeedbackCommand::Undo { id } => {
            store.update(|s| Ok(s.feedback.undo(id)?))?;
            return write_stdout(&format!("undid feedback {id}"));
        }
        FeedbackCommand::List => return print_json(&store.snapshot().feedback.list()),
    };
    let msg = args.message();
    let verdict = engine.classify(&msg);
    let entry = store.update(|s| Ok(s.feedback.record(kind, &msg, &verdict, t)?))?;
    write_stdout(&format!("recorded feedback {} ({})", entry.id, kind.as_str()))
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Strict mode: marketing without recorded consent goes to junk.
    #[arg(long)]
    strict: Option<bool>,
}

pub fn settings(state: Option<&Path>, args: SettingsArgs) -> Result<(), CliError> {
    let store = open(state, "settings")?;
    if let Some(strict) = args.strict {
        store.update(|s| {
            s.settings.strict = strict;
            Ok(())
        })?;
    }
    print_json(&store.snapshot().settings)
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    message: Option<MessageArgs>,
    /// Read messages as JSONL ({"id"?, "sender", "body", "received_at"?}) from FILE or stdin (`-`);
    /// write one report plan per line.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-", conflicts_with = "body")]
    jsonl: Option<String>,
    /// Record in the history (with --state) that you sent the report through CHANNEL, so the same
    /// message is not offered again.
    #[arg(long, value_name = "CHANNEL", requires = "body")]
    sent: Option<String>,
}

pub fn report(engine: &Engine, state: Option<&Path>, args: ReportArgs) -> Result<(), CliError> {
    let saved = load(state)?;
    let formats = ReportFormats::embedded();
    if let Some(input) = args.jsonl {
        // Repeats within one batch are offered once: remember keys as we go.
        let mut seen = std::collections::HashSet::new();
        return jsonl::run_with(&input, false, |m| {
            let mut plan = plan_report(m, &engine.classify(m), formats, &saved.reports);
            if plan.reportable && !seen.insert(plan.key.clone()) {
                plan.withdraw_as_repeat();
            }
            plan
        });
    }
    let msg = args
        .message
        .as_ref()
        .map(MessageArgs::message)
        .ok_or_else(|| CliError::Data("give --body or --jsonl".into()))?;
    let plan = plan_report(&msg, &engine.classify(&msg), formats, &saved.reports);
    if let Some(channel) = args.sent {
        if !plan.reportable {
            return Err(CliError::Data("this message is not reportable; nothing recorded".into()));
        }
        if formats.get(&channel).is_none() {
            return Err(CliError::Data(format!("unknown report channel `{channel}`")));
        }
        let store = open(state, "report --sent")?;
        store.update(|s| Ok(s.reports.record(&plan.key, &channel, now())))?;
    }
    print_json(&plan)
}

#[derive(Debug, Args)]
pub struct UnsubscribeArgs {
    #[command(flatten)]
    message: MessageArgs,
    /// Record (with --state) that you sent the reply: revokes consent for the signature/port.
    #[arg(long)]
    sent: bool,
}

pub fn unsubscribe(engine: &Engine, state: Option<&Path>, args: UnsubscribeArgs) -> Result<(), CliError> {
    let msg = args.message.message();
    let verdict = engine.classify(&msg);
    let Some(reply) = reply_for(&msg, &verdict) else {
        return Err(CliError::Data(
            "no opt-out instruction (e.g. 回T退订) and sender found in this message".into(),
        ));
    };
    if args.sent {
        let store = open(state, "unsubscribe --sent")?;
        store.update(|s| s.record_unsubscribe(&reply, now()))?;
    }
    print_json(&reply)
}
