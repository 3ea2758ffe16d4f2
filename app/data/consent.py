"""Who may be used for the joint marketing model *right now*.

Eligibility is never stored as a flag: it is recomputed from all consent events at the moment of
use, so a later file that revokes consent excludes the customer from every step after it, by
construction. The import workflow applies the same rule to stored consents
(app/workflows/importing/data_import.py); a test checks the two agree.

Rule (purpose ``joint-marketing-model``), at time ``t``: a customer is eligible iff some consent
row ``g`` has ``g.granted_at <= t``, is not expired (``expires_at`` empty or ``t < expires_at``),
is not itself revoked by ``t`` (``revoked_at`` empty or ``revoked_at > t``), and no row of the same
customer records a revocation ``r`` with ``g.granted_at <= r <= t``. A grant given after a
revocation therefore counts again; one given before it does not.
"""

from __future__ import annotations

import time

import numpy as np

from app.data.loader import ConsentEvents


def eligible_ids(events: ConsentEvents, at: float | None = None) -> np.ndarray:
    """Sorted unique canonical identifiers eligible at ``at`` (epoch seconds; default now)."""
    t = time.time() if at is None else float(at)
    if len(events.ids) == 0:
        return events.ids[:0]
    customers, who = np.unique(events.ids, return_inverse=True)
    g, e, r = events.granted_at, events.expires_at, events.revoked_at
    with np.errstate(invalid="ignore"):
        active = (g <= t) & (np.isnan(e) | (t < e)) & (np.isnan(r) | (r > t))
        revoked_by_t = ~np.isnan(r) & (r <= t)
    last_revocation = np.full(len(customers), -np.inf)
    np.maximum.at(last_revocation, who[revoked_by_t], r[revoked_by_t])
    valid = active & (last_revocation[who] < g)
    ok = np.zeros(len(customers), bool)
    ok[who[valid]] = True
    return customers[ok]


def eligible_mask(ids: np.ndarray, events: ConsentEvents, at: float | None = None) -> np.ndarray:
    """Boolean mask over ``ids``: which of them are eligible at ``at``."""
    return np.isin(ids, eligible_ids(events, at))
