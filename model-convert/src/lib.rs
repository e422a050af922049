//! ONNX → NNEF, offline. Training exports ONNX (the format onnxruntime checks the goldens
//! against); the library embeds the same graph as a tract NNEF archive, so a phone links only
//! tract's runtime crates and not the ONNX/protobuf front end (most of the library's bytes).
//!
//! The archive is written deterministically (fixed timestamps), so converting the same ONNX
//! always gives the same bytes and a test can prove the committed archive came from the
//! committed ONNX.

use tract_onnx::prelude::*;

/// Convert ONNX bytes to a NNEF tar archive (uncompressed: the library is already compressed in
/// the APK, and the device build leaves out flate2).
pub fn onnx_to_nnef(onnx: &[u8]) -> TractResult<Vec<u8>> {
    let model = tract_onnx::onnx().model_for_read(&mut &onnx[..])?;
    // Decluttered, not optimised: the archive holds portable ops; the device optimises for its
    // own CPU when it loads the model.
    let typed = model.into_typed()?.into_decluttered()?;
    tract_nnef::nnef().write_to_tar_with_config(&typed, Vec::new(), false, true)
}
