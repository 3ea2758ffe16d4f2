"""Evaluate a finalised plan from its stored outcome events: window, arms, report, versions.

**Attribution window.** It opens at the plan's *contact date*: the first time its reach lists were
exported (``plan_exports``), because nobody can be invited before the lists exist; a plan never
exported falls back to its finalisation time. It lasts ``window_days`` (default 30) days: a
member converted when they bound at ``start <= t < start + window_days`` (and ``t <= at``, the
moment of evaluation). Binds before the window (the customer bound before anyone could have
called) and after it do not count. The report records the window and whether it is complete.

Arms come from ``evaluation_arms(plan)``: treated and control members active now (removed,
rejected and consent-withdrawn members are left out of both arms alike).
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import numpy as np

from app.errors import UserFacingError
from app.evaluation import evaluate_campaign
from app.store import outcomes as outcome_store
from app.store import plans as plan_store
from app.store.workspace import now_iso
from app.workflows.campaign.outcomes import load_events
from app.workflows.plans.plan import Plan
from app.workflows.plans.population import load_population_in
from app.workflows.plans.rules import CHANNELS
from app.workflows.plans.summary import evaluation_arms

DAY = 86400.0
ALL = "all"
DECILE_LABELS = [str(d) for d in range(1, 11)]


def parse_time(value) -> float:
    """Epoch seconds from a number or an ISO 8601 text (no offset = UTC, as the store writes)."""
    if isinstance(value, (int, float)):
        return float(value)
    stamp = datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.timestamp()


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


def window_start(conn, plan: Plan) -> tuple[float, str]:
    """(epoch seconds, basis): first reach-list export, else finalisation."""
    if plan.state != "finalised":
        raise UserFacingError.coded("evaluation.plan_not_final")
    first = plan_store.first_export_at(conn, plan.id, plan.version)
    if first:
        return parse_time(first), "first_export"
    return parse_time(plan.finalised_at), "finalised"


def member_outcomes(n: int, member: np.ndarray, bound_at: np.ndarray, start: float, end: float,
                    at: float) -> tuple[np.ndarray, np.ndarray]:
    """(outcome 0/1 per member, index of the member's first in-window event or -1)."""
    inside = (bound_at >= start) & (bound_at < end) & (bound_at <= at)
    idx = np.flatnonzero(inside)
    first = np.full(n, -1, np.int64)
    if idx.size:
        order = idx[np.lexsort((bound_at[idx], member[idx]))]
        m = member[order]
        lead = np.r_[True, m[1:] != m[:-1]]
        first[m[lead]] = order[lead]
    return (first >= 0).astype(np.int8), first


def _reference_scores(conn, plan: Plan, branch_code: int | None) -> np.ndarray | None:
    """The scored population the plan was built from (same model id), if it is still stored."""
    if not plan_store.has_scores(conn, plan.model_id):
        return None
    pop = load_population_in(conn, plan.model_id)
    if branch_code is None:
        return pop.score
    name = plan.branches[branch_code]
    return pop.score[pop.branch == pop.branches.index(name)] if name in pop.branches else None


def compute(conn, plan: Plan, window_days: int, at: float, branch: str | None):
    """(report, arm, outcome, window), nothing stored; ``branch`` limits both arms to its members."""
    if not 1 <= int(window_days) <= 366:
        raise UserFacingError.coded("evaluation.window_days")
    start, basis = window_start(conn, plan)
    end = start + int(window_days) * DAY
    m = plan.members
    _keys, arm = evaluation_arms(plan)
    code = None
    if branch is not None:
        code = plan.branch_code(branch)
        arm = np.where(m.branch == code, arm, -1) if code is not None else np.full_like(arm, -1)
    ev = load_events(conn, plan.id, plan.version)
    outcome, first = member_outcomes(len(m), ev.member, ev.bound_at, start, end, at)
    if not (arm == 0).any() or not (arm == 1).any():
        raise UserFacingError.coded("evaluation.arm_empty")
    by = {"channel": (m.channel, list(CHANNELS)), "branch": (m.branch, list(plan.branches)),
          "decile": (np.clip(m.decile.astype(np.int64) - 1, 0, 9), DECILE_LABELS)}
    params = {"plan": plan.id, "plan_version": plan.version, "campaign_id": plan.rules.campaign_id,
              "scope": branch or ALL, "group_column": "plan arm (treated / control)",
              "outcome_column": f"bound within {int(window_days)} days of the contact date",
              "by": list(by), "score_column": "plan score", "window_days": int(window_days),
              "window_basis": basis, "window_start": iso(start), "window_end": iso(end),
              "evaluated_at": iso(min(at, time.time())),
              "window_complete": bool(min(at, time.time()) >= end),
              "outcome_batches": ev.batches}
    report = evaluate_campaign(outcome, arm, by=by, score=m.score,
                               reference_scores=_reference_scores(conn, plan, code),
                               parameters=params)
    report["outcomes"] = _event_summary(ev, arm, outcome, first, start, end, at)
    return report, arm, outcome, (start, end)


def _event_summary(ev, arm, outcome, first, start, end, at) -> dict:
    """Counts of events around the window and the channel converters bound through, per arm."""
    in_view = arm[ev.member] >= 0 if ev.member.size else np.zeros(0, bool)
    t = ev.bound_at[in_view]
    converted = (outcome == 1) & (arm >= 0)
    via = {}
    for label_code, label in enumerate(ev.channels):
        hit = converted & (first >= 0)
        hit[hit] = ev.channel[first[hit]] == label_code
        k_t, k_c = int((hit & (arm == 1)).sum()), int((hit & (arm == 0)).sum())
        if k_t or k_c:
            via[label] = {"treatment": k_t, "control": k_c}
    return {"events": int(t.size), "before_window": int((t < start).sum()),
            "after_window": int(((t >= end) | (t > at)).sum()),
            "in_window": int(((t >= start) & (t < end) & (t <= at)).sum()),
            "bound_via": via}


def store(conn, plan: Plan, report: dict, arm: np.ndarray, outcome: np.ndarray,
          window: tuple[float, float], at: float, user: str) -> dict:
    """A new evaluation version of the plan, with the per-member snapshot for retraining."""
    evaluation = str(uuid.uuid4())
    stamp = now_iso()
    version = outcome_store.insert_evaluation(conn, evaluation, plan.id, plan.version, report,
                                              window, min(at, time.time()), arm, outcome, user,
                                              stamp)
    return {"id": evaluation, "version": int(version), "created_by": user, "created_at": stamp}


def load(conn, evaluation: str) -> tuple[dict, dict]:
    """(metadata, report) of a stored evaluation."""
    found = outcome_store.get_evaluation(conn, evaluation)
    if found is None:
        raise UserFacingError.coded("evaluation.no_evaluation")
    meta, report = found
    report["evaluation"] = {k: meta[k] for k in ("id", "version", "created_by", "created_at")}
    return meta, report


def snapshot(conn, plan_id: str, evaluation: str) -> tuple[np.ndarray, np.ndarray]:
    """(arm, outcome) per plan member as evaluated."""
    found = outcome_store.evaluation_snapshot(conn, plan_id, evaluation)
    if found is None:
        raise UserFacingError.coded("evaluation.no_outcomes")
    return found
