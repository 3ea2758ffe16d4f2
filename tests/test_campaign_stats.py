"""Intervals and tests of app.evaluation.stats against hand-computed values and statsmodels."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportions_ztest)

from app.evaluation.stats import compare_arms, newcombe_diff_ci, pooled_z_test, wilson_ci, z_value


def test_z_value_95():
    assert z_value() == pytest.approx(1.959963984540054, abs=1e-12)
    with pytest.raises(ValueError):
        z_value(1.0)


def test_wilson_hand_computed():
    # 5/10: centre 0.5, half-width z/(1+z²/n)·sqrt(p(1-p)/n + z²/4n²) = 0.26340
    lo, hi = wilson_ci(5, 10)
    assert (float(lo), float(hi)) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    # 0/10: lower bound exactly 0, upper z²/(n+z²) = 3.8415/13.8415
    lo, hi = wilson_ci(0, 10)
    assert float(lo) == 0.0
    assert float(hi) == pytest.approx(1.959963984540054 ** 2 / (10 + 1.959963984540054 ** 2), rel=1e-12)
    lo, hi = wilson_ci(10, 10)
    assert float(hi) == 1.0


def test_wilson_empty_arm_is_nan():
    lo, hi = wilson_ci(0, 0)
    assert math.isnan(lo) and math.isnan(hi)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 100000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(kn):
    k, n = kn
    lo, hi = wilson_ci(k, n)
    ref = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert float(lo) == pytest.approx(ref[0], abs=1e-12)
    assert float(hi) == pytest.approx(ref[1], abs=1e-12)


def test_newcombe_published_examples():
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10.
    lo, hi = newcombe_diff_ci(56, 70, 48, 80)
    assert (float(lo), float(hi)) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    lo, hi = newcombe_diff_ci(9, 10, 3, 10)
    assert (float(lo), float(hi)) == pytest.approx((0.1705, 0.8090), abs=5e-5)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 50000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.integers(1, 50000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_newcombe_matches_statsmodels(a, b):
    (k1, n1), (k2, n2) = a, b
    lo, hi = newcombe_diff_ci(k1, n1, k2, n2)
    ref = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff", alpha=0.05)
    assert float(lo) == pytest.approx(ref[0], abs=1e-10)
    assert float(hi) == pytest.approx(ref[1], abs=1e-10)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 50000).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n))),
       st.integers(1, 50000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_pooled_z_test_matches_statsmodels(a, b):
    (k1, n1), (k2, n2) = a, b
    z, p = pooled_z_test(k1, n1, k2, n2)
    ref_z, ref_p = proportions_ztest([k1, k2], [n1, n2], alternative="two-sided")
    assert float(z) == pytest.approx(ref_z, rel=1e-9, abs=1e-12)
    assert float(p) == pytest.approx(ref_p, rel=1e-6, abs=1e-300)


def test_pooled_z_test_hand_computed():
    # 30/100 vs 20/100: pooled 0.25, se = sqrt(.25·.75·.02) = 0.061237, z = 1.63299, p = 0.10247
    z, p = pooled_z_test(30, 100, 20, 100)
    assert float(z) == pytest.approx(1.632993, abs=1e-6)
    assert float(p) == pytest.approx(0.102470, abs=1e-6)


def test_pooled_z_test_undefined_without_variance():
    z, p = pooled_z_test(np.array([0, 5, 0]), np.array([10, 5, 0]), np.array([0, 7, 1]), np.array([20, 7, 4]))
    assert np.isnan(p).all() and np.isnan(z).all()


def test_compare_arms_vectorised_and_derived_figures():
    f = compare_arms([100, 200], [30, 10], [100, 400], [20, 0])
    assert f["uplift_abs"][0] == pytest.approx(0.1)
    assert f["uplift_rel"][0] == pytest.approx(0.5)
    assert f["incremental"][0] == pytest.approx(10.0)
    assert f["incremental_lo"][0] == pytest.approx(f["uplift_lo"][0] * 100)
    assert f["incremental_hi"][1] == pytest.approx(f["uplift_hi"][1] * 200)
    # zero control conversions: relative uplift undefined, intervals still finite
    assert math.isnan(f["uplift_rel"][1])
    assert np.isfinite([f["uplift_lo"][1], f["uplift_hi"][1], f["p_value"][1]]).all()
    ref = confint_proportions_2indep(10, 200, 0, 400, method="newcomb", compare="diff")
    assert (f["uplift_lo"][1], f["uplift_hi"][1]) == pytest.approx(ref, abs=1e-12)


def test_pooled_z_test_with_one_empty_arm_is_nan_without_a_warning(recwarn):
    """A cell with no control customer but several treated converters (a branch or decile
    breakdown) is undefined, and must not compute a pooled rate above 1 on the way."""
    z, p = pooled_z_test(np.array([5, 0]), np.array([100, 0]), np.array([0, 7]), np.array([0, 40]))
    assert np.isnan(z).all() and np.isnan(p).all()
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []


@pytest.mark.parametrize("counts", [(11, 10, 1, 10), (1, 10, -1, 10), (0, -1, 0, 10)])
def test_impossible_counts_are_refused_not_nan(counts):
    """More conversions than customers, or negative counts, are a counting bug upstream."""
    k1, n1, k2, n2 = counts
    with pytest.raises(ValueError, match="conversions"):
        pooled_z_test(k1, n1, k2, n2)
    with pytest.raises(ValueError, match="conversions"):
        compare_arms(n1, k1, n2, k2)
