//! `smsguard update`: make a signing key, sign a payload into an update bundle, verify one, apply
//! one to a state's updates directory, show what is installed. Everything but key handling and
//! file I/O is core's `update` and `session`.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use smsguard_core::session::{unix_now, Session};
use smsguard_core::update::{read_bundle_file, verify, Keyring, PublicKeyFile, SigningKey, UpdateKind};

use crate::{read_text, write_stdout, CliError};

#[derive(Debug, Subcommand)]
pub enum UpdateCommand {
    /// Make a new signing key: the secret key file (keep it offline, mode 0600) is written to
    /// --out, the public key file (`{"id","public"}`, for verifiers and `--trust-key`) to stdout.
    Keygen {
        /// The key's id, named in every bundle it signs (e.g. `acme-2027-01`).
        #[arg(long)]
        id: String,
        /// Where to write the secret key; refused if the file exists.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Sign a payload (a rule pack, an institutions table, or a model archive) into a bundle.
    Sign(SignArgs),
    /// Check a bundle's signature and payload against the trusted keys (the embedded ones plus
    /// any --trust-key) and print its manifest.
    Verify { bundle: PathBuf },
    /// Verify a bundle and use it from now on: kept in the state's updates directory
    /// (`<state>.updates/`). Refused, with the reason, if it is unsigned, tampered, signed with
    /// an untrusted key, not newer than the version in use, or does not load.
    Apply { bundle: PathBuf },
    /// The updates in use and any installed update that could not be used.
    Status,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Rules,
    Institutions,
    Model,
}

impl From<KindArg> for UpdateKind {
    fn from(k: KindArg) -> UpdateKind {
        match k {
            KindArg::Rules => UpdateKind::Rules,
            KindArg::Institutions => UpdateKind::Institutions,
            KindArg::Model => UpdateKind::Model,
        }
    }
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The secret key file from `update keygen`.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    #[arg(long, value_enum)]
    kind: KindArg,
    /// Must be greater than the version devices use now.
    #[arg(long)]
    version: u64,
    /// Kind `model`: the model's manifest.json.
    #[arg(long, value_name = "FILE", required_if_eq("kind", "model"))]
    model_manifest: Option<PathBuf>,
    /// The payload file.
    payload: PathBuf,
    /// Where to write the bundle.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
}

/// The keyring: the embedded keys plus each `--trust-key` public key file.
pub fn keyring(files: &[PathBuf]) -> Result<Keyring, CliError> {
    files.iter().try_fold(Keyring::embedded(), |keys, path| {
        let file: PublicKeyFile = serde_json::from_str(&read_text(path)?)
            .map_err(|e| CliError::Data(format!("{}: not a public key file ({e})", path.display())))?;
        let public = file.key().map_err(|e| CliError::Data(format!("{}: {e}", path.display())))?;
        Ok(keys.with_key(&file.id, public))
    })
}

pub fn run(session: &Session, keys: &Keyring, cmd: UpdateCommand) -> Result<(), CliError> {
    match cmd {
        UpdateCommand::Keygen { id, out } => keygen(&id, &out),
        UpdateCommand::Sign(args) => sign(args),
        UpdateCommand::Verify { bundle } => {
            let bytes = read_bundle(&bundle)?;
            let v = verify(&bytes, keys).map_err(|e| CliError::Data(format!("{}: {e}", bundle.display())))?;
            print_json(&v.info())
        }
        UpdateCommand::Apply { bundle } => {
            crate::state::needs_file(session, "update apply")?;
            let bytes = read_bundle(&bundle)?;
            let info = session
                .apply_update(&bytes)
                .map_err(|e| CliError::Data(format!("{}: {e}", bundle.display())))?;
            print_json(&info)
        }
        UpdateCommand::Status => {
            #[derive(Serialize)]
            struct Status {
                updates_dir: Option<String>,
                in_use: Vec<smsguard_core::update::UpdateInfo>,
                problems: Vec<String>,
            }
            print_json(&Status {
                updates_dir: session.updates_dir().map(|p| p.display().to_string()),
                in_use: session.updates(),
                problems: session.problems(),
            })
        }
    }
}

fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    write_stdout(
        &serde_json::to_string_pretty(value).map_err(|e| CliError::Data(format!("cannot encode: {e}")))?,
    )
}

fn read_bundle(path: &Path) -> Result<Vec<u8>, CliError> {
    read_bundle_file(path).map_err(|e| CliError::io(path.display().to_string(), e))
}

fn keygen(id: &str, out: &Path) -> Result<(), CliError> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(CliError::Data("--id: use letters, digits, `-`, `_` and `.`".into()));
    }
    let mut random = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut random))
        .map_err(|e| CliError::io("/dev/urandom", e))?;
    let key = SigningKey::from_random(id, random);
    let public = key.public().map_err(CliError::Data)?;
    let text =
        serde_json::to_string_pretty(&key).map_err(|e| CliError::Data(format!("cannot encode: {e}")))?;
    write_secret(out, &text)?;
    print_json(&public)
}

#[cfg(unix)]
fn write_secret(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| CliError::io(path.display().to_string(), e))?;
    f.write_all(text.as_bytes()).map_err(|e| CliError::io(path.display().to_string(), e))
}

#[cfg(not(unix))]
fn write_secret(path: &Path, text: &str) -> Result<(), CliError> {
    if path.exists() {
        return Err(CliError::Data(format!("{}: exists; refusing to overwrite a key", path.display())));
    }
    std::fs::write(path, text).map_err(|e| CliError::io(path.display().to_string(), e))
}

fn sign(args: SignArgs) -> Result<(), CliError> {
    let key: SigningKey = serde_json::from_str(&read_text(&args.key)?)
        .map_err(|e| CliError::Data(format!("{}: not a secret key file ({e})", args.key.display())))?;
    let payload =
        std::fs::read(&args.payload).map_err(|e| CliError::io(args.payload.display().to_string(), e))?;
    let model_manifest = args.model_manifest.as_deref().map(read_text).transpose()?;
    let bundle = key
        .sign(
            args.kind.into(),
            args.version,
            &payload,
            model_manifest.as_deref(),
            u64::try_from(unix_now()).unwrap_or(0),
        )
        .map_err(|e| CliError::Data(format!("cannot sign: {e}")))?;
    std::fs::write(&args.out, &bundle).map_err(|e| CliError::io(args.out.display().to_string(), e))?;
    eprintln!("smsguard: wrote {} ({} bytes)", args.out.display(), bundle.len());
    Ok(())
}
