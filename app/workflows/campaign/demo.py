"""Demo outcomes for a finalised plan, drawn from the simulated world (app/data/simworld.py).

Production never calls this: it knows the ground truth. Treated members (status ``contact``) get
the generator's documented invitation effect through their plan channel, control members get
none. Each member's features come from the bank dataset stored in the workspace (matched by
identifier; partner columns are unknown to the bank and count as the population means, as
simworld documents). Members not in any dataset (synthetic plans) get a *synthetic world*: age
~ N(44, 12), online spend share ~ Beta(2, 2), app-active if invited by app (else 30 %),
branch visitor if invited at a branch (else 15 %), and quick-pay share rising with the plan
score's rank, so the model checks have a real signal to find.

``true_uplift_abs`` is the mean over the evaluated treated members of
``P(bind | invited) - P(bind | not invited)`` from the same model: what the evaluation should
recover within its confidence interval.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from app.data import simworld
from app.data.idmatch import positions
from app.store import datasets as dataset_store
from app.store.plans import reference_key
from app.workflows.campaign.evaluation import DAY, window_start
from app.workflows.importing.data_import import load_eligible_in
from app.workflows.plans.export import references
from app.workflows.plans.plan import CONTACT, Plan
from app.workflows.plans.rules import CHANNELS
from app.workflows.plans.summary import evaluation_arms

CST = timezone(timedelta(hours=8))
_NEEDED = ("age", "online_spend_share", "app_active_30d", "branch_visit_recent", "already_bound",
           "opted_out")


@dataclass
class SimulatedOutcomes:
    path: str
    true_uplift_abs: float
    rows: int
    treated: int
    control: int


def _synthetic(plan: Plan, rng) -> dict[str, np.ndarray]:
    m = plan.members
    n = len(m)
    rank = np.empty(n)
    rank[np.argsort(m.score, kind="stable")] = np.arange(n) / max(n - 1, 1)
    return {"age": np.clip(rng.normal(44, 12, n), 20, 75),
            "online_spend_share": rng.beta(2, 2, n),
            "app_active_30d": np.where(m.channel == 0, 1, rng.random(n) < 0.30).astype(float),
            "branch_visit_recent": np.where(m.channel == 1, 1, rng.random(n) < 0.15).astype(float),
            "already_bound": np.zeros(n), "opted_out": np.zeros(n),
            "pay_quickpay_share": 0.05 + 0.6 * rank}


def _from_dataset(conn, plan: Plan, features: dict[str, np.ndarray]) -> int:
    """Overwrite the synthetic features of members found in the bank dataset; returns how many."""
    found = dataset_store.latest_bank_dataset(conn, plan.id_type)
    if found is None or plan.members.ids is None:
        return 0
    data = load_eligible_in(conn, found[0])
    pos = positions(data.ids, plan.members.ids)
    found = pos >= 0
    columns = {name: data.features[:, j] for j, name in enumerate(data.feature_names)}
    columns.update({k: v.astype(float) for k, v in data.contact.items()})
    if not found.any() or not all(k in columns for k in _NEEDED):
        return 0
    for name in _NEEDED:
        features[name][found] = columns[name][pos[found]]
    features["pay_quickpay_share"][found] = np.nan   # partner column: unknown to the bank
    return int(found.sum())


def simulate(conn, plan: Plan, seed: int, out_dir: str | None, window_days: int) -> SimulatedOutcomes:
    rng = np.random.default_rng(seed)
    features = _synthetic(plan, rng)
    _from_dataset(conn, plan, features)
    m = plan.members
    channel = np.asarray(CHANNELS)[m.channel]
    invited = plan.status == CONTACT
    bound = simworld.simulate_outcomes(features, channel, invited, seed + 1).astype(bool)
    _keys, arm = evaluation_arms(plan)
    treated = arm == 1
    lift = (simworld.response_probability(features, channel, np.ones(len(m), bool))
            - simworld.response_probability(features, channel, np.zeros(len(m), bool)))
    true_uplift = float(lift[treated].mean()) if treated.any() else 0.0
    start, _basis = window_start(conn, plan)
    when = start + rng.random(len(m)) * window_days * DAY
    ids = (m.ids.astype(str).tolist() if m.ids is not None
           else references(reference_key(conn), None, m.customer_key))
    out_dir = out_dir or tempfile.mkdtemp(prefix="lianmo-outcomes-")
    path = os.path.join(out_dir, f"{plan.rules.campaign_id}_outcomes.csv")
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["customer_id", "bound_at", "channel"])
        for i in np.flatnonzero(bound):
            stamp = datetime.fromtimestamp(when[i], CST).strftime("%Y-%m-%d %H:%M:%S")
            writer.writerow([ids[i], stamp, channel[i] if invited[i] else "online"])
            rows += 1
    return SimulatedOutcomes(path, true_uplift, rows, int(treated.sum()), int((arm == 0).sum()))
