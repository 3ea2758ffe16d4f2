"""Campaign plans: target segments, channels, control group, versions (docs/plans.md).

The workflow API the CLI and the GUI share. Typical use::

    pop = load_population(ws, model_id)            # or build_population(...) from arrays
    prep = prepare_population(session, pop)        # once per population (sort, deciles, history)
    live_counts(session, prep, rules_json)         # cheap: call on every rule edit
    plan = create_plan(session, prep, rules_json, model_id)

Branch review lives in plans/review.py, reach lists in plans/reach.py; both are re-exported here.
"""

from __future__ import annotations

import uuid

import numpy as np

from app.errors import PermissionDenied, UserFacingError
from app.store.workspace import now_iso
from app.store import plans as plan_store
from app.workflows.plans.build import Draft, Prepared, build, counts, prepare
from app.workflows.plans.population import (ScoredPopulation, build_population,  # noqa: F401
                                           distinct, load_population_in, save_population)
from app.workflows.plans.reach import export_branch_call_sheet, export_reach_lists  # noqa: F401
from app.workflows.plans.review import (branch_list, decide_branch, finalise_plan,  # noqa: F401
                                       plan_overview, remove_customer)
from app.workflows.plans.rules import Rules, load_rules, parse_rules  # noqa: F401
from app.workflows.plans.summary import evaluation_arms, plan_aggregates, plan_summary  # noqa: F401
from app.workflows.plans.plan import Plan, contact_history, insert_version, load_plan_in
from app.workflows.session import Session


# -- population ----------------------------------------------------------------------------------
def load_population(workspace, model_id: str) -> ScoredPopulation:
    """The stored scored population of a model, with consent withdrawals applied as of now."""
    def read(conn):
        pop = load_population_in(conn, model_id)
        pop.consent_ok = pop.consent_ok & ~np.isin(pop.customer_key, plan_store.withdrawn_keys(conn))
        return pop
    return workspace.db.run(read)


def store_population(session: Session, model_id: str, pop: ScoredPopulation) -> None:
    """Write a scored population in the documented layout (used by scoring, tests, demos)."""
    session.require("score.run")
    session.audited("scores.store", {"model": model_id}, {"n": len(pop)},
                    save_population, model_id, pop, now_iso())


def record_consent_withdrawals(session: Session, customer_keys) -> int:
    """Customers whose consent was revoked: out of every plan, from this moment on."""
    session.require("data.import")
    keys = distinct(np.asarray(customer_keys, dtype=np.int64))
    now, who = now_iso(), session.user.name

    session.audited("plan.consent_withdrawn", {"customers": int(len(keys))}, {"keys": keys.tolist()},
                    plan_store.record_withdrawals, keys, who, now)
    return int(len(keys))


def prepare_population(session: Session, pop: ScoredPopulation) -> Prepared:
    """Sort and decile once; attach the contact history of earlier finalised plans."""
    session.require("plan.create")
    prep = prepare(pop)
    prep.contacted_day = session.workspace.db.run(contact_history, pop.customer_key)
    return prep


def _prepared(session: Session, population) -> Prepared:
    if isinstance(population, Prepared) and population.contacted_day is not None:
        return population
    return prepare_population(session, population)


def _rules(rules) -> Rules:
    return rules if isinstance(rules, Rules) else parse_rules(rules)


def preview_plan(session: Session, population, rules, now: float | None = None) -> Draft:
    """The plan these rules would give, in memory only (nothing stored, nothing audited)."""
    session.require("plan.create")
    prep = _prepared(session, population)
    return build(prep, _rules(rules), now, prep.contacted_day)


def live_counts(session: Session, population, rules, now: float | None = None) -> dict:
    """Funnel and treated/control counts by channel, branch and decile for the rule editor."""
    draft = preview_plan(session, population, rules, now)
    return {"funnel": draft.funnel, **counts(draft.members, draft.branches)}


# -- plans ---------------------------------------------------------------------------------------
def create_plan(session: Session, population, rules, model_id: str,
                now: float | None = None) -> Plan:
    """Build and store version 1; open for branch review at once."""
    session.require("plan.create")
    draft = preview_plan(session, population, rules, now)
    plan_id = str(uuid.uuid4())
    stamp = now_iso()

    def insert(conn):
        plan_store.reference_key(conn)
        plan_store.insert_plan(conn, plan_id, draft.rules.campaign_id, model_id, session.user.name,
                               stamp)
        insert_version(conn, plan_id, 1, draft, session.user.name, stamp)
        _audit_version(session, conn, "plan.create", plan_id, 1, draft)
    session.workspace.db.transaction(insert)
    return load_plan(session, plan_id)


def revise_plan(session: Session, plan_id: str, population, rules,
                now: float | None = None) -> Plan:
    """A new version from new rules; branch decisions start over for it."""
    session.require("plan.create")
    draft = preview_plan(session, population, rules, now)
    stamp = now_iso()

    def insert(conn):
        row = plan_store.plan_head(conn, plan_id)
        if row is None:
            raise UserFacingError.coded("plans.no_plan")
        if row[0] != "review":
            raise UserFacingError.coded("plans.finalised")
        version = row[1] + 1
        insert_version(conn, plan_id, version, draft, session.user.name, stamp)
        plan_store.set_current_version(conn, plan_id, version, draft.rules.campaign_id)
        _audit_version(session, conn, "plan.revise", plan_id, version, draft)
    session.workspace.db.transaction(insert)
    return load_plan(session, plan_id)


def _audit_version(session: Session, conn, action: str, plan_id: str, version: int,
                   draft: Draft) -> None:
    audit = session.workspace.audit
    rules_json = draft.rules.to_json()
    objects = {"plan": plan_id, "version": version, "campaign": draft.rules.campaign_id,
               "members": len(draft.members), "seed": draft.rules.seed}
    audit.append_in(conn, session.user.name, action, objects, rules_json)
    if draft.rules.control_fraction == 0:
        audit.append_in(conn, session.user.name, "plan.control_override",
                        {"plan": plan_id, "version": version, "control": "none"},
                        {"reason": draft.rules.no_control_reason})


def load_plan(session: Session, plan_id: str, now: float | None = None) -> Plan:
    """The whole plan (all branches): analysts only."""
    if not (session.can("plan.create") or session.can("plan.export")):
        raise PermissionDenied.coded("plans.whole_plan_denied", name=session.user.name)
    return session.workspace.db.run(load_plan_in, plan_id, now)


def list_plans(session: Session) -> list[dict]:
    if not (session.can("plan.create") or session.can("plan.export") or session.can("plan.review")):
        raise PermissionDenied.coded("plans.list_denied", name=session.user.name)
    return session.workspace.db.run(plan_store.list_plans)
