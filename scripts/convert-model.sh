#!/usr/bin/env bash
# Convert a trained ONNX model to the NNEF archive the library embeds, and record both hashes in
# its manifest: `model_sha256` (the archive the runtime checks) and `source_onnx_sha256`, and
# `architecture` (the graph family the library builds from the archive's tensors).
#
#   scripts/convert-model.sh                      models/smsguard.onnx → models/smsguard.nnef.tar
#   scripts/convert-model.sh IN.onnx OUT.nnef.tar MANIFEST.json
#
# models/train.sh runs it after every export; `cargo test -p smsguard-model-convert` fails when a
# committed archive is not the conversion of its committed ONNX.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
onnx="${1:-models/smsguard.onnx}"
nnef="${2:-models/smsguard.nnef.tar}"
manifest="${3:-models/manifest.json}"
cargo run -q -p smsguard-model-convert -- "$onnx" "$nnef"
python3 - "$manifest" "$nnef" "$onnx" <<'PY'
import hashlib, json, sys
path, nnef, onnx = sys.argv[1:]
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
with open(path, encoding="utf-8") as f:
    m = json.load(f)
m["model_sha256"] = sha(nnef)
# The graph family the library builds from the archive's tensors (core/src/model/embbag.rs).
m.setdefault("architecture", "embbag")
m["source_onnx_sha256"] = sha(onnx)
with open(path, "w", encoding="utf-8") as f:
    json.dump(m, f, indent=1, ensure_ascii=False)
    f.write("\n")
PY
echo "$nnef: $(stat -c %s "$nnef") bytes (manifest $manifest updated)"
