"""The random hold-out: drawn within strata, seeded, and checked for balance.

Stratifying by decile x channel x branch makes treated and control comparable cell by cell, so the
evaluation can report uplift per channel, branch and decile without re-weighting. Within each
stratum of ``n`` members the hold-out has ``floor(f*n)`` or ``ceil(f*n)`` members (randomised
rounding: unbiased overall, even when most strata are small). The draw depends only on the seed
and on the members' keys and strata, never on the input row order, so a stored plan reproduces.
"""

from __future__ import annotations

import numpy as np

TREATED, CONTROL = 0, 1


def stratum_ids(decile: np.ndarray, channel: np.ndarray, branch: np.ndarray) -> np.ndarray:
    """Dense stratum number of each member (decile 1-10, channel 0-1, branch code)."""
    return ((branch.astype(np.int64) * 2 + channel) * 16 + decile).astype(np.int64)


def draw_control(customer_key: np.ndarray, strata: np.ndarray, fraction: float,
                 seed: int) -> np.ndarray:
    """uint8 arm per member: 1 = control, 0 = treated."""
    n = len(customer_key)
    arm = np.zeros(n, np.uint8)
    if n == 0 or fraction <= 0:
        return arm
    rng = np.random.default_rng(seed)
    u = rng.random(n)                              # one uniform per customer, in key order
    if not np.all(customer_key[1:] > customer_key[:-1]):
        by_key = np.argsort(customer_key, kind="stable")
        u[by_key] = u.copy()
    labels, dense = np.unique(strata, return_inverse=True)
    sizes = np.bincount(dense, minlength=len(labels))
    target = fraction * sizes
    take = np.floor(target).astype(np.int64)
    take += rng.random(len(labels)) < (target - take)   # randomised rounding per stratum
    order = np.argsort(dense + u)                        # by stratum, random within it
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.arange(n) - np.repeat(starts, sizes)
    arm[order[rank < take[dense[order]]]] = CONTROL
    return arm


def smd(treated: np.ndarray, control: np.ndarray) -> float | None:
    """Standardised mean difference (pooled standard deviation); None if an arm is empty."""
    if len(treated) == 0 or len(control) == 0:
        return None
    pooled = np.sqrt((treated.var() + control.var()) / 2)
    diff = float(treated.mean() - control.mean())
    if pooled == 0:
        return 0.0 if diff == 0 else float("inf")
    return diff / float(pooled)


def balance(score: np.ndarray, branch: np.ndarray, branches: tuple[str, ...],
            arm: np.ndarray, active: np.ndarray) -> dict:
    """Score SMD and branch mix of the active treated vs control members."""
    t = active & (arm == TREATED)
    c = active & (arm == CONTROL)
    value = smd(score[t], score[c])
    nb = len(branches)
    share_t = np.bincount(branch[t], minlength=nb) / max(1, int(t.sum()))
    share_c = np.bincount(branch[c], minlength=nb) / max(1, int(c.sum()))
    present = (share_t > 0) | (share_c > 0)
    return {
        "score_smd": None if value is None else round(value, 6),
        "branch_mix_max_abs_diff": round(float(np.abs(share_t - share_c).max()) if nb else 0.0, 6),
        "branch_mix": {branches[i]: {"treated": round(float(share_t[i]), 6),
                                     "control": round(float(share_c[i]), 6)}
                       for i in np.flatnonzero(present)},
    }
