"""Campaign evaluation inside the product (docs/campaign-evaluation.md, "In-product").

The workflow API the CLI and the GUI share::

    import_outcomes(session, plan_id, "binds.csv", "mobile", "bound_at", "channel")
    report = evaluate_plan(session, plan_id, window_days=30)     # stored as an evaluation version
    share_with_partner(session, service, "platform", report["evaluation"]["id"])
    proposal = retrain_proposal_params(session, report["evaluation"]["id"])

Analysts (``campaign.evaluate``) see and evaluate whole plans; branch managers
(``campaign.evaluate.branch``) evaluate their own branch's members only — the filter is here,
so CLI and GUI obey it alike. Modules: campaign_outcomes (file, matching, batches),
campaign_eval (window, report, versions), campaign_share (partner report job),
campaign_retrain (labels), campaign_demo (simulated outcomes).
"""

from __future__ import annotations

import math

from app.errors import PermissionDenied, UserFacingError
from app.evaluation import partner_report
from app.store import outcomes as outcome_store
from app.store import plans as plan_store
from app.workflows import jobs
from app.workflows.campaign import evaluation as campaign_eval
from app.workflows.campaign import share as campaign_share
from app.workflows.campaign.demo import SimulatedOutcomes, simulate
from app.workflows.campaign.outcomes import OUTCOME_ID_TYPES, member_index, read_outcome_file, store_batch
from app.workflows.campaign.retrain import RetrainProposal, build, labels_for_ids
from app.workflows.plans.plan import load_plan_in
from app.workflows.session import Session

__all__ = ["import_outcomes", "evaluate_plan", "finalised_plans", "list_evaluations", "load_evaluation",
           "share_with_partner", "run_evaluation_share_job", "shared_reports",
           "retrain_proposal_params", "labels_for_evaluation", "simulate_demo_outcomes",
           "OUTCOME_ID_TYPES", "SimulatedOutcomes", "RetrainProposal"]


def _scope(session: Session) -> str | None:
    """None for analysts (whole plan); the branch code for branch managers."""
    if session.can("campaign.evaluate"):
        return None
    if session.can("campaign.evaluate.branch") and session.user.branch:
        return session.user.branch
    raise PermissionDenied.coded("evaluation.not_allowed", name=session.user.name)


def import_outcomes(session: Session, plan_id: str, path: str, id_column: str,
                    bound_at_column: str, channel_column: str, id_type: str | None = None,
                    delimiter: str = ",", encoding: str = "auto", task=None) -> dict:
    """Read a bind file, match it to the plan's members and store it as one outcome batch.

    Returns counts only: rows read, rejected (by reason, with row numbers of the first 100),
    matched (treated / control / left out) and unmatched. Nothing is stored if the file fails.
    """
    session.require("campaign.evaluate")
    ws = session.workspace
    plan = ws.db.run(load_plan_in, plan_id)
    id_type = id_type or plan.id_type
    if id_type is None:
        raise UserFacingError.coded("evaluation.choose_id_type")
    events = read_outcome_file(path, id_column, bound_at_column, channel_column, id_type,
                               delimiter, encoding, task)

    def body(conn):
        member = member_index(conn, plan, events.ids, id_type)
        return store_batch(conn, plan, events, member, session.user.name)

    def audited(conn):
        counts = body(conn)
        ws.audit.append_in(conn, session.user.name, "campaign.outcomes_import",
                           {"plan": plan.id, "version": plan.version, "batch": counts["batch"],
                            "rows": counts["rows_read"], "matched": counts["matched"],
                            "unmatched": counts["unmatched"], "rejected": counts["rejected"]},
                           {"sha256": events.sha256, "file": events.file,
                            "columns": [id_column, bound_at_column, channel_column]})
        return counts
    counts = ws.db.transaction(audited)
    counts["problems"] = events.problems
    counts["file"] = events.file
    return counts


def evaluate_plan(session: Session, plan_id: str, window_days: int = 30, at=None) -> dict:
    """Evaluate and store the report as a new evaluation version.

    ``at`` (epoch seconds or ISO text) ignores binds recorded after that moment, to reproduce an
    earlier evaluation; by default every stored bind inside the window counts.
    """
    branch = _scope(session)
    at = math.inf if at is None else campaign_eval.parse_time(at)
    ws = session.workspace

    def body(conn):
        plan = load_plan_in(conn, plan_id)
        if branch is not None and branch not in plan.branches:
            raise UserFacingError.coded("evaluation.branch_not_in_plan")
        report, arm, outcome, window = campaign_eval.compute(conn, plan, window_days, at, branch)
        meta = campaign_eval.store(conn, plan, report, arm, outcome, window, at, session.user.name)
        ws.audit.append_in(conn, session.user.name, "campaign.evaluate",
                           {"plan": plan.id, "evaluation": meta["id"], "version": meta["version"],
                            "scope": branch or campaign_eval.ALL, "window_days": int(window_days)},
                           report["parameters"])
        report["evaluation"] = meta
        return report
    return ws.db.transaction(body)


def finalised_plans(session: Session) -> list[dict]:
    """Plans that can be evaluated (finalised), newest first, with their identifier type."""
    _scope(session)
    return session.workspace.db.run(plan_store.finalised_plans)


def list_evaluations(session: Session, plan_id: str | None = None) -> list[dict]:
    """Stored evaluation versions (branch managers: their own branch's only)."""
    branch = _scope(session)
    return session.workspace.db.run(outcome_store.list_evaluations, plan_id, branch)


def load_evaluation(session: Session, evaluation_id: str) -> dict:
    branch = _scope(session)
    meta, report = session.workspace.db.run(campaign_eval.load, evaluation_id)
    if branch is not None and meta["scope"] != branch:
        raise UserFacingError.coded("evaluation.no_evaluation")   # same answer as unknown
    return report


# -- partner ---------------------------------------------------------------------------------------
def partner_share(session: Session, evaluation_id: str, min_customers: int = 10) -> tuple[dict, dict]:
    """(partner report, job parameters) for an analyst's whole-plan evaluation."""
    session.require("campaign.evaluate")
    meta, report = session.workspace.db.run(campaign_eval.load, evaluation_id)
    if meta["scope"] != campaign_eval.ALL:
        raise UserFacingError.coded("evaluation.share_whole_plan")
    if int(min_customers) < campaign_share.MIN_CELL_FLOOR:
        raise UserFacingError.coded("evaluation.share_min_cell", minimum=campaign_share.MIN_CELL_FLOOR)
    shared = partner_report(report, int(min_customers))
    _text, sha = campaign_share.report_text(shared)
    p = report["parameters"]
    params = {"evaluation": evaluation_id, "campaign_id": p["campaign_id"],
              "window_days": p["window_days"], "min_customers": int(min_customers),
              "report_sha256": sha, "content": "aggregate evaluation report (suppressed cells)"}
    return shared, params


def share_with_partner(session: Session, service, peer: str, evaluation_id: str,
                       min_customers: int = 10, wait: float | None = None) -> jobs.Job:
    """Propose an ``evaluation_share`` job; once the partner approved it, run it at once.

    ``service`` is the workspace's ``link.PeerService``. If the partner has not decided within
    ``wait`` seconds the job stays proposed; ``PeerService.run(job.id)`` sends it later.
    """
    _shared, params = partner_share(session, evaluation_id, min_customers)
    job = service.propose("evaluation_share", peer, params, wait=wait)
    if job.state == "approved":
        job = service.run(job.id)
    return job


def run_evaluation_share_job(workspace, job, channel, initiator, task) -> dict:
    """The runner of the "evaluation_share" job type: the bank sends, the partner validates
    and stores."""
    if not initiator:
        return campaign_share.receive(workspace, job, channel)
    meta, report = workspace.db.run(campaign_eval.load, str(job.params.get("evaluation", "")))
    if meta["scope"] != campaign_eval.ALL:
        raise UserFacingError.coded("evaluation.share_whole_plan")
    shared = partner_report(report, int(job.params.get("min_customers", 10)))
    text, sha = campaign_share.report_text(shared)
    task.progress(0, 1, "Sending the aggregate report")
    result = campaign_share.send(workspace, job, channel, text, sha)
    task.progress(1, 1, "Sent")
    return result


def shared_reports(session: Session) -> list[dict]:
    """Aggregate reports received from partners (partner side)."""
    if not (session.can("campaign.evaluate") or session.can("jobs.approve")):
        raise PermissionDenied.coded("evaluation.shared_not_allowed", name=session.user.name)
    out = session.workspace.db.run(outcome_store.shared_reports)
    for item in out:
        item["report"] = campaign_share.parse_report_text(item["report"])
    return out


# -- retraining and demo ---------------------------------------------------------------------------
def retrain_proposal_params(session: Session, evaluation_id: str) -> RetrainProposal:
    """Labels from the evaluation (treated: bound in window 1 / 0; others -1) + training params."""
    session.require("campaign.evaluate")
    session.require("train.run")

    def body(conn):
        proposal = build(conn, evaluation_id, session.user.name)
        session.workspace.audit.append_in(
            conn, session.user.name, "campaign.retrain_labels",
            {"evaluation": evaluation_id, "dataset": proposal.params["dataset"],
             "labelled": proposal.params["labelled"], "positives": proposal.params["positives"]},
            proposal.params)
        return proposal
    return session.workspace.db.transaction(body)


def labels_for_evaluation(session: Session, evaluation_id: str, ids) -> "object":
    """The retraining labels for these identifiers (e.g. ``load_eligible(...).ids``)."""
    session.require("train.run")
    return session.workspace.db.run(labels_for_ids, evaluation_id, ids)


def simulate_demo_outcomes(session: Session, plan_id: str, seed: int, out_dir: str | None = None,
                           window_days: int = 30) -> SimulatedOutcomes:
    """Write a demo outcome file for a finalised plan (see campaign_demo); ``.path`` is the CSV."""
    session.require("campaign.evaluate")

    def body(conn):
        return simulate(conn, load_plan_in(conn, plan_id), int(seed), out_dir, int(window_days))
    return session.workspace.db.run(body)
