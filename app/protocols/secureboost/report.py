"""The label party's training report: validation metrics, label-only baseline, importance.

Everything here stays with the label party; partner features appear only as anonymous numbers.
"""

from __future__ import annotations

import numpy as np

from app.protocols.secureboost import metrics
from app.protocols.secureboost.driver import run_training
from app.protocols.secureboost.gradients import sigmoid
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.model import LabelModel


def label_only_model(label: LabelParty) -> LabelModel:
    """Same rows, same parameters, same code path, no partner: the baseline to beat."""
    baseline = LabelParty(label.p, label.y, label.bins, label.model.binning, partner=False)
    return run_training(baseline, None)


def training_report(label: LabelParty, model: LabelModel, feature_scores: np.ndarray) -> dict:
    """``feature_scores``: federated scores of every aligned row (driver.federated_scores)."""
    valid = label.valid_rows
    y = label.y[valid]
    baseline = label_only_model(label)
    base_scores = sigmoid(baseline.margin(label.bins[valid], None))
    return {"validation_rows": int(len(valid)), "trees": len(model.trees),
            "federated": metrics.report(y, np.asarray(feature_scores)[valid]),
            "label_only": metrics.report(y, base_scores), "label_only_trees": len(baseline.trees),
            "importance": model.importance(), "validation_loss": list(label.history),
            "early_stopping": label.early_stopping_note()}
