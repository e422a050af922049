//! The `smsguard` command: classify one message or a JSONL stream, explain a verdict step by step,
//! and sort a built-in demo inbox.
//!
//! Exit codes: 0 success (also for JSONL batches with malformed lines, which get error objects),
//! 1 I/O error (the message names the path), 2 usage or data error (bad options, a broken rule
//! pack or institutions table: the message is the `DataError` text naming file, line and item).

mod bench;
mod demo;
mod eval;
mod jsonl;
mod progress;
mod render;
mod state;
mod update;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use smsguard_core::model::nnef::{NnefModel, EMBEDDED_MANIFEST, EMBEDDED_NNEF};
use smsguard_core::model::Model;
use smsguard_core::session::{Session, SessionConfig};
use smsguard_core::signature::Institutions;
use smsguard_core::{DataError, Engine, SmsMessage};

#[derive(Debug, Parser)]
#[command(
    name = "smsguard",
    version,
    about = "On-device SMS filter: classify, explain, demo, eval, bench; consent, rules, reports"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

/// Options for OEM testing of data files; accepted before or after the subcommand.
#[derive(Debug, Clone, Args)]
struct GlobalOpts {
    /// Use this rule pack instead of the embedded default (repeatable: the packs are compiled
    /// together, in the order given).
    #[arg(long = "rules", value_name = "FILE", global = true)]
    rules: Vec<PathBuf>,
    /// Use this institutions table (institutions.tsv format) instead of the embedded one.
    #[arg(long, value_name = "FILE", global = true)]
    institutions: Option<PathBuf>,
    /// Score with the model shipped in the library (tract, int8 NNEF archive). This is the
    /// default; the flag forces it on even when the saved settings (`settings --model false`)
    /// turned it off.
    #[arg(long, global = true, conflicts_with_all = ["model", "no_model"])]
    embedded_model: bool,
    /// Rules only: no model, whatever the saved settings say.
    #[arg(long, global = true, conflicts_with = "model")]
    no_model: bool,
    /// Score with this model archive instead (`*.nnef.tar` from smsguard-model-convert; needs
    /// --manifest; refused if the manifest does not match).
    #[arg(long, value_name = "FILE", global = true, requires = "manifest")]
    model: Option<PathBuf>,
    /// The manifest (sha256, featuriser version, labels, thresholds) of --model.
    #[arg(long, value_name = "FILE", global = true, requires = "model")]
    manifest: Option<PathBuf>,
    /// The user's saved state (consents, rules, feedback, report history, settings): one JSON
    /// file, created on first change. classify, explain, report and eval honour it.
    #[arg(long, value_name = "FILE", global = true)]
    state: Option<PathBuf>,
    /// Also trust signed updates from this public key file (`update keygen` prints one;
    /// repeatable). The library's embedded keys are always trusted.
    #[arg(long = "trust-key", value_name = "FILE", global = true)]
    trust_key: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Classify one message (--sender/--body) or a JSONL stream (--jsonl).
    #[command(after_long_help = CLASSIFY_HELP)]
    Classify(ClassifyArgs),
    /// Show every step the engine takes for one message.
    Explain(ExplainArgs),
    /// Sort a built-in inbox of invented messages into folders.
    Demo,
    /// Run labelled messages (TSV with a header, or JSONL) through the engine and print a
    /// confusion matrix, precision/recall, ham sent to junk and spam caught.
    Eval(EvalArgs),
    /// Measure engine load time, heap, per-message latency percentiles and throughput.
    Bench(BenchArgs),
    /// Consent to marketing per signature (or port): grant, revoke, forget, list.
    #[command(subcommand)]
    Consent(state::ConsentCommand),
    /// Your own allow/block rules (signature, sender, keyword, regex): add, remove, list,
    /// import, export.
    #[command(subcommand)]
    Rules(state::RulesCommand),
    /// "Not junk" / "is junk" feedback: becomes a personal rule, reversible.
    #[command(subcommand)]
    Feedback(state::FeedbackCommand),
    /// Show or change settings (e.g. --strict true).
    Settings(state::SettingsArgs),
    /// Draft reports (12321, carriers) for a message or a JSONL of messages.
    Report(state::ReportArgs),
    /// The unsubscribe reply for a marketing message (destination = sender, body = keyword).
    Unsubscribe(state::UnsubscribeArgs),
    /// Signed updates of the rules, institutions and model: keygen, sign, verify, apply, status.
    #[command(subcommand)]
    Update(update::UpdateCommand),
}

#[derive(Debug, Args)]
struct EvalArgs {
    /// Labelled messages: TSV (`category|action`, `sender`, `text|body` columns) or JSONL.
    file: PathBuf,
    /// Print the metrics as one JSON object.
    #[arg(long)]
    json: bool,
    /// Score each row's own `predicted` action (another classifier's output, e.g. the baseline's
    /// from models/) instead of running the engine: the same metrics, side by side.
    #[arg(long)]
    predicted: bool,
    /// Also give the headline numbers per value of this JSONL field (e.g. `family`, `source`).
    #[arg(long, value_name = "FIELD")]
    by: Option<String>,
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// How many times to run the mix (the built-in demo inbox).
    #[arg(long, default_value_t = 2000)]
    iterations: usize,
    /// Use these messages as the mix instead (JSONL, as `classify --jsonl` reads; lines that
    /// cannot be read are skipped).
    #[arg(long, value_name = "FILE")]
    messages: Option<PathBuf>,
    /// Print the numbers as one JSON object.
    #[arg(long)]
    json: bool,
}

const CLASSIFY_HELP: &str = "\
JSONL output: one line per input line, in the same order:
  {\"id\", \"action\", \"category\", \"subcategory\", \"score\", \"signature\", \"sender_kind\", \"consent\", \"reasons\"}
  (id echoed verbatim, omitted when absent). A line that cannot be classified (not JSON, not an
  object, body missing or not a string, invalid UTF-8, blank, longer than 64 KiB) becomes
  {\"line\": N, \"error\": \"...\"} and the batch goes on; the exit code is still 0.";

#[derive(Debug, Args)]
struct ClassifyArgs {
    /// The sender as the phone shows it (number, port or name).
    #[arg(long, conflicts_with = "jsonl")]
    sender: Option<String>,
    /// The message text.
    #[arg(long, required_unless_present = "jsonl", conflicts_with = "jsonl")]
    body: Option<String>,
    /// Print the verdict as one JSON object instead of text.
    #[arg(long, conflicts_with = "jsonl")]
    json: bool,
    /// Read JSONL ({"id"?, "sender"?, "body", "received_at"?, "known_contact"?} per line) from FILE, or stdin when
    /// FILE is `-` or omitted; write one JSON line per input line to stdout, in order.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    jsonl: Option<String>,
    /// Print `N messages, M errors` to stderr at the end (always done when stderr is a terminal).
    #[arg(long, conflicts_with = "body")]
    summary: bool,
    /// The sender is one of your saved contacts (JSONL: a `"known_contact": true` field).
    #[arg(long, conflicts_with = "jsonl")]
    known_contact: bool,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// The sender as the phone shows it (number, port or name).
    #[arg(long, default_value = "")]
    sender: String,
    /// The message text.
    #[arg(long)]
    body: String,
    /// Print the explanation as one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The sender is one of your saved contacts.
    #[arg(long)]
    known_contact: bool,
}

/// Why a command failed; decides the exit code.
#[derive(Debug)]
enum CliError {
    /// A data file or argument is unusable: exit 2.
    Data(String),
    /// Reading or writing failed: exit 1. `what` names the path (or stdin/stdout).
    Io { what: String, source: io::Error },
}

impl CliError {
    fn io(what: impl Into<String>, source: io::Error) -> Self {
        CliError::Io { what: what.into(), source }
    }

    fn exit_code(&self) -> u8 {
        match self {
            CliError::Data(_) => 2,
            CliError::Io { .. } => 1,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Data(m) => f.write_str(m),
            CliError::Io { what, source } => write!(f, "{what}: {source}"),
        }
    }
}

impl From<DataError> for CliError {
    fn from(e: DataError) -> Self {
        CliError::Data(e.to_string())
    }
}

#[global_allocator]
static ALLOC: bench::CountingAlloc = bench::CountingAlloc;

fn main() -> ExitCode {
    // A panic message can quote the data being processed (e.g. a slice of the SMS text): report
    // only where it happened.
    smsguard_core::error::quiet_panic_hook();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`smsguard … | head`) is the reader's choice, not a failure to report.
        Err(CliError::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smsguard: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    // Bench opens the engine itself, as the process's first use of rules and model: a session
    // opened here first would load the model outside what bench measures (its own open reports
    // bad data files the same way).
    let command = match cli.command {
        Command::Bench(args) => return bench(&cli.global, args),
        c => c,
    };
    let session = open_session(&cli.global)?;
    let engine = session.engine();
    let engine = engine.as_ref();
    let session = &session;
    match command {
        Command::Classify(args) => classify(engine, args),
        Command::Explain(args) => explain(engine, args),
        Command::Demo => demo::run(engine),
        Command::Eval(args) => eval(engine, args),
        Command::Bench(args) => bench(&cli.global, args), // not reached: handled above
        Command::Consent(cmd) => state::consent(state::needs_file(session, "consent")?, cmd),
        Command::Rules(cmd) => state::rules(state::needs_file(session, "rules")?, cmd),
        Command::Feedback(cmd) => state::feedback(state::needs_file(session, "feedback")?, cmd),
        Command::Settings(args) => state::settings(state::needs_file(session, "settings")?, args),
        Command::Report(args) => state::report(session, args),
        Command::Unsubscribe(args) => state::unsubscribe(session, args),
        Command::Update(cmd) => update::run(session, &update::keyring(&cli.global.trust_key)?, cmd),
    }
}

/// The engine with the data files given on the command line and, with `--state`, the user's
/// saved choices (core's session: a saved state whose rules no longer compile still opens, with
/// those rules skipped and reported on stderr, so `rules remove` / `feedback undo` can repair it).
fn open_session(opts: &GlobalOpts) -> Result<Session, CliError> {
    let file_model = match model_files(opts)? {
        Some((bytes, manifest)) => {
            Some(std::sync::Arc::new(NnefModel::from_bytes(&bytes, &manifest)?) as std::sync::Arc<dyn Model>)
        }
        None => None,
    };
    let explicit = if opts.no_model {
        Some(false)
    } else {
        (opts.embedded_model || file_model.is_some()).then_some(true)
    };
    let config = SessionConfig {
        base: build_engine(opts)?,
        // The model is on unless the saved settings or --no-model turn it off.
        model_default: true,
        force_model: explicit,
        model: file_model,
        keys: update::keyring(&opts.trust_key)?,
        updates_dir: None,
    };
    let session = Session::open(config, opts.state.as_deref())?;
    for problem in session.problems() {
        eprintln!("smsguard: warning: {problem}");
    }
    Ok(session)
}

/// The engine with the data files given on the command line (no user state, no model).
fn build_engine(opts: &GlobalOpts) -> Result<Engine, CliError> {
    let mut engine = Engine::new();
    if !opts.rules.is_empty() {
        let packs = opts
            .rules
            .iter()
            .map(|p| Ok((p.display().to_string(), read_text(p)?)))
            .collect::<Result<Vec<_>, CliError>>()?;
        let refs: Vec<(&str, &str)> = packs.iter().map(|(o, t)| (o.as_str(), t.as_str())).collect();
        engine = engine.with_rule_packs(&refs)?;
    }
    if let Some(path) = &opts.institutions {
        let text = read_text(path)?;
        engine = engine.with_institutions(Institutions::parse(&text, &path.display().to_string())?);
    }
    // The model is the session's business (SessionConfig: on by default, --no-model, --model).
    Ok(engine)
}

/// The bytes of `--model` and the text of its `--manifest`, when both are given.
fn model_files(opts: &GlobalOpts) -> Result<Option<(Vec<u8>, String)>, CliError> {
    let (Some(model), Some(manifest)) = (&opts.model, &opts.manifest) else { return Ok(None) };
    let bytes = std::fs::read(model).map_err(|e| CliError::io(model.display().to_string(), e))?;
    Ok(Some((bytes, read_text(manifest)?)))
}

/// A whole data file as text: missing/unreadable → I/O error, not UTF-8 → data error.
fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io(path.display().to_string(), e))?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::Data(format!(
            "{}: not valid UTF-8 (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

fn classify(engine: &Engine, args: ClassifyArgs) -> Result<(), CliError> {
    if let Some(input) = args.jsonl {
        return jsonl::run(engine, &input, args.summary);
    }
    // clap guarantees --body without --jsonl; keep a clear error rather than a panic anyway.
    let body = args.body.ok_or_else(|| CliError::Data("--body is required".into()))?;
    let msg = SmsMessage::new(args.sender.unwrap_or_default(), body).with_known_contact(args.known_contact);
    let verdict = engine.classify(&msg);
    let text = if args.json {
        serde_json::to_string(&verdict).map_err(|e| CliError::Data(format!("cannot encode verdict: {e}")))?
    } else {
        render::verdict(&verdict)
    };
    write_stdout(&text)
}

fn explain(engine: &Engine, args: ExplainArgs) -> Result<(), CliError> {
    let msg = SmsMessage::new(args.sender, args.body).with_known_contact(args.known_contact);
    let explanation = engine.explain(&msg);
    let text = if args.json {
        serde_json::to_string_pretty(&explanation)
            .map_err(|e| CliError::Data(format!("cannot encode explanation: {e}")))?
    } else {
        render::explanation(&explanation)
    };
    write_stdout(&text)
}

fn eval(engine: &Engine, args: EvalArgs) -> Result<(), CliError> {
    let what = args.file.display().to_string();
    let file = std::fs::File::open(&args.file).map_err(|e| CliError::io(&what, e))?;
    let data =
        eval::read(io::BufReader::new(file), args.by.as_deref()).map_err(|e| CliError::io(&what, e))?;
    if data.rows.is_empty() {
        return Err(CliError::Data(format!("{what}: no labelled messages found")));
    }
    let report = if args.predicted { eval::evaluate_predicted(&data) } else { eval::evaluate(engine, &data) };
    if report.messages == 0 {
        return Err(CliError::Data(format!("{what}: no row carries a `predicted` action")));
    }
    if args.json {
        let text = serde_json::to_string(&report)
            .map_err(|e| CliError::Data(format!("cannot encode metrics: {e}")))?;
        return write_stdout(&text);
    }
    eval::print(&report);
    Ok(())
}

fn bench(opts: &GlobalOpts, args: BenchArgs) -> Result<(), CliError> {
    let mix: Vec<SmsMessage> = match &args.messages {
        None => demo::inbox()?.into_iter().map(|m| SmsMessage::new(m.sender, m.body)).collect(),
        Some(path) => {
            let text = std::fs::read(path).map_err(|e| CliError::io(path.display().to_string(), e))?;
            text.split(|b| *b == b'\n').filter_map(|l| jsonl::parse_line(l).ok()).map(|i| i.message).collect()
        }
    };
    if mix.is_empty() {
        return Err(CliError::Data("no message to bench".into()));
    }
    // A fresh load of the model in use (the engine itself shares the one loaded per process).
    let file = model_files(opts)?;
    let load = || -> Box<dyn std::any::Any> {
        Box::new(match &file {
            Some((bytes, manifest)) => NnefModel::from_bytes(bytes, manifest),
            None => NnefModel::from_bytes(EMBEDDED_NNEF, EMBEDDED_MANIFEST),
        })
    };
    // The session is opened inside the bench, as the process's first use of rules and model, so
    // that its time and heap are the engine's real cost.
    let mut opened = Ok(());
    let build = || match open_session(opts) {
        Ok(s) => (s.engine().as_ref().clone(), s.model_on()),
        Err(e) => {
            opened = Err(e);
            (Engine::default(), false)
        }
    };
    let report = bench::run(build, &load, &mix, args.iterations.max(1));
    opened?;
    if args.json {
        let text = serde_json::to_string(&report)
            .map_err(|e| CliError::Data(format!("cannot encode bench report: {e}")))?;
        return write_stdout(&text);
    }
    bench::print(&report);
    Ok(())
}

/// Print `text` plus a newline; write errors become I/O errors on stdout.
fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).map_err(|e| CliError::io("stdout", e))
}
