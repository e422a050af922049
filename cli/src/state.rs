//! Commands over the user's saved state (`--state FILE`): consent, user rules, feedback,
//! settings, reports and unsubscribe replies. The CLI only parses and prints; everything else is
//! core's `session` (the same implementation the bindings use) and its `store`, `consent`,
//! `user_rules`, `feedback`, `report` and `unsubscribe`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use smsguard_core::consent::ConsentState;
use smsguard_core::feedback::FeedbackKind;
use smsguard_core::report::{Carrier, ReportFormats};
use smsguard_core::session::{unix_now as now, Session};
use smsguard_core::store::StateError;
use smsguard_core::user_rules::{RuleEffect, RuleTarget};
use smsguard_core::SmsMessage;

use crate::{jsonl, write_stdout, CliError};

impl From<StateError> for CliError {
    fn from(e: StateError) -> Self {
        match e {
            StateError::Io { path, op, source } => CliError::io(format!("{} ({op})", path.display()), source),
            other => CliError::Data(other.to_string()),
        }
    }
}

/// The session, for a command that changes saved state: refused without `--state FILE`.
pub fn needs_file<'s>(session: &'s Session, command: &str) -> Result<&'s Session, CliError> {
    match session.path() {
        Some(_) => Ok(session),
        None => Err(CliError::Data(format!("`{command}` needs --state FILE"))),
    }
}

fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| CliError::Data(format!("cannot encode: {e}")))?;
    write_stdout(&text)
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
    /// The sender is one of your saved contacts: never junk or promotion unless you blocked it.
    #[arg(long)]
    pub known_contact: bool,
}

impl MessageArgs {
    fn message(&self) -> SmsMessage {
        SmsMessage {
            sender: self.sender.clone(),
            body: self.body.clone(),
            received_at: self.received_at.clone(),
            known_contact: self.known_contact,
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

pub fn consent(session: &Session, cmd: ConsentCommand) -> Result<(), CliError> {
    let t = now();
    match cmd {
        ConsentCommand::Grant(k) => {
            session.consent_set(k.signature.as_deref(), k.port.as_deref(), ConsentState::Granted, t)?;
        }
        ConsentCommand::Revoke(k) => {
            session.consent_set(k.signature.as_deref(), k.port.as_deref(), ConsentState::Revoked, t)?;
        }
        ConsentCommand::Forget(k) => {
            let found = session.consent_forget(k.signature.as_deref(), k.port.as_deref())?;
            if !found {
                return Err(CliError::Data("no consent decision recorded for that key".into()));
            }
        }
        ConsentCommand::List { json } => {
            let state = session.snapshot();
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

pub fn rules(session: &Session, cmd: RulesCommand) -> Result<(), CliError> {
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
            let (id, warnings) = session.rules_add(target, effect, t)?;
            for w in warnings {
                eprintln!("smsguard: note: {}", w.en);
            }
            write_stdout(&format!("added rule {id}"))
        }
        RulesCommand::Remove { id } => {
            session.rules_remove(id)?;
            write_stdout(&format!("removed rule {id}"))
        }
        RulesCommand::List { json } => {
            let state = session.snapshot();
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
            let n = session.rules_import(&text, &origin, t)?;
            write_stdout(&format!("imported {n} rules"))
        }
        RulesCommand::Export { file } => {
            let text = session.snapshot().rules.export_json();
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

pub fn feedback(session: &Session, cmd: FeedbackCommand) -> Result<(), CliError> {
    let (kind, args) = match cmd {
        FeedbackCommand::NotJunk(a) => (FeedbackKind::NotJunk, a),
        FeedbackCommand::IsJunk(a) => (FeedbackKind::IsJunk, a),
        FeedbackCommand::Undo { id } => {
            session.feedback_undo(id)?;
            return write_stdout(&format!("undid feedback {id}"));
        }
        FeedbackCommand::List => return print_json(&session.snapshot().feedback.list()),
    };
    let out = session.feedback(kind, &args.message(), now())?;
    for w in &out.warnings {
        eprintln!("smsguard: note: {}", w.en);
    }
    write_stdout(&format!("recorded feedback {} ({})", out.entry.id, kind.as_str()))
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Strict mode: marketing without recorded consent goes to junk.
    #[arg(long)]
    strict: Option<bool>,
    /// Score with the embedded model (saved; `--embedded-model` on a command forces it on).
    #[arg(long)]
    model: Option<bool>,
}

pub fn settings(session: &Session, args: SettingsArgs) -> Result<(), CliError> {
    if let Some(strict) = args.strict {
        session.set_strict(strict)?;
    }
    if let Some(model) = args.model {
        session.set_model(model)?;
    }
    print_json(&session.snapshot().settings)
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
    /// The receiving SIM's carrier: its report number comes first (unverified formats stay
    /// marked). With --sim-operator, the SIM's MCC-MNC (e.g. 46001) instead.
    #[arg(long, value_enum, conflicts_with = "sim_operator")]
    carrier: Option<CarrierArg>,
    /// The receiving SIM's MCC-MNC (`getSimOperator`, e.g. 46011), mapped to its carrier.
    #[arg(long, value_name = "MCCMNC")]
    sim_operator: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum CarrierArg {
    ChinaMobile,
    ChinaUnicom,
    ChinaTelecom,
    ChinaBroadnet,
    Unknown,
}

impl CarrierArg {
    fn carrier(self) -> Carrier {
        match self {
            CarrierArg::ChinaMobile => Carrier::ChinaMobile,
            CarrierArg::ChinaUnicom => Carrier::ChinaUnicom,
            CarrierArg::ChinaTelecom => Carrier::ChinaTelecom,
            CarrierArg::ChinaBroadnet => Carrier::ChinaBroadnet,
            CarrierArg::Unknown => Carrier::Unknown,
        }
    }
}

pub fn report(session: &Session, args: ReportArgs) -> Result<(), CliError> {
    let carrier = match (args.carrier, args.sim_operator.as_deref()) {
        (Some(c), _) => Some(c.carrier()),
        (None, Some(op)) => Some(Carrier::from_mcc_mnc(op)),
        (None, None) => None,
    };
    let carrier = carrier.map(Carrier::as_str);
    if let Some(input) = args.jsonl {
        // Repeats within one batch are offered once: remember keys as we go.
        let mut seen = std::collections::HashSet::new();
        return jsonl::run_with(&input, false, |m| {
            let mut plan = session.report_plan(m, carrier);
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
    let plan = session.report_plan(&msg, carrier);
    if let Some(channel) = args.sent {
        if ReportFormats::embedded().get(&channel).is_none() {
            return Err(CliError::Data(format!("unknown report channel `{channel}`")));
        }
        needs_file(session, "report --sent")?.report_sent(&msg, &channel, now())?;
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

pub fn unsubscribe(session: &Session, args: UnsubscribeArgs) -> Result<(), CliError> {
    let msg = args.message.message();
    let Some(reply) = session.unsubscribe(&msg) else {
        return Err(CliError::Data(
            "no opt-out instruction (e.g. 回T退订) and sender found in this message".into(),
        ));
    };
    if args.sent {
        needs_file(session, "unsubscribe --sent")?.record_unsubscribe(&reply, now())?;
    }
    print_json(&reply)
}
