//! The shipped model run through tract: int64 ids `[n]` (from [`crate::featurise`]) → action
//! probabilities (4) and category probabilities (C, read only when the manifest lists
//! categories), in the orders the manifest gives. The device graph returns both heads in one
//! tensor ([`embbag::graph`]); [`NnefModel::run`] splits them into [`Outputs`].
//!
//! The model file is a tract NNEF archive (tar), converted offline from the trained ONNX by
//! `smsguard-model-convert`. The library links only tract-core: it reads the archive's tensors
//! itself and builds the graph of the manifest's architecture ([`super::embbag`]); tract's NNEF
//! and ONNX front ends, which link every operator tract has, stay in the converter and the tests
//! (see bindings/README.md, Size).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use tract_core::prelude::*;

use super::{archive, embbag};

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
    layout: embbag::Layout,
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
    /// Validate the manifest against the bytes and this build, build the graph from the file's
    /// tensors, and check it with one run. Any problem, including a panic inside tract, becomes a
    /// [`DataError`].
    pub fn from_bytes(model_bytes: &[u8], manifest_json: &str) -> Result<NnefModel, DataError> {
        let manifest = Manifest::parse(manifest_json)?.validate(model_bytes)?;
        let (plan, layout) = load(model_bytes, [manifest.actions.len(), manifest.categories.len()])?;
        let name = format!("{}-v{}", manifest.manifest.name, manifest.manifest.version);
        let model = NnefModel { plan, layout, states: Mutex::new(Vec::new()), manifest, name };
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
            // One output, `[1, 2, width]`: the actions group, then the categories group.
            let width = self.layout.width;
            let probs = outputs.first().ok_or_else(|| TractError::msg("the output is missing"))?;
            let probs = probs.to_plain_array_view::<f32>()?;
            if probs.shape() != [1, 2, width] {
                let shape = probs.shape().to_vec();
                return Err(TractError::msg(format!(
                    "the output has shape {shape:?}, expected [1, 2, {width}]"
                )));
            }
            let probs = probs.as_slice().ok_or_else(|| TractError::msg("the output is not contiguous"))?;
            let actions = probs[..self.layout.outputs[0]].to_vec();
            let categories = if n_cat > 0 { probs[width..][..n_cat].to_vec() } else { Vec::new() };
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

/// `heads`: the action and category counts the manifest lists (no categories: that head is
/// not read, whatever its width).
fn load(bytes: &[u8], heads: [usize; 2]) -> Result<(Arc<TypedRunnableModel>, embbag::Layout), DataError> {
    let entries = archive::read(bytes)?;
    let weights = embbag::weights(&entries)
        .map_err(|m| DataError::new(ORIGIN, format!("not an {} model: {m}", embbag::NAME)))?;
    if weights.vocab() != VOCAB as usize {
        return Err(DataError::new(
            ORIGIN,
            format!("the table has {} rows, the featuriser {VOCAB}", weights.vocab()),
        ));
    }
    let outputs = weights.outputs();
    if outputs[0] != heads[0] || (heads[1] > 0 && outputs[1] != heads[1]) {
        return Err(DataError::new(
            ORIGIN,
            format!(
                "the model's heads give {} actions and {} categories, its manifest lists {} and {}",
                outputs[0], outputs[1], heads[0], heads[1]
            ),
        ));
    }
    let built = catch_unwind(AssertUnwindSafe(|| {
        let (graph, layout) = embbag::graph(weights)?;
        Ok::<_, TractError>((graph.into_runnable()?, layout))
    }))
    .map_err(|_| DataError::new(ORIGIN, "building the model graph failed (panic)"))?;
    built.map_err(|e| DataError::new(ORIGIN, format!("building the model graph failed: {e:#}")))
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
