"""Plans in the encrypted store: metadata in SQL, member columns as numpy arrays (0006_plans.sql).

A plan version's members never change after it is written; what changes (branch decisions,
removals, finalisation, consent withdrawals) is recorded beside it, and each member's *status* is
derived from those records at the moment of use. That is how a revoked consent takes a customer
out of every plan at once, including finalised ones, without rewriting any list.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field

import numpy as np

from app.errors import UserFacingError
from app.store.arrays import array_exists, load_array, save_array
from app.store.audit import digest
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


def _name(plan_id: str, version: int, column: str) -> str:
    return f"plans/{plan_id}/v{version}/{column}"


def insert_version(conn, plan_id: str, version: int, draft: Draft, user: str, now: str) -> None:
    m = draft.members
    columns = {c: getattr(m, c) for c in _BASE_COLUMNS}
    if m.ids is not None:
        width = max(1, m.ids.dtype.itemsize)
        columns["ids"] = np.frombuffer(m.ids.astype(f"S{width}").tobytes(),
                                       np.uint8).reshape(len(m), width)
    columns.update({f"custom/{k}": v for k, v in m.custom.items()})
    rules_json = draft.rules.to_json()
    conn.execute("INSERT INTO plan_versions (plan_id, version, rules, rules_digest, seed, branches, "
                 "id_type, custom, funnel, n_members, created_by, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (plan_id, version, json.dumps(rules_json), digest(rules_json), draft.rules.seed,
                  json.dumps(list(draft.branches)), draft.id_type, json.dumps(draft.custom_meta),
                  json.dumps(draft.funnel), len(m), user, now))
    for column, values in columns.items():
        save_array(conn, _name(plan_id, version, column), values)
        conn.execute("INSERT INTO plan_members (plan_id, version, column, array_name) "
                     "VALUES (?, ?, ?, ?)", (plan_id, version, column, _name(plan_id, version, column)))


def load_plan_in(conn, plan_id: str, now: float | None = None) -> Plan:
    row = conn.execute("SELECT campaign_id, model_id, state, current_version, created_by, created_at,"
                       " finalised_at FROM plans WHERE id = ?", (plan_id,)).fetchone()
    if row is None:
        raise UserFacingError("There is no such plan.")
    campaign, model, state, version, by, at, fin_at = row
    rules, branches, id_type, custom, funnel = conn.execute(
        "SELECT rules, branches, id_type, custom, funnel FROM plan_versions "
        "WHERE plan_id = ? AND version = ?", (plan_id, version)).fetchone()
    arrays = {col: load_array(conn, name) for col, name in conn.execute(
        "SELECT column, array_name FROM plan_members WHERE plan_id = ? AND version = ?",
        (plan_id, version))}
    ids = arrays.pop("ids", None)
    if ids is not None:
        ids = np.ascontiguousarray(ids).view(f"S{ids.shape[1]}").ravel()
    custom_cols = {k.removeprefix("custom/"): arrays.pop(k) for k in list(arrays)
                   if k.startswith("custom/")}
    members = Members(**{c: arrays[c] for c in _BASE_COLUMNS}, ids=ids, custom=custom_cols)
    decisions = {b: {"decision": d, "reason": r, "by": who, "at": t}
                 for b, d, r, who, t in conn.execute(
                     "SELECT branch, decision, reason, decided_by, decided_at FROM branch_decisions "
                     "WHERE plan_id = ? AND version = ?", (plan_id, version))}
    removed = np.array([r[0] for r in conn.execute(
        "SELECT member FROM branch_removals WHERE plan_id = ? AND version = ?",
        (plan_id, version))], dtype=np.int64)
    final_name = _name(plan_id, version, "final_status")
    final = load_array(conn, final_name) if array_exists(conn, final_name) else None
    plan = Plan(plan_id, campaign, model, state, version, parse_rules(json.loads(rules)),
                tuple(json.loads(branches)), id_type, json.loads(custom), json.loads(funnel),
                members, decisions, removed, final, by, at, fin_at)
    plan.status = compute_status(plan, withdrawn_keys(conn), now)
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


def withdrawn_keys(conn) -> np.ndarray:
    rows = conn.execute("SELECT customer_key FROM consent_withdrawals").fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def save_final_status(conn, plan: Plan, status: np.ndarray) -> None:
    save_array(conn, _name(plan.id, plan.version, "final_status"), status.astype(np.uint8))


def contact_history(conn, keys: np.ndarray) -> np.ndarray:
    """Day (days since 1970) each of ``keys`` was last contacted by a finalised plan; -1 never."""
    day = np.full(len(keys), -1, np.int32)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    for plan_id, version, fin_day in conn.execute(
            "SELECT id, current_version, finalised_day FROM plans WHERE state = 'finalised' "
            "ORDER BY finalised_day"):
        status = load_array(conn, _name(plan_id, version, "final_status"))
        contacted = load_array(conn, _name(plan_id, version, "customer_key"))[status == CONTACT]
        hit = np.intersect1d(sorted_keys, contacted, assume_unique=True,
                             return_indices=True)[1]
        day[order[hit]] = fin_day
    return day


def reference_key(conn) -> bytes:
    """The workspace secret behind customer references; created on first use."""
    row = conn.execute("SELECT key FROM plan_secret WHERE id = 1").fetchone()
    if row:
        return bytes(row[0])
    key = secrets.token_bytes(32)
    conn.execute("INSERT INTO plan_secret (id, key) VALUES (1, ?)", (key,))
    return key


def today(now: float | None = None) -> int:
    """Days since 1970-01-01 (UTC), the unit of contact history."""
    return int((time.time() if now is None else now) // DAY)
