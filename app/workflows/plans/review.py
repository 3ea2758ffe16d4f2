"""Branch review and finalisation of a plan.

A branch manager sees only their own branch (``session.user.branch``, enforced here, not in the
UI), and only the customers to be contacted: control customers are never listed to anyone who
could contact them. Customers appear as a pseudonymous reference, the bank's masked identifier and,
for context at the counter, a masked name where the data dictionary allows it for the role, the
decile, channel, last contact and bank-side reasons (plans/context.py). The manager may take individual customers off with a reason, then approves or rejects the branch's
list; the analyst finalises, and branches that did not answer follow the plan's rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.errors import PermissionDenied, UserFacingError
from app.store.workspace import now_iso
from app.store import plans as plan_store
from app.workflows.plans.context import row_context
from app.workflows.plans.control import CONTROL, TREATED
from app.workflows.plans.export import masked_ids, references
from app.workflows.plans.rules import CHANNELS
from app.workflows.plans.plan import (CONSENT_WITHDRAWN, CONTACT, HOLDOUT, REMOVED, STATUS_NAMES,
                                     Plan, compute_status, load_plan_in, today)
from app.workflows.plans.summary import plan_summary
from app.workflows.session import Session

MAX_REASON = 500


@dataclass
class BranchList:
    plan_id: str
    version: int
    campaign_id: str
    branch: str
    state: str
    decision: dict | None
    pitch_script: str
    counts: dict
    rows: list[dict]          # reference, masked_id, name, channel, decile, last_contact, reasons,
                              # status (treated only; name None where the role may not see it)


def _own_branch(session: Session, branch: str | None = None) -> str:
    """Branch managers act for their own branch only; analysts may look at any branch."""
    if session.user.role == "branch_manager":
        session.require("plan.review")
        if not session.user.branch or (branch is not None and branch != session.user.branch):
            raise PermissionDenied.coded("plans.own_branch_only")
        return session.user.branch
    if not session.can("plan.create"):
        raise PermissionDenied.coded("plans.review_denied", name=session.user.name)
    if not branch:
        raise UserFacingError.coded("plans.name_branch_to_show")
    return branch


def _manager_branch(session: Session) -> str:
    session.require("plan.review")
    if session.user.role != "branch_manager" or not session.user.branch:
        raise PermissionDenied.coded("plans.manager_decides")
    return session.user.branch


def _load(session: Session, plan_id: str) -> Plan:
    return session.workspace.db.run(load_plan_in, plan_id)


def _branch_rows(plan: Plan, branch: str) -> np.ndarray:
    """Member indices of this branch's treated customers, best score first."""
    code = plan.branch_code(branch)
    if code is None:
        return np.zeros(0, np.int64)
    m = plan.members
    rows = np.flatnonzero((m.branch == code) & (m.arm == TREATED) & (plan.status != CONSENT_WITHDRAWN))
    return rows[np.lexsort((m.customer_key[rows], -m.score[rows]))]


def branch_list(session: Session, plan_id: str, branch: str | None = None) -> BranchList:
    branch = _own_branch(session, branch)
    plan = _load(session, plan_id)
    rows = _branch_rows(plan, branch)
    secret = session.workspace.db.run(plan_store.reference_key)
    m = plan.members
    ids = None if m.ids is None else m.ids[rows]
    refs = references(secret, ids, m.customer_key[rows])
    masked = masked_ids(plan.id_type, ids, len(rows))
    context = row_context(session, plan, rows, today())
    listed = [{"reference": r, "masked_id": mk, "channel": CHANNELS[m.channel[i]],
               "decile": int(m.decile[i]), "status": STATUS_NAMES[plan.status[i]], **c}
              for r, mk, i, c in zip(refs, masked, rows.tolist(), context)]
    code = plan.branch_code(branch)
    in_branch = m.branch == code if code is not None else np.zeros(len(m), bool)
    counts = {"to_contact": int((in_branch & (plan.status == CONTACT)).sum()),
              "removed": int((in_branch & (plan.status == REMOVED)).sum()),
              "control": int((in_branch & plan.active & (m.arm == CONTROL)).sum())}
    session.audit("plan.branch_view", {"plan": plan.id, "version": plan.version, "branch": branch})
    return BranchList(plan.id, plan.version, plan.campaign_id, branch, plan.state,
                      plan.decisions.get(branch), plan.rules.pitch_script, counts, listed)


def _check_open(plan: Plan, branch: str) -> None:
    if plan.state != "review":
        raise UserFacingError.coded("plans.lists_closed")
    if branch in plan.decisions:
        raise UserFacingError.coded("plans.branch_decided")


def _still_open(conn, plan: Plan, branch: str) -> None:
    """Re-check inside the writing transaction (the plan may have moved since it was read)."""
    if (plan_store.plan_head(conn, plan.id) != ("review", plan.version)
            or plan_store.branch_decided(conn, plan.id, plan.version, branch)):
        raise UserFacingError.coded("plans.changed_meanwhile")


def _reason(reason: str, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise UserFacingError.coded("plans.reason_needed")
    if len(reason) > MAX_REASON:
        raise UserFacingError.coded("plans.reason_too_long", limit=MAX_REASON)
    return reason


def remove_customer(session: Session, plan_id: str, reference: str, reason: str) -> None:
    """Take one customer off the branch's list; the same answer for unknown and foreign ones."""
    branch = _manager_branch(session)
    reason = _reason(reason, True)
    plan = _load(session, plan_id)
    _check_open(plan, branch)
    rows = _branch_rows(plan, branch)
    rows = rows[plan.status[rows] == CONTACT]
    secret = session.workspace.db.run(plan_store.reference_key)
    m = plan.members
    refs = references(secret, None if m.ids is None else m.ids[rows], m.customer_key[rows])
    try:
        member = int(rows[refs.index(reference)])
    except ValueError:
        raise UserFacingError.coded("plans.no_such_reference") from None

    def insert(conn):
        _still_open(conn, plan, branch)
        plan_store.insert_removal(conn, plan.id, plan.version, member, branch, reason,
                                  session.user.name, now_iso())
    session.audited("plan.branch_remove", {"plan": plan.id, "version": plan.version,
                                           "branch": branch, "reference": reference},
                    {"reason": reason}, insert)


def decide_branch(session: Session, plan_id: str, approve: bool, reason: str = "") -> None:
    """Approve or reject the branch's list for the plan's current version (once)."""
    branch = _manager_branch(session)
    reason = _reason(reason, not approve)
    plan = _load(session, plan_id)
    _check_open(plan, branch)
    if branch not in plan.member_branches():
        raise UserFacingError.coded("evaluation.branch_not_in_plan")
    decision = "approved" if approve else "rejected"

    def insert(conn):
        _still_open(conn, plan, branch)
        plan_store.insert_decision(conn, plan.id, plan.version, branch, decision, reason,
                                   session.user.name, now_iso())
    session.audited(f"plan.branch_{'approve' if approve else 'reject'}",
                    {"plan": plan.id, "version": plan.version, "branch": branch},
                    {"reason": reason}, insert)


def finalise_plan(session: Session, plan_id: str) -> Plan:
    """Freeze each member's status; branches that did not answer follow the plan's rule.

    Runs in one transaction, so a branch decision arriving meanwhile is either in or refused.
    """
    session.require("plan.create")
    stamp, user = now_iso(), session.user.name

    def finish(conn):
        plan = load_plan_in(conn, plan_id)
        if plan.state != "review":
            raise UserFacingError.coded("plans.already_finalised")
        status = compute_status(plan, plan_store.withdrawn_keys(conn), finalising=True)
        branches = plan.member_branches()
        silent = [b for b in branches if b not in plan.decisions]
        plan_store.finalise(conn, plan.id, plan.version, status, user, stamp, today())
        objects = {"plan": plan.id, "version": plan.version, "branches": len(branches),
                   "contact": int((status == CONTACT).sum()),
                   "control": int((status == HOLDOUT).sum()), "no_response": len(silent),
                   "no_response_rule": plan.rules.non_responding}
        session.workspace.audit.append_in(conn, user, "plan.finalise", objects,
                                          {"no_response_branches": silent})
    session.workspace.db.transaction(finish)
    return _load(session, plan_id)


def plan_overview(session: Session, plan_id: str) -> dict:
    """What ``plan show`` prints: the whole plan for analysts, one branch for its manager."""
    if session.user.role == "branch_manager":
        listed = branch_list(session, plan_id)
        return {"plan": listed.plan_id, "version": listed.version, "campaign_id": listed.campaign_id,
                "state": listed.state, "branch": listed.branch, "decision": listed.decision,
                "counts": listed.counts}
    if not (session.can("plan.create") or session.can("plan.export")):
        raise PermissionDenied.coded("plans.whole_plan_denied", name=session.user.name)
    plan = _load(session, plan_id)
    summary = plan_summary(plan)
    summary["plan"] = plan.id
    summary["funnel"] = plan.funnel
    summary["branch_decisions"] = {b: plan.decisions.get(b, {}).get("decision", "pending")
                                   for b in plan.member_branches()}
    return summary
