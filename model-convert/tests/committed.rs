//! The archives the library embeds are exactly the conversions of the committed ONNX models, and
//! their manifests name both files' hashes. If this fails after a retrain, run
//! `scripts/convert-model.sh` (and for the tiny test model, the command in core/tests/model_runtime.rs).

use smsguard_core::model::manifest::{sha256_hex, Manifest};
use smsguard_model_convert::onnx_to_nnef;

mod common;
use common::MODELS;

#[test]
fn committed_archives_are_the_conversions_of_the_committed_onnx() {
    for (name, onnx, nnef, manifest) in MODELS {
        let converted = onnx_to_nnef(onnx).unwrap_or_else(|e| panic!("{name}.onnx converts: {e:#}"));
        assert!(converted == nnef, "{name}.nnef.tar is stale: run scripts/convert-model.sh");
        let m = Manifest::parse(manifest).expect("manifest parses");
        assert_eq!(m.model_sha256, sha256_hex(nnef), "{name}: manifest model_sha256");
        assert_eq!(m.source_onnx_sha256.as_deref(), Some(sha256_hex(onnx).as_str()), "{name}: source");
    }
}

#[test]
fn conversion_is_deterministic() {
    let (_, onnx, _, _) = MODELS[1];
    let a = onnx_to_nnef(onnx).expect("converts");
    let b = onnx_to_nnef(onnx).expect("converts");
    assert_eq!(a, b);
}

#[test]
fn broken_onnx_is_an_error() {
    let (_, onnx, _, _) = MODELS[1];
    for bytes in [&b""[..], &onnx[..onnx.len() / 2], b"not a model at all"] {
        assert!(onnx_to_nnef(bytes).is_err());
    }
}
