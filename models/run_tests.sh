#!/usr/bin/env bash
# Create/reuse models/.venv (installing requirements when missing) and run the pytest suite.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! "$here/.venv/bin/python" -c "import numpy, sklearn, openpyxl, onnx, onnxruntime, scipy, pytest" 2>/dev/null; then
    "$here/setup.sh"
fi
cd "$here"
exec "$here/.venv/bin/python" -m pytest -q tests "$@"
