"""``make demo``: the whole product loop on the bundled demo data, both parties on this machine.

Bank and platform import their consented customers, link over loopback TLS, align (ECDH-PSI),
train a federated SecureBoost model (Paillier), score every eligible bank customer, build a
campaign plan with a 10 % control group, simulate the campaign from the generator's documented
treatment effect, evaluate it, and retrain on the campaign's outcomes (compared with the first model
on the same customers). Each step is a job proposed by the bank and approved by the
platform's analyst in the platform's own workspace. At the end it writes ``workspaces.json``
(``access.py``) and says how to open both workspaces in the app.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

from app.protocols.secureboost.params import TrainParams
from app.resources import resource_path
from app.workflows import campaign, plans, training
from app.workflows.importing import data_import
from app.workflows.rehearsal import PEER, run_job, run_pipeline
from app.workflows.rehearsal.access import DemoAccess, instructions, passphrase_env, write_access
from app.workflows.rehearsal.link import ANALYST, close_parties, create_party, link_parties
from app.workflows.tasks import NullTask

DEMO_PARAMS = dict(n_trees=12, max_depth=4, learning_rate=0.3, n_bins=32, key_bits=2048,
                   early_stopping_rounds=3, seed=7)

PLAN_RULES = {
    "format": "lianmo-plan-rules", "version": 1, "campaign_id": "QP-DEMO-01",
    "template_id": "quickpay_bind_push_v1",
    "pitch_script": "Bind your card for quick payment in the app in 30 seconds.",
    "selection": {"mode": "top_percent", "value": 40},
    "exclusions": {"already_bound": True, "opted_out": True, "consent": True,
                   "contacted_within_days": 30},
    "channels": {"rules": [{"when": {"column": "app_active_30d", "op": "==", "value": True},
                            "channel": "app"},
                           {"when": {"column": "branch_visit_recent", "op": "==", "value": True},
                            "channel": "branch"}],
                 "default": "app", "branch_weekly_capacity": 150, "weeks": 2,
                 "overflow": "overflow_to_app"},
    "control": {"fraction": 0.10, "seed": 20261127},
    "review": {"non_responding_branches": "include"},
}


def _import(party, prefix: str) -> dict:
    demo = resource_path("demo")
    return data_import.import_dataset(party.analyst, str(demo / f"{prefix}.csv.gz"),
                                      str(demo / f"{prefix}_consent.csv.gz"),
                                      str(demo / f"{prefix}_profile.json"))


def _retrain(bank, partner, alignment_id: str, old_model: str, evaluation_id: str, echo) -> dict:
    """"Retrain with these outcomes": a new model version on the campaign's real binds, compared
    with the old one on the same customers."""
    params = TrainParams(**DEMO_PARAMS)
    job = run_job(bank, partner, "training", lambda: bank.service.propose(
        "training", PEER["bank"], training.retrain_job_params(
            bank.analyst, alignment_id, evaluation_id, params,
            "Quick-pay, retrained on campaign outcomes (demo)"), wait=60),
        NullTask())
    run_job(bank, partner, "scoring", lambda: bank.service.propose(
        "scoring", PEER["bank"], {"model": job.id}, wait=60), NullTask())
    comparison = training.compare_models(bank.analyst, old_model, job.id, evaluation_id)
    echo(f"retrained on campaign outcomes: AUC on the invited customers' binds "
         f"{comparison['auc_new']:.4f} (new) vs {comparison['auc_old']:.4f} (old), "
         f"{comparison['rows']} customers")
    return {"model": job.id, "rows_used": job.result.get("rows_used"),
            "validation_auc_new": job.result.get("auc_federated"), **comparison,
            "note": "auc_old/auc_new score every invited customer; the new model was trained on "
                    "the aligned ones among them, so auc_new is partly in-sample — "
                    "validation_auc_new is measured on rows held out from retraining"}


def _campaign(bank, model_id: str, echo) -> tuple[dict, dict]:
    population = plans.load_population(bank.workspace, model_id)
    plan = plans.create_plan(bank.analyst, population, PLAN_RULES, model_id)
    plan = plans.finalise_plan(bank.analyst, plan.id)
    plan_section = plans.plan_summary(plan)
    echo(f"plan: {plan_section['treated']} invited, {plan_section['control']} held out as control")
    outcomes_dir = bank.workspace.path.parent.parent / "outcomes"
    outcomes_dir.mkdir(parents=True, exist_ok=True)
    simulated = campaign.simulate_demo_outcomes(bank.analyst, plan.id, seed=11, out_dir=str(outcomes_dir))
    campaign.import_outcomes(bank.analyst, plan.id, simulated.path, "customer_id", "bound_at", "channel")
    report = campaign.evaluate_plan(bank.analyst, plan.id, window_days=30)
    section = {k: report[k] for k in ("overall", "by", "deciles") if k in report}
    section["true_uplift_abs"] = simulated.true_uplift_abs
    section["method"] = report.get("method")
    section["evaluation"] = report["evaluation"]["id"]
    return plan_section, section


def demo_access(bank, partner) -> dict[str, DemoAccess]:
    """What opens each party's workspace (the analyst who ran the demo's jobs)."""
    return {key: DemoAccess(path=str(party.workspace.path.resolve()), user=ANALYST,
                            password=party.password, passphrase_env=passphrase_env(key),
                            passphrase=party.passphrase)
            for key, party in (("bank", bank), ("platform", partner))}


def run_demo(out: str | Path, echo: Callable[[str], None] = print) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    bank = create_party(out / "workspaces", "bank", "Demo Bank", "label")
    partner = create_party(out / "workspaces", "partner", "Demo Platform", "feature")
    try:
        link_parties(bank, partner)
        imported = {"bank": _import(bank, "bank"), "partner": _import(partner, "partner")}
        echo(f"imported: bank {imported['bank']['eligible']} consented customers, "
             f"platform {imported['partner']['eligible']}")
        result = run_pipeline(bank, partner, ["bank_customers"], TrainParams(**DEMO_PARAMS),
                              NullTask(), echo, id_type="mobile",
                              model_name="Quick-pay propensity (demo)")
        align = result["alignments"]["bank_customers"].result
        train, score = result["training"].result, result["scoring"].result
        echo(f"alignment: {align['size']} customers in common ({align['overlap_rate']:.1%} of the bank's)")
        echo(f"training: {train['trees']} trees; validation AUC federated {train['auc_federated']:.4f} "
             f"vs bank-only {train['auc_label_only']:.4f}")
        comparison = train.get("comparison") or {}
        if comparison.get("ci_low") is not None:
            echo(f"what the platform's data adds: AUC {comparison['auc_difference']:+.3f} "
                 f"(95% bootstrap CI {comparison['ci_low']:+.3f} to {comparison['ci_high']:+.3f}, "
                 f"{train.get('validation_rows', 0)} validation customers): {comparison['verdict']}")
        echo(f"scoring: {score['federated']} federated + {score['label_only']} bank-only scores")
        plan_section, campaign_section = _campaign(bank, result["training"].id, echo)
        overall = campaign_section["overall"]
        lo, hi = overall["uplift_abs_ci95"]
        echo(f"campaign: uplift {overall['uplift_abs']:+.2%} (95% CI {lo:+.2%} to {hi:+.2%}), "
             f"p = {overall['p_value']:.3g}; true effect {campaign_section['true_uplift_abs']:+.2%}")
        retrain = _retrain(bank, partner, result["alignments"]["bank_customers"].id,
                           result["training"].id, campaign_section["evaluation"], echo)
        report = {"import": {k: {"rows_read": v.get("rows_read"), "eligible": v.get("eligible")}
                             for k, v in imported.items()},
                  "alignment": align, "training": train, "scoring": score, "plan": plan_section,
                  "campaign": campaign_section, "retrain": retrain,
                  "timings_s": {**{k: round(v, 2) for k, v in result["timings"].items()},
                                "total": round(time.perf_counter() - started, 2)},
                  "transcripts": {k: result[k].transcript_hash for k in ("training", "scoring")}}
        access = demo_access(bank, partner)
    finally:
        close_parties(bank, partner)
    path = out / "report.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    written = write_access(out / "workspaces.json", access)
    for line in instructions(written, access):
        echo(line)
    return path
