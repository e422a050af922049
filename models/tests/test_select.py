"""Setting selection by left-out families: the grid, the arguments each setting trains with, the
family split, and the ranking by mean spam caught on the left-out families."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smsguard_train import select, train  # noqa: E402


def test_split_families_partitions_records_and_ids_together():
    recs = [{"family": f, "k": k} for k, f in enumerate(["a", "b", "a", "c"])]
    ids = [np.array([k]) for k in range(4)]
    (keep_r, keep_i), (out_r, out_i) = train.split_families(recs, ids, ["a"])
    assert [r["k"] for r in keep_r] == [1, 3] and [int(i[0]) for i in keep_i] == [1, 3]
    assert [r["k"] for r in out_r] == [0, 2] and [int(i[0]) for i in out_i] == [0, 2]


def test_grid_is_every_combination_once():
    grid = select.settings()
    expected = 1
    for values in select.GRID.values():
        expected *= len(values)
    assert len(grid) == expected
    assert len({tuple(sorted(s.items())) for s in grid}) == expected


def test_train_args_leave_english_out_only_when_asked():
    base = {"english": True, "benign_weight": 2.0, "epochs": 3, "dropout": 0.3}
    args = select.train_args(base)
    assert "--exclude-family" not in args
    assert args[args.index("--epochs") + 1] == "3" and args[args.index("--dropout") + 1] == "0.3"
    no_en = select.train_args({**base, "english": False})
    assert no_en[no_en.index("--exclude-family") + 1] == "uci"


def test_rank_orders_by_mean_left_out_caught():
    def result(name, *caught):
        return {"setting": {"name": name},
                "folds": {f: {"heldout_caught": c} for f, c in zip(select.FOLDS, caught)}}
    ranked = select.rank([result("steady", 0.8, 0.8), result("lopsided", 0.95, 0.6),
                          result("best", 0.9, 0.85)])
    assert [r["setting"]["name"] for r in ranked] == ["best", "steady", "lopsided"]
    assert abs(ranked[0]["score"] - 0.875) < 1e-12


def test_hidden_grid_varies_only_the_hidden_width_around_v2():
    grid = select.settings(select.GRIDS["hidden"])
    assert [s["hidden"] for s in grid] == [0, 16, 32, 64]
    assert all({k: v for k, v in s.items() if k != "hidden"} == select.V2 for s in grid)
    assert select.train_args(grid[0]) == select.train_args(select.V2)
    args = select.train_args({**grid[2], "seed": 7})
    assert args[args.index("--hidden") + 1] == "32" and args[args.index("--seed") + 1] == "7"


def test_rank_averages_a_setting_over_its_seeds():
    def result(name, seed, *caught):
        return {"setting": {"name": name, "seed": seed},
                "folds": {f: {"heldout_caught": c} for f, c in zip(select.FOLDS, caught)}}
    ranked = select.rank([result("a", 1, 0.9, 0.9), result("a", 2, 0.7, 0.7),
                          result("b", 1, 0.85, 0.85), result("b", 2, 0.83, 0.83)])
    assert [r["setting"] for r in ranked] == [{"name": "b"}, {"name": "a"}]
    assert abs(ranked[0]["score"] - 0.84) < 1e-12 and abs(ranked[1]["score"] - 0.8) < 1e-12
    assert ranked[1]["seed_scores"] == {"1": 0.9, "2": 0.7}
    assert abs(ranked[1]["folds"][select.FOLDS[0]]["heldout_caught"] - 0.8) < 1e-12
