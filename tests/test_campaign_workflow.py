"""In-product campaign evaluation: outcomes matched to a plan, window, scopes, partner share, labels."""

from __future__ import annotations

import csv
import json
import threading
import time

import numpy as np
import pytest

from app.errors import PermissionDenied, UserFacingError
from app.evaluation import evaluate_campaign, partner_report
from app.workflows import campaign, jobs, plans, users
from app.workflows.job_types import standard
from app.workflows.campaign import evaluation as campaign_eval
from app.workflows.peering import link
from app.workflows.peering import peers
from app.workflows.campaign.share import NotAggregate, check_partner_report, parse_report_text
from app.workflows.plans.rules import CHANNELS
from app.workflows.plans.synthetic import mobile_numbers, synthetic_population
from app.workflows.session import login
from app.workflows.workspace_admin import init_workspace

RULES = {"campaign_id": "QP-8", "template_id": "bind_v1", "pitch_script": "Bind today.",
         "selection": {"mode": "top_percent", "value": 60},
         "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==",
                                          "value": True}, "channel": "branch"}]},
         "control": {"fraction": 0.2, "seed": 7}}

JOB_TYPES = standard()


def make_plan(ana, pop, model="m1", rules=RULES):
    plans.store_population(ana, model, pop)
    plan = plans.create_plan(ana, plans.load_population(ana.workspace, model), rules, model)
    return plans.finalise_plan(ana, plan.id)


@pytest.fixture
def bank(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR000")
    ana = login(admin_session.workspace, "ana", "analyst-pass")
    pop = synthetic_population(3000, seed=5, n_branches=3)
    plan = make_plan(ana, pop)
    return ana, pop, plan


def start_of(ana, plan) -> float:
    return ana.workspace.db.run(campaign_eval.window_start, plan)[0]


def stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds + 8 * 3600))  # as CST


def write(path, rows, header=("mobile", "bound_at", "channel")):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def events_for(plan, start, rng, n=600):
    """Random members binding at random moments from 5 days before to 40 days after the start."""
    idx = rng.choice(len(plan.members), n, replace=False)
    offsets = rng.uniform(-5, 40, n) * 86400
    rows = [(plan.members.ids[i].decode(), stamp(start + o), rng.choice(["app", "Branch", "online"]))
            for i, o in zip(idx, offsets)]
    return idx, start + offsets, rows


def test_import_counts_matches_and_never_lists_values(bank, tmp_path):
    ana, pop, plan = bank
    start = start_of(ana, plan)
    outsider = mobile_numbers(5, seed=99)[0].decode()
    assert outsider.encode() not in set(plan.members.ids)
    treated = plan.members.ids[plan.members.arm == 0][0].decode()
    control = plan.members.ids[plan.members.arm == 1][0].decode()
    rows = [("+86 " + treated, stamp(start + 3600), "app"), (control, stamp(start + 7200), "branch"),
            (outsider, stamp(start), "app"), ("12345", stamp(start), "app"),
            (treated, "yesterday-ish", "app")]
    counts = campaign.import_outcomes(ana, plan.id, write(tmp_path / "o.csv", rows), "mobile",
                                      "bound_at", "channel")
    assert counts["rows_read"] == 5 and counts["rejected"] == 2 and counts["valid"] == 3
    assert counts["matched"] == 2 and counts["unmatched"] == 1
    assert counts["matched_treated"] == 1 and counts["matched_control"] == 1
    assert sorted(p["row"] for p in counts["problems"]) == [5, 6]
    text = json.dumps(counts)
    assert outsider not in text and "12345" not in text and "yesterday" not in text
    entry = [e for e in ana.workspace.audit.entries() if e["action"] == "campaign.outcomes_import"]
    assert entry and outsider not in json.dumps(entry)


def test_evaluation_equals_the_library_on_the_same_arrays(bank, tmp_path):
    ana, pop, plan = bank
    start = start_of(ana, plan)
    idx, when, rows = events_for(plan, start, np.random.default_rng(1))
    campaign.import_outcomes(ana, plan.id, write(tmp_path / "o.csv", rows), "mobile", "bound_at",
                             "channel")
    report = campaign.evaluate_plan(ana, plan.id, window_days=30)
    # Independent construction: member i converted iff one of its events is inside [start, +30d).
    outcome = np.zeros(len(plan.members), np.int8)
    rounded = np.floor(when)  # the file keeps whole seconds
    outcome[idx[(rounded >= start) & (rounded < start + 30 * 86400)]] = 1
    _, arm = plans.evaluation_arms(plans.load_plan(ana, plan.id))
    m = plan.members
    direct = evaluate_campaign(
        outcome, arm, by={"channel": (m.channel, list(CHANNELS)), "branch": (m.branch, list(plan.branches)),
                          "decile": (m.decile - 1, [str(d) for d in range(1, 11)])},
        score=m.score, reference_scores=pop.score)
    for key in ("overall", "by", "deciles", "model", "population"):
        assert report[key] == direct[key], key
    assert report["overall"]["treatment"]["conversions"] > 0
    assert report["outcomes"]["before_window"] > 0 and report["outcomes"]["after_window"] > 0
    assert set(report["outcomes"]["bound_via"]) <= {"app", "branch", "online"}
    stored = campaign.load_evaluation(ana, report["evaluation"]["id"])
    assert stored["overall"] == report["overall"] and stored["evaluation"]["version"] == 1
    assert "campaign.evaluate" in [e["action"] for e in ana.workspace.audit.entries()]


def test_window_and_evaluation_moment_are_respected(bank, tmp_path):
    ana, _, plan = bank
    start = start_of(ana, plan)
    member = plan.members.ids[plan.members.arm == 0]
    rows = [(member[0].decode(), stamp(start - 3600), "app"),          # before contact
            (member[1].decode(), stamp(start + 2 * 86400), "app"),     # day 2
            (member[2].decode(), stamp(start + 20 * 86400), "app"),    # day 20
            (member[3].decode(), stamp(start + 31 * 86400), "app")]    # day 31
    campaign.import_outcomes(ana, plan.id, write(tmp_path / "o.csv", rows), "mobile", "bound_at",
                             "channel")
    conv = lambda r: r["overall"]["treatment"]["conversions"]  # noqa: E731
    assert conv(campaign.evaluate_plan(ana, plan.id, window_days=30)) == 2
    assert conv(campaign.evaluate_plan(ana, plan.id, window_days=10)) == 1
    assert conv(campaign.evaluate_plan(ana, plan.id, window_days=40)) == 3
    early = campaign.evaluate_plan(ana, plan.id, window_days=30, at=start + 5 * 86400)
    assert conv(early) == 1 and early["parameters"]["window_complete"] is False
    assert [e["version"] for e in campaign.list_evaluations(ana, plan.id)] == [1, 2, 3, 4]


def test_branch_manager_sees_only_own_branch(bank, tmp_path):
    ana, _, plan = bank
    start = start_of(ana, plan)
    _, _, rows = events_for(plan, start, np.random.default_rng(2))
    campaign.import_outcomes(ana, plan.id, write(tmp_path / "o.csv", rows), "mobile", "bound_at",
                             "channel")
    full = campaign.evaluate_plan(ana, plan.id)
    bob = login(ana.workspace, "bob", "branch-pass")
    own = campaign.evaluate_plan(bob, plan.id)
    assert list(own["by"]["branch"]) == ["BR000"]
    assert own["overall"] == full["by"]["branch"]["BR000"]
    code = plan.branches.index("BR000")
    active = plan.status <= 1
    assert own["population"]["treatment"] + own["population"]["control"] == \
        int((active & (plan.members.branch == code)).sum())
    assert [e["scope"] for e in campaign.list_evaluations(bob)] == ["BR000"]
    with pytest.raises(UserFacingError):
        campaign.load_evaluation(bob, full["evaluation"]["id"])
    with pytest.raises(PermissionDenied):
        campaign.import_outcomes(bob, plan.id, str(tmp_path / "o.csv"), "mobile", "bound_at", "channel")
    with pytest.raises(UserFacingError):
        campaign.partner_share(ana, own["evaluation"]["id"])   # branch views are never shared


def test_partner_report_is_suppressed_and_validated(bank, tmp_path):
    ana, _, plan = bank
    start = start_of(ana, plan)
    _, _, rows = events_for(plan, start, np.random.default_rng(3))
    campaign.import_outcomes(ana, plan.id, write(tmp_path / "o.csv", rows), "mobile", "bound_at",
                             "channel")
    report = campaign.evaluate_plan(ana, plan.id)
    shared, params = campaign.partner_share(ana, report["evaluation"]["id"], min_customers=60)
    assert all(isinstance(v, (str, int)) for v in params.values())   # flat job parameters
    hidden = [c for c in shared["by"]["decile"].values() if c.get("suppressed")]
    small = [c for c in report["by"]["decile"].values() if c["control"]["n"] < 60]
    assert small and len(hidden) >= max(2, len(small))
    assert all(shared["by"]["decile"][k].get("suppressed") for k, c in report["by"]["decile"].items()
               if c["control"]["n"] < 60 or c["treatment"]["n"] < 60)
    assert "outcomes" not in shared and "population" not in shared
    assert check_partner_report(shared) == 60
    text = json.dumps(shared)
    assert parse_report_text(text) == shared
    bad = json.loads(text)
    bad["customers"] = [{"mobile": "13800138000", "bound": 1}]
    with pytest.raises(NotAggregate):
        check_partner_report(bad)
    bad = json.loads(text)
    bad["overall"]["treatment"]["reference"] = "C0123"
    with pytest.raises(NotAggregate):
        check_partner_report(bad)
    visible = next(c for c in shared["by"]["branch"].values() if not c.get("suppressed"))
    visible["control"]["n"] = 3
    with pytest.raises(NotAggregate):
        check_partner_report(shared)
    with pytest.raises(NotAggregate):
        parse_report_text(text.replace('"ece":', '"ece": NaN, "x":', 1))
    with pytest.raises(NotAggregate):
        parse_report_text(" " * 1_000_001)


@pytest.fixture
def linked(tmp_path, bank):
    ana, _, plan = bank
    other = init_workspace(tmp_path / "platform", "Platform", "feature", "admin", "admin-password")
    users.add_user(other, "pat", "analyst", "analyst-pass")
    pat = login(other.workspace, "pat", "analyst-pass")
    bank_admin = login(ana.workspace, "admin", "correct horse")
    services = [link.PeerService(s, decision_timeout=10) for s in (ana, pat)]
    ports = [s.start() for s in services]
    peers.add_peer(bank_admin, "platform", f"127.0.0.1:{ports[1]}",
                   peers.describe_identity(other.workspace)["fingerprint"])
    peers.add_peer(other, "bank", f"127.0.0.1:{ports[0]}",
                   peers.describe_identity(ana.workspace)["fingerprint"])
    services[0].learn_certificate("platform")
    services[1].learn_certificate("bank")
    yield ana, pat, plan, services
    for s in services:
        s.stop()
    other.workspace.close()


def test_evaluation_share_over_loopback_tls_stores_aggregates_only(linked, tmp_path):
    ana, pat, plan, (bank_link, _) = linked
    start = start_of(ana, plan)
    _, _, rows = events_for(plan, start, np.random.default_rng(4))
    campaign.import_outcomes(ana, plan.id, write(tmp_path / "o.csv", rows), "mobile", "bound_at",
                             "channel")
    report = campaign.evaluate_plan(ana, plan.id)

    def approve():
        for _ in range(200):
            waiting = [j for j in jobs.list_jobs(pat) if j.state == "proposed"]
            if waiting:
                assert waiting[0].params["report_sha256"]
                jobs.decide(pat, waiting[0].id, approve=True, job_types=JOB_TYPES)
                return
            time.sleep(0.05)
    approver = threading.Thread(target=approve)
    approver.start()
    job = campaign.share_with_partner(ana, bank_link, "platform", report["evaluation"]["id"], wait=10)
    approver.join()
    assert job.state == "finished" and job.result["shared"] is True
    received = campaign.shared_reports(pat)
    assert len(received) == 1 and received[0]["campaign_id"] == "QP-8"
    assert received[0]["report"] == partner_report(report, 10)
    raw = pat.workspace.db.query("SELECT report FROM campaign_shared_reports")[0][0]
    assert not any(m.decode() in raw for m in plan.members.ids[:500])
    assert "campaign.share_received" in [e["action"] for e in pat.workspace.audit.entries()]


def test_simulated_outcomes_recover_the_true_uplift(admin_session, tmp_path):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    ana = login(admin_session.workspace, "ana", "analyst-pass")
    pop = synthetic_population(56_000, seed=11, n_branches=8)
    rules = dict(RULES, selection={"mode": "top_percent", "value": 100},
                 control={"fraction": 0.3, "seed": 3})
    plan = make_plan(ana, pop, rules=rules)
    assert len(plan.members) >= 40_000
    sim = campaign.simulate_demo_outcomes(ana, plan.id, seed=21, out_dir=str(tmp_path))
    counts = campaign.import_outcomes(ana, plan.id, sim.path, "customer_id", "bound_at", "channel")
    assert counts["matched"] == sim.rows and counts["unmatched"] == 0 and counts["rejected"] == 0
    report = campaign.evaluate_plan(ana, plan.id)
    lo, hi = report["overall"]["uplift_abs_ci95"]
    assert 0 < sim.true_uplift_abs and lo <= sim.true_uplift_abs <= hi
    assert report["model"]["auc"] > 0.55   # the synthetic world ties response to the plan score


def test_retrain_labels_align_with_the_bank_dataset(admin_session, tmp_path):
    from app.data.generator import generate
    from app.workflows.importing import data_import
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    ana = login(admin_session.workspace, "ana", "analyst-pass")
    files = generate(1500, 7, str(tmp_path / "data"))
    data_import.import_dataset(ana, files["bank"], files["bank_consent"], files["bank_profile"])
    data = data_import.load_eligible(ana, "bank_customers")
    n = len(data.ids)
    rng = np.random.default_rng(0)
    flags = {k: data.contact[k] == 1 for k in ("already_bound", "opted_out", "app_active_30d",
                                               "branch_visit_recent")}
    pop = plans.build_population(np.arange(n), rng.random(n), np.zeros(n), data.branch,
                                 branches=data.branches, consent_ok=np.ones(n, bool),
                                 ids=data.ids, id_type="mobile", **flags)
    plan = make_plan(ana, pop, rules=dict(RULES, selection={"mode": "top_percent", "value": 100}))
    sim = campaign.simulate_demo_outcomes(ana, plan.id, seed=5, out_dir=str(tmp_path))
    campaign.import_outcomes(ana, plan.id, sim.path, "customer_id", "bound_at", "channel")
    report = campaign.evaluate_plan(ana, plan.id)
    proposal = campaign.retrain_proposal_params(ana, report["evaluation"]["id"])
    labels, params = proposal.labels, proposal.params
    stored_rows = ana.workspace.db.query("SELECT rows FROM datasets")[0][0]
    assert len(labels) == stored_rows and params["dataset"] == "bank_customers"
    assert params["labelled"] == report["population"]["treatment"]
    assert params["positives"] == report["overall"]["treatment"]["conversions"]
    assert all(isinstance(v, (str, int)) for v in params.values())
    back = campaign.labels_for_evaluation(ana, report["evaluation"]["id"], plan.members.ids)
    treated = plans.evaluation_arms(plans.load_plan(ana, plan.id))[1] == 1
    assert (back[~treated] == -1).all() and set(np.unique(back[treated])) <= {0, 1}
    assert int(back[treated].sum()) == params["positives"]


def test_cli_simulate_import_evaluate(admin_session, tmp_path, monkeypatch, capsys):
    from app.cli import main
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR001")
    ana = login(admin_session.workspace, "ana", "analyst-pass")
    plan = make_plan(ana, synthetic_population(4000, seed=9, n_branches=3))
    ws = str(admin_session.workspace.path)
    admin_session.workspace.close()

    def run(user, password, *args):
        monkeypatch.setenv("LIANMO_PASSWORD", password)
        code = main(["campaign", args[0], "--workspace", ws, "--user", user, *args[1:]])
        return code, capsys.readouterr()
    code, out = run("ana", "analyst-pass", "simulate-outcomes", "--plan", plan.id, "--seed", "3",
                    "--out", str(tmp_path), "--json")
    assert code == 0
    sim = json.loads(out.out)
    code, out = run("ana", "analyst-pass", "import-outcomes", "--plan", plan.id,
                    "--outcomes", sim["path"], "--json")
    assert code == 0 and json.loads(out.out)["matched"] == sim["rows"]
    code, out = run("ana", "analyst-pass", "evaluate-plan", "--plan", plan.id, "--report",
                    str(tmp_path / "r.json"), "--partner-report", str(tmp_path / "p.json"))
    assert code == 0 and "Evaluation" in out.out and "first export" not in out.out
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["parameters"]["window_basis"] == "finalised"
    assert check_partner_report(json.loads((tmp_path / "p.json").read_text())) == 10
    code, out = run("bob", "branch-pass", "evaluate-plan", "--plan", plan.id, "--report",
                    str(tmp_path / "b.json"))
    assert code == 0 and list(json.loads((tmp_path / "b.json").read_text())["by"]["branch"]) == ["BR001"]
    code, out = run("bob", "branch-pass", "import-outcomes", "--plan", plan.id, "--outcomes", sim["path"])
    assert code == 2 and "may not" in out.err
    code, out = run("ana", "analyst-pass", "retrain-labels", "--evaluation", report["evaluation"]["id"])
    assert code == 2 and "no bank dataset" in out.err


def test_window_opens_at_the_first_reach_list_export(bank, tmp_path):
    ana, _, plan = bank
    assert ana.workspace.db.run(campaign_eval.window_start, plan)[1] == "finalised"
    ana.workspace.db.execute("UPDATE plans SET finalised_at = '2020-01-01T00:00:00+00:00' "
                             "WHERE id = ?", (plan.id,))
    plans.export_reach_lists(ana, plan.id, tmp_path / "out")
    plan = plans.load_plan(ana, plan.id)
    start, basis = ana.workspace.db.run(campaign_eval.window_start, plan)
    assert basis == "first_export" and abs(start - time.time()) < 120
    member = plan.members.ids[plan.members.arm == 0][0].decode()
    rows = [(member, stamp(start + 86400), "app"), (member, "2020-01-02 10:00:00", "app")]
    campaign.import_outcomes(ana, plan.id, write(tmp_path / "o.csv", rows), "mobile", "bound_at",
                             "channel")
    report = campaign.evaluate_plan(ana, plan.id)
    assert report["overall"]["treatment"]["conversions"] == 1
    assert report["outcomes"]["before_window"] == 1
    assert report["parameters"]["window_basis"] == "first_export"
