#!/usr/bin/env bash
# Create models/.venv (gitignored) and install the pinned requirements.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${PYTHON:-python3}"
if [ ! -x "$here/.venv/bin/python" ]; then
    "$py" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
# Make `python -m smsguard_train.…` work from any directory (no packaging step needed).
site="$("$here/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$here" > "$site/smsguard_models.pth"
echo "venv ready: $here/.venv"
