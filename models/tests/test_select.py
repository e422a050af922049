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
