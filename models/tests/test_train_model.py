"""Training and export: the sparse mean bag is a mean, the quantizer bounds its error, the exported
graph computes what numpy computes, and training learns a separable toy problem."""

import sys
from pathlib import Path

import numpy as np
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smsguard_train import export, train  # noqa: E402


def test_csr_bag_is_the_mean_of_rows():
    rng = np.random.default_rng(0)
    e = rng.normal(size=(50, 3)).astype(np.float32)
    ids = [np.array([1, 2, 2, 7]), np.array([49]), np.array([0, 0])]
    x = train.to_csr(ids, 50)
    got = x @ e
    for row, i in zip(got, ids):
        np.testing.assert_allclose(row, e[i].mean(0), rtol=1e-5)


def test_quantize_error_is_half_a_step():
    rng = np.random.default_rng(1)
    t = rng.normal(size=(200, 8)).astype(np.float32)
    q, scale = export.quantize_table(t)
    assert q.dtype == np.int8 and np.abs(q).max() <= 127
    assert np.abs(q.astype(np.float32) * scale - t).max() <= scale / 2 + 1e-6


def test_exported_graph_matches_numpy():
    rng = np.random.default_rng(2)
    vocab, d = 300, 4
    q = rng.integers(-127, 128, size=(vocab, d)).astype(np.int8)
    p = {"Wa": rng.normal(size=(d, 4)).astype(np.float32), "ba": rng.normal(size=4).astype(np.float32),
         "Wc": rng.normal(size=(d, 5)).astype(np.float32), "bc": rng.normal(size=5).astype(np.float32)}
    model = export.build_graph(q, 0.01, p["Wa"], p["ba"], p["Wc"], p["bc"])
    runner = export.OrtRunner(model.SerializeToString())
    deq = q.astype(np.float32) * np.float32(0.01)
    for n in (1, 7, 120):
        ids = rng.integers(0, vocab, size=n)
        _, _, pa, pc = train.forward(p, train.to_csr([ids], vocab), deq)
        a, c = runner.run(ids)
        np.testing.assert_allclose(a, pa[0], atol=1e-5)
        np.testing.assert_allclose(c, pc[0], atol=1e-5)


def test_training_learns_a_toy_problem():
    # Each class owns a block of ids; messages mix their class's ids with shared noise ids.
    rng = np.random.default_rng(3)
    vocab, n = 400, 800
    ya = rng.integers(0, 4, size=n)
    ids = [np.concatenate([rng.integers(100 * y, 100 * y + 30, size=5), rng.integers(350, 400, size=5)])
           for y in ya]
    x = train.to_csr(ids, vocab)
    p = {"E": rng.normal(0, 0.1, size=(vocab, 8)).astype(np.float32),
         "Wa": np.zeros((8, 4), np.float32), "ba": np.zeros(4, np.float32),
         "Wc": np.zeros((8, 2), np.float32), "bc": np.zeros(2, np.float32)}
    yc = np.where(ya == 3, 1, -1)
    _, _, before, _ = train.forward(p, x)
    train.train_epochs(p, x, np.eye(4, dtype=np.float32)[ya], yc, np.ones(n), epochs=5, lr=0.02, batch=64, seed=0, cat_weight=0.5,
                       l2=0.0, log=lambda *a: None)
    _, _, after, _ = train.forward(p, x)
    assert (before.argmax(1) == ya).mean() < 0.5
    assert (after.argmax(1) == ya).mean() > 0.95


def test_evaluate_counts_benign_to_junk_and_threshold():
    recs = [{"action": a} for a in ("transaction", "transaction", "allow", "junk", "promotion")]
    pa = np.array([[0.1, 0.2, 0.1, 0.6],   # transaction predicted junk at 0.6
                   [0.0, 0.9, 0.0, 0.1],
                   [0.8, 0.1, 0.0, 0.1],
                   [0.0, 0.05, 0.05, 0.9],
                   [0.1, 0.1, 0.2, 0.6]])
    m = train.evaluate(pa, recs, 0.0)
    assert m["benign_to_junk"] == 1 / 3 and m["spam_caught"] == 1.0
    m = train.evaluate(pa, recs, 0.7)  # below 0.7 junk falls to the next best action
    assert m["benign_to_junk"] == 0.0 and m["spam_caught"] == 1.0
    assert m["confusion"]["transaction"]["transaction"] == 2
    assert train.calibrate_junk(pa, recs, 0.0) <= 0.61


def test_binary_corpus_labels_become_sets():
    recs = [{"action": "junk", "category": "unknown"}, {"action": "allow", "category": "unknown"},
            {"action": "junk", "category": "fraud"}, {"action": "transaction", "category": "otp"}]
    m = train.action_targets(recs)
    assert m.tolist() == [[0, 0, 1, 1], [1, 1, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]]


def test_set_targets_leave_the_split_inside_the_set_free():
    # Only "spam" (promotion or junk) is known: training moves mass into the set, and the
    # set's internal split follows the one labelled example that exists.
    vocab = 20
    ids = [np.array([1, 2])] * 50 + [np.array([1, 3])] * 50
    ya = np.array([[0, 0, 1, 1]] * 50 + [[0, 0, 0, 1]] * 50, dtype=np.float32)
    rng = np.random.default_rng(4)
    p = {"E": rng.normal(0, 0.1, size=(vocab, 4)).astype(np.float32),
         "Wa": np.zeros((4, 4), np.float32), "ba": np.zeros(4, np.float32)}
    x = train.to_csr(ids, vocab)
    train.train_epochs(p, x, ya, -np.ones(100, int), np.ones(100), epochs=30, lr=0.05, batch=20, seed=0,
                       cat_weight=0.0, l2=0.0, log=lambda *a: None)
    _, _, pa, _ = train.forward(p, x)
    assert (pa[:50, 2] + pa[:50, 3]).min() > 0.9
    assert pa[50:, 3].min() > 0.9


ALLOWED_OPS = {"Gather", "Cast", "Mul", "Add", "Div", "ReduceMean", "ReduceSum", "MatMul", "Softmax",
               "Reshape", "Unsqueeze"}


def _toy_model(rng, vocab=300, d=4, cats=5):
    q = rng.integers(-127, 128, size=(vocab, d)).astype(np.int8)
    p = {"Wa": rng.normal(size=(d, 4)).astype(np.float32), "ba": rng.normal(size=4).astype(np.float32),
         "Wc": rng.normal(size=(d, cats)).astype(np.float32), "bc": rng.normal(size=cats).astype(np.float32)}
    return q, p


def test_graph_uses_only_ops_tract_serialises_to_nnef():
    # tract's NNEF serialiser has no DequantizeLinear: the int8 rows must be Cast then Mul'd.
    q, p = _toy_model(np.random.default_rng(5))
    model = export.build_graph(q, 0.01, p["Wa"], p["ba"], p["Wc"], p["bc"])
    ops = [n.op_type for n in model.graph.node]
    assert "DequantizeLinear" not in ops
    assert set(ops) <= ALLOWED_OPS, set(ops) - ALLOWED_OPS
    assert ops.index("Gather") < ops.index("Cast") < ops.index("Mul")  # dequantize after the gather
    assert model.opset_import[0].version == 17 and all(o.domain in ("", "ai.onnx") for o in model.opset_import)
    inp = model.graph.input[0].type.tensor_type
    assert inp.elem_type == onnx.TensorProto.INT64
    assert [dim.dim_param for dim in inp.shape.dim] == ["n"]
    w = export.graph_weights(model)
    assert w["table"].dtype == np.int8 and w["scale"].dtype == np.float32 and w["scale"].shape == ()


def test_regraph_keeps_weights_outputs_and_refreshes_manifest(tmp_path):
    import json
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(6)
    q, p = _toy_model(rng)
    # An old-style graph (DequantizeLinear), built by hand as the previous exporter did.
    inits = [numpy_helper.from_array(q, "table"), numpy_helper.from_array(np.array(0.02, np.float32), "scale"),
             numpy_helper.from_array(np.array(0, np.int8), "zero_point")] + \
        [numpy_helper.from_array(p[k], k.lower()) for k in ("Wa", "ba", "Wc", "bc")]
    nodes = [helper.make_node("Gather", ["table", "ids"], ["rq"], axis=0),
             helper.make_node("DequantizeLinear", ["rq", "scale", "zero_point"], ["r"]),
             helper.make_node("ReduceMean", ["r"], ["bag"], axes=[0], keepdims=1),
             helper.make_node("MatMul", ["bag", "wa"], ["a0"]), helper.make_node("Add", ["a0", "ba"], ["a1"]),
             helper.make_node("Softmax", ["a1"], ["actions"], axis=-1),
             helper.make_node("MatMul", ["bag", "wc"], ["c0"]), helper.make_node("Add", ["c0", "bc"], ["c1"]),
             helper.make_node("Softmax", ["c1"], ["categories"], axis=-1)]
    g = helper.make_graph(nodes, "old", [helper.make_tensor_value_info("ids", TensorProto.INT64, ["n"])],
                          [helper.make_tensor_value_info("actions", TensorProto.FLOAT, [1, 4]),
                           helper.make_tensor_value_info("categories", TensorProto.FLOAT, [1, 5])],
                          initializer=inits)
    old = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    old.ir_version = 8
    onnx_path = tmp_path / "m.onnx"
    old_bytes = export.save(old, onnx_path)
    cats = ["a", "b", "c", "d", "e"]
    (tmp_path / "manifest.json").write_text(json.dumps({"model_sha256": "x", "categories": cats, "keep": 1}))
    cases = [{"name": "k", "ids": [1, 2, 3]}, {"name": "j", "ids": [299]}]
    export.write_goldens(tmp_path / "g.jsonl", old_bytes, cases, cats)
    before = [json.loads(x) for x in (tmp_path / "g.jsonl").read_text().splitlines()]

    data = export.regraph(onnx_path, tmp_path / "manifest.json", tmp_path / "g.jsonl")
    man = json.loads((tmp_path / "manifest.json").read_text())
    assert man["model_sha256"] == export.sha256_hex(data) and man["keep"] == 1
    assert "DequantizeLinear" not in [n.op_type for n in onnx.load_from_string(data).graph.node]
    after = [json.loads(x) for x in (tmp_path / "g.jsonl").read_text().splitlines()]
    assert [c["ids"] for c in after] == [c["ids"] for c in before]
    for b, a in zip(before, after):
        for k in b["actions"]:
            assert abs(b["actions"][k] - a["actions"][k]) < 1e-6


def test_idf_bag_is_the_weighted_mean_and_the_graph_agrees():
    rng = np.random.default_rng(7)
    vocab, d = 120, 3
    ids = [np.array([4, 4, 9, 100]), np.array([7])]
    idf = train.compute_idf([np.array([4, 9]), np.array([4]), np.array([50])], vocab)
    assert idf[4] < idf[9] < idf[0]  # seen in 2, in 1, in none of 3 messages
    assert idf.min() >= 1.0
    e = rng.normal(size=(vocab, d)).astype(np.float32)
    got = train.to_csr(ids, vocab, idf) @ e
    for row, i in zip(got, ids):
        w = idf[i]
        np.testing.assert_allclose(row, (w[:, None] * e[i]).sum(0) / w.sum(), rtol=1e-5)
    q, p = _toy_model(rng, vocab=vocab, d=d)
    model = export.build_graph(q, 0.02, p["Wa"], p["ba"], p["Wc"], p["bc"], idf=idf)
    ops = [n.op_type for n in model.graph.node]
    assert "DequantizeLinear" not in ops and set(ops) <= ALLOWED_OPS
    runner = export.OrtRunner(model.SerializeToString())
    deq = q.astype(np.float32) * np.float32(0.02)
    for i in ids + [rng.integers(0, vocab, size=200)]:
        _, _, pa, pc = train.forward(p, train.to_csr([i], vocab, idf), deq)
        a, c = runner.run(i)
        np.testing.assert_allclose(a, pa[0], atol=1e-5)
        np.testing.assert_allclose(c, pc[0], atol=1e-5)


def test_spam_shift_moves_benign_out_of_spam_monotonically():
    recs = [{"action": "transaction"}] * 3 + [{"action": "promotion"}] * 2
    pa = np.array([[0.1, 0.5, 0.4, 0.0], [0.1, 0.3, 0.6, 0.0], [0.1, 0.2, 0.7, 0.0],
                   [0.1, 0.2, 0.7, 0.0], [0.0, 0.1, 0.9, 0.0]]) + 1e-6
    assert train.evaluate(pa, recs, 0.0)["benign_to_spam"] == 2 / 3
    b = train.match_spam_shift(pa, recs, 1 / 3)
    assert b < 0
    m = train.evaluate(train.spam_shift(pa, b), recs, 0.0)
    assert m["benign_to_spam"] <= 1 / 3 and m["spam_caught"] == 1.0
    # The next grid step would break the target: b is the largest that meets it.
    assert train.evaluate(train.spam_shift(pa, b + 0.05), recs, 0.0)["benign_to_spam"] > 1 / 3
    np.testing.assert_allclose(train.spam_shift(pa, 0.0), pa / pa.sum(1, keepdims=True), rtol=1e-6)


def _hidden_params(rng, vocab=40, d=5, k=6, cats=3):
    return {"E": rng.normal(0, 0.5, size=(vocab, d)), "W1": rng.normal(0, 0.7, size=(d, k)),
            "b1": rng.normal(0, 0.2, size=k), "Wa": rng.normal(0, 0.5, size=(k, 4)),
            "ba": rng.normal(0, 0.1, size=4), "Wc": rng.normal(0, 0.5, size=(k, cats)),
            "bc": rng.normal(0, 0.1, size=cats)}


def test_gradients_with_a_hidden_layer_match_finite_differences():
    rng = np.random.default_rng(11)
    p = _hidden_params(rng)
    ids = [rng.integers(0, 40, size=rng.integers(1, 9)) for _ in range(12)]
    x = train.to_csr(ids, 40)
    mb = np.zeros((12, 4))
    mb[np.arange(12), rng.integers(0, 4, size=12)] = 1.0
    mb[:3, 2:] = 1.0                                        # a few set-valued (spam) targets
    yb = np.where(rng.random(12) < 0.6, rng.integers(0, 3, size=12), -1)
    wb = rng.uniform(0.5, 2.0, size=12)
    _, grads = train.loss_and_grads(p, x, mb, yb, wb, cat_weight=0.5, l2=0.0)
    for name in ("E", "W1", "b1", "Wa", "ba", "Wc", "bc"):
        flat = p[name].reshape(-1)
        for k in rng.choice(flat.size, size=min(6, flat.size), replace=False):
            old = flat[k]
            flat[k] = old + 1e-6
            up, _ = train.loss_and_grads(p, x, mb, yb, wb, cat_weight=0.5, l2=0.0)
            flat[k] = old - 1e-6
            down, _ = train.loss_and_grads(p, x, mb, yb, wb, cat_weight=0.5, l2=0.0)
            flat[k] = old
            numeric = (up - down) / 2e-6
            assert abs(numeric - grads[name].reshape(-1)[k]) < 1e-5 + 1e-4 * abs(numeric), name


def test_exported_graph_with_a_hidden_layer_matches_numpy():
    rng = np.random.default_rng(12)
    p = {k: v.astype(np.float32) for k, v in _hidden_params(rng, vocab=300, d=4, k=8, cats=5).items()}
    q = rng.integers(-127, 128, size=(300, 4)).astype(np.int8)
    idf = rng.uniform(1.0, 5.0, size=300).astype(np.float32)
    model = export.build_graph(q, 0.01, p["Wa"], p["ba"], p["Wc"], p["bc"], idf=idf, w1=p["W1"], b1=p["b1"])
    assert "Relu" in {n.op_type for n in model.graph.node}
    runner = export.OrtRunner(model.SerializeToString())
    deq = q.astype(np.float32) * np.float32(0.01)
    for n in (1, 9, 150):
        ids = rng.integers(0, 300, size=n)
        _, _, pa, pc = train.forward(p, train.to_csr([ids], 300, idf), deq)
        a, c = runner.run(ids)
        np.testing.assert_allclose(a, pa[0], atol=1e-5)
        np.testing.assert_allclose(c, pc[0], atol=1e-5)


def test_allow_floor_is_the_largest_that_keeps_chats_within_budget():
    from smsguard_train.train import calibrate_allow_floor
    chats = [{"action": "allow"}] * 10
    # allow, transaction, promotion, junk: two chats with promotion ahead (allow 0.3 and 0.1)
    pa = np.array([[0.9, 0.05, 0.03, 0.02]] * 8 + [[0.3, 0.0, 0.7, 0.0], [0.1, 0.0, 0.9, 0.0]])
    assert calibrate_allow_floor(pa, chats, 0.1) == 0.3   # one of ten may stay out: rescue the 0.3
    assert calibrate_allow_floor(pa, chats, 0.0) == 0.1   # none may: rescue both
    assert calibrate_allow_floor(pa, chats, 0.2) == 1.0   # within budget without the guard: off


def test_promotion_bar_is_the_smallest_within_budget():
    from smsguard_train.train import calibrate_promotion_bar
    recs = [{"action": "transaction"}] * 4
    pa = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.545, 0.455, 0.0], [0.0, 0.245, 0.555, 0.2],
                   [0.0, 0.095, 0.905, 0.0]])  # promotion + junk: 0, 0.455, 0.755, 0.905
    assert calibrate_promotion_bar(pa, recs, 0.25) == 0.76  # only the 0.905 reaches it
    assert calibrate_promotion_bar(pa, recs, 0.5) == 0.46
