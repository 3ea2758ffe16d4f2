"""A plan as the workflows use it: its current version, and each member's status derived now.

A plan version's members never change after it is written; what changes (branch decisions,
removals, finalisation, consent withdrawals) is recorded beside it, and each member's *status* is
derived from those records at the moment of use. That is how a revoked consent takes a customer
out of every plan at once, including finalised ones, without rewriting any list.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from app.errors import UserFacingError
from app.store import plans as plan_store
from app.workflows.plans.build import Draft, Members
from app.workflows.plans.control import CONTROL
from app.workflows.plans.rules import Rules, parse_rules

CONTACT, HOLDOUT, REMOVED, BRANCH_REJECTED, NO_RESPONSE, CONSENT_WITHDRAWN = range(6)
STATUS_NAMES = ("contact", "control", "removed_by_branch", "branch_rejected",
                "branch_no_response", "consent_withdrawn")
DAY = 86400
_BASE_COLUMNS = ("customer_key", "score", "model_source", "branch", "decile", "channel", "arm",
                 "overflow", "consent_until")


@dataclass
class Plan:
    id: str
    campaign_id: str
    model_id: str
    state: str
    version: int
    rules: Rules
    branches: tuple[str, ...]
    id_type: str | None
    custom_meta: dict
    funnel: dict
    members: Members
    decisions: dict[str, dict]
    removed: np.ndarray                 # member indices removed by branch managers
    final_status: np.ndarray | None
    created_by: str
    created_at: str
    finalised_at: str | None
    status: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))

    @property
    def active(self) -> np.ndarray:
        return self.status <= HOLDOUT

    def branch_code(self, name: str) -> int | None:
        try:
            return self.branches.index(name)
        except ValueError:
            return None

    def member_branches(self) -> list[str]:
        """Branches that have at least one treated member (those asked to review)."""
        codes = np.unique(self.members.branch[self.members.arm != CONTROL])
        return [self.branches[c] for c in codes]


def insert_version(conn, plan_id: str, version: int, draft: Draft, user: str, now: str) -> None:
    m = draft.members
    plan_store.insert_version(conn, plan_id, version, draft.rules.to_json(), draft.rules.seed,
                              draft.branches, draft.id_type, draft.custom_meta, draft.funnel,
                              {c: getattr(m, c) for c in _BASE_COLUMNS}, m.ids, m.custom, user, now)


def load_plan_in(conn, plan_id: str, now: float | None = None) -> Plan:
    v = plan_store.load_version(conn, plan_id)
    if v is None:
        raise UserFacingError.coded("plans.no_plan")
    members = Members(**{c: v["columns"][c] for c in _BASE_COLUMNS}, ids=v["ids"],
                      custom=v["custom"])
    plan = Plan(plan_id, v["campaign_id"], v["model_id"], v["state"], v["version"],
                parse_rules(v["rules"]), v["branches"], v["id_type"], v["custom_meta"], v["funnel"],
                members, v["decisions"], v["removed"], v["final_status"], v["created_by"],
                v["created_at"], v["finalised_at"])
    plan.status = compute_status(plan, plan_store.withdrawn_keys(conn), now)
    return plan


def compute_status(plan: Plan, withdrawn: np.ndarray, now: float | None = None,
                   finalising: bool = False) -> np.ndarray:
    """Each member's status now: decisions and removals, then consent (which always wins)."""
    m = plan.members
    now = time.time() if now is None else now
    if plan.final_status is not None:
        status = plan.final_status.copy()
    else:
        status = np.where(m.arm == CONTROL, HOLDOUT, CONTACT).astype(np.uint8)
        if len(plan.removed):
            status[plan.removed] = REMOVED
        for b_code, name in enumerate(plan.branches):
            decision = plan.decisions.get(name, {}).get("decision")
            if decision == "rejected":
                status[m.branch == b_code] = BRANCH_REJECTED
            elif decision is None and finalising and plan.rules.non_responding == "exclude":
                status[m.branch == b_code] = NO_RESPONSE
    gone = (m.consent_until <= now) | np.isin(m.customer_key, withdrawn)
    status[gone] = CONSENT_WITHDRAWN
    return status


def contact_history(conn, keys: np.ndarray) -> np.ndarray:
    """Day (days since 1970) each of ``keys`` was last contacted by a finalised plan; -1 never."""
    day = np.full(len(keys), -1, np.int32)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    for fin_day, customer_key, status in plan_store.finalised_members(conn):
        contacted = customer_key[status == CONTACT]
        hit = np.intersect1d(sorted_keys, contacted, assume_unique=True,
                             return_indices=True)[1]
        day[order[hit]] = fin_day
    return day


def today(now: float | None = None) -> int:
    """Days since 1970-01-01 (UTC), the unit of contact history."""
    return int((time.time() if now is None else now) // DAY)
