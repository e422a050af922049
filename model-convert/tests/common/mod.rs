//! The committed models, for the tests of this crate: (name, ONNX, NNEF archive, manifest).

pub const MODELS: [(&str, &[u8], &[u8], &str); 2] = [
    (
        "models/smsguard",
        include_bytes!("../../../models/smsguard.onnx"),
        include_bytes!("../../../models/smsguard.nnef.tar"),
        include_str!("../../../models/manifest.json"),
    ),
    (
        "testdata/model/tiny",
        include_bytes!("../../../testdata/model/tiny.onnx"),
        include_bytes!("../../../testdata/model/tiny.nnef.tar"),
        include_str!("../../../testdata/model/tiny.manifest.json"),
    ),
];
