"""Features come from the Rust featuriser only: this module runs `core/examples/featurize.rs` as a
subprocess (JSONL in, JSONL out), so training sees exactly the ids the phone computes.

Set SMSGUARD_FEATURIZE to a built binary to skip the cargo build.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def binary(repo: Path = REPO) -> Path:
    """Build (if needed) and return the featurize example. The dev profile shares the build with
    `cargo test --workspace`: `--workspace` resolves features as that build does (`-p
    smsguard-core` alone would compile tract a second time, ~5 minutes on a fresh clone)."""
    env = os.environ.get("SMSGUARD_FEATURIZE")
    if env:
        return Path(env)
    subprocess.run(["cargo", "build", "--quiet", "--workspace", "--example", "featurize"],
                   cwd=repo, check=True)
    return repo / "target" / "debug" / "examples" / "featurize"


def versions(exe: Path) -> dict:
    out = subprocess.run([str(exe), "--version"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_lines(exe: Path, lines: list[dict]) -> list[dict]:
    """Feed raw request objects; return the output objects in order (errors included)."""
    data = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode("utf-8")
    proc = subprocess.run([str(exe)], input=data, capture_output=True, check=True)
    out = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    if len(out) != len(lines):
        raise RuntimeError(f"featurize returned {len(out)} lines for {len(lines)}")
    return out


def featurize(exe: Path, records: list[dict]) -> list[np.ndarray]:
    """records carry `text` (or `body`) and optionally `sender`; returns int64 id arrays."""
    reqs = [{"id": i, "sender": r.get("sender") or "", "body": r.get("text", r.get("body", ""))}
            for i, r in enumerate(records)]
    out = run_lines(exe, reqs)
    ids = []
    for i, o in enumerate(out):
        if o.get("id") != i or "ids" not in o:
            # Never echo the text: only the position and the featuriser's error.
            raise RuntimeError(f"featurize failed on record {i}: {o.get('error')}")
        ids.append(np.asarray(o["ids"], dtype=np.int64))
    return ids
