""""Retrain with these outcomes": campaign outcomes as a new label column for the bank dataset.

The label is what the model is meant to predict: *did a treated (invited) customer bind within
the attribution window*. Only treated members are labelled (1 bound, 0 did not); every other row
of the bank dataset is -1 (no label from this campaign), because control customers were not
invited and customers outside the plan were not observed. The labels are stored encrypted
(``campaigns/labels/<evaluation>/<dataset>``) aligned with the dataset version's stored rows,
and recorded in ``campaign_labels`` with that version, so a later re-import cannot silently
misalign them.

The training workflow (app/workflows/training/train.py, separate) takes the returned parameters as a
job proposal for a new model version and reads the labels with :func:`labels_for_ids`, which
matches by identifier (so the consent filter of ``load_eligible`` can be applied first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.data.idmatch import positions

from app.errors import UserFacingError
from app.store import datasets as dataset_store
from app.store import outcomes as outcome_store
from app.store.workspace import now_iso
from app.workflows.campaign.evaluation import ALL, load, snapshot
from app.workflows.plans.plan import load_plan_in

UNLABELLED = -1


@dataclass
class RetrainProposal:
    labels: np.ndarray   # int8 per stored dataset row: 1, 0, or -1 (unlabelled)
    params: dict         # flat scalars: usable as training job parameters


def _bank_dataset(conn, id_type: str | None) -> tuple[str, int, np.ndarray]:
    found = dataset_store.latest_bank_dataset(conn, id_type)
    if found is None:
        raise UserFacingError.coded("evaluation.retrain_no_dataset")
    return found[0], found[1], dataset_store.dataset_ids(conn, found[0])


def build(conn, evaluation: str, user: str) -> RetrainProposal:
    meta, report = load(conn, evaluation)
    if meta["scope"] != ALL:
        raise UserFacingError.coded("evaluation.retrain_whole_plan")
    plan = load_plan_in(conn, meta["plan_id"])
    if plan.members.ids is None:
        raise UserFacingError.coded("evaluation.retrain_no_ids")
    arm, outcome = snapshot(conn, meta["plan_id"], evaluation)
    dataset, version, ds_ids = _bank_dataset(conn, plan.id_type)
    treated = arm == 1
    rows = positions(ds_ids, plan.members.ids[treated])
    labels = np.full(len(ds_ids), UNLABELLED, np.int8)
    found = rows >= 0
    labels[rows[found]] = outcome[treated][found]
    if not found.any():
        raise UserFacingError.coded("evaluation.retrain_none_found")
    labelled, positives = int(found.sum()), int((labels == 1).sum())
    name = outcome_store.save_labels(conn, evaluation, dataset, version, labels, labelled,
                                     positives, user, now_iso())
    p = report["parameters"]
    params = {"dataset": dataset, "dataset_version": version, "label_source": "campaign_outcomes",
              "label_array": name, "evaluation": evaluation, "plan": plan.id,
              "campaign_id": plan.rules.campaign_id, "base_model": plan.model_id,
              "label_definition": f"bound within {p['window_days']} days of contact, treated only",
              "window_days": p["window_days"], "labelled": labelled, "positives": positives,
              "unlabelled": int(len(labels) - labelled)}
    return RetrainProposal(labels, params)


def labels_for_ids(conn, evaluation: str, ids: np.ndarray) -> np.ndarray:
    """The stored labels of ``evaluation`` for these identifiers (-1 where there is none)."""
    found = outcome_store.load_labels(conn, evaluation)
    if found is None:
        raise UserFacingError.coded("evaluation.no_labels")
    dataset, labels = found
    ds_ids = dataset_store.dataset_ids(conn, dataset)
    pos = positions(ds_ids, np.asarray(ids))
    return np.where(pos >= 0, labels[np.maximum(pos, 0)], UNLABELLED).astype(np.int8)
