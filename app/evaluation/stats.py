"""Intervals and tests for conversion rates: pure, vectorised functions of counts.

Every function takes numpy arrays (or scalars) of counts and broadcasts, so a breakdown with
hundreds of cells costs one call. Undefined results (an empty arm, a test without variance) come
back as NaN; the report layer turns them into ``null`` with a reason, so NaN never reaches JSON.
Impossible counts (more conversions than customers, negative counts) raise ValueError.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

CONFIDENCE = 0.95


def z_value(confidence: float = CONFIDENCE) -> float:
    """Two-sided standard-normal critical value (1.95996... for 95 %)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be strictly between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _counts(k, n) -> tuple[np.ndarray, np.ndarray]:
    """Conversions and customers as floats; impossible counts (more conversions than customers,
    negative counts) are a counting bug upstream, refused rather than turned into NaN figures."""
    k, n = np.asarray(k, dtype=np.float64), np.asarray(n, dtype=np.float64)
    if np.any(n < 0) or np.any(k < 0) or np.any(k > n):
        raise ValueError("conversions must be between 0 and the number of customers")
    return k, n


def rate(k, n) -> np.ndarray:
    """k / n, NaN where n == 0."""
    k, n = _counts(k, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, k / np.where(n > 0, n, 1.0), np.nan)


def wilson_ci(k, n, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (Wilson 1927).

    Chosen over the Wald interval because it stays inside [0, 1] and keeps its coverage when
    conversions are rare or zero, which is the normal case for a marketing campaign.
    """
    k, n = _counts(k, n)
    z = z_value(confidence)
    safe_n = np.where(n > 0, n, 1.0)
    p = k / safe_n
    z2n = z * z / safe_n
    denom = 1.0 + z2n
    centre = (p + z2n / 2.0) / denom
    half = z / denom * np.sqrt(p * (1.0 - p) / safe_n + z2n / (4.0 * safe_n))
    lo = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(k >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    empty = n <= 0
    return np.where(empty, np.nan, lo), np.where(empty, np.nan, hi)


def newcombe_diff_ci(k1, n1, k2, n2, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval (1998, method 10) for p1 - p2.

    Combines the two Wilson intervals; unlike the Wald difference interval it behaves with zero
    conversions in an arm and small arms, and never leaves [-1, 1].
    """
    p1, p2 = rate(k1, n1), rate(k2, n2)
    l1, u1 = wilson_ci(k1, n1, confidence)
    l2, u2 = wilson_ci(k2, n2, confidence)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return lo, hi


def pooled_z_test(k1, n1, k2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided two-proportion z-test with pooled variance; returns (z, p_value).

    NaN where an arm is empty or nobody / everybody converted in both arms (no variance: the test
    is undefined rather than "p = 1").
    """
    k1, n1 = _counts(k1, n1)
    k2, n2 = _counts(k2, n2)
    ok = (n1 > 0) & (n2 > 0)
    # A cell with one empty arm stands in 1 customer per arm and no conversions, so the pooled
    # rate stays in [0, 1] (the other arm's conversions over 2 would leave it).
    s1, s2 = np.where(ok, n1, 1.0), np.where(ok, n2, 1.0)
    pooled = np.where(ok, k1 + k2, 0.0) / (s1 + s2)
    se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / s1 + 1.0 / s2))
    ok &= se > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(ok, (k1 / s1 - k2 / s2) / np.where(ok, se, 1.0), np.nan)
    p = np.array([math.erfc(abs(v) / math.sqrt(2.0)) if v == v else math.nan
                  for v in np.atleast_1d(z).ravel()], dtype=np.float64).reshape(np.shape(z))
    return z, p


def compare_arms(n_t, k_t, n_c, k_c, confidence: float = CONFIDENCE) -> dict[str, np.ndarray]:
    """All per-cell figures of the report, as arrays aligned with the inputs.

    Incremental conversions are uplift_abs x n_treatment: the conversions the campaign added among
    the customers it treated; its interval is the uplift interval scaled the same way.
    """
    n_t, k_t, n_c, k_c = (np.atleast_1d(np.asarray(a, dtype=np.float64)) for a in (n_t, k_t, n_c, k_c))
    rate_t, rate_c = rate(k_t, n_t), rate(k_c, n_c)
    ci_t, ci_c = wilson_ci(k_t, n_t, confidence), wilson_ci(k_c, n_c, confidence)
    uplift = rate_t - rate_c
    u_lo, u_hi = newcombe_diff_ci(k_t, n_t, k_c, n_c, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(rate_c > 0, uplift / np.where(rate_c > 0, rate_c, 1.0), np.nan)
    _, p_value = pooled_z_test(k_t, n_t, k_c, n_c)
    return {
        "n_t": n_t, "k_t": k_t, "rate_t": rate_t, "rate_t_lo": ci_t[0], "rate_t_hi": ci_t[1],
        "n_c": n_c, "k_c": k_c, "rate_c": rate_c, "rate_c_lo": ci_c[0], "rate_c_hi": ci_c[1],
        "uplift_abs": uplift, "uplift_lo": u_lo, "uplift_hi": u_hi, "uplift_rel": rel,
        "p_value": p_value, "incremental": uplift * n_t,
        "incremental_lo": u_lo * n_t, "incremental_hi": u_hi * n_t,
    }
