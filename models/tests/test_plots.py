"""Figures: the PR points and confusion counts are right, and the PNGs stay small."""

import numpy as np
import pytest

from smsguard_train import plots


def test_pr_curve_counts_ties_together():
    positive = np.array([1, 0, 1, 1, 0], dtype=bool)
    score = np.array([0.9, 0.8, 0.8, 0.3, 0.1])
    prec, rec = plots.pr_curve(positive, score)
    # Thresholds 0.9, 0.8 (two tied messages enter together), 0.3, 0.1.
    np.testing.assert_allclose(prec, [1.0, 2 / 3, 3 / 4, 3 / 5])
    np.testing.assert_allclose(rec, [1 / 3, 2 / 3, 1.0, 1.0])


def test_confusion_rows_are_the_truths_present():
    rows, m = plots.confusion_counts(["junk", "transaction", "junk"], np.array([3, 2, 2]))
    assert rows == ["transaction", "junk"]
    assert m.tolist() == [[0, 0, 1, 0], [0, 0, 1, 1]]


def test_figures_are_written_and_small(tmp_path):
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    pa = rng.dirichlet(np.ones(4), size=60).astype(np.float32)
    results = {"test_family": (["promotion"] * 30 + ["junk"] * 30, pa),
               "notify": (["transaction"] * 40 + ["promotion"] * 10 + ["junk"] * 10, pa)}
    plots.plot_confusion(tmp_path / "c.png", results)
    plots.plot_pr(tmp_path / "p.png", results)
    for name in ("c.png", "p.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 100_000
