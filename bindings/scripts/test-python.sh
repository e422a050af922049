#!/usr/bin/env bash
# Python suite: the generated uniffi Python module, loaded from target/bindings/python (the
# documented path). Ends with `python-bindings: N passed, N failed`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
eval "$("$root/bindings/scripts/prepare.sh")"
PYTHONPATH="$BINDINGS_DIR/python" SMSGUARD_EXPECTED="$EXPECTED" SMSGUARD_VECTORS="$VECTORS" \
    python3 "$root/bindings/foreign-tests/python/test_smsguard.py"
