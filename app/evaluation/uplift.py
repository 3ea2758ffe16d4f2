"""Campaign arrays to counts: arms, breakdowns, score deciles, uplift curves and model checks.

Inputs are aligned numpy arrays, one entry per customer: ``arm`` (1 treatment, 0 control, -1 in
neither arm), ``outcome`` (0/1), optional category codes and an optional score. Everything is a
bincount, a cumulative sum or one sort, so 4 million customers take a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TREATMENT, CONTROL, EXCLUDED = 1, 0, -1
N_DECILES = 10
PSI_FLOOR = 1e-4  # share given to an empty bin so PSI stays finite (common practice)


@dataclass(frozen=True)
class ArmCounts:
    """Customers and conversions per cell and arm (arrays of equal length)."""

    n_t: np.ndarray
    k_t: np.ndarray
    n_c: np.ndarray
    k_c: np.ndarray


def arm_counts(arm: np.ndarray, outcome: np.ndarray, codes: np.ndarray | None = None,
               n_cells: int = 1) -> ArmCounts:
    """Count customers and conversions per (cell, arm) with one bincount."""
    in_arm = arm >= 0
    cell = np.zeros(int(in_arm.sum()), dtype=np.int64) if codes is None else codes[in_arm].astype(np.int64)
    slot = cell * 2 + (arm[in_arm] == TREATMENT)
    n = np.bincount(slot, minlength=2 * n_cells)
    k = np.bincount(slot, weights=outcome[in_arm], minlength=2 * n_cells)
    return ArmCounts(n_t=n[1::2], k_t=k[1::2].round(), n_c=n[0::2], k_c=k[0::2].round())


def score_deciles(score: np.ndarray, n_bins: int = N_DECILES) -> np.ndarray:
    """Decile of every customer's score over the whole population, 1 = highest scores.

    A customer's decile is 1 + floor(n_bins * (customers with a strictly higher score) / N), so
    equal scores always share a decile and the result does not depend on row order; heavy ties can
    leave a decile smaller or empty. Missing scores (NaN) get 0 and are left out of every decile.
    """
    out = np.zeros(score.shape[0], dtype=np.int64)
    valid = ~np.isnan(score)
    s = score[valid]
    n = s.size
    if n == 0:
        return out
    # decile <= d  <=>  (customers above) <= ceil(d*N/n_bins) - 1  <=>  score >= t_d, where t_d is
    # the value at that rank; a sort plus a search among n_bins - 1 thresholds (no argsort needed).
    ranked = np.sort(s)
    d = np.arange(1, n_bins)
    thresholds = ranked[n - 1 - ((d * n + n_bins - 1) // n_bins - 1)]  # t_1 >= t_2 >= ...
    above = (n_bins - 1) - np.searchsorted(thresholds[::-1], s, side="right")
    out[valid] = above + 1
    return out


def uplift_curves(c: ArmCounts) -> dict[str, np.ndarray | float]:
    """Cumulative uplift and Qini curves over deciles ordered from the highest score down.

    At the k-th point the top k deciles are targeted (x = their share of all scored customers):
    - uplift curve: (cum. treated rate - cum. control rate) x x, i.e. the incremental conversions
      per scored customer if only the top x were treated (Rzepakowski & Jaroszewicz 2012);
    - Qini curve: (cum. treated conversions - cum. control conversions x cum. n_t / cum. n_c) / N_t,
      the incremental conversions per treated customer (Radcliffe 2007).
    AUUC is the trapezoid area under the uplift curve from (0, 0); ``auuc_random`` is the area of
    random targeting (a straight line to the overall uplift, i.e. overall uplift / 2). The Qini
    area is the area between the Qini curve and its random line. Both are NaN when some cumulative
    point has no treated or no control customer.
    """
    cn_t, ck_t, cn_c, ck_c = (np.cumsum(a) for a in (c.n_t, c.k_t, c.n_c, c.k_c))
    total = cn_t[-1] + cn_c[-1]
    frac = (cn_t + cn_c) / total if total else np.full(cn_t.shape, np.nan)
    ok = (cn_t > 0) & (cn_c > 0)
    safe_t, safe_c = np.where(ok, cn_t, 1), np.where(ok, cn_c, 1)
    cum_uplift = np.where(ok, ck_t / safe_t - ck_c / safe_c, np.nan)
    uplift = cum_uplift * frac
    qini = np.where(ok, (ck_t - ck_c * cn_t / safe_c) / max(cn_t[-1], 1), np.nan)
    x = np.concatenate(([0.0], frac))
    auuc = float(np.trapezoid(np.concatenate(([0.0], uplift)), x))
    q_area = float(np.trapezoid(np.concatenate(([0.0], qini)), x)) - float(qini[-1]) / 2.0
    return {"fraction": frac, "cum_uplift_rate": cum_uplift, "uplift": uplift, "qini": qini,
            "auuc": auuc, "auuc_random": float(uplift[-1]) / 2.0, "qini_area": q_area}


def auc_ks(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """ROC AUC (Mann-Whitney, ties counted half) and KS statistic of a score against 0/1 outcomes.

    Both come from the two sorted samples: each positive counts the negatives below (and half the
    equal ones), and the two empirical CDFs are compared at every observed score. Sorted search
    keys keep this at sort speed. NaN when either class is absent.
    """
    pos, neg = np.sort(score[y == 1]), np.sort(score[y == 0])
    if pos.size == 0 or neg.size == 0:
        return float("nan"), float("nan")
    below = np.searchsorted(neg, pos, side="left")
    not_above = np.searchsorted(neg, pos, side="right")
    wins = float(below.sum()) + 0.5 * float((not_above - below).sum())
    auc = wins / (pos.size * neg.size)
    points = np.sort(np.concatenate((pos, neg)))
    gap = np.searchsorted(pos, points, side="right") / pos.size - np.searchsorted(neg, points, side="right") / neg.size
    return auc, float(np.max(np.abs(gap)))


def calibration(score: np.ndarray, y: np.ndarray, deciles: np.ndarray) -> dict[str, np.ndarray | float]:
    """Mean predicted probability vs observed rate per decile (customers given in, e.g. treated).

    ``ece`` is the customer-weighted mean absolute gap (expected calibration error).
    """
    idx = deciles - 1
    n = np.bincount(idx, minlength=N_DECILES)
    pred_sum = np.bincount(idx, weights=score, minlength=N_DECILES)
    conv = np.bincount(idx, weights=y, minlength=N_DECILES)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_pred = np.where(n > 0, pred_sum / np.maximum(n, 1), np.nan)
        observed = np.where(n > 0, conv / np.maximum(n, 1), np.nan)
    gap = np.abs(mean_pred - observed)
    ece = float(np.nansum(gap * n) / n.sum()) if n.sum() else float("nan")
    return {"n": n, "conversions": conv.round(), "mean_predicted": mean_pred,
            "observed": observed, "ece": ece}


def psi(reference: np.ndarray, current: np.ndarray, n_bins: int = N_DECILES) -> dict[str, np.ndarray | float]:
    """Population stability index of ``current`` scores against ``reference`` scores.

    Bins are the reference deciles, (-inf, q10], (q10, q20], ..., (q90, inf), merged where the
    reference has ties; PSI = sum((a - e) * ln(a / e)) over bins with shares floored at 1e-4.
    """
    ref = reference[~np.isnan(reference)]
    cur = current[~np.isnan(current)]
    if ref.size == 0 or cur.size == 0:
        return {"psi": float("nan"), "edges": np.empty(0), "expected": np.empty(0), "actual": np.empty(0)}
    edges = np.unique(np.quantile(ref, np.linspace(0.0, 1.0, n_bins + 1)[1:-1]))
    expected = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=edges.size + 1) / ref.size
    actual = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=edges.size + 1) / cur.size
    e, a = np.maximum(expected, PSI_FLOOR), np.maximum(actual, PSI_FLOOR)
    return {"psi": float(np.sum((a - e) * np.log(a / e))), "edges": edges,
            "expected": expected, "actual": actual}
