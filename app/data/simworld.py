"""The simulated world behind the demo data: how customers respond to a quick-pay invitation.

Used twice: the generator draws the historical label (did the customer bind after a past
invitation?) from it, and the campaign demo later draws outcomes of new campaigns from it. It is
the *ground truth* of the demo, so it sees both parties' columns; production code never calls it.

Response probability = organic binding (baseline) + invitation effect (uplift), where
- baseline = sigmoid(-3.6 + 3.0·pq + 0.6·os + 0.4·min(orders, 60)/30): people who already pay by
  bank card on the platform (pq = ``pay_quickpay_share``) bind anyway;
- app uplift, only for customers active in the app (``app_active_30d``):
  0.02 + 0.22·pq·os  (os = ``online_spend_share``): the app pitch works on online spenders;
- branch uplift, only for recent branch visitors (``branch_visit_recent``):
  0.02 + 0.14·sigmoid((age - 45) / 8)·(1 - os): the verbal pitch works on older, offline customers;
- no effect at all for ``opted_out`` customers, and no binding for ``already_bound`` ones.
Partner columns are NaN for bank customers the platform does not know; they count as the
population means (pq 0.30, orders 12). The label therefore depends on both sides' features, and
the uplift is heterogeneous in features and channel (so uplift models and channel choice matter).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

CHANNELS = ("app", "branch")
MEAN_PQ, MEAN_ORDERS = 0.30, 12.0


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _col(features: Mapping[str, np.ndarray], name: str, fill: float) -> np.ndarray:
    arr = np.asarray(features[name], dtype=np.float64) if name in features else None
    if arr is None:
        raise KeyError(f"simulation needs the column {name!r}")
    return np.where(np.isnan(arr), fill, arr)


def _partner(features, name: str, fill: float, n: int) -> np.ndarray:
    if name not in features:
        return np.full(n, fill)
    return _col(features, name, fill)


def baseline_probability(features: Mapping[str, np.ndarray]) -> np.ndarray:
    """Probability of binding without any invitation."""
    os_ = _col(features, "online_spend_share", 0.5)
    n = len(os_)
    pq = _partner(features, "pay_quickpay_share", MEAN_PQ, n)
    orders = _partner(features, "online_orders_90d", MEAN_ORDERS, n)
    p = _sigmoid(-3.6 + 3.0 * pq + 0.6 * os_ + 0.4 * np.minimum(orders, 60) / 30)
    return np.where(_col(features, "already_bound", 0) == 1, 0.0, p)


def treatment_effect(features: Mapping[str, np.ndarray], channel) -> np.ndarray:
    """Probability uplift of inviting each customer through ``channel`` ('app'/'branch' or an
    array of them); 0 for opted-out or already-bound customers."""
    os_ = _col(features, "online_spend_share", 0.5)
    n = len(os_)
    pq = _partner(features, "pay_quickpay_share", MEAN_PQ, n)
    age = _col(features, "age", 40)
    app = (0.02 + 0.22 * pq * os_) * (_col(features, "app_active_30d", 0) == 1)
    branch = (0.02 + 0.14 * _sigmoid((age - 45) / 8) * (1 - os_)) \
        * (_col(features, "branch_visit_recent", 0) == 1)
    chan = np.broadcast_to(np.asarray(channel), (n,))
    if not np.isin(chan, CHANNELS).all():
        raise ValueError("channel must be 'app' or 'branch'")
    effect = np.where(chan == "app", app, branch)
    blocked = (_col(features, "opted_out", 0) == 1) | (_col(features, "already_bound", 0) == 1)
    return np.where(blocked, 0.0, effect)


def response_probability(features, channel, treated) -> np.ndarray:
    treated = np.asarray(treated, dtype=bool)
    return np.clip(baseline_probability(features) + treated * treatment_effect(features, channel), 0, 1)


def simulate_outcomes(features: Mapping[str, np.ndarray], channel, treated, seed: int) -> np.ndarray:
    """Draw who binds (int8 0/1) for a campaign: ``treated`` customers were invited through
    ``channel``, the others (control group) were not. Deterministic per ``seed``."""
    p = response_probability(features, channel, treated)
    return (np.random.default_rng(seed).random(len(p)) < p).astype(np.int8)
