"""Build the shipped ONNX graph from trained float weights, int8-quantize the embedding table, and
write the manifest and goldens.

Graph (opset 17, no contrib ops; what tract runs fast, see TOOLCHAIN-NOTES):
    ids int64 [n]  (n symbolic)
      -> Gather(table int8 [V, D])            only the message's rows ...
      -> Cast(float32) -> Mul(scale)          ... are dequantized, after the gather
      -> ReduceMean(axis 0, keepdims)         embedding bag: mean of the rows  [1, D]
         (or, with idf weights: Gather(idf [V]) → w [n]; bag = ReduceSum(rows * w) / ReduceSum(w))

Dequantization is Cast + Mul by a scalar float32 scale (symmetric int8, zero point 0), which is
exactly DequantizeLinear's math; DequantizeLinear itself is not used because tract's NNEF
serialiser has no DequantizeLinear and the device runs the NNEF conversion of this file.

The ids are 1-D rather than [1, n]: measured with tract 0.23 on this graph (D = 16, opt-level 3),
n = 100 ids take p50 10 µs as [n] against 26 µs as [1, n] (reducing over axis 1); n = 300: 19 µs
against 68 µs.
      -> MatMul(Wa) + ba -> Softmax           "actions"     [1, 4]
      -> MatMul(Wc) + bc -> Softmax           "categories"  [1, C]   (optional head)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
ACTIONS = ("allow", "transaction", "promotion", "junk")


def quantize_table(table: np.ndarray, clip_quantile: float = 1.0) -> tuple[np.ndarray, float]:
    """Symmetric per-tensor int8 (zero point 0). `clip_quantile` < 1 clips rare outliers so the
    bulk of the weights keeps more resolution."""
    a = np.abs(table)
    bound = float(np.quantile(a, clip_quantile)) if clip_quantile < 1.0 else float(a.max())
    scale = max(bound, 1e-8) / 127.0
    q = np.clip(np.rint(table / scale), -127, 127).astype(np.int8)
    return q, scale


def build_graph(q_table: np.ndarray, scale: float, wa: np.ndarray, ba: np.ndarray,
                wc: np.ndarray | None = None, bc: np.ndarray | None = None,
                name: str = "smsguard", idf: np.ndarray | None = None,
                w1: np.ndarray | None = None, b1: np.ndarray | None = None) -> onnx.ModelProto:
    """idf: optional float32 [V] weights; the bag is then sum(idf[id] * row) / sum(idf[id])
    (a second Gather, then MatMul/ReduceSum/Div) instead of the plain mean.
    w1, b1: optional hidden layer [D, H]; the heads then read Relu(bag @ w1 + b1)."""
    vocab, dim = q_table.shape
    width = dim if w1 is None else w1.shape[1]
    assert q_table.dtype == np.int8 and wa.shape == (width, 4) and ba.shape == (4,)
    inits = [
        numpy_helper.from_array(q_table, "table"),
        numpy_helper.from_array(np.array(scale, dtype=np.float32), "scale"),
        numpy_helper.from_array(wa.astype(np.float32), "wa"),
        numpy_helper.from_array(ba.astype(np.float32), "ba"),
    ]
    # The scale multiplies the [1, D] bag, not the [n, D] rows (same math, n times fewer
    # multiplications), and the idf weighting is one MatMul: tract evaluates a broadcast Mul
    # over [n, D] through a generic strided loop that took half the model's time.
    nodes = [
        helper.make_node("Gather", ["table", "ids"], ["rows_q"], axis=0),    # [n, D] int8
        helper.make_node("Cast", ["rows_q"], ["rows_f"], to=TensorProto.FLOAT),
    ]
    if idf is None:
        nodes.append(helper.make_node("ReduceMean", ["rows_f"], ["bag_q"], axes=[0], keepdims=1))
    else:
        assert idf.shape == (vocab,) and np.all(idf > 0), "idf weights must be positive (no 0/0 bag)"
        inits += [numpy_helper.from_array(idf.astype(np.float32), "idf"),
                  numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0")]
        nodes += [
            helper.make_node("Gather", ["idf", "ids"], ["w"], axis=0),           # [n]
            helper.make_node("Unsqueeze", ["w", "axis0"], ["w_row"]),            # [1, n]
            helper.make_node("MatMul", ["w_row", "rows_f"], ["num"]),            # [1, D]
            helper.make_node("ReduceSum", ["w", "axis0"], ["den"], keepdims=1),  # [1]
            helper.make_node("Div", ["num", "den"], ["bag_q"]),                  # [1, D]
        ]
    nodes.append(helper.make_node("Mul", ["bag_q", "scale"], ["bag"]))           # dequantized
    head_in = "bag"
    if w1 is not None:
        assert b1 is not None and w1.shape[0] == dim and b1.shape == (width,)
        inits += [numpy_helper.from_array(w1.astype(np.float32), "w1"),
                  numpy_helper.from_array(b1.astype(np.float32), "b1")]
        nodes += [
            helper.make_node("MatMul", ["bag", "w1"], ["hid0"]),
            helper.make_node("Add", ["hid0", "b1"], ["hid1"]),
            helper.make_node("Relu", ["hid1"], ["hidden"]),                      # [1, H]
        ]
        head_in = "hidden"
    nodes += [
        helper.make_node("MatMul", [head_in, "wa"], ["la0"]),
        helper.make_node("Add", ["la0", "ba"], ["la"]),
        helper.make_node("Softmax", ["la"], ["actions"], axis=-1),
    ]
    outputs = [helper.make_tensor_value_info("actions", TensorProto.FLOAT, [1, 4])]
    if wc is not None:
        assert bc is not None and wc.shape[0] == width and bc.shape == (wc.shape[1],)
        inits += [numpy_helper.from_array(wc.astype(np.float32), "wc"),
                  numpy_helper.from_array(bc.astype(np.float32), "bc")]
        nodes += [
            helper.make_node("MatMul", [head_in, "wc"], ["lc0"]),
            helper.make_node("Add", ["lc0", "bc"], ["lc"]),
            helper.make_node("Softmax", ["lc"], ["categories"], axis=-1),
        ]
        outputs.append(helper.make_tensor_value_info("categories", TensorProto.FLOAT, [1, wc.shape[1]]))
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["n"])],
        outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="smsguard_train")
    model.ir_version = 8  # readable by onnxruntime and tract alike
    onnx.checker.check_model(model, full_check=True)
    return model


def graph_weights(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    """The initializers of a shipped graph by name (table, scale, wa, ba, and wc, bc if present)."""
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def regraph(onnx_path: Path, manifest_path: Path, goldens_path: Path) -> bytes:
    """Rebuild an exported model's graph with the current `build_graph` and the same weights (e.g.
    after the DequantizeLinear → Cast+Mul change), then refresh the manifest's sha256 and the
    goldens' onnxruntime outputs. The weights, and so the manifest's metrics, are unchanged."""
    old = onnx.load_from_string(onnx_path.read_bytes())
    w = graph_weights(old)
    model = build_graph(w["table"], float(w["scale"]), w["wa"], w["ba"], w.get("wc"), w.get("bc"),
                        name=old.graph.name, idf=w.get("idf"), w1=w.get("w1"), b1=w.get("b1"))
    old_runner = OrtRunner(old.SerializeToString())
    data = save(model, onnx_path)
    new_runner = OrtRunner(data)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["model_sha256"] = sha256_hex(data)
    cases = []
    with open(goldens_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                c = json.loads(line)
                cases.append({k: v for k, v in c.items() if k not in ("actions", "categories")})
    diff = 0.0
    for c in cases:
        for a, b in zip(old_runner.run(c["ids"]), new_runner.run(c["ids"])):
            diff = max(diff, float(np.abs(a - b).max()))
    if diff > 1e-5:
        raise SystemExit(f"regraphed model differs from the old one by {diff}")
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_goldens(goldens_path, data, cases, manifest["categories"])
    return data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_manifest(model_bytes: bytes, *, name: str, version: str, versions: dict,
                  categories: list[str], thresholds: dict[str, float], extra: dict | None = None) -> dict:
    m = {
        "format": 1,
        "name": name,
        "version": version,
        "model_sha256": sha256_hex(model_bytes),
        "featuriser_version": versions["featuriser_version"],
        "normaliser_version": versions["normaliser_version"],
        "vocab": versions["vocab"],
        "actions": list(ACTIONS),
        "categories": list(categories),
        "thresholds": thresholds,
    }
    if extra:
        m["training"] = extra
    return m


class OrtRunner:
    """The exported model under onnxruntime: the reference the Rust goldens are checked against."""

    def __init__(self, model_bytes: bytes):
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        self.sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
        self.outputs = [o.name for o in self.sess.get_outputs()]

    def run(self, ids) -> list[np.ndarray]:
        x = np.asarray(ids, dtype=np.int64).reshape(-1)
        return [o[0] for o in self.sess.run(self.outputs, {"ids": x})]


def write_goldens(path: Path, model_bytes: bytes, cases: list[dict], categories: list[str]) -> None:
    """cases: {"name", "sender", "body", "ids"} → adds onnxruntime's probabilities."""
    runner = OrtRunner(model_bytes)
    with open(path, "w", encoding="utf-8") as f:
        for c in cases:
            outs = runner.run(c["ids"])
            rec = dict(c)
            rec["actions"] = {a: round(float(p), 7) for a, p in zip(ACTIONS, outs[0])}
            if len(outs) > 1:
                rec["categories"] = {k: round(float(p), 7) for k, p in zip(categories, outs[1])}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def save(model: onnx.ModelProto, path: Path) -> bytes:
    data = model.SerializeToString()
    path.write_bytes(data)
    return data


def write_tiny(out_dir: Path, vocab: int, versions: dict, seed: int = 7) -> None:
    """A small random-weight model with the shipped graph's shape, for the Rust runtime tests
    (`testdata/model/`): they must not depend on a trained model existing. D = 2 keeps it ~64 KB."""
    rng = np.random.default_rng(seed)
    dim, cats = 2, ["otp", "offers", "fraud"]
    q = rng.integers(-127, 128, size=(vocab, dim), dtype=np.int64).astype(np.int8)
    model = build_graph(q, 0.02, rng.normal(0, 1, (dim, 4)), rng.normal(0, 0.3, 4),
                        rng.normal(0, 1, (dim, len(cats))), rng.normal(0, 0.3, len(cats)), name="tiny")
    out_dir.mkdir(parents=True, exist_ok=True)
    data = save(model, out_dir / "tiny.onnx")
    manifest = make_manifest(data, name="tiny", version="1", versions=versions, categories=cats,
                             thresholds={"junk": 0.9})
    (out_dir / "tiny.manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    # Id lists, not texts: these goldens test the runtime alone, whatever the normaliser does.
    cases = [{"name": "ends", "ids": [0, vocab - 1]}, {"name": "single", "ids": [5]},
             {"name": "repeats", "ids": [9, 9, 9, 17]}]
    for k, n in enumerate((10, 60, 300)):
        cases.append({"name": f"random{n}", "ids": rng.integers(0, vocab, size=n).tolist()})
    write_goldens(out_dir / "tiny.goldens.jsonl", data, cases, cats)


if __name__ == "__main__":
    import argparse

    from . import features

    ap = argparse.ArgumentParser(description="write the tiny test model (testdata/model/), or "
                                 "rebuild the shipped model's graph with the same weights")
    ap.add_argument("--tiny", type=Path, help="output directory for the tiny test model")
    ap.add_argument("--regraph", type=Path, metavar="MODELS_DIR",
                    help="rebuild MODELS_DIR/smsguard.onnx, manifest.json sha and goldens.jsonl")
    args = ap.parse_args()
    if args.regraph:
        d = args.regraph
        out = regraph(d / "smsguard.onnx", d / "manifest.json", d / "goldens.jsonl")
        print(f"rebuilt {d / 'smsguard.onnx'} ({len(out)} bytes)")
        raise SystemExit(0)
    if not args.tiny:
        ap.error("--tiny or --regraph is required")
    exe = features.binary()
    ver = features.versions(exe)
    write_tiny(args.tiny, ver["vocab"], ver)
