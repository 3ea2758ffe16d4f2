"""Stored plans: versions, audit, branch review limited to the own branch, finalisation, consent."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from app.errors import PermissionDenied, UserFacingError
from app.workflows import audit_trail, plans, users
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login


def rules(**extra):
    base = {"campaign_id": "QP-7", "template_id": "bind_v1", "pitch_script": "Bind your card today.",
            "selection": {"mode": "top_percent", "value": 50},
            "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==",
                                             "value": True}, "channel": "branch"}],
                         "branch_weekly_capacity": 1000},
            "control": {"fraction": 0.1, "seed": 99}}
    base.update(extra)
    return base


@pytest.fixture
def bank(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR000")
    users.add_user(admin_session, "cat", "branch_manager", "branch-pass", branch="BR001")
    ws = admin_session.workspace
    ana = login(ws, "ana", "analyst-pass")
    pop = synthetic_population(3000, seed=5, n_branches=3)
    plans.store_population(ana, "m1", pop)
    return ws, ana, pop


def actions(ws):
    return [e["action"] for e in ws.audit.entries()]


def create(ws, ana, **extra):
    return plans.create_plan(ana, plans.load_population(ws, "m1"), rules(**extra), "m1")


def test_population_round_trips_through_the_store(bank):
    ws, _, pop = bank
    back = plans.load_population(ws, "m1")
    for name in ("customer_key", "score", "model_source", "branch", "consent_ok", "ids"):
        assert (getattr(back, name) == getattr(pop, name)).all()
    assert back.branches == pop.branches and back.id_type == "mobile"


def test_create_stores_arrays_and_audits(bank):
    ws, ana, _ = bank
    plan = create(ws, ana)
    assert plan.state == "review" and plan.version == 1
    member_rows = ws.db.query("SELECT count(*) FROM plan_members WHERE plan_id = ?", (plan.id,))[0][0]
    assert member_rows < 20 < len(plan.members)           # columns, not one row per customer
    assert "plan.create" in actions(ws)
    assert "plan.control_override" not in actions(ws)
    again = plans.load_plan(ana, plan.id)
    assert (again.members.arm == plan.members.arm).all()
    assert plans.list_plans(ana)[0]["id"] == plan.id


def test_no_control_override_is_audited(bank):
    ws, ana, _ = bank
    plan = create(ws, ana, control={"fraction": 0, "allow_no_control": True, "reason": "pilot run"})
    assert plans.plan_summary(plan)["control"] == 0
    entry = [e for e in ws.audit.entries() if e["action"] == "plan.control_override"][0]
    assert json.loads(entry["objects"]) == {"plan": plan.id, "version": 1, "control": "none"}
    assert entry["actor"] == "ana"


def test_branch_manager_sees_only_own_branch_masked_and_no_controls(bank):
    ws, ana, pop = bank
    plan = create(ws, ana)
    bob = login(ws, "bob", "branch-pass")
    listed = plans.branch_list(bob, plan.id)
    assert listed.branch == "BR000"
    code = plan.branch_code("BR000")
    own_treated = (plan.members.branch == code) & (plan.members.arm == 0)
    assert len(listed.rows) == own_treated.sum() > 0
    assert listed.counts["control"] == ((plan.members.branch == code) & (plan.members.arm == 1)).sum()
    raw_ids = {i.decode() for i in pop.ids}
    text = json.dumps(listed.rows)
    for row in listed.rows:
        assert re.fullmatch(r"1\d{2}\*{4}\d{4}", row["masked_id"])
        assert re.fullmatch(r"C[0-9a-f]{20}", row["reference"])
    assert not any(i in text for i in list(raw_ids)[:3000])
    with pytest.raises(PermissionDenied):
        plans.branch_list(bob, plan.id, branch="BR001")
    with pytest.raises(PermissionDenied):
        plans.load_plan(bob, plan.id)
    with pytest.raises(PermissionDenied):
        plans.finalise_plan(bob, plan.id)
    overview = plans.plan_overview(bob, plan.id)
    assert overview["branch"] == "BR000" and "by_branch" not in overview


def test_references_are_stable_and_branch_lists_disjoint(bank):
    ws, ana, _ = bank
    plan = create(ws, ana)
    bob, cat = login(ws, "bob", "branch-pass"), login(ws, "cat", "branch-pass")
    a1 = [r["reference"] for r in plans.branch_list(bob, plan.id).rows]
    a2 = [r["reference"] for r in plans.branch_list(bob, plan.id).rows]
    b = [r["reference"] for r in plans.branch_list(cat, plan.id).rows]
    assert a1 == a2 and not set(a1) & set(b)


def test_removal_with_reason_then_decision(bank):
    ws, ana, _ = bank
    plan = create(ws, ana)
    bob, cat = login(ws, "bob", "branch-pass"), login(ws, "cat", "branch-pass")
    ref = plans.branch_list(bob, plan.id).rows[0]["reference"]
    with pytest.raises(UserFacingError, match="reason"):
        plans.remove_customer(bob, plan.id, ref, "  ")
    with pytest.raises(UserFacingError, match="No customer"):
        plans.remove_customer(cat, plan.id, ref, "not mine")      # another branch's customer
    plans.remove_customer(bob, plan.id, ref, "customer complained")
    listed = plans.branch_list(bob, plan.id)
    assert [r["status"] for r in listed.rows if r["reference"] == ref] == ["removed_by_branch"]
    assert listed.counts["removed"] == 1
    with pytest.raises(UserFacingError, match="No customer"):
        plans.remove_customer(bob, plan.id, ref, "again")
    with pytest.raises(UserFacingError, match="reason"):
        plans.decide_branch(bob, plan.id, approve=False)
    plans.decide_branch(bob, plan.id, approve=True)
    with pytest.raises(UserFacingError, match="already decided"):
        plans.decide_branch(bob, plan.id, approve=False, reason="changed my mind")
    with pytest.raises(UserFacingError):
        plans.remove_customer(bob, plan.id, listed.rows[1]["reference"], "late")
    with pytest.raises(PermissionDenied):
        plans.decide_branch(ana, plan.id, approve=True)
    assert {"plan.branch_remove", "plan.branch_approve"} <= set(actions(ws))
    assert audit_trail.verify_chain(ana).ok


@pytest.mark.parametrize("rule", ["include", "exclude"])
def test_finalise_with_non_responding_branches(bank, rule):
    ws, ana, _ = bank
    plan = create(ws, ana, review={"non_responding_branches": rule})
    bob, cat = login(ws, "bob", "branch-pass"), login(ws, "cat", "branch-pass")
    plans.decide_branch(bob, plan.id, approve=True)
    plans.decide_branch(cat, plan.id, approve=False, reason="staff on leave")
    final = plans.finalise_plan(ana, plan.id)
    status, m = final.status, final.members
    codes = {b: final.branch_code(b) for b in ("BR000", "BR001", "BR002")}
    assert (status[(m.branch == codes["BR000"]) & (m.arm == 0)] == 0).all()
    assert (status[m.branch == codes["BR001"]] == 3).all()            # rejected: both arms out
    silent = status[m.branch == codes["BR002"]]
    if rule == "include":
        assert set(silent.tolist()) == {0, 1}
    else:
        assert (silent == 4).all()
    entry = [e for e in ws.audit.entries() if e["action"] == "plan.finalise"][0]
    assert json.loads(entry["objects"])["no_response"] == 1
    with pytest.raises(UserFacingError, match="finalised"):
        plans.finalise_plan(ana, plan.id)
    with pytest.raises(UserFacingError, match="finalised"):
        plans.revise_plan(ana, plan.id, plans.load_population(ws, "m1"), rules())


def test_revision_starts_review_over(bank):
    ws, ana, _ = bank
    plan = create(ws, ana)
    bob = login(ws, "bob", "branch-pass")
    plans.decide_branch(bob, plan.id, approve=True)
    v2 = plans.revise_plan(ana, plan.id, plans.load_population(ws, "m1"),
                           rules(selection={"mode": "top_n", "value": 300}))
    assert v2.version == 2 and len(v2.members) == 300 and v2.decisions == {}
    plans.decide_branch(bob, plan.id, approve=False, reason="too many")
    assert "plan.revise" in actions(ws)


def test_revoked_consent_removes_customer_from_every_plan(bank):
    ws, ana, _ = bank
    first, second = create(ws, ana), create(ws, ana, campaign_id="QP-8")
    plans.finalise_plan(ana, first.id)
    victim = int(first.members.customer_key[(first.members.arm == 0)][0])
    assert plans.record_consent_withdrawals(ana, [victim]) == 1
    for plan_id in (first.id, second.id):
        plan = plans.load_plan(ana, plan_id)
        row = np.flatnonzero(plan.members.customer_key == victim)
        assert plan.status[row].tolist() == [5]
        assert plans.plan_summary(plan)["status"]["consent_withdrawn"] == 1
    pop = plans.load_population(ws, "m1")
    assert not pop.consent_ok[pop.customer_key == victim][0]
    third = create(ws, ana, campaign_id="QP-9")
    assert victim not in third.members.customer_key
    assert "plan.consent_withdrawn" in actions(ws)


def test_contacted_by_an_earlier_plan_is_excluded_later(bank):
    ws, ana, _ = bank
    first = create(ws, ana, selection={"mode": "top_n", "value": 200})
    plans.finalise_plan(ana, first.id)
    contacted = first.members.customer_key[first.members.arm == 0]
    later = create(ws, ana, campaign_id="QP-10", selection={"mode": "top_n", "value": 200},
                   exclusions={"contacted_within_days": 30})
    assert not np.isin(later.members.customer_key, contacted).any()
    assert later.funnel["excluded"]["contacted_recently"] == len(contacted)
    controls = first.members.customer_key[first.members.arm == 1]
    assert np.isin(controls, later.members.customer_key).any()   # held out, not contacted


def test_summary_and_aggregates(bank):
    ws, ana, _ = bank
    plan = create(ws, ana)
    summary = plans.plan_summary(plan)
    assert summary["treated"] + summary["control"] == len(plan.members)
    assert set(summary["by_channel"]) <= {"app", "branch"}
    assert sum(v["treated"] for v in summary["by_decile"].values()) == summary["treated"]
    assert sum(v["control"] for v in summary["by_branch"].values()) == summary["control"]
    assert abs(summary["control_balance"]["score_smd"]) < 0.2
    agg = plans.plan_aggregates(plan)
    assert set(agg) == {"campaign_id", "treated", "control", "by_channel"}
    assert "customer" not in json.dumps(agg)
    keys, arm = plans.evaluation_arms(plan)
    assert (arm == 1).sum() == summary["treated"] and (arm == 0).sum() == summary["control"]


def test_live_counts_match_the_stored_plan(bank):
    ws, ana, pop = bank
    prep = plans.prepare_population(ana, pop)
    live = plans.live_counts(ana, prep, rules())
    plan = plans.create_plan(ana, prep, rules(), "m1")
    assert live["treated"] == plans.plan_summary(plan)["treated"]
    assert live["by_branch"] == plans.plan_summary(plan)["by_branch"]
    bob = login(ws, "bob", "branch-pass")
    with pytest.raises(PermissionDenied):
        plans.live_counts(bob, prep, rules())
