"""Model quality on validation rows: AUC, KS, ROC points, lift/gains by decile (numpy only)."""

from __future__ import annotations

import numpy as np


def _rank_average(x: np.ndarray) -> np.ndarray:
    """1-based ranks with ties sharing their average rank."""
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    starts = np.r_[0, np.flatnonzero(np.diff(xs)) + 1]
    ends = np.r_[starts[1:], len(xs)]
    avg = (starts + ends + 1) / 2.0
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(avg, ends - starts)
    return ranks


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC (ties count half); NaN when only one class is present."""
    y = np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    r = _rank_average(np.asarray(score, dtype=np.float64))
    return float((r[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_points(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(false positive rate, true positive rate, threshold) at each distinct score, from (0, 0)."""
    y = np.asarray(y).astype(bool)
    score = np.asarray(score, dtype=np.float64)
    order = np.argsort(-score, kind="mergesort")
    s, t = score[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tp, false_pos = np.cumsum(t)[last], np.cumsum(~t)[last]
    n_pos, n_neg = max(int(y.sum()), 1), max(int((~y).sum()), 1)
    return (np.r_[0.0, false_pos / n_neg], np.r_[0.0, tp / n_pos], np.r_[np.inf, s[last]])


def ks(y: np.ndarray, score: np.ndarray) -> float:
    """Kolmogorov-Smirnov statistic: max gap between the positive and negative score CDFs."""
    fpr, tpr, _ = roc_points(y, score)
    return float(np.max(tpr - fpr))


def lift_by_decile(y: np.ndarray, score: np.ndarray, n_groups: int = 10) -> list[dict]:
    """Rows sorted by score (best first) cut into groups: response rate, lift, cumulative gains."""
    y = np.asarray(y, dtype=np.float64)
    order = np.argsort(-np.asarray(score, dtype=np.float64), kind="mergesort")
    groups = np.array_split(y[order], n_groups)
    base = y.mean() if len(y) else 0.0
    total_pos = max(y.sum(), 1.0)
    out, cum = [], 0.0
    for i, grp in enumerate(groups):
        rate = float(grp.mean()) if len(grp) else 0.0
        cum += grp.sum()
        out.append({"decile": i + 1, "rows": int(len(grp)), "positives": int(grp.sum()),
                    "rate": rate, "lift": rate / base if base > 0 else 0.0,
                    "cumulative_gain": float(cum / total_pos)})
    return out


def report(y: np.ndarray, score: np.ndarray, max_roc_points: int = 101) -> dict:
    """Everything the training report shows for one model on the validation rows."""
    fpr, tpr, _ = roc_points(y, score)
    if len(fpr) > max_roc_points:
        keep = np.unique(np.linspace(0, len(fpr) - 1, max_roc_points).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return {"auc": auc(y, score), "ks": ks(y, score), "rows": int(len(y)),
            "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist()}, "lift": lift_by_decile(y, score)}
