"""Summaries of a plan: the demo report's ``plan`` section, the partner's aggregates, evaluation arms.

Counts only ever cover *active* members (not removed, rejected or withdrawn); a draft counts all.
"""

from __future__ import annotations

import numpy as np

from app.workflows.plans.build import Draft, counts
from app.workflows.plans.control import CONTROL, TREATED, balance
from app.workflows.plans.rules import CHANNELS
from app.workflows.plans.plan import STATUS_NAMES, Plan


def _active(plan) -> np.ndarray:
    return plan.active if isinstance(plan, Plan) else np.ones(len(plan.members), bool)


def plan_summary(plan: Plan | Draft) -> dict:
    """The demo report's ``plan`` section: counts now, and how comparable the two arms are."""
    active = _active(plan)
    m = plan.members
    out = counts(m, plan.branches, active)
    out["campaign_id"] = plan.rules.campaign_id
    out["control_fraction"] = plan.rules.control_fraction
    out["control_balance"] = balance(m.score, m.branch, plan.branches, m.arm, active)
    out["by_model_source"] = {name: int((active & (m.model_source == i)).sum())
                              for i, name in enumerate(("federated", "label_only"))}
    if isinstance(plan, Plan):
        out["status"] = {name: int((plan.status == i).sum())
                         for i, name in enumerate(STATUS_NAMES)}
        out["state"], out["version"] = plan.state, plan.version
    return out


def plan_aggregates(plan: Plan | Draft) -> dict:
    """What the partner may receive (through an approved job): plan sizes only, no list."""
    active = _active(plan)
    m = plan.members
    t, c = active & (m.arm == TREATED), active & (m.arm == CONTROL)
    return {"campaign_id": plan.rules.campaign_id, "treated": int(t.sum()), "control": int(c.sum()),
            "by_channel": {ch: {"treated": int((t & (m.channel == i)).sum()),
                                "control": int((c & (m.channel == i)).sum())}
                           for i, ch in enumerate(CHANNELS)}}


def evaluation_arms(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """(customer_key, arm) for app/evaluation: 1 treated, 0 control, -1 neither (left out)."""
    arm = np.where(plan.members.arm == CONTROL, 0, 1).astype(np.int8)
    arm[~plan.active] = -1
    return plan.members.customer_key.copy(), arm
