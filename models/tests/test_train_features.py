"""The featuriser seen from Python: the shared vectors agree with the documented definition
(featref.py) and with the Rust example the pipeline runs; the example handles bad lines."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smsguard_train import featref, features  # noqa: E402

VECTORS = features.REPO / "testdata" / "featurise.jsonl"


@pytest.fixture(scope="module")
def exe():
    return features.binary()


def stored_vectors():
    return [json.loads(x) for x in VECTORS.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_vectors_file_matches_reference_definition():
    assert stored_vectors() == featref.vectors()


def test_rust_example_matches_vectors(exe):
    vs = stored_vectors()
    reqs = [{"id": v["name"], "masked": v["masked"], "sender_kind": v["sender_kind"],
             "signature": v["signature"]} for v in vs]
    out = features.run_lines(exe, reqs)
    for v, o in zip(vs, out):
        assert o == {"id": v["name"], "ids": v["ids"]}, v["name"]


def test_versions_agree_with_reference(exe):
    ver = features.versions(exe)
    assert ver["featuriser_version"] == featref.FEATURISER_VERSION
    assert ver["vocab"] == featref.VOCAB


def test_bad_lines_get_errors_in_place(exe):
    out = features.run_lines(exe, [{"id": 1, "body": "你好"}, {"id": 2}, {"id": 3, "masked": "x", "sender_kind": "?"}])
    assert out[0]["id"] == 1 and len(out[0]["ids"]) > 2
    assert out[1] == {"line": 2, "error": out[1]["error"]} and out[1]["error"]
    assert out[2]["line"] == 3
    # A line that is not JSON at all.
    import subprocess
    proc = subprocess.run([str(exe)], input=b'{"id": 1, "body": "a"}\nnot json\n\xff\xfe\n', capture_output=True, check=True)
    lines = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert [("ids" in x, x.get("line")) for x in lines] == [(True, None), (False, 2), (False, 3)]


def test_featurize_records_keeps_order(exe):
    recs = [{"text": "验证码<CODE>"}, {"text": "晚饭吃什么"}, {"body": "验证码<CODE>", "sender": ""}]
    ids = features.featurize(exe, recs)
    assert list(ids[0]) == list(ids[2])
    assert list(ids[0]) != list(ids[1])
