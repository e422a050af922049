//! The shipped model run through tract: int64 ids `[n]` (from [`crate::featurise`]) → the
//! graph's first output, action probabilities `[1, 4]`, and optionally a second, category
//! probabilities `[1, C]`, in the orders the manifest gives.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use tract_onnx::prelude::*;

use super::manifest::{Manifest, ValidManifest};
use super::{Model, ModelInput, ModelScore};
use crate::error::DataError;
use crate::featurise::{featurise, VOCAB};
use crate::verdict::{Action, Category};

const ORIGIN: &str = "model";

/// The model shipped inside the library and its manifest.
pub const EMBEDDED_ONNX: &[u8] = include_bytes!("../../../models/smsguard.onnx");
pub const EMBEDDED_MANIFEST: &str = include_str!("../../../models/manifest.json");

/// A loaded, validated ONNX model. Cheap to share: `predict` takes `&self` and runs a fresh
/// state of the one optimised plan per call.
pub struct OnnxModel {
    plan: Arc<TypedRunnableModel>,
    manifest: ValidManifest,
    name: String,
}

impl std::fmt::Debug for OnnxModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxModel").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Raw outputs of one run, in the manifest's orders (`actions`, `categories`).
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub actions: Vec<f32>,
    /// Empty when the model has no category head.
    pub categories: Vec<f32>,
}

impl OnnxModel {
    /// Validate the manifest against the bytes and this build, load and optimise the graph, and
    /// check it with one run. Any problem, including a panic inside tract on a malformed graph,
    /// becomes a [`DataError`].
    pub fn from_bytes(model_bytes: &[u8], manifest_json: &str) -> Result<OnnxModel, DataError> {
        let manifest = Manifest::parse(manifest_json)?.validate(model_bytes)?;
        let plan = catch_unwind(AssertUnwindSafe(|| load(model_bytes)))
            .map_err(|_| DataError::new(ORIGIN, "the ONNX graph made the loader fail (panic)"))?
            .map_err(|e| DataError::new(ORIGIN, format!("not a loadable ONNX model: {e}")))?;
        let name = format!("{}-v{}", manifest.manifest.name, manifest.manifest.version);
        let model = OnnxModel { plan, manifest, name };
        model.self_check()?;
        Ok(model)
    }

    /// The model shipped inside the library (`models/smsguard.onnx` + `models/manifest.json`),
    /// loaded once. An error means this build's featuriser or normaliser moved on without a
    /// retrain: the engine must then run rules-only.
    pub fn embedded() -> Result<Arc<OnnxModel>, DataError> {
        static EMBEDDED: once_cell::sync::Lazy<Result<Arc<OnnxModel>, DataError>> =
            once_cell::sync::Lazy::new(|| {
                OnnxModel::from_bytes(EMBEDDED_ONNX, EMBEDDED_MANIFEST).map(Arc::new)
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
            let outputs = self.plan.run(tvec!(input.into()))?;
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
            Ok(Err(e)) => Err(DataError::new(ORIGIN, format!("running the model failed: {e}"))),
            Err(_) => Err(DataError::new(ORIGIN, "running the model panicked")),
        }
    }

    fn score(&self, out: &Outputs) -> ModelScore {
        let mut p = [0.0f32; 4];
        for (i, a) in self.manifest.actions.iter().enumerate() {
            let v = out.actions.get(i).copied().unwrap_or(0.0);
            p[slot(*a)] = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
        }
        let mut score =
            ModelScore { allow: p[0], transaction: p[1], promotion: p[2], junk: p[3], category: None };
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

fn load(bytes: &[u8]) -> TractResult<Arc<TypedRunnableModel>> {
    let model = tract_onnx::onnx().model_for_read(&mut &bytes[..])?;
    if model.inputs.len() != 1 {
        return Err(TractError::msg(format!("expected one input (ids), found {}", model.inputs.len())));
    }
    model.into_optimized()?.into_runnable()
}

impl Model for OnnxModel {
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
