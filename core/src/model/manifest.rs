//! The model manifest (`models/manifest.json`): what a model file was trained with and how to read
//! its outputs. A model is refused unless its manifest matches the bytes (sha256) and this build
//! (featuriser and normaliser versions, vocabulary size, label maps).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::DataError;
use crate::featurise::{FEATURISER_VERSION, VOCAB};
use crate::normalise::NORMALISER_VERSION;
use crate::verdict::{Action, Category};

/// The manifest format this build reads.
pub const MANIFEST_FORMAT: u32 = 1;

const ORIGIN: &str = "model manifest";

/// The architectures this library can build a graph for.
pub const ARCHITECTURES: [&str; 1] = [super::embbag::NAME];

/// The manifest as stored. Unknown fields (training notes, metrics) are allowed and ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Short model name (`"embbag"`); with `version` it names the model in explanations.
    pub name: String,
    pub version: String,
    /// The graph family the library builds for this file (see [`ARCHITECTURES`]). Absent in
    /// manifests written before the field existed, which were all `embbag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// Lower-case hex sha256 of the model archive the runtime loads (the NNEF tar).
    pub model_sha256: String,
    /// sha256 of the trained ONNX the archive was converted from (provenance; not checked here,
    /// `model-convert`'s test proves the archive matches it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_onnx_sha256: Option<String>,
    pub featuriser_version: u32,
    pub normaliser_version: u32,
    /// Rows of the embedding table: must equal [`crate::featurise::VOCAB`].
    pub vocab: u32,
    /// Action of each index of the `actions` output: a permutation of the four actions.
    pub actions: Vec<String>,
    /// Category of each index of the `categories` output; empty when the model has no category head.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Per action, the model probability the calibration chose as "confident" (0..1).
    #[serde(default)]
    pub thresholds: BTreeMap<String, f32>,
}

/// A manifest that passed every check, with its labels parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidManifest {
    pub manifest: Manifest,
    /// `actions[i]` is the action of output index `i`.
    pub actions: [Action; 4],
    pub categories: Vec<Category>,
    pub thresholds: Vec<(Action, f32)>,
}

fn err(item: &str, message: impl Into<String>) -> DataError {
    DataError::new(ORIGIN, message).for_item(item)
}

impl Manifest {
    /// Parse the JSON text (errors name the line).
    pub fn parse(json: &str) -> Result<Manifest, DataError> {
        serde_json::from_str(json).map_err(|e| {
            // serde_json's message names fields and types, never the document's values.
            DataError::new(ORIGIN, format!("not a valid manifest: {e}")).at_line(e.line().max(1))
        })
    }

    /// Check against this build and the model bytes.
    pub fn validate(self, model_bytes: &[u8]) -> Result<ValidManifest, DataError> {
        if self.format != MANIFEST_FORMAT {
            return Err(err(
                "format",
                format!("format {} is not the supported {MANIFEST_FORMAT}", self.format),
            ));
        }
        if self.name.trim().is_empty() || self.version.trim().is_empty() {
            return Err(err("name", "name and version must not be empty"));
        }
        let architecture = self.architecture.as_deref().unwrap_or(super::embbag::NAME);
        if !ARCHITECTURES.contains(&architecture) {
            return Err(err(
                "architecture",
                format!(
                    "architecture {architecture:?} is not one this library can run ({}): update the app",
                    ARCHITECTURES.join(", ")
                ),
            ));
        }
        if self.featuriser_version != FEATURISER_VERSION {
            return Err(err(
                "featuriser_version",
                format!(
                    "model was trained with featuriser version {}, this build has {FEATURISER_VERSION}: retrain",
                    self.featuriser_version
                ),
            ));
        }
        if self.normaliser_version != NORMALISER_VERSION {
            return Err(err(
                "normaliser_version",
                format!(
                    "model was trained with normaliser version {}, this build has {NORMALISER_VERSION}: retrain",
                    self.normaliser_version
                ),
            ));
        }
        if self.vocab != VOCAB {
            return Err(err(
                "vocab",
                format!("vocab {} does not match the featuriser's {VOCAB}", self.vocab),
            ));
        }
        let actions = parse_actions(&self.actions)?;
        let categories = self
            .categories
            .iter()
            .map(|c| match Category::parse(c) {
                Some(cat) if cat != Category::None => Ok(cat),
                _ => Err(err("categories", format!("unknown category {c:?}"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        for (i, c) in categories.iter().enumerate() {
            if categories[..i].contains(c) {
                return Err(err("categories", format!("category {} listed twice", c.as_str())));
            }
        }
        let mut thresholds = Vec::new();
        for (k, v) in &self.thresholds {
            let action = Action::parse(k)
                .filter(|a| *a != Action::None)
                .ok_or_else(|| err("thresholds", format!("unknown action {k:?}")))?;
            if !(v.is_finite() && (0.0..=1.0).contains(v)) {
                return Err(err("thresholds", format!("threshold for {k} must be in 0..1")));
            }
            thresholds.push((action, *v));
        }
        let digest = sha256_hex(model_bytes);
        if !self.model_sha256.eq_ignore_ascii_case(&digest) {
            return Err(err(
                "model_sha256",
                "the model file does not match the manifest's sha256 (corrupt or wrong model)",
            ));
        }
        Ok(ValidManifest { manifest: self, actions, categories, thresholds })
    }
}

fn parse_actions(names: &[String]) -> Result<[Action; 4], DataError> {
    const WANT: [Action; 4] = [Action::Allow, Action::Transaction, Action::Promotion, Action::Junk];
    let mut out = Vec::with_capacity(4);
    for n in names {
        match Action::parse(n) {
            Some(a) if WANT.contains(&a) && !out.contains(&a) => out.push(a),
            _ => return Err(err("actions", format!("{n:?} is not one of the four actions or is repeated"))),
        }
    }
    out.try_into().map_err(|_| err("actions", "must list allow, transaction, promotion and junk once each"))
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Lower-case hex of any bytes (digests, keys).
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good(bytes: &[u8]) -> Manifest {
        Manifest {
            format: MANIFEST_FORMAT,
            name: "test".into(),
            version: "1".into(),
            architecture: Some("embbag".into()),
            model_sha256: sha256_hex(bytes),
            source_onnx_sha256: None,
            featuriser_version: FEATURISER_VERSION,
            normaliser_version: NORMALISER_VERSION,
            vocab: VOCAB,
            actions: ["junk", "allow", "promotion", "transaction"].map(String::from).to_vec(),
            categories: vec!["otp".into(), "fraud".into()],
            thresholds: [("junk".to_string(), 0.8)].into_iter().collect(),
        }
    }

    #[test]
    fn sha256_known_value() {
        // FIPS 180-2 test vector.
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn accepts_good_and_maps_labels() {
        let v = good(b"model").validate(b"model").expect("valid");
        assert_eq!(v.actions, [Action::Junk, Action::Allow, Action::Promotion, Action::Transaction]);
        assert_eq!(v.categories, vec![Category::Otp, Category::Fraud]);
        assert_eq!(v.thresholds, vec![(Action::Junk, 0.8)]);
    }

    #[test]
    fn refuses_each_problem_naming_the_item() {
        let bytes = b"model";
        type Change = Box<dyn Fn(&mut Manifest)>;
        let cases: Vec<(&str, Change)> = vec![
            ("model_sha256", Box::new(|m| m.model_sha256 = sha256_hex(b"other"))),
            ("featuriser_version", Box::new(|m| m.featuriser_version += 1)),
            ("normaliser_version", Box::new(|m| m.normaliser_version += 1)),
            ("vocab", Box::new(|m| m.vocab -= 1)),
            ("actions", Box::new(|m| m.actions[0] = "allow".into())),
            ("actions", Box::new(|m| m.actions.truncate(3))),
            ("actions", Box::new(|m| m.actions[0] = "none".into())),
            ("categories", Box::new(|m| m.categories.push("spam".into()))),
            ("categories", Box::new(|m| m.categories.push("otp".into()))),
            (
                "thresholds",
                Box::new(|m| {
                    m.thresholds.insert("junk".into(), 1.5);
                }),
            ),
            (
                "thresholds",
                Box::new(|m| {
                    m.thresholds.insert("maybe".into(), 0.5);
                }),
            ),
            ("format", Box::new(|m| m.format = 99)),
            ("architecture", Box::new(|m| m.architecture = Some("transformer".into()))),
        ];
        for (item, change) in cases {
            let mut m = good(bytes);
            change(&mut m);
            let e = m.validate(bytes).expect_err(item);
            assert_eq!(e.item.as_deref(), Some(item), "{e}");
        }
    }

    #[test]
    fn parse_errors_name_the_line() {
        let e = Manifest::parse("{\n\"format\": 1,\n\"name\": 3\n}").expect_err("bad type");
        assert_eq!(e.line, Some(3));
        assert!(Manifest::parse("").is_err());
    }
}
