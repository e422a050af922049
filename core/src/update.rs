//! Signed updates of the data the engine runs on: the rule pack, the institutions table and the
//! model. They arrive over the network, so they are untrusted until proven otherwise: a bundle is
//! used only if an embedded (or configured) ed25519 key signed it, its payload is the one signed,
//! its version is newer than what is in use, and its content loads in this library. Anything else
//! is refused with an [`UpdateError`] naming the reason, and the data in use stays.
//!
//! Bundle layout (all lengths little-endian):
//!
//! ```text
//! "smsguard-update1"            16 bytes: magic + format
//! u32 manifest length, manifest JSON  (≤ 64 KiB, UpdateManifest)
//! u32 payload length,  payload        (≤ 32 MiB: a rule pack, an institutions table, an NNEF tar)
//! ed25519 signature                   64 bytes over everything before it
//! ```
//!
//! The signature covers the framing, the manifest and the payload, so neither can be swapped; the
//! manifest's `payload_sha256` lets a refusal say "the payload was changed" rather than only "the
//! signature does not verify".

use std::fs;
use std::path::{Path, PathBuf};

use ed25519_compact::{KeyPair, PublicKey, Seed, Signature};
use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::model::manifest::sha256_hex;
use crate::store::{write_atomic_bytes, StateError};

pub const MAGIC: &[u8; 16] = b"smsguard-update1";
pub const MAX_MANIFEST: usize = 64 * 1024;
pub const MAX_PAYLOAD: usize = 32 * 1024 * 1024;
/// The largest well-formed bundle (for callers reading one from a file).
pub const MAX_BUNDLE: usize = MAGIC.len() + 4 + MAX_MANIFEST + 4 + MAX_PAYLOAD + SIGNATURE_LEN;
const SIGNATURE_LEN: usize = 64;

/// The data shipped inside the library counts as this version of each kind: an update must be
/// newer. Raise it when the embedded data of a kind changes in a release, so that an update
/// older than the release's own data is not used over it.
pub const BUILTIN_VERSION: u64 = 1;

/// The public keys whose signatures this library trusts, by id. Rotation (README, "Updates"):
/// add the new key here in a release, sign with it once that release is what users run, then
/// drop the old key in a later release. The private keys are never in the repository.
const EMBEDDED_KEYS: &[(&str, &str)] =
    &[("smsguard-2026-12", "0b7180d9480830d045010578f51fc9cffaf766b557feb5c31acb8d96908d6488")];

/// What an update replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateKind {
    /// The base rule pack (replaces the embedded `default.rules`).
    Rules,
    /// The institutions table (replaces the embedded `institutions.tsv`).
    Institutions,
    /// The model (an NNEF archive; its manifest travels in the update's manifest).
    Model,
}

impl UpdateKind {
    pub const ALL: [UpdateKind; 3] = [UpdateKind::Rules, UpdateKind::Institutions, UpdateKind::Model];

    pub fn as_str(self) -> &'static str {
        match self {
            UpdateKind::Rules => "rules",
            UpdateKind::Institutions => "institutions",
            UpdateKind::Model => "model",
        }
    }

    pub fn parse(s: &str) -> Option<UpdateKind> {
        UpdateKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The file an installed update of this kind is kept in, inside the updates directory.
    fn file_name(self) -> String {
        format!("{}.update", self.as_str())
    }
}

/// The signed description of a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateManifest {
    pub kind: UpdateKind,
    /// Must be greater than the version in use ([`BUILTIN_VERSION`] or the installed update's).
    pub version: u64,
    /// The id of the key that signed it (see [`Keyring`]).
    pub key: String,
    /// Lower-case hex sha256 of the payload.
    pub payload_sha256: String,
    /// Unix seconds when it was signed (informational).
    #[serde(default)]
    pub created: u64,
    /// Kind `model` only: the model's own manifest (featuriser version, labels, thresholds, its
    /// sha256), as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_manifest: Option<String>,
}

/// A bundle whose signature, key and payload hash have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub manifest: UpdateManifest,
    pub payload: Vec<u8>,
    /// The bundle as received (kept as is when installed, and checked again when loaded).
    pub bytes: Vec<u8>,
}

impl Verified {
    pub fn info(&self) -> UpdateInfo {
        UpdateInfo {
            kind: self.manifest.kind,
            version: self.manifest.version,
            key: self.manifest.key.clone(),
            created: self.manifest.created,
            payload_bytes: self.payload.len() as u64,
        }
    }

    /// The payload as UTF-8 text (rules and institutions).
    pub fn payload_text(&self) -> Result<&str, DataError> {
        std::str::from_utf8(&self.payload).map_err(|e| {
            DataError::new(self.origin(), format!("not valid UTF-8 (at byte {})", e.valid_up_to()))
        })
    }

    /// The name errors in the payload are reported under (`rules update v7`).
    pub fn origin(&self) -> String {
        format!("{} update v{}", self.manifest.kind.as_str(), self.manifest.version)
    }
}

/// What is installed, for status screens and `update status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateInfo {
    pub kind: UpdateKind,
    pub version: u64,
    pub key: String,
    pub created: u64,
    pub payload_bytes: u64,
}

/// Why an update was refused. None of these carries payload content.
#[derive(Debug)]
pub enum UpdateError {
    /// Not a bundle, or a damaged one: bad magic, lengths out of range, manifest not valid.
    Malformed(String),
    /// No signature, or an all-zero one.
    Unsigned,
    /// Signed with a key this library does not trust (unknown id, or a retired key).
    UnknownKey { key: String },
    /// The payload is not the one the manifest describes: changed after signing.
    Tampered,
    /// The signature does not verify with the key the manifest names: signed with another key,
    /// or the manifest was changed.
    BadSignature { key: String },
    /// Not newer than what is in use.
    NotNewer { kind: UpdateKind, offered: u64, in_use: u64 },
    /// Signed and newer, but its content does not load in this library (a rule that does not
    /// compile, a model for another featuriser).
    Payload(DataError),
    /// Writing it to the updates directory failed.
    State(StateError),
}

impl UpdateError {
    /// A stable code for apps and scripts (`not_newer` is routine; the others are worth a log).
    pub fn reason(&self) -> &'static str {
        match self {
            UpdateError::Malformed(_) => "malformed",
            UpdateError::Unsigned => "unsigned",
            UpdateError::UnknownKey { .. } => "unknown_key",
            UpdateError::Tampered => "tampered",
            UpdateError::BadSignature { .. } => "bad_signature",
            UpdateError::NotNewer { .. } => "not_newer",
            UpdateError::Payload(_) => "invalid_payload",
            UpdateError::State(_) => "io",
        }
    }
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("update refused, the data in use stays: ")?;
        match self {
            UpdateError::Malformed(why) => write!(f, "not a valid update bundle ({why})"),
            UpdateError::Unsigned => f.write_str("it is not signed"),
            UpdateError::UnknownKey { key } => {
                write!(f, "signed with key `{key}`, which this library does not trust")
            }
            UpdateError::Tampered => f.write_str("its payload was changed after signing (sha256 differs)"),
            UpdateError::BadSignature { key } => {
                write!(f, "the signature does not verify with key `{key}` (another key signed it, or the manifest was changed)")
            }
            UpdateError::NotNewer { kind, offered, in_use } => write!(
                f,
                "{} version {offered} is not newer than the version in use ({in_use})",
                kind.as_str()
            ),
            UpdateError::Payload(e) => write!(f, "its content does not load: {e}"),
            UpdateError::State(e) => write!(f, "it could not be saved: {e}"),
        }
    }
}

impl std::error::Error for UpdateError {}

impl From<StateError> for UpdateError {
    fn from(e: StateError) -> Self {
        UpdateError::State(e)
    }
}

/// The public keys updates may be signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyring {
    keys: Vec<(String, [u8; 32])>,
}

impl Default for Keyring {
    fn default() -> Self {
        Keyring::embedded()
    }
}

impl Keyring {
    /// The keys built into this library.
    pub fn embedded() -> Keyring {
        let keys =
            EMBEDDED_KEYS.iter().filter_map(|(id, hex)| Some((id.to_string(), parse_hex_32(hex)?))).collect();
        Keyring { keys }
    }

    /// No keys: every bundle is refused (a build that takes no updates).
    pub fn empty() -> Keyring {
        Keyring { keys: Vec::new() }
    }

    /// Also trust `public` under `id` (an OEM's own key, or a test key). A later key with the
    /// same id replaces the earlier one.
    pub fn with_key(mut self, id: &str, public: [u8; 32]) -> Keyring {
        self.keys.retain(|(k, _)| k != id);
        self.keys.push((id.to_string(), public));
        self
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(id, _)| id.as_str())
    }

    fn get(&self, id: &str) -> Option<&[u8; 32]> {
        self.keys.iter().find(|(k, _)| k == id).map(|(_, p)| p)
    }
}

/// A signing key: the id it is known by and its 32-byte seed. Kept outside the repository.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningKey {
    pub id: String,
    /// Hex of the 32-byte ed25519 seed.
    pub seed: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("id", &self.id).finish_non_exhaustive()
    }
}

/// The public half, as a key file (`{"id", "public"}`) to hand to verifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyFile {
    pub id: String,
    /// Hex of the 32-byte ed25519 public key.
    pub public: String,
}

impl PublicKeyFile {
    pub fn key(&self) -> Result<[u8; 32], String> {
        parse_hex_32(&self.public).ok_or_else(|| format!("key `{}`: public must be 64 hex digits", self.id))
    }
}

impl SigningKey {
    /// A new key from 32 random bytes (the caller reads them from the OS).
    pub fn from_random(id: &str, random: [u8; 32]) -> SigningKey {
        SigningKey { id: id.to_string(), seed: to_hex(&random) }
    }

    fn key_pair(&self) -> Result<KeyPair, String> {
        let seed = parse_hex_32(&self.seed)
            .ok_or_else(|| format!("key `{}`: seed must be 64 hex digits", self.id))?;
        Ok(KeyPair::from_seed(Seed::new(seed)))
    }

    pub fn public(&self) -> Result<PublicKeyFile, String> {
        Ok(PublicKeyFile { id: self.id.clone(), public: to_hex(self.key_pair()?.pk.as_ref()) })
    }

    /// Sign `payload` as update `kind` version `version`.
    pub fn sign(
        &self,
        kind: UpdateKind,
        version: u64,
        payload: &[u8],
        model_manifest: Option<&str>,
        created: u64,
    ) -> Result<Vec<u8>, String> {
        if payload.len() > MAX_PAYLOAD {
            return Err(format!("the payload is {} bytes; the limit is {MAX_PAYLOAD}", payload.len()));
        }
        if (kind == UpdateKind::Model) != model_manifest.is_some() {
            return Err("a model update needs the model's manifest, and only a model update has one".into());
        }
        let manifest = UpdateManifest {
            kind,
            version,
            key: self.id.clone(),
            payload_sha256: sha256_hex(payload),
            created,
            model_manifest: model_manifest.map(str::to_string),
        };
        let manifest =
            serde_json::to_vec(&manifest).map_err(|e| format!("cannot encode the manifest: {e}"))?;
        if manifest.len() > MAX_MANIFEST {
            return Err(format!("the manifest is {} bytes; the limit is {MAX_MANIFEST}", manifest.len()));
        }
        let mut out = Vec::with_capacity(MAGIC.len() + 8 + manifest.len() + payload.len() + SIGNATURE_LEN);
        out.extend_from_slice(MAGIC);
        push_chunk(&mut out, &manifest);
        push_chunk(&mut out, payload);
        let signature = self.key_pair()?.sk.sign(&out, None);
        out.extend_from_slice(signature.as_ref());
        Ok(out)
    }
}

fn push_chunk(out: &mut Vec<u8>, chunk: &[u8]) {
    // Both limits are far below u32::MAX (checked by the callers).
    out.extend_from_slice(&u32::try_from(chunk.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(chunk);
}

/// Read a length-prefixed chunk at `*at`, at most `max` bytes.
fn take_chunk<'a>(bytes: &'a [u8], at: &mut usize, max: usize, what: &str) -> Result<&'a [u8], UpdateError> {
    let len_bytes = bytes
        .get(*at..*at + 4)
        .ok_or_else(|| UpdateError::Malformed(format!("it ends before the {what} length")))?;
    let len = u32::from_le_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]) as usize;
    if len > max {
        return Err(UpdateError::Malformed(format!("the {what} claims {len} bytes; the limit is {max}")));
    }
    let start = *at + 4;
    let chunk = bytes
        .get(start..start + len)
        .ok_or_else(|| UpdateError::Malformed(format!("it ends inside the {what}")))?;
    *at = start + len;
    Ok(chunk)
}

/// Check a bundle: framing, manifest, signature by a key in `keys`, payload hash. Says nothing
/// yet about whether it is newer or whether its content loads (see `session`).
pub fn verify(bytes: &[u8], keys: &Keyring) -> Result<Verified, UpdateError> {
    if bytes.len() > MAX_BUNDLE {
        return Err(UpdateError::Malformed(format!(
            "{} bytes is larger than any update ({MAX_BUNDLE})",
            bytes.len()
        )));
    }
    if !bytes.starts_with(MAGIC) {
        return Err(UpdateError::Malformed("it does not start with the smsguard update header".into()));
    }
    let mut at = MAGIC.len();
    let manifest_bytes = take_chunk(bytes, &mut at, MAX_MANIFEST, "manifest")?;
    let payload = take_chunk(bytes, &mut at, MAX_PAYLOAD, "payload")?;
    let signed = &bytes[..at];
    let signature = &bytes[at..];
    let manifest: UpdateManifest = serde_json::from_slice(manifest_bytes).map_err(|e| {
        UpdateError::Malformed(format!(
            "the manifest is not valid: {}",
            crate::store::describe_json_error(&e)
        ))
    })?;
    if signature.is_empty() || signature.iter().all(|&b| b == 0) {
        return Err(UpdateError::Unsigned);
    }
    if signature.len() != SIGNATURE_LEN {
        return Err(UpdateError::Malformed(format!(
            "{} bytes follow the payload; a signature is {SIGNATURE_LEN}",
            signature.len()
        )));
    }
    let public =
        keys.get(&manifest.key).ok_or_else(|| UpdateError::UnknownKey { key: manifest.key.clone() })?;
    if sha256_hex(payload) != manifest.payload_sha256.to_ascii_lowercase() {
        return Err(UpdateError::Tampered);
    }
    let signature = Signature::from_slice(signature)
        .map_err(|_| UpdateError::BadSignature { key: manifest.key.clone() })?;
    PublicKey::new(*public)
        .verify(signed, &signature)
        .map_err(|_| UpdateError::BadSignature { key: manifest.key.clone() })?;
    if (manifest.kind == UpdateKind::Model) != manifest.model_manifest.is_some() {
        return Err(UpdateError::Malformed(
            "model_manifest must be present for a model update, and only then".into(),
        ));
    }
    Ok(Verified { payload: payload.to_vec(), bytes: bytes.to_vec(), manifest })
}

/// Where installed updates are kept: one file per kind, the bundle as received.
#[derive(Debug, Clone)]
pub struct UpdateDir {
    dir: PathBuf,
}

impl UpdateDir {
    pub fn new(dir: impl Into<PathBuf>) -> UpdateDir {
        UpdateDir { dir: dir.into() }
    }

    /// The default place beside a state file: `<state file>.updates/`.
    pub fn beside_state(state: &Path) -> UpdateDir {
        let mut name = state.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".updates");
        UpdateDir { dir: state.with_file_name(name) }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The installed bundle of `kind`, checked again (a file changed on disk is refused like any
    /// other bundle). `Ok(None)` when none is installed.
    pub fn read(&self, kind: UpdateKind, keys: &Keyring) -> Result<Option<Verified>, UpdateError> {
        let path = self.dir.join(kind.file_name());
        let bytes = match read_bundle_file(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::Io { path, op: "read", source: e }.into()),
            Ok(bytes) => bytes,
        };
        let verified = verify(&bytes, keys)?;
        if verified.manifest.kind != kind {
            return Err(UpdateError::Malformed(format!(
                "{} holds a {} update",
                path.display(),
                verified.manifest.kind.as_str()
            )));
        }
        Ok(Some(verified))
    }

    /// Install `update` (atomically: the old one stays until the new one is complete).
    pub fn write(&self, update: &Verified) -> Result<(), UpdateError> {
        fs::create_dir_all(&self.dir).map_err(|e| StateError::Io {
            path: self.dir.clone(),
            op: "create directory",
            source: e,
        })?;
        write_atomic_bytes(&self.dir.join(update.manifest.kind.file_name()), &update.bytes)?;
        Ok(())
    }

    /// Hold the directory's lock while deciding and writing, so that two processes applying
    /// updates at once cannot install an older one over a newer one.
    pub fn lock(&self) -> Result<fs::File, UpdateError> {
        fs::create_dir_all(&self.dir).map_err(|e| StateError::Io {
            path: self.dir.clone(),
            op: "create directory",
            source: e,
        })?;
        let path = self.dir.join(".lock");
        let file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StateError::Io { path: path.clone(), op: "open lock", source: e })?;
        file.lock().map_err(|e| StateError::Io { path, op: "lock", source: e })?;
        Ok(file)
    }
}

fn parse_hex_32(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        out[i] = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    Some(out)
}

/// Read a bundle file, at most one byte more than the largest bundle (so "too large" is told by
/// [`verify`] without reading a huge file into memory).
pub fn read_bundle_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)?.take(MAX_BUNDLE as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, byte: u8) -> SigningKey {
        SigningKey::from_random(id, [byte; 32])
    }

    fn keyring(k: &SigningKey) -> Keyring {
        Keyring::empty().with_key(&k.id, k.public().and_then(|p| p.key()).expect("valid key"))
    }

    #[test]
    fn a_signed_bundle_verifies_and_round_trips() {
        let k = key("test-1", 7);
        let bytes = k.sign(UpdateKind::Rules, 5, b"rule r1 block keyword x\n", None, 42).expect("signs");
        let v = verify(&bytes, &keyring(&k)).expect("verifies");
        assert_eq!(v.manifest.kind, UpdateKind::Rules);
        assert_eq!(v.manifest.version, 5);
        assert_eq!(v.payload, b"rule r1 block keyword x\n");
        assert_eq!(v.info().payload_bytes, 24);
    }

    #[test]
    fn every_refusal_names_its_reason() {
        let k = key("test-1", 7);
        let other = key("test-1", 8);
        let keys = keyring(&k);
        let good = k.sign(UpdateKind::Institutions, 3, b"payload", None, 0).expect("signs");
        let reason = |bytes: &[u8]| verify(bytes, &keys).map(|_| ()).expect_err("refused").reason();

        // Unsigned: signature cut off, or zeroed.
        assert_eq!(reason(&good[..good.len() - 64]), "unsigned");
        let mut zeroed = good.clone();
        let n = zeroed.len();
        zeroed[n - 64..].fill(0);
        assert_eq!(reason(&zeroed), "unsigned");
        // Tampered payload (last payload byte flipped).
        let mut tampered = good.clone();
        tampered[n - 65] ^= 1;
        assert_eq!(reason(&tampered), "tampered");
        // Wrong key under a trusted id.
        assert_eq!(
            reason(&other.sign(UpdateKind::Institutions, 3, b"payload", None, 0).expect("signs")),
            "bad_signature"
        );
        // Unknown key id.
        assert_eq!(
            reason(&key("someone-else", 7).sign(UpdateKind::Rules, 3, b"p", None, 0).expect("signs")),
            "unknown_key"
        );
        // Not a bundle, truncated, oversized claims.
        assert_eq!(reason(b"hello"), "malformed");
        assert_eq!(reason(&good[..20]), "malformed");
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(reason(&huge), "malformed");
        // A signature that does not cover a changed manifest: change the version digit.
        let needle = b"\"version\":3";
        let at = good.windows(needle.len()).position(|w| w == needle).expect("version") + needle.len() - 1;
        let mut edited = good.clone();
        edited[at] = b'4';
        assert_eq!(reason(&edited), "bad_signature");
        // Trailing bytes after the signature.
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(reason(&trailing), "malformed");
    }

    #[test]
    fn model_updates_carry_a_model_manifest_and_others_do_not() {
        let k = key("t", 1);
        assert!(k.sign(UpdateKind::Model, 2, b"x", None, 0).is_err());
        assert!(k.sign(UpdateKind::Rules, 2, b"x", Some("{}"), 0).is_err());
        assert!(k.sign(UpdateKind::Model, 2, b"x", Some("{}"), 0).is_ok());
    }

    #[test]
    fn the_embedded_keyring_has_the_release_key() {
        assert_eq!(Keyring::embedded().ids().collect::<Vec<_>>(), ["smsguard-2026-12"]);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let keys = Keyring::embedded();
        let mut bytes = MAGIC.to_vec();
        for i in 0..2000u32 {
            bytes.push((i.wrapping_mul(2_654_435_761) >> 24) as u8);
            let _ = verify(&bytes, &keys);
        }
    }
}
