"""Counts, deciles, curves and model checks of app.evaluation.uplift vs hand results and scipy."""

import numpy as np
import pytest
from scipy.stats import ks_2samp, mannwhitneyu

from app.evaluation import uplift as U


def test_arm_counts_per_cell():
    arm = np.array([1, 1, 0, 0, -1, 1, 0])
    y = np.array([1, 0, 1, 0, 1, 1, 1])
    codes = np.array([0, 0, 0, 1, 1, 1, 2])
    c = U.arm_counts(arm, y, codes, 3)
    assert c.n_t.tolist() == [2, 1, 0]
    assert c.k_t.tolist() == [1, 1, 0]
    assert c.n_c.tolist() == [1, 1, 1]
    assert c.k_c.tolist() == [1, 0, 1]
    overall = U.arm_counts(arm, y)
    assert (overall.n_t[0], overall.k_t[0], overall.n_c[0], overall.k_c[0]) == (3, 2, 3, 2)


def test_deciles_highest_first_equal_sizes():
    score = np.arange(100, dtype=float)[::-1].copy()  # row 0 has the highest score
    d = U.score_deciles(score)
    assert d[0] == 1 and d[99] == 10
    assert np.bincount(d)[1:].tolist() == [10] * 10
    assert (np.diff(d) >= 0).all()


def test_deciles_ties_share_a_decile_and_ignore_row_order():
    rng = np.random.default_rng(3)
    score = rng.integers(0, 4, 1000).astype(float)
    d = U.score_deciles(score)
    for v in np.unique(score):
        assert len(set(d[score == v].tolist())) == 1
    perm = rng.permutation(1000)
    assert (U.score_deciles(score[perm]) == d[perm]).all()


def test_deciles_missing_scores_are_zero():
    d = U.score_deciles(np.array([0.3, np.nan, 0.1, 0.9]))
    assert d[1] == 0 and d[3] == 1 and (d[[0, 2, 3]] > 0).all()


def test_uplift_curves_hand_computed():
    # Two "deciles" with n_t=n_c=10 each: top has 5/10 vs 1/10, bottom 2/10 vs 2/10.
    c = U.ArmCounts(n_t=np.array([10, 10]), k_t=np.array([5, 2]), n_c=np.array([10, 10]), k_c=np.array([1, 2]))
    r = U.uplift_curves(c)
    assert r["fraction"].tolist() == [0.5, 1.0]
    assert r["cum_uplift_rate"] == pytest.approx([0.4, 0.2])
    assert r["uplift"] == pytest.approx([0.2, 0.2])
    assert r["qini"] == pytest.approx([(5 - 1) / 20, (7 - 3) / 20])
    # trapezoids: (0 + .2)/2·.5 + (.2 + .2)/2·.5 = 0.05 + 0.1
    assert r["auuc"] == pytest.approx(0.15)
    assert r["auuc_random"] == pytest.approx(0.1)
    assert r["qini_area"] == pytest.approx(0.15 - 0.1)


def test_uplift_curves_missing_control_is_nan():
    c = U.ArmCounts(n_t=np.array([5, 5]), k_t=np.array([1, 1]), n_c=np.array([0, 5]), k_c=np.array([0, 1]))
    r = U.uplift_curves(c)
    assert np.isnan(r["uplift"][0]) and np.isnan(r["auuc"])
    assert r["uplift"][1] == pytest.approx(0.0)


@pytest.mark.parametrize("seed,ties", [(0, False), (1, True), (2, True)])
def test_auc_ks_match_scipy(seed, ties):
    rng = np.random.default_rng(seed)
    n = 5000
    y = (rng.random(n) < 0.2).astype(np.int8)
    score = rng.normal(size=n) + 0.7 * y
    if ties:
        score = np.round(score, 1)
    auc, ks = U.auc_ks(score, y)
    u = mannwhitneyu(score[y == 1], score[y == 0], alternative="two-sided").statistic
    assert auc == pytest.approx(u / (y.sum() * (n - y.sum())), abs=1e-12)
    assert ks == pytest.approx(ks_2samp(score[y == 1], score[y == 0]).statistic, abs=1e-12)


def test_auc_ks_hand_computed_and_degenerate():
    auc, ks = U.auc_ks(np.array([0.9, 0.8, 0.3, 0.1]), np.array([1, 0, 1, 0]))
    assert auc == pytest.approx(0.75)  # pairs (.9>.8, .9>.1, .3<.8, .3>.1) = 3/4
    assert ks == pytest.approx(0.5)
    auc, ks = U.auc_ks(np.array([0.1, 0.2]), np.array([1, 1]))
    assert np.isnan(auc) and np.isnan(ks)


def test_calibration_by_decile():
    score = np.array([0.9, 0.9, 0.1, 0.1])
    y = np.array([1, 0, 0, 0])
    cal = U.calibration(score, y, np.array([1, 1, 10, 10]))
    assert cal["n"][0] == 2 and cal["n"][9] == 2 and cal["n"][1:9].sum() == 0
    assert cal["mean_predicted"][0] == pytest.approx(0.9) and cal["observed"][0] == pytest.approx(0.5)
    assert np.isnan(cal["observed"][4])
    assert cal["ece"] == pytest.approx((2 * 0.4 + 2 * 0.1) / 4)


def test_psi_identical_is_zero_and_hand_computed_shift():
    rng = np.random.default_rng(7)
    ref = rng.random(10000)
    assert U.psi(ref, ref)["psi"] == pytest.approx(0.0, abs=1e-12)
    # everyone moved into the top reference decile: 10 % -> 100 %, others floored at 1e-4
    p = U.psi(ref, np.full(1000, 2.0))
    expected = 9 * (1e-4 - 0.1) * np.log(1e-4 / 0.1) + (1.0 - 0.1) * np.log(1.0 / 0.1)
    assert p["psi"] == pytest.approx(expected, rel=1e-3)
    assert p["edges"].size == 9


def test_psi_moderate_shift_in_expected_range():
    rng = np.random.default_rng(8)
    p = U.psi(rng.normal(size=50000), rng.normal(0.3, 1.0, size=50000))["psi"]
    assert 0.05 < p < 0.15  # PSI of a 0.3 sd mean shift is about 0.09


@pytest.mark.parametrize("n,levels", [(1, 3), (7, 2), (95, 5), (1003, 1000), (500, 1)])
def test_deciles_match_the_definition_brute_force(n, levels):
    rng = np.random.default_rng(n)
    score = rng.integers(0, levels, n).astype(float)
    higher = np.array([(score > s).sum() for s in score])
    assert (U.score_deciles(score) == 1 + 10 * higher // n).all()
