"""The training job: SecureBoost between the bank (label party) and the partner (feature party).

Runner contract (app/workflows/peering/link.py): ``run_training_job(workspace, job, channel, initiator,
task) -> dict``; each side takes its role from ``workspace.role``. Flow (docs/training.md): agree
the rows (keep-masks), bin own features, run the protocol tree by tree with a checkpoint after each
tree (a failed job re-run with ``PeerService.run`` resumes there), score the training rows once for
the report, store the model halves. The label party also trains the label-only model on the same
rows and keeps the report; the feature party stores its half and counts only.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, fields

import numpy as np

from app.workflows.executors import open_executor
from app.crypto import schemes
from app.crypto.obfuscation import encryption_exponent_bits
from app.errors import (JobRefused, LocalProtocolError, PermissionDenied, UserFacingError,
                        ValidationError)
from app.protocols.secureboost import messages as sbm
from app.protocols.secureboost import metrics
from app.protocols.secureboost.binning import Binning, fit_binning
from app.protocols.secureboost.driver import federated_scores
from app.protocols.secureboost.estimate import estimate_duration, measure_costs
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.gradients import sigmoid
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.model import LabelModel
from app.protocols.secureboost.params import TrainParams
from app.protocols.secureboost.report import label_only_model
from app.store import alignments as alignment_store
from app.store import models as model_store
from app.store import outcomes as outcome_store
from app.store.models import ModelRecord, label_only_id
from app.store.workspace import now_iso
from app.workflows import jobs
from app.workflows.plans.xlsx import xlsx_bytes
from app.workflows.training import names
from app.workflows.training import record as reproducible
from app.workflows.training import scorecard
from app.workflows.alignment.rows import usable_rows
from app.workflows.importing.data_import import load_eligible
from app.workflows.training.scoring import run_scoring_job  # noqa: F401  (the scoring job's runner)
from app.workflows.training.link import (AlignedRows, PartnerOverLink, agree_rows, feature_columns,
                                         recv_sb, send_sb)

MIN_KEY_BITS = 2048
SCHEMES = schemes.NAMES          # the approved parameter ``scheme``; the first is the default
SCHEME_NAMES = schemes.TITLES
_FIELDS = {f.name: type(f.default) for f in fields(TrainParams)}


# -- parameters -----------------------------------------------------------------------------------
def job_params(alignment_id: str, params: TrainParams, name: str | None = None,
               card: dict | None = None) -> dict:
    """The flat JSON object both parties approve: the alignment, every hyper-parameter and, when
    given, the model's name (both parties store the model under it); ``card``
    (scorecard.job_fields) makes it a scorecard job (SecureBoost otherwise)."""
    if params.key_bits < MIN_KEY_BITS:
        raise ValidationError.coded("training.key_bits", bits=MIN_KEY_BITS)
    named = {} if name is None else {"name": names.check_name(name)}
    body = {"alignment_id": alignment_id, **params.to_dict(), **named, **(card or {})}
    if card:
        scorecard.card_params(body)  # out-of-range values are refused before proposing
    return body


def train_params(values: dict) -> TrainParams:
    """TrainParams from approved job parameters (types checked, keys below 2048 bits refused)."""
    chosen = {}
    for name, kind in _FIELDS.items():
        if name not in values:
            continue
        v = values[name]
        ok = isinstance(v, bool) if kind is bool else isinstance(v, str) if kind is str else (
            isinstance(v, (int, float)) and not isinstance(v, bool) and (kind is float or v == int(v)))
        if not ok:
            raise ValidationError.coded("training.param_type", name=name)
        chosen[name] = kind(v)
    params = TrainParams(**chosen)
    if params.key_bits < MIN_KEY_BITS:
        raise ValidationError.coded("training.key_bits", bits=MIN_KEY_BITS)
    return params


# -- the runner -------------------------------------------------------------------------------------
def run_training_job(workspace, job, channel, initiator: bool, task) -> dict:
    alignment_id = job.params.get("alignment_id")
    if not isinstance(alignment_id, str) or not alignment_id:
        raise ValidationError.coded("training.no_alignment")
    params = train_params(job.params)
    workspace.db.transaction(model_store.drop_finished_checkpoints)
    if workspace.role not in ("label", "feature"):
        raise UserFacingError.coded("training.no_party_role")
    if scorecard.model_type(job.params) == "scorecard":
        return _train_scorecard(workspace, job, channel, initiator, task, params, alignment_id)
    train = _train_label if workspace.role == "label" else _train_feature
    with open_executor(workspace, task) as executor:  # the job's crypto workers, gone at its end
        result = train(workspace, job, channel, initiator, task, params, alignment_id, executor)
        return {**result, "executor": executor.describe()}


def _between_trees(workspace, job, task, params: TrainParams, done: int, digest: str,
                   state: dict) -> None:
    """Checkpoint, progress, cooperative cancel and the kill switch, at every tree boundary."""
    workspace.db.transaction(model_store.save_checkpoint, job.id, done, digest,
                             model_store.pack_plain(state))
    message = f"tree {done} of {params.n_trees}"
    jobs.report_progress(workspace, job.id, done, params.n_trees, message)
    task.progress(done, params.n_trees, message)  # raises UserCancelled when cancelled
    if jobs.paused(workspace):
        raise JobRefused.coded("training.paused_after_tree", tree=done)


# -- retraining on campaign outcomes ----------------------------------------------------------------
def outcome_labels(workspace, evaluation_id):
    """Labels from a campaign evaluation instead of the dataset's own label column (or None).

    Refused when the bank dataset was re-imported since the labels were built: the labels are
    keyed by identifier, but a new version may hold other customers' data under the same key.
    """
    if evaluation_id is None:
        return None
    if not isinstance(evaluation_id, str):
        raise ValidationError.coded("training.param_type", name="label_evaluation")
    from app.workflows.campaign.retrain import labels_for_ids

    def source(eligible):
        def body(conn):
            row = outcome_store.label_dataset_versions(conn, evaluation_id)
            if row is None:
                raise UserFacingError.coded("training.no_labels_built")
            if row[0] != row[1]:
                raise UserFacingError.coded("training.labels_stale")
            return labels_for_ids(conn, evaluation_id, eligible.ids)
        return workspace.db.run(body)
    return source


def retrain_job_params(session, alignment_id: str, evaluation_id: str, params: TrainParams,
                       name: str | None = None, card: dict | None = None) -> dict:
    """Parameters of a new training job whose labels are the campaign's outcomes (treated
    customers: bound within the window = 1, else 0); the partner sees that the labels changed."""
    from app.workflows.campaign import retrain_proposal_params
    proposal = retrain_proposal_params(session, evaluation_id)
    record = session.workspace.db.run(alignment_store.get_alignment, alignment_id)
    if record.dataset != proposal.params["dataset"]:
        raise UserFacingError.coded("training.labels_other_dataset")
    return {**job_params(alignment_id, params, name, card), "label_evaluation": evaluation_id}


def compare_models(session, old_model: str, new_model: str, evaluation_id: str) -> dict:
    """Both models' scores against the campaign outcomes, on the customers both scored."""
    from app.workflows.campaign.retrain import labels_for_ids
    from app.workflows.plans import load_population
    old = load_population(session.workspace, old_model)
    new = load_population(session.workspace, new_model)
    common, i_old, i_new = np.intersect1d(old.ids, new.ids, return_indices=True)
    labels = session.workspace.db.run(labels_for_ids, evaluation_id, common)
    known = labels >= 0
    y = labels[known].astype(float)
    if known.sum() < 10 or len(np.unique(y)) < 2:
        raise UserFacingError.coded("training.too_few_outcomes")
    return {"rows": int(known.sum()), "positives": int(y.sum()),
            "auc_old": float(metrics.auc(y, old.score[i_old][known])),
            "auc_new": float(metrics.auc(y, new.score[i_new][known]))}


# -- label party ------------------------------------------------------------------------------------
def _drive(label: LabelParty, channel, reply=None) -> LabelModel:
    """Run the label party over the link; ``reply(label, channel)`` waits for each answer
    (default: precompute obfuscators meanwhile)."""
    reply = reply or _reply_while_precomputing
    gen = label.protocol()
    try:
        request = next(gen)
        while True:
            send_sb(channel, request)
            request = gen.send(reply(label, channel))
    except StopIteration as done:
        return done.value
    finally:
        if getattr(label, "crypto", None) is not None:
            try:
                label.crypto.forget_precomputed()
            except LocalProtocolError:  # the pool is gone, and its reserves with it
                pass


def _reply_while_precomputing(label: LabelParty, channel) -> bytes:
    """The partner's reply. Meanwhile our idle workers draw the next tree's obfuscators (they do
    not depend on data), so on two machines encryption mostly leaves the critical path."""
    crypto = getattr(label, "crypto", None)
    if crypto is None:
        return recv_sb(channel)
    stop = threading.Event()

    def fill() -> None:
        try:
            while not stop.is_set() and crypto.precompute_step():
                time.sleep(0.001)  # lets another thread of this process take the pool between steps
        except Exception:  # the main path reports pool failures; this is only a head start
            return

    helper = threading.Thread(target=fill, name="lianmo-precompute", daemon=True)
    helper.start()
    try:
        return recv_sb(channel)
    finally:
        stop.set()
        helper.join()


def _check_rows(rows: AlignedRows, params: TrainParams) -> None:
    if rows.n < 4 * params.min_leaf_size:
        raise ValidationError.coded("training.too_few_rows", rows=rows.n)


def _train_label(workspace, job, channel, initiator, task, params, alignment_id,
                 executor) -> dict:
    rows = agree_rows(workspace, channel, initiator, alignment_id, job.peer, need_label=True,
                      label_source=outcome_labels(workspace, job.params.get("label_evaluation")))
    _check_rows(rows, params)
    state = workspace.db.run(model_store.load_checkpoint, job.id, rows.digest)
    columns, categorical = feature_columns(workspace, rows.eligible, rows.rows)
    binning = (Binning.from_dict(state["model"]["binning"]) if state is not None
               else fit_binning(columns, categorical, params.n_bins))
    y = rows.eligible.label[rows.rows].astype(np.float64)
    label = LabelParty(params, y, binning.transform(columns), binning, partner=True, state=state,
                       executor=executor)
    label.on_tree_done = lambda t: _between_trees(workspace, job, task, params, t + 1, rows.digest,
                                                  label.checkpoint())
    model = _drive(label, channel)
    scores = federated_scores(model, label.bins, PartnerOverLink(channel), None)
    baseline = label_only_model(label)
    report = _report(label, model, baseline, scores)
    data = reproducible.data_digest(rows.eligible.ids[rows.rows], columns, y)
    record = reproducible.build(params.to_dict(), alignment_id, data, model.to_plain())
    report["record"] = record
    replay = _replay_verdict(workspace, job, record)
    if replay is not None:
        report["replay"] = replay
    created = now_iso()
    name = names.job_model_name(job, rows.record.dataset, created)
    common = dict(job_id=job.id, alignment_id=alignment_id, dataset=rows.record.dataset, half="label",
                  params=params.to_dict(), rows_used=rows.n, created_at=created)
    federated = ModelRecord(id=job.id, kind="federated", metrics=report, trees=len(model.trees),
                            record=record, name=name, **common)
    only = ModelRecord(id=label_only_id(job.id), kind="label_only", name=f"{name} (bank only)",
                       metrics={"label_only": report.get("label_only"),
                                "validation_rows": report["validation_rows"]},
                       trees=len(baseline.trees),
                       record=reproducible.build(params.to_dict(), alignment_id, data,
                                                 baseline.to_plain()), **common)
    _store(workspace, job, [(federated, model.to_plain()), (only, baseline.to_plain())])
    return {"role": "label", "rows_used": rows.n, "trees": len(model.trees),
            "label_only_trees": len(baseline.trees), "validation_rows": report["validation_rows"],
            "auc_federated": names.part_auc(report.get("federated")),
            "auc_label_only": names.part_auc(report.get("label_only")),
            "model_id": federated.id, "label_only_model_id": only.id,
            "model_digest": record["model_digest"], "comparison": report.get("comparison"),
            "early_stopping": report["early_stopping"],
            **({"replay": replay} if replay is not None else {})}


def _train_scorecard(workspace, job, channel, initiator, task, params, alignment_id) -> dict:
    """Model type scorecard: WOE/IV binning, the secret-shared regression, points
    (workflows/training/scorecard.py); stored as the same two halves as SecureBoost."""
    with open_executor(workspace, task) as executor:  # the job's crypto workers
        if workspace.role == "label":
            out = scorecard.train_label(
                workspace, job, channel, initiator, task, params, alignment_id, executor,
                outcome_labels(workspace, job.params.get("label_evaluation")), _store)
        else:   # run_training_job refused any other role
            out = scorecard.train_feature(workspace, job, channel, initiator, params,
                                          alignment_id, executor)
    rows, record = out["rows"], out["record"]
    replay = _replay_verdict(workspace, job, record)
    created = now_iso()
    name = names.job_model_name(job, rows.record.dataset, created)
    common = dict(job_id=job.id, alignment_id=alignment_id, dataset=rows.record.dataset,
                  params=dict(job.params), rows_used=rows.n, created_at=created, trees=0)
    common["params"].pop("alignment_id", None)
    if workspace.role == "feature":
        half = ModelRecord(id=job.id, kind="federated", half="feature", metrics=None,
                           record=record, name=name, **common)
        _store(workspace, job, [(half, out["plain"])])
        return {"role": "feature", "model_type": "scorecard", "rows_used": rows.n, "trees": 0,
                "selected_features": out["selected"], "model_digest": record["model_digest"],
                **({"replay": replay} if replay else {})}
    report = out["report"]
    if replay is not None:
        report["replay"] = replay
    federated = ModelRecord(id=job.id, kind="federated", half="label", metrics=report,
                            record=record, name=name, **common)
    only = ModelRecord(id=label_only_id(job.id), kind="label_only", half="label",
                       name=f"{name} (bank only)",
                       metrics={"label_only": report.get("label_only"),
                                "validation_rows": report["validation_rows"]},
                       record=out["baseline_record"], **common)
    _store(workspace, job, [(federated, out["plain"]), (only, out["baseline_plain"])])
    return {"role": "label", "model_type": "scorecard", "rows_used": rows.n, "trees": 0,
            "label_only_trees": 0, "validation_rows": report["validation_rows"],
            "auc_federated": names.part_auc(report.get("federated")),
            "auc_label_only": names.part_auc(report.get("label_only")),
            "model_id": federated.id, "label_only_model_id": only.id,
            "model_digest": record["model_digest"], "comparison": report.get("comparison"),
            "selected_features": sum(1 for r in report["iv"] if r["selected"]),
            **({"replay": replay} if replay is not None else {})}


def _replay_verdict(workspace, job, record: dict) -> dict | None:
    """For a job proposed as a replay of an earlier model: did this half come out the same?"""
    original_id = job.params.get("replay_of")
    if not isinstance(original_id, str) or not original_id:
        return None
    try:
        original = workspace.db.run(model_store.get_record, original_id)
    except UserFacingError:
        return {"of": original_id, **reproducible.replay_verdict(None, record)}
    return {"of": original_id, **reproducible.replay_verdict(original.record, record)}


def _report(label: LabelParty, model: LabelModel, baseline: LabelModel, scores: np.ndarray) -> dict:
    """Validation metrics of both models, importance with partner features anonymised."""
    valid = label.valid_rows
    out = {"validation_rows": int(len(valid)), "trees": len(model.trees),
           "label_only_trees": len(baseline.trees), "importance": model.importance(),
           "validation_loss": [float(x) for x in label.history],
           "early_stopping": label.early_stopping_note(),   # refused on too few validation events
           # which scheme and settings protected the gradients (docs/he-schemes.md)
           "scheme": label.p.scheme,
           label.p.scheme: {"key_bits": label.p.key_bits,
                            "encryption_exponent_bits": encryption_exponent_bits(label.p.key_bits)}}
    if len(valid):
        y = label.y[valid]
        joint, own = np.asarray(scores)[valid], sigmoid(baseline.margin(label.bins[valid], None))
        out["federated"] = metrics.report(y, joint)
        out["label_only"] = metrics.report(y, own)
        # never silently worse than the bank's own model (docs/training.md)
        out["comparison"] = reproducible.compare_with_label_only(y, joint, own, label.p.seed)
    return out


def _store(workspace, job, items: list[tuple[ModelRecord, dict]]) -> None:
    def write(conn):
        for record, plain in items:
            model_store.save_model_in(conn, record, plain)
            workspace.audit.append_in(conn, "system", "model.store",
                                      {"model": record.id, "job": job.id, "kind": record.kind},
                                      {"trees": record.trees, "rows": record.rows_used})
    workspace.db.transaction(write)


# -- feature party ------------------------------------------------------------------------------------
def _train_feature(workspace, job, channel, initiator, task, params, alignment_id,
                   executor) -> dict:
    rows = agree_rows(workspace, channel, initiator, alignment_id, job.peer)
    _check_rows(rows, params)
    columns, categorical = feature_columns(workspace, rows.eligible, rows.rows)
    data = recv_sb(channel)
    setup = sbm.decode(data, {"setup"})
    state = None
    if setup.start_tree > 0:  # the label party resumes: we need our state at the same tree
        state = workspace.db.run(model_store.load_checkpoint, job.id, rows.digest,
                                 setup.start_tree)
        if state is None:
            raise UserFacingError.coded("training.no_checkpoint", tree=setup.start_tree)
    binning = (Binning.from_dict(state["model"]["binning"]) if state is not None
               else fit_binning(columns, categorical, params.n_bins))
    party = FeatureParty(params, binning.transform(columns), binning, state=state,
                         executor=executor)
    while True:
        msg = sbm.decode(data, FeatureParty.ACCEPTS)  # decoded once: the gradients stay a view
        reply = party.handle_message(msg)
        if msg.type == "tree_done":  # checkpoint before the ack: the bank saves after it
            _between_trees(workspace, job, task, params, msg.tree + 1, rows.digest,
                           party.checkpoint())
        send_sb(channel, reply)
        if msg.type == "finish":
            n_trees = int(msg.n_trees[0])
            break
        data = recv_sb(channel)
    send_sb(channel, party.score(recv_sb(channel), party.bins))  # scores for the bank's report
    usage: dict[str, int] = {}
    for split in party.model.splits.values():
        name = binning.features[split.feature].name
        usage[name] = usage.get(name, 0) + 1
    plain = party.model.to_plain()
    half = reproducible.build(params.to_dict(), alignment_id,
                              reproducible.data_digest(rows.eligible.ids[rows.rows], columns, None),
                              plain)
    created = now_iso()
    record = ModelRecord(id=job.id, job_id=job.id, alignment_id=alignment_id,
                         dataset=rows.record.dataset, kind="federated", half="feature",
                         params=params.to_dict(), metrics=None, rows_used=rows.n, trees=n_trees,
                         created_at=created, record=half,
                         name=names.job_model_name(job, rows.record.dataset, created))
    _store(workspace, job, [(record, plain)])
    replay = _replay_verdict(workspace, job, half)
    return {"role": "feature", "rows_used": rows.n, "trees": n_trees,
            "model_digest": half["model_digest"], **({"replay": replay} if replay else {}),
            "feature_usage": dict(sorted(usage.items(), key=lambda kv: (-kv[1], kv[0])))}


# -- before proposing -------------------------------------------------------------------------------
def estimate_training(session, alignment_id: str, params: TrainParams,
                      partner_features: int | None = None, costs=None,
                      sample_rows: int = 4096, task=None) -> dict:
    """Seconds the job should take here, from primitive costs measured on this machine now.

    The other party's feature count is not known before the job; without ``partner_features`` we
    assume it equals ours (``assumed`` in the result says so).
    """
    session.require("train.run")
    ws = session.workspace
    record = ws.db.run(alignment_store.get_alignment, alignment_id)
    eligible = load_eligible(session, record.dataset)
    keep, _ = usable_rows(ws, alignment_id, eligible)
    own = len(eligible.feature_names)
    other = own if partner_features is None else int(partner_features)
    label_f, partner_f = (own, other) if ws.role == "label" else (other, own)
    if costs is None:
        with open_executor(ws, task) as executor:  # the executor the job will run on
            costs = measure_costs(executor, params.key_bits, rows=max(256, sample_rows),
                                  scheme=params.scheme)
    est = estimate_duration(int(keep.sum()), label_f, partner_f, params.n_trees, params.max_depth,
                            params.n_bins, params.key_bits, costs, params.first_tree_label_only,
                            params.valid_fraction, scheme=params.scheme)
    return {**est, "rows": int(keep.sum()), "label_features": label_f,
            "partner_features": partner_f, "assumed": partner_features is None,
            "scheme": params.scheme, "trees": params.n_trees,
            "costs": costs.to_dict()}


# -- models and reports -------------------------------------------------------------------------------
def models(session) -> list[dict]:
    """Stored model halves, newest first (metadata only): name, AUC, scored, origin, main mark."""
    return names.listing(session)


def model_record(session, model_id: str) -> dict:
    """What a validator needs to rebuild this half (either party; no metric, nothing of the peer's)."""
    session.require("data.view")
    return _shown(session.workspace.db.run(model_store.get_record, model_id))


def _shown(record: ModelRecord) -> dict:
    """The validator's view of one stored half: what it is, plus its reproducibility record."""
    if record.record is None:
        raise UserFacingError.coded("training.no_record", model=record.id)
    return {"model": record.id, "name": record.name, "kind": record.kind, "half": record.half,
            "dataset": record.dataset, "trees": record.trees, "rows_used": record.rows_used,
            "created_at": record.created_at, **record.record}


def _review_rows(session, model_id: str) -> tuple[list[list[str]], dict | None]:
    """The record's sheet rows (with, at the bank, the validation metrics) and, for a scorecard at
    the bank, the metrics its IV table and card are drawn from (else None)."""
    session.require("data.view")
    record = session.workspace.db.run(model_store.get_record, model_id)
    metrics = record.metrics if record.half == "label" else None
    card = metrics if metrics and metrics.get("model_type") == "scorecard" else None
    return reproducible.record_rows(_shown(record), metrics), card


def _exported(session, model_id: str, path: str) -> str:
    session.audit("model.record_exported", {"model": model_id}, {"file": os.path.basename(path)})
    return path


def export_model_record(session, model_id: str, path: str) -> str:
    """The record (and, at the bank, the validation metrics) as an XLSX sheet for model-risk
    review; returns the path written."""
    rows, card = _review_rows(session, model_id)
    if card:   # the card itself, for the review
        rows += [[]] + scorecard.card_rows(card)
    with open(path, "wb") as fh:
        fh.write(xlsx_bytes("Model record", rows, bold_rows={0}, widths=[28, 70]))
    return _exported(session, model_id, path)


@dataclass
class ReviewDocument:
    """A model's record (and, at the bank, the scorecard's IV table and card) as titled tables
    for a PDF renderer (app.ui.print_sheets, passed in: this layer stays Qt-free)."""
    title: str
    tables: list[tuple[str, str, list[str], list[list[str]]]]   # heading, note, header, rows


def model_review(session, model_id: str) -> ReviewDocument:
    """The content ``export_model_record`` writes, as tables: one for the record, then the IV
    table and the card for a scorecard at the bank (its partner points column included)."""
    rows, card = _review_rows(session, model_id)
    tables = [("Model record", "", rows[0], rows[1:])]
    if card:
        tables += scorecard.card_tables(card)
    return ReviewDocument(f"Model {model_id} - model-risk review", tables)


def export_model_pdf(session, model_id: str, path: str, pdf_writer) -> str:
    """``model_review`` rendered by ``pdf_writer(path, ReviewDocument)``; returns the path."""
    pdf_writer(path, model_review(session, model_id))
    return _exported(session, model_id, path)


def replay_job_params(session, model_id: str) -> dict:
    """Job parameters that retrain ``model_id`` exactly: its alignment, parameters and seed."""
    original = model_record(session, model_id)
    named = {} if original.get("name") is None else {"name": f"{original['name']} (replay)"[:names.MAX_NAME]}
    p = original["params"]
    card = (scorecard.job_fields(*scorecard.card_params(p), p)
            if scorecard.model_type(p) == "scorecard" else None)
    return {**job_params(original["alignment_id"], train_params(p), card=card),
            "replay_of": model_id, **named}


def model_report(session, model_id: str) -> dict:
    """The training report (label party only: it is computed from labels)."""
    session.require("data.view")
    if session.workspace.role != "label":
        raise PermissionDenied.coded("training.metrics_label_only")
    record = session.workspace.db.run(model_store.get_record, model_id)
    return {"model": record.id, "kind": record.kind, "trees": record.trees,
            "rows_used": record.rows_used, "params": record.params, **(record.metrics or {})}
