"""What a model-risk validator needs: a record to rebuild a model half, and an honest comparison.

Banks retrain a model from its recorded inputs before they use it. Each party records, for its own
half only, a digest of the data it trained on (its aligned customers in the agreed order, its
feature columns and, at the bank, the labels), every approved parameter including the seed, the
scheme and key size, the version of Lianmo, and a digest of the resulting half. Cryptographic
randomness (keys, obfuscators, PSI scalars) never reaches the model, so the same record replayed
on the same data gives the same model digest. Neither party sees the other's data digest: a replay
compares each half on its own side, and the partner's changed data shows in the bank's half too
(different bins give different split gains and trees).

The joint model is compared with the label-only one on the same validation rows by a paired
bootstrap of the AUC difference, so the bank is told plainly when partner data made things worse.
"""

from __future__ import annotations

import hashlib

import numpy as np

from app import __version__
from app.data.escape import escape_cell
from app.protocols.secureboost import metrics
from app.store.models import pack_plain

BOOTSTRAP_ROUNDS = 1000
SCHEME = "paillier"  # what a record without a scheme (or params without one) was trained with
_REPLAYED = ("data_digest", "params", "version")


def data_digest(ids: np.ndarray, columns: dict[str, np.ndarray], label: np.ndarray | None) -> str:
    """SHA-256 of what this party trained on, independent of how and when it was imported."""
    h = hashlib.sha256(b"lianmo.training-data.v1\0")
    h.update(np.asarray(ids).astype("S").tobytes())
    for name in sorted(columns):
        h.update(name.encode() + b"\0" + np.ascontiguousarray(columns[name], np.float64).tobytes())
    if label is not None:
        h.update(b"label\0" + np.ascontiguousarray(label, np.float64).tobytes())
    return h.hexdigest()


def model_digest(plain: dict) -> str:
    return hashlib.sha256(pack_plain(plain)).hexdigest()


def build(params: dict, alignment_id: str, data: str, plain: dict) -> dict:
    """The record stored with a model half (no metric and nothing of the other party's)."""
    return {"data_digest": data, "alignment_id": alignment_id, "params": dict(params),
            "seed": params.get("seed"), "scheme": params.get("scheme") or SCHEME,
            "key_bits": params.get("key_bits"),
            "version": __version__, "model_digest": model_digest(plain)}


def replay_verdict(original: dict | None, replay: dict) -> dict:
    """``reproduced`` when the model digest is the same; otherwise which recorded inputs differ."""
    if not original:
        return {"reproduced": False, "differs": ["record"]}
    if original.get("model_digest") == replay.get("model_digest"):
        return {"reproduced": True, "differs": []}
    differs = [k for k in _REPLAYED if original.get(k) != replay.get(k)]
    return {"reproduced": False, "differs": differs or ["model"]}


class _WeightedAuc:
    """AUC of one score on resampled rows, each replicate O(n): the rows are sorted and tied
    scores grouped once, and a bootstrap sample is a weight (its multiplicity) per row. Equal
    to the Mann-Whitney AUC of the resampled rows, ties counting half."""

    def __init__(self, y: np.ndarray, score: np.ndarray) -> None:
        order = np.argsort(score, kind="mergesort")
        sorted_score = np.asarray(score, dtype=np.float64)[order]
        self.order, self.pos = order, y[order]
        self.starts = np.r_[0, np.flatnonzero(np.diff(sorted_score)) + 1]

    def __call__(self, weight: np.ndarray) -> float:
        w = weight[self.order].astype(np.float64)
        pos = np.add.reduceat(np.where(self.pos, w, 0.0), self.starts)
        neg = np.add.reduceat(np.where(self.pos, 0.0, w), self.starts)
        below = np.cumsum(neg) - neg
        return float((pos * (below + 0.5 * neg)).sum() / (pos.sum() * neg.sum()))


def compare_with_label_only(y: np.ndarray, joint: np.ndarray, label_only: np.ndarray,
                            seed: int) -> dict | None:
    """Paired bootstrap (same resampled rows for both models) of AUC(joint) - AUC(label-only).

    ``verdict`` is ``worse`` or ``better`` only when the 95 % interval excludes zero, else
    ``no_difference``: a noisy validation set is not read as evidence either way. Each model's
    rows are sorted once, so 1,000 replicates on a large validation set stay cheap.
    """
    y = np.asarray(y).astype(bool)
    if len(y) < 20 or y.all() or not y.any():
        return None
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x5EED])
    auc_joint, auc_own = _WeightedAuc(y, joint), _WeightedAuc(y, label_only)
    diffs = []
    for _ in range(BOOTSTRAP_ROUNDS):
        weight = np.bincount(rng.integers(0, len(y), len(y)), minlength=len(y))
        if not (weight[y].any() and weight[~y].any()):
            continue
        diffs.append(auc_joint(weight) - auc_own(weight))
    low, high = np.percentile(diffs, [2.5, 97.5])
    verdict = "worse" if high < 0 else "better" if low > 0 else "no_difference"
    return {"auc_difference": round(float(metrics.auc(y, joint) - metrics.auc(y, label_only)), 6),
            "ci_low": round(float(low), 6), "ci_high": round(float(high), 6),
            "rounds": len(diffs), "verdict": verdict}


def record_rows(shown: dict, metrics: dict | None) -> list[list[str]]:
    """Two columns, field and value, for the exported sheet (cells escaped against formulas)."""
    rows = [["Field", "Value"]]
    for key in ("model", "name", "kind", "half", "dataset", "alignment_id", "trees", "rows_used",
                "created_at", "seed", "scheme", "key_bits", "version", "data_digest",
                "model_digest"):
        rows.append([key, escape_cell(shown.get(key))])
    rows += [[f"param.{k}", escape_cell(v)] for k, v in sorted(shown.get("params", {}).items())]
    for part in ("federated", "label_only"):
        for name in ("auc", "ks"):
            value = ((metrics or {}).get(part) or {}).get(name)
            if value is not None:
                rows.append([f"validation.{part}.{name}", f"{value:.6f}"])
    comparison = (metrics or {}).get("comparison")
    if comparison:
        rows += [[f"comparison.{k}", escape_cell(v)] for k, v in sorted(comparison.items())]
    return rows
