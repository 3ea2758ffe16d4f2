"""The scoring job: every eligible bank customer gets a score the campaign plans can use.

Job parameter ``model``: the federated model id (= the training job id, the same on both sides).
Both parties agree the aligned rows again (consent re-checked now); the partner sends its split
decisions for those rows as bits (``FeatureParty.score``) and the bank combines them into
probabilities. Eligible bank customers outside the agreed rows get the label-only model's score.
The bank stores the population in the layout plans read (plans/population.py); the partner stores
nothing but the count in the job result.

When the joint model is worse than the bank's own (the paired bootstrap's verdict), the bank can
use the label-only model instead (``use_label_only``): it scores every eligible customer locally,
with no job and no partner, and becomes the main model plans start from.
"""

from __future__ import annotations

import numpy as np

from app.data.idmatch import positions
from app.errors import UserFacingError
from app.protocols.secureboost.driver import federated_scores
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.gradients import sigmoid
from app.protocols.secureboost.model import FeatureModel, LabelModel
from app.protocols.secureboost.params import TrainParams
from app.store import datasets as dataset_store
from app.store import models as model_store
from app.store.workspace import now_iso
from app.workflows import jobs
from app.workflows.importing.data_import import EligibleData, load_eligible
from app.workflows.plans.context import NAME_COLUMN
from app.workflows.plans.population import (FEDERATED, LABEL_ONLY, ScoredPopulation,
                                           build_population, distinct, save_population)
from app.workflows.training import scorecard
from app.workflows.training.link import (PartnerOverLink, agree_rows, feature_columns, recv_sb,
                                         send_sb)

NO_BRANCH = "UNASSIGNED"
STEPS = 3  # progress: rows agreed, scores computed, population stored (a finished job)


def run_scoring_job(workspace, job, channel, initiator: bool, task) -> dict:
    model_id = job.params.get("model")
    if not isinstance(model_id, str) or not model_id:
        raise UserFacingError.coded("training.scoring_no_model")
    record, plain = workspace.db.run(model_store.get_model, model_id)
    if record.kind != "federated":
        raise UserFacingError.coded("training.scoring_not_federated")
    # Scoring may target another alignment than the one trained on (new customers, a hold-out):
    # the same feature columns, aligned with the same peer.
    alignment_id = job.params.get("alignment_id") or record.alignment_id
    if not isinstance(alignment_id, str):
        raise UserFacingError.coded("training.scoring_bad_alignment")
    rows = agree_rows(workspace, channel, initiator, alignment_id, job.peer)
    jobs.report_progress(workspace, job.id, 0, 1, "scoring")
    task.progress(1, STEPS, "rows agreed")  # a cancel here leaves nothing stored
    if plain.get("model_type") == "scorecard":
        result = _score_card(workspace, job, channel, record, model_id, plain, rows, task)
    elif record.half == "label":
        result = _score_label(workspace, job, channel, model_id, plain, rows, task)
    else:
        result = _score_feature(workspace, channel, record, plain, rows)
    jobs.report_progress(workspace, job.id, 1, 1, "scored")
    return result


def score_model(service, model_id: str, task, wait: float) -> jobs.Job:
    """Propose scoring ``model_id`` to the peer it was trained with and, once approved, run it
    (what ``score`` does on the CLI). Returns the job: finished, or still ``proposed`` when the
    peer's users did not decide within ``wait`` seconds."""
    peer = jobs.get(service.session, model_id).peer  # the model id is its training job's id
    job = service.propose("scoring", peer, {"model": model_id}, wait=wait)
    if job.state != "approved":
        return job
    return service.run_or_resume(job.id, task, wait=wait)


def _score_label(workspace, job, channel, model_id: str, plain: dict, rows, task) -> dict:
    model = LabelModel.from_plain(plain)
    baseline = LabelModel.from_plain(
        workspace.db.run(model_store.get_model, model_store.label_only_id(model_id))[1])
    elig = rows.eligible
    columns, _ = feature_columns(workspace, elig)
    score = sigmoid(baseline.margin(baseline.binning.transform(columns), None))
    source = np.full(len(elig.ids), LABEL_ONLY, dtype=np.uint8)
    own_bins = model.binning.transform({k: v[rows.rows] for k, v in columns.items()})
    score[rows.rows] = federated_scores(model, own_bins, PartnerOverLink(channel), None)
    source[rows.rows] = FEDERATED
    pop = population(workspace, elig, score, source)
    task.progress(2, STEPS, "scored")  # the last point to cancel: storing is all or nothing
    return _save(workspace, job, model_id, pop, source)


def _score_card(workspace, job, channel, record, model_id: str, plain: dict, rows, task) -> dict:
    """A scorecard: the bank adds base and bank points to the partner's points column."""
    if record.half == "feature":
        columns, _ = feature_columns(workspace, rows.eligible, rows.rows)
        scorecard.partner_scores(channel, plain, rows, columns)
        return {"role": "feature", "rows_scored": rows.n}
    elig = rows.eligible
    columns, _ = feature_columns(workspace, elig)
    baseline = workspace.db.run(model_store.get_model, model_store.label_only_id(model_id))[1]
    score, joint = scorecard.bank_scores(channel, plain, baseline, rows, columns)
    source = np.full(len(elig.ids), LABEL_ONLY, dtype=np.uint8)
    score[rows.rows] = joint
    source[rows.rows] = FEDERATED
    pop = population(workspace, elig, score, source)
    task.progress(2, STEPS, "scored")  # the last point to cancel: storing is all or nothing
    return _save(workspace, job, model_id, pop, source)


def _save(workspace, job, model_id: str, pop: ScoredPopulation, source: np.ndarray) -> dict:
    def write(conn):
        save_population(conn, model_id, pop, now_iso())
        workspace.audit.append_in(conn, "system", "scores.store", {"model": model_id, "job": job.id},
                                  {"n": len(pop)})
    workspace.db.transaction(write)
    return {"role": "label", "model_id": model_id, "scored": len(pop),
            "federated": int((source == FEDERATED).sum()),
            "label_only": int((source == LABEL_ONLY).sum())}


def use_label_only(session, model_id: str) -> dict:
    """Use the bank-only model of training ``model_id`` instead of the joint one: score every
    eligible customer with it (consent re-checked now; nothing is sent to the partner) and mark
    it main, so plans start from it. Audited with the comparison that motivated it."""
    session.require("score.run")
    session.require("train.run")
    joint = session.workspace.db.run(model_store.get_record, model_id)
    if joint.kind != "federated" or joint.half != "label":
        raise UserFacingError.coded("training.bank_only_label_half")
    only_id = model_store.label_only_id(model_id)
    only = session.workspace.db.run(model_store.get_record, only_id)
    elig = load_eligible(session, joint.dataset)
    columns, _ = feature_columns(session.workspace, elig)
    score = label_only_scores(session.workspace, model_id, columns)
    pop = population(session.workspace, elig, score,
                     np.full(len(elig.ids), LABEL_ONLY, dtype=np.uint8))
    comparison = (joint.metrics or {}).get("comparison") or {}

    def write(conn):
        save_population(conn, only_id, pop, now_iso())
        model_store.mark_main_in(conn, only_id)
        session.workspace.audit.append_in(
            conn, session.user.name, "model.use_label_only", {"model": only_id,
                                                              "instead_of": model_id},
            {"scored": len(pop), "verdict": comparison.get("verdict"),
             "auc_difference": comparison.get("auc_difference")})
    session.workspace.db.transaction(write)
    return {"model_id": only_id, "name": only.name, "scored": len(pop),
            "verdict": comparison.get("verdict")}


def _score_feature(workspace, channel, record, plain: dict, rows) -> dict:
    model = FeatureModel.from_plain(plain)
    columns, _ = feature_columns(workspace, rows.eligible, rows.rows)
    bins = model.binning.transform(columns)
    party = FeatureParty(TrainParams.from_dict(record.params), bins, model.binning)
    party.model = model
    send_sb(channel, party.score(recv_sb(channel), bins))
    return {"role": "feature", "rows_scored": rows.n}


def label_only_scores(workspace, model_id: str, columns: dict) -> np.ndarray:
    """The bank-only model's probabilities for rows given as columns (either model type)."""
    plain = workspace.db.run(model_store.get_model, model_store.label_only_id(model_id))[1]
    if plain.get("model_type") == "scorecard":
        return scorecard.label_only_probability(plain, columns)
    baseline = LabelModel.from_plain(plain)
    return sigmoid(baseline.margin(baseline.binning.transform(columns), None))


def population(workspace, elig: EligibleData, score: np.ndarray, source: np.ndarray) -> ScoredPopulation:
    """Plan input: customer key = the row of the stored dataset, flags, last contact and the
    (personal) name from the bank's data, so a branch sees at the counter what the bank imported."""
    stored = workspace.db.run(dataset_store.dataset_ids, elig.dataset)
    key = positions(stored, elig.ids)  # eligible customers are all stored rows
    n = len(elig.ids)
    branches = list(elig.branches)
    codes = (np.asarray(elig.branch, dtype=np.int32).copy() if elig.branch is not None
             else np.full(n, -1, np.int32))
    if (codes < 0).any():  # a plan needs a branch for everyone: unknown ones share one code
        branches.append(NO_BRANCH)
        codes[codes < 0] = len(branches) - 1

    def flag(name: str) -> np.ndarray:
        values = elig.contact.get(name)
        return np.zeros(n, bool) if values is None else np.asarray(values) == 1
    return build_population(key, score, source, codes, branches=tuple(branches),
                            already_bound=flag("already_bound"), opted_out=flag("opted_out"),
                            app_active_30d=flag("app_active_30d"),
                            branch_visit_recent=flag("branch_visit_recent"),
                            consent_ok=np.ones(n, bool), ids=elig.ids, id_type=elig.id_type,
                            last_contacted_day=elig.last_contact, **_names(elig))


def _names(elig: EligibleData) -> dict:
    """The population's personal ``customer_name`` column: codes into a table holding only the
    names of these (eligible) customers, so a revoked customer's name goes no further."""
    if elig.names is None:
        return {}
    codes = np.asarray(elig.names, dtype=np.int32)
    present = codes >= 0
    used = distinct(codes[present])
    out = np.full(len(codes), -1, np.int32)
    out[present] = np.searchsorted(used, codes[present])
    return {"custom": {NAME_COLUMN: out},
            "custom_categories": {NAME_COLUMN: [elig.name_table[c] for c in used.tolist()]},
            "personal": (NAME_COLUMN,)}
