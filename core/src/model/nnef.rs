//! The shipped model run through tract: int64 ids `[n]` (from [`crate::featurise`]) → the
//! graph's first output, action probabilities `[1, 4]`, and optionally a second, category
//! probabilities `[1, C]`, in the orders the manifest gives.
//!
//! The model is a tract NNEF archive (tar), converted offline from the trained ONNX by
//! `smsguard-model-convert`: the library then links only tract's runtime crates, not the
//! ONNX/protobuf front end that made up most of its bytes (see bindings/README.md, Size).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use tract_nnef::prelude::*;

mod registry;

use super::manifest::{Manifest, ValidManifest};
use super::{Model, ModelInput, ModelScore};
use crate::error::DataError;
use crate::featurise::{featurise, VOCAB};
use crate::verdict::{Action, Category};

const ORIGIN: &str = "model";

/// The model shipped inside the library and its manifest.
pub const EMBEDDED_NNEF: &[u8] = include_bytes!("../../../models/smsguard.nnef.tar");
pub const EMBEDDED_MANIFEST: &str = include_str!("../../../models/manifest.json");

/// A loaded, validated model. Cheap to share: `predict` takes `&self`; runs borrow a state of
/// the one optimised plan from a small pool (building a state per call was a measurable part
/// of the per-message time), so concurrent callers never share one.
pub struct NnefModel {
    plan: Arc<TypedRunnableModel>,
    states: Mutex<Vec<TypedSimpleState>>,
    manifest: ValidManifest,
    name: String,
}

/// States kept for reuse; more concurrent callers than this build and drop their own.
const POOLED_STATES: usize = 8;

impl std::fmt::Debug for NnefModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NnefModel").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Raw outputs of one run, in the manifest's orders (`actions`, `categories`).
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub actions: Vec<f32>,
    /// Empty when the model has no category head.
    pub categories: Vec<f32>,
}

impl NnefModel {
    /// Validate the manifest against the bytes and this build, load and optimise the graph, and
    /// check it with one run. Any problem, including a panic inside tract on a malformed graph,
    /// becomes a [`DataError`].
    pub fn from_bytes(model_bytes: &[u8], manifest_json: &str) -> Result<NnefModel, DataError> {
        let manifest = Manifest::parse(manifest_json)?.validate(model_bytes)?;
        check_archive(model_bytes)?;
        let plan = catch_unwind(AssertUnwindSafe(|| load(model_bytes)))
            .map_err(|_| DataError::new(ORIGIN, "the model archive made the loader fail (panic)"))?
            .map_err(|e| DataError::new(ORIGIN, format!("not a loadable NNEF model archive: {e:#}")))?;
        let name = format!("{}-v{}", manifest.manifest.name, manifest.manifest.version);
        let model = NnefModel { plan, states: Mutex::new(Vec::new()), manifest, name };
        model.self_check()?;
        Ok(model)
    }

    /// The model shipped inside the library (`models/smsguard.nnef.tar` + `models/manifest.json`),
    /// loaded once. An error means this build's featuriser or normaliser moved on without a
    /// retrain: the engine must then run rules-only.
    pub fn embedded() -> Result<Arc<NnefModel>, DataError> {
        static EMBEDDED: once_cell::sync::Lazy<Result<Arc<NnefModel>, DataError>> =
            once_cell::sync::Lazy::new(|| {
                NnefModel::from_bytes(EMBEDDED_NNEF, EMBEDDED_MANIFEST).map(Arc::new)
            });
        EMBEDDED.clone()
    }

    pub fn manifest(&self) -> &ValidManifest {
        &self.manifest
    }

    /// Run the model on already computed ids (each `< VOCAB`), returning the score.
    pub fn predict_ids(&self, ids: &[i64]) -> Result<ModelScore, DataError> {
        let out = self.run(ids)?;
        Ok(self.score(&out))
    }

    /// Run the model on ids and return its raw outputs (for goldens and evaluation).
    pub fn run(&self, ids: &[i64]) -> Result<Outputs, DataError> {
        // Gather would wrap negative ids and tract's handling of ids past the table is not ours to
        // rely on: only the featuriser's range is valid.
        if ids.is_empty() || ids.iter().any(|&i| !(0..i64::from(VOCAB)).contains(&i)) {
            return Err(DataError::new(ORIGIN, "ids must be non-empty and within the vocabulary"));
        }
        let n_cat = self.manifest.categories.len();
        let result = catch_unwind(AssertUnwindSafe(|| -> TractResult<Outputs> {
            let input = Tensor::from_shape(&[ids.len()], ids)?;
            let mut state = match self.states.lock().ok().and_then(|mut pool| pool.pop()) {
                Some(state) => state,
                None => self.plan.spawn()?,
            };
            let outputs = state.run(tvec!(input.into()))?;
            // Only a state whose run succeeded goes back (after an error or a panic it is
            // dropped, whatever it holds).
            if let Ok(mut pool) = self.states.lock() {
                if pool.len() < POOLED_STATES {
                    pool.push(state);
                }
            }
            let read = |i: usize, width: usize| -> TractResult<Vec<f32>> {
                let Some(t) = outputs.get(i) else {
                    return Err(TractError::msg(format!("output {i} is missing")));
                };
                let view = t.to_plain_array_view::<f32>()?;
                if view.shape() != [1, width] {
                    let shape = view.shape().to_vec();
                    return Err(TractError::msg(format!(
                        "output {i} has shape {shape:?}, expected [1, {width}]"
                    )));
                }
                Ok(view.iter().copied().collect())
            };
            let actions = read(0, 4)?;
            let categories = if n_cat > 0 { read(1, n_cat)? } else { Vec::new() };
            Ok(Outputs { actions, categories })
        }));
        match result {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(e)) => Err(DataError::new(ORIGIN, format!("running the model failed: {e:#}"))),
            Err(_) => Err(DataError::new(ORIGIN, "running the model panicked")),
        }
    }

    fn score(&self, out: &Outputs) -> ModelScore {
        let mut p = [0.0f32; 4];
        for (i, a) in self.manifest.actions.iter().enumerate() {
            let v = out.actions.get(i).copied().unwrap_or(0.0);
            p[slot(*a)] = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
        }
        let threshold =
            |action: Action| self.manifest.thresholds.iter().find(|(a, _)| *a == action).map(|(_, t)| *t);
        let mut score = ModelScore {
            allow: p[0],
            transaction: p[1],
            promotion: p[2],
            junk: p[3],
            category: None,
            junk_threshold: threshold(Action::Junk),
            allow_threshold: threshold(Action::Allow),
            promotion_threshold: threshold(Action::Promotion),
        };
        // The most probable category that fits the most probable action: the category head alone
        // may disagree with the action head, and the policy only uses fitting categories.
        let (top, _) = score.top();
        score.category = self
            .manifest
            .categories
            .iter()
            .zip(&out.categories)
            .filter(|(c, p)| c.fits(top) && p.is_finite())
            .fold(None, |best: Option<(Category, f32)>, (c, p)| match best {
                Some((_, bp)) if bp >= *p => best,
                _ => Some((*c, p.clamp(0.0, 1.0))),
            });
        score
    }

    /// One run on extreme ids: the graph must take the whole vocabulary and give probabilities of
    /// the manifest's shapes.
    fn self_check(&self) -> Result<(), DataError> {
        let out = self.run(&[0, i64::from(VOCAB) - 1])?;
        for (what, v) in [("actions", &out.actions), ("categories", &out.categories)] {
            if v.is_empty() {
                continue;
            }
            let sum: f32 = v.iter().sum();
            if v.iter().any(|x| !x.is_finite() || *x < 0.0) || (sum - 1.0).abs() > 1e-3 {
                return Err(DataError::new(
                    ORIGIN,
                    format!("the {what} output is not a probability distribution"),
                )
                .for_item(what));
            }
        }
        Ok(())
    }
}

fn slot(a: Action) -> usize {
    match a {
        Action::Allow | Action::None => 0,
        Action::Transaction => 1,
        Action::Promotion => 2,
        Action::Junk => 3,
    }
}

/// Largest model archive accepted (the shipped one is 0.66 MB).
pub const MAX_MODEL_BYTES: usize = 16 << 20;

/// Largest tensor accepted, in the bytes tract allocates for it. The shipped model's largest is
/// the embedding table, 0.5 MiB (32785 × 16 int8): this leaves room for a 16× wider one. In all,
/// tensors cannot exceed [`MAX_MODEL_BYTES`]: each one's data must lie in the archive.
pub const MAX_TENSOR_BYTES: u64 = 8 << 20;

/// Bound what tract will allocate before it sees the archive, by reading the archive the way
/// tract's loader (the `tar` crate, then tract's tensor reader) will:
/// - only regular files: PAX (`x`/`g`) and GNU long-name (`L`/`K`) headers rename or resize the
///   next entry, sparse files expand, links and devices are not model files; none of them is
///   something tract writes, so a name or size we did not check can never reach the loader;
/// - headers carry valid checksums, every entry lies inside the bytes, no gzip (tract would
///   decompress it, and we would have checked the compressed bytes instead);
/// - every tensor file (`.dat`, by the same path rule as tract's loader) has a plain numeric type
///   whose shape × element size is its declared data size, is all in its file and is at most
///   [`MAX_TENSOR_BYTES`]. Otherwise a 10 KB archive could make tract allocate GBs, and a failed
///   allocation aborts the app (no unwinding to catch).
fn check_archive(bytes: &[u8]) -> Result<(), DataError> {
    const BLOCK: usize = 512;
    let bad = |m: &str| DataError::new(ORIGIN, format!("not a valid model archive: {m}"));
    if bytes.len() > MAX_MODEL_BYTES {
        return Err(bad(&format!("{} bytes, more than the {MAX_MODEL_BYTES} accepted", bytes.len())));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(bad("compressed (gzip) archives are not accepted; ship the plain tar"));
    }
    let mut at = 0;
    let mut entries = 0;
    while at + BLOCK <= bytes.len() {
        let header = &bytes[at..at + BLOCK];
        if header.iter().all(|b| *b == 0) {
            break; // end-of-archive marker, where the tar reader stops too
        }
        // The tar reader's sum: every byte, the checksum field counted as spaces.
        let sum: u32 =
            header[..148].iter().chain(&header[156..]).map(|b| u32::from(*b)).sum::<u32>() + 8 * 32;
        if tar_number(&header[148..156]) != Some(u64::from(sum)) {
            return Err(bad("entry header checksum mismatch"));
        }
        match header[156] {
            b'0' | 0 => {}
            b'x' | b'g' => return Err(bad("PAX extended headers are not accepted (only regular files)")),
            b'L' => return Err(bad("GNU long name headers are not accepted (only regular files)")),
            b'K' => return Err(bad("GNU long link headers are not accepted (only regular files)")),
            _ => return Err(bad("entry is not a regular file (only regular files are accepted)")),
        }
        // A POSIX ustar header puts `prefix/` before the name; tract never writes one.
        if &header[257..265] == b"ustar\x0000" && header[345] != 0 {
            return Err(bad("entry names with a ustar prefix are not accepted"));
        }
        let size = tar_number(&header[124..136]).ok_or_else(|| bad("entry size unreadable"))?;
        let data = at + BLOCK;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| data.checked_add(s))
            .filter(|e| *e <= bytes.len())
            .ok_or_else(|| bad("entry past the end"))?;
        let name = &header[..header[..100].iter().position(|b| *b == 0).unwrap_or(100)];
        let name = std::str::from_utf8(name).map_err(|_| bad("entry name is not UTF-8"))?;
        // tract's loader picks tensor files by this rule (so `x.dat/` is one too).
        if std::path::Path::new(name).extension().is_some_and(|e| e == "dat") {
            check_tensor(&bytes[data..end]).map_err(|m| bad(&m))?;
        }
        entries += 1;
        at = end.div_ceil(BLOCK) * BLOCK;
    }
    if entries == 0 {
        return Err(bad("no entries"));
    }
    Ok(())
}

/// A tar octal number field as the tar reader parses it: up to the first NUL, spaces trimmed.
/// Base-256 (binary) fields are refused: tract never writes them.
fn tar_number(field: &[u8]) -> Option<u64> {
    let text = &field[..field.iter().position(|b| *b == 0).unwrap_or(field.len())];
    let text = std::str::from_utf8(text).ok()?.trim();
    if text.is_empty() || !text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    u64::from_str_radix(text, 8).ok()
}

/// One NNEF tensor file (a 128-byte little-endian header, then the data): what tract will
/// allocate for it must be small and exactly the data the file holds.
fn check_tensor(file: &[u8]) -> Result<(), String> {
    const HEADER: usize = 128;
    let Some(header) = file.get(..HEADER) else {
        return Err("tensor file shorter than its header".to_string());
    };
    let u32_at = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let u16_at = |i: usize| u16::from_le_bytes([header[i], header[i + 1]]);
    if header[..2] != [0x4e, 0xef] {
        return Err("not an NNEF tensor file (magic)".to_string());
    }
    let (data_size, rank, bits) = (u64::from(u32_at(4)), u32_at(8), u32_at(44));
    let (item_type, vendor) = (u16_at(48), u16_at(50));
    if rank > 8 {
        return Err(format!("tensor rank {rank} is more than 8"));
    }
    // Plain numbers only (NNEF float, unsigned, quantised, signed; 8-bit bool), whose memory is
    // exactly shape × bytes per item. tract's other kinds (strings, bit-packed bools, block
    // quantisation) allocate from the shape without data to back it; our models use none.
    let plain = vendor == 0
        && match item_type {
            0 => matches!(bits, 16 | 32 | 64),
            1..=4 => matches!(bits, 8 | 16 | 32 | 64),
            5 => bits == 8,
            _ => false,
        };
    if !plain {
        return Err(format!(
            "tensor type {item_type} of vendor {vendor} with {bits} bits per item is not accepted"
        ));
    }
    let elements = (0..rank as usize)
        .try_fold(1u64, |n, i| n.checked_mul(u64::from(u32_at(12 + 4 * i))))
        .ok_or("tensor shape overflows")?;
    let needed = elements.checked_mul(u64::from(bits / 8)).ok_or("tensor shape overflows")?;
    if needed > MAX_TENSOR_BYTES {
        return Err(format!(
            "tensor needs {needed} bytes, more than the {MAX_TENSOR_BYTES} accepted per tensor"
        ));
    }
    let held = (file.len() - HEADER) as u64;
    if data_size > held {
        return Err("tensor declares more data than its file holds".to_string());
    }
    if data_size != held {
        return Err("tensor file holds more than the data its header declares".to_string());
    }
    if needed != data_size {
        return Err(format!("tensor shape needs {needed} bytes but its header declares {data_size}"));
    }
    Ok(())
}

fn load(bytes: &[u8]) -> TractResult<Arc<TypedRunnableModel>> {
    let model = registry::device_nnef().model_for_read(&mut &bytes[..])?;
    if model.inputs.len() != 1 {
        return Err(TractError::msg(format!("expected one input (ids), found {}", model.inputs.len())));
    }
    model.into_optimized()?.into_runnable()
}

impl Model for NnefModel {
    fn name(&self) -> &str {
        &self.name
    }

    fn predict(&self, input: &ModelInput<'_>) -> Option<ModelScore> {
        let ids = featurise(input);
        // A model that loaded and passed its self-check should not fail; if it does, it adds no
        // evidence and the rules decide. No text is logged.
        self.predict_ids(&ids).inspect_err(|e| log::warn!("{}: {e}", self.name)).ok()
    }
}
