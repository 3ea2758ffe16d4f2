"""Model names and the main model: what people choose a model by instead of its job id.

A training job may carry a ``name`` in its approved parameters (both parties then store the same
name); without one the model is named from its data and date. Names can be changed later. The
*main* model is the one campaigns are planned from: the analyst marks it; until then it is the
federated model with the best validation AUC among those trained on the dataset's own labels (not
replays, not retrains on campaign outcomes), the earliest on a tie; a party without metrics (the
feature party) defaults to its earliest such model.
"""

from __future__ import annotations

import math
from datetime import datetime

from app.errors import ValidationError
from app.store import jobs as job_store
from app.store import models as model_store
from app.store import plans as plan_store
from app.store.models import ModelRecord
from app.store.workspace import now_iso

MAX_NAME = 80


def check_name(name) -> str:
    """A name people can read on one line: 1 to 80 printable characters."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError.coded("training.name_empty")
    name = name.strip()
    if len(name) > MAX_NAME or not name.isprintable():
        raise ValidationError.coded("training.name_too_long", limit=MAX_NAME)
    return name


def default_name(dataset: str, created_at: str | None = None) -> str:
    """``<dataset> <date time>`` in local time (now when not given), e.g.
    ``bank_customers 2025-06-01 14:05``: the time people see next to the model in every list,
    so a picker can leave it out instead of saying it twice."""
    created_at = created_at or now_iso()
    try:
        when = datetime.fromisoformat(created_at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        when = created_at[:16].replace("T", " ")
    return f"{dataset} {when}".strip()


def job_model_name(job, dataset: str, created_at: str) -> str:
    """The name a training job's model is stored under: the proposed one, else the default."""
    proposed = job.params.get("name")
    if proposed is None:
        return default_name(dataset, created_at)
    return check_name(proposed)


def origin(job_params: dict) -> str:
    """trained | replay | retrained (on campaign outcomes), from the training job's parameters."""
    if job_params.get("replay_of"):
        return "replay"
    return "retrained" if job_params.get("label_evaluation") else "trained"


def part_auc(part: dict | None) -> float | None:
    """The AUC of one part of a training report (``federated`` or ``label_only``), if it has one."""
    value = (part or {}).get("auc")
    return None if value is None or math.isnan(value) else round(float(value), 6)


def _auc(record: ModelRecord) -> float | None:
    return part_auc((record.metrics or {}).get("federated" if record.kind == "federated"
                                               else "label_only"))


def default_main(records: list[ModelRecord], origins: dict[str, str]) -> str | None:
    candidates = [r for r in records if r.kind == "federated" and origins[r.id] == "trained"]
    if not candidates:
        return None
    oldest_first = sorted(candidates, key=lambda r: (r.created_at, r.id))
    scored = [r for r in oldest_first if _auc(r) is not None]
    if scored:
        return max(scored, key=lambda r: _auc(r)).id  # max keeps the first of equals
    return oldest_first[0].id


def listing(session) -> list[dict]:
    """Stored model halves, newest first, with name, AUC, scored or not, origin and main mark."""
    session.require("data.view")

    def read(conn):
        records = model_store.list_models(conn)
        params = {}
        for r in records:
            job = job_store.load(conn, r.job_id)
            params[r.id] = job.params if job is not None else {}
        return records, params, {r["model_id"] for r in plan_store.list_scores(conn)}
    records, params, scored = session.workspace.db.run(read)
    origins = {r.id: origin(params[r.id]) for r in records}
    marked = next((r.id for r in records if r.main), None)
    main = marked or default_main(records, origins)
    return [{"id": r.id, "name": r.name or default_name(r.dataset, r.created_at),
             "job_id": r.job_id, "alignment_id": r.alignment_id, "dataset": r.dataset,
             "kind": r.kind, "half": r.half, "trees": r.trees, "rows_used": r.rows_used,
             "created_at": r.created_at, "auc": _auc(r), "scored": r.id in scored,
             "origin": origins[r.id], "main": r.id == main, "main_marked": r.id == marked}
            for r in records]


def main_model(session) -> str | None:
    """The id of the main federated model (marked, else the default), or None."""
    return next((m["id"] for m in listing(session) if m["main"]), None)


def rename_model(session, model_id: str, name: str) -> str:
    session.require("train.run")
    name = check_name(name)
    session.workspace.db.transaction(model_store.rename_model_in, model_id, name)
    session.audit("model.rename", {"model": model_id})
    return name


def mark_main(session, model_id: str) -> None:
    """Plan from this model from now on (one main model per workspace)."""
    session.require("train.run")
    record = session.workspace.db.run(model_store.get_record, model_id)
    if record.kind != "federated":
        raise ValidationError.coded("training.main_federated_only")
    session.workspace.db.transaction(model_store.mark_main_in, model_id)
    session.audit("model.main", {"model": model_id})
