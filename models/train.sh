#!/usr/bin/env bash
# Retrain the shipped model in one command (after any featuriser or normaliser change):
#   prepare the splits if missing → featurise with the Rust featuriser → train (numpy) →
#   int8 ONNX export → models/smsguard.onnx, models/manifest.json, models/goldens.jsonl →
#   NNEF archive the library embeds (models/smsguard.nnef.tar, scripts/convert-model.sh).
# Then run `cargo test -p smsguard-core` (the goldens test checks tract against onnxruntime).
#
# Env: PYTHON (default models/.venv, made by setup.sh), SMSGUARD_DATA (the corpora, default
# ../shared/data beside the checkout), SMSGUARD_WORK (prepared splits, default models/work). Extra args go to train.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${PYTHON:-$here/.venv/bin/python}"
data="${SMSGUARD_DATA:-$here/../../shared/data}"
work="${SMSGUARD_WORK:-$here/work}"
cd "$here"
if [ ! -f "$work/train.jsonl" ]; then
    "$py" -m smsguard_train.prepare --data "$data" --out "$work"
fi
"$py" -m smsguard_train.train --work "$work" --out "$here" "$@"
# The library embeds the NNEF conversion of the ONNX; the manifest records both hashes.
"$here/../scripts/convert-model.sh" "$here/smsguard.onnx" "$here/smsguard.nnef.tar" "$here/manifest.json"
