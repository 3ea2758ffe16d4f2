"""Where plans get their scores: the stored scored populations, and how their scores are spread.

The Segments page (and anything else choosing a score source) lists the rows of the ``scores``
table written by ``plans.store_population`` (docs/plans.md, store layout) and summarises one
population's scores as a histogram and a decile table. The summaries use the deciles of
``plans.prepare_population``, so the table matches the deciles the rules select on.
"""

from __future__ import annotations

import numpy as np

from app.errors import PermissionDenied
from app.store import plans as plan_store
from app.workflows.plans.build import Prepared
from app.workflows.session import Session
from app.workflows.training import names as model_names


def list_score_sources(session: Session) -> list[dict]:
    """Models with a stored scored population, newest first: id, size, branches, custom columns,
    and the model's name, validation AUC, origin and main mark (so a picker shows more than an
    id and can start on the main model)."""
    if not (session.can("plan.create") or session.can("score.run")):
        raise PermissionDenied.coded("plans.sources_denied", name=session.user.name)
    described = {m["id"]: m for m in model_names.listing(session)} if session.can("data.view") else {}
    out = []
    for r in session.workspace.db.run(plan_store.list_scores):
        model = described.get(r["model_id"], {})
        out.append({"model_id": r["model_id"], "n": r["n"], "branches": len(r["branches"]),
                    "custom_columns": sorted(r["custom"]), "created_at": r["created_at"],
                    "name": model.get("name", r["model_id"]), "auc": model.get("auc"),
                    "origin": model.get("origin"), "main": bool(model.get("main"))})
    return out


def score_histogram(score: np.ndarray, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Counts and bin edges over [min, max] of the scores (one bin when all scores are equal)."""
    if len(score) == 0:
        return np.zeros(0, np.int64), np.zeros(1)
    low, high = float(score.min()), float(score.max())
    if high <= low:
        return np.array([len(score)], np.int64), np.array([low, high])
    counts, edges = np.histogram(score, bins=bins, range=(low, high))
    return counts.astype(np.int64), edges


def decile_table(prep: Prepared) -> list[dict]:
    """Per decile (1 = top 10 % by score): count, mean, min and max score."""
    score = prep.pop.score
    out = []
    for d in range(1, 11):
        values = score[prep.decile == d]
        if len(values) == 0:
            out.append({"decile": d, "count": 0, "mean": None, "min": None, "max": None})
            continue
        out.append({"decile": d, "count": int(len(values)), "mean": float(values.mean()),
                    "min": float(values.min()), "max": float(values.max())})
    return out
