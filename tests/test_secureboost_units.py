"""Unit tests: binning, split finding, metrics (against scipy), estimate, parameters."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scipy import stats

from app.errors import ValidationError
from app.protocols.secureboost import estimate, metrics
from app.protocols.secureboost.binning import Binning, fit_binning
from app.protocols.secureboost.gradients import FixedPoint
from app.protocols.secureboost.params import TrainParams
from app.protocols.secureboost.tree import Hist, SplitParams, best_split, own_histogram


def test_quantile_bins_are_balanced_and_missing_has_its_own_bin():
    rng = np.random.default_rng(0)
    x = rng.normal(size=10_000)
    x[:100] = np.nan
    b = fit_binning({"x": x}, n_bins=32)
    bins = b.transform({"x": x})[:, 0]
    assert (bins[:100] == b.missing_bin).all() and b.missing_bin == 32
    counts = np.bincount(bins[100:], minlength=32)
    assert len(counts) == 32 and counts.min() > 250 and counts.max() < 370
    # thresholds: bin i holds edges[i-1] <= x < edges[i]
    e = np.array(b.features[0].edges)
    assert (x[100:][bins[100:] == 5] >= e[4]).all() and (x[100:][bins[100:] == 5] < e[5]).all()


def test_few_distinct_values_get_one_bin_each():
    x = np.array([3.0, 1.0, 2.0, 3.0, 1.0])
    b = fit_binning({"x": x}, n_bins=32)
    assert b.transform({"x": x})[:, 0].tolist() == [2, 0, 1, 2, 0]


def test_categorical_bins_merge_rare_values_and_handle_unseen_and_missing():
    col = np.array(["a"] * 50 + ["b"] * 30 + ["c"] * 1 + [None] * 2, dtype=object)
    b = fit_binning({"c": col}, categorical={"c"}, n_bins=8, min_category_share=0.05)
    fb = b.features[0]
    assert fb.categories == ["a", "b"] and fb.n_used == 3
    got = b.transform({"c": np.array(["a", "b", "c", "zzz", None], dtype=object)})[:, 0]
    assert got.tolist() == [0, 1, 2, 2, 8]
    assert Binning.from_dict(b.to_dict()).transform({"c": col}).tolist() == b.transform({"c": col}).tolist()


def test_binning_rejects_text_in_numeric_columns_and_bad_bin_counts():
    with pytest.raises(ValidationError):
        fit_binning({"x": np.array(["1", "x"], dtype=object)})
    with pytest.raises(ValidationError):
        fit_binning({"x": np.arange(3.0)}, n_bins=255)


def test_best_split_matches_brute_force_and_learns_missing_direction():
    rng = np.random.default_rng(1)
    n, n_bins = 400, 6
    bins = rng.integers(0, n_bins + 1, size=(n, 2)).astype(np.uint8)  # slot n_bins = missing
    fixed = FixedPoint(24)
    g = np.where(bins[:, 1] == n_bins, -0.9, np.where(bins[:, 1] < 3, 0.5, -0.5)) + rng.normal(0, .05, n)
    g_int, h_int = fixed.encode(np.clip(g, -1, 1), np.full(n, 0.2))
    p = SplitParams(reg_lambda=1.0, min_child_weight=1.0, min_leaf_size=1, scale=fixed.scale)
    hist = own_histogram(bins, np.arange(n), g_int, h_int, n_bins + 1)
    totals = (int(g_int.sum()), int(h_int.sum()), n)
    split = best_split([(0, hist)], totals, p)
    best = (-np.inf, None)
    G, H = g_int.sum() / fixed.scale, h_int.sum() / fixed.scale
    for f in range(2):
        for b in range(n_bins):
            for miss_left in (False, True):
                left = np.where(bins[:, f] == n_bins, miss_left, bins[:, f] <= b)
                gl, hl = g_int[left].sum() / fixed.scale, h_int[left].sum() / fixed.scale
                if hl < 1 or H - hl < 1:
                    continue
                gain = gl**2 / (hl + 1) + (G - gl)**2 / (H - hl + 1) - G**2 / (H + 1)
                if gain > best[0] + 1e-9:
                    best = (gain, (f, b, miss_left))
    assert (split.feature, split.bin, split.missing_left) == best[1]
    assert split.missing_left is False  # missing rows (negative g) joined the negative side
    assert split.gain == pytest.approx(best[0], rel=1e-12)


def test_no_split_when_children_would_be_too_light():
    h = Hist(np.array([[5, -5, 0]]), np.array([[1, 1, 0]]), np.array([[1, 1, 0]]))
    assert best_split([(0, h)], (0, 2, 2), SplitParams(min_child_weight=2.0, scale=1.0)) is None
    assert best_split([(0, h)], (0, 2, 2), SplitParams(min_child_weight=0.5, scale=1.0)) is not None


def test_metrics_against_scipy():
    rng = np.random.default_rng(2)
    y = rng.random(2000) < 0.2
    s = np.round(rng.normal(size=2000) + y, 1)  # ties on purpose
    u = stats.mannwhitneyu(s[y], s[~y]).statistic
    assert metrics.auc(y, s) == pytest.approx(u / (y.sum() * (~y).sum()), abs=1e-12)
    assert metrics.ks(y, s) == pytest.approx(stats.ks_2samp(s[y], s[~y]).statistic, abs=1e-12)
    fpr, tpr, _ = metrics.roc_points(y, s)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1
    assert np.trapezoid(tpr, fpr) == pytest.approx(metrics.auc(y, s), abs=1e-12)
    lift = metrics.lift_by_decile(y, s)
    assert sum(d["positives"] for d in lift) == y.sum() and lift[-1]["cumulative_gain"] == 1.0
    assert lift[0]["lift"] > 1.5 > lift[-1]["lift"]


def test_estimate_counts_scale_with_the_work():
    ops = estimate.estimate_ops(45_211, 8, 10, 5, 32, 2048, first_tree_label_only=True)
    assert ops["encrypt"] == 9 * round(45_211 * 0.8)
    more = estimate.estimate_ops(45_211, 8, 10, 6, 32, 2048, first_tree_label_only=True)
    assert more["add"] > ops["add"] and more["decrypt"] > ops["decrypt"]
    assert estimate.estimate_ops(45_211, 0, 10, 5, 32, 2048) == Counter()
    costs = estimate.PrimitiveCosts(2048, 1e-3, 1e-5, 2e-6, 1e-3, 1e-3, 2e-3)
    est = estimate.estimate_duration(45_211, 8, 8, 10, 5, 32, 2048, costs)
    assert est["he_seconds"] == pytest.approx(estimate.lower_bound(Counter(est["ops"]), costs))
    assert est["per_op"]["encrypt"] == pytest.approx(9 * round(45_211 * 0.8) * 1e-3)


def test_params_are_validated_and_digest_is_stable():
    with pytest.raises(ValidationError):
        TrainParams(max_depth=0)
    with pytest.raises(ValidationError):
        TrainParams(key_bits=1536)
    assert TrainParams().digest() == TrainParams().digest() != TrainParams(seed=1).digest()


def test_measure_costs_times_every_primitive_with_real_paillier():
    costs = estimate.measure_costs(1024, rows=256, n_features=2, n_slots=9, batch=4)
    values = [getattr(costs, op) for op in estimate.OPS]
    assert all(v > 0 for v in values)
    assert costs.decrypt > costs.add and costs.encrypt > costs.add  # exponentiations vs one mulmod
