"""Campaign plans and what they are built from: plan versions and their members, branch review
records, exports, consent withdrawals, the reference secret, contact history and the scored
populations of models (0006_plans.sql). Metadata lives in SQL rows and member columns as numpy
arrays (``plans/<id>/v<version>/<column>``, ``scores/<model_id>/<column>``), so a million-member
list loads without a row per customer; a version's members are never rewritten, and what changes
(decisions, removals, finalisation, withdrawals) is recorded beside it for the plans workflow to
derive each member's status from. Functions take the connection, so callers decide which of them
share one transaction.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Iterator

import numpy as np

from app.errors import ValidationError
from app.store.arrays import array_exists, load_array, save_array
from app.store.audit import digest
from app.store.datasets import ids_to_matrix, matrix_to_ids

_MODEL_ID = re.compile(r"^[\w.\-]{1,64}$")
PLAN_FIELDS = ("id", "campaign_id", "model_id", "state", "version", "created_by", "created_at")


# -- plans and versions ---------------------------------------------------------------------------
def _name(plan_id: str, version: int, column: str) -> str:
    return f"plans/{plan_id}/v{version}/{column}"


def insert_plan(conn, plan_id: str, campaign_id: str, model_id: str, user: str, now: str) -> None:
    conn.execute("INSERT INTO plans (id, campaign_id, model_id, state, current_version, "
                 "created_by, created_at) VALUES (?, ?, ?, 'review', 1, ?, ?)",
                 (plan_id, campaign_id, model_id, user, now))


def insert_version(conn, plan_id: str, version: int, rules: dict, seed: int, branches, id_type,
                   custom_meta: dict, funnel: dict, columns: dict[str, np.ndarray],
                   ids: np.ndarray | None, custom: dict[str, np.ndarray], user: str,
                   now: str) -> None:
    """Write one version: its row, and each member column as an array."""
    arrays = dict(columns)
    if ids is not None:
        arrays["ids"] = ids_to_matrix(ids)
    arrays.update({f"custom/{k}": v for k, v in custom.items()})
    n = len(next(iter(columns.values())))
    conn.execute("INSERT INTO plan_versions (plan_id, version, rules, rules_digest, seed, branches, "
                 "id_type, custom, funnel, n_members, created_by, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (plan_id, version, json.dumps(rules), digest(rules), seed,
                  json.dumps(list(branches)), id_type, json.dumps(custom_meta),
                  json.dumps(funnel), n, user, now))
    for column, values in arrays.items():
        save_array(conn, _name(plan_id, version, column), values)
        conn.execute("INSERT INTO plan_members (plan_id, version, column, array_name) "
                     "VALUES (?, ?, ?, ?)", (plan_id, version, column, _name(plan_id, version, column)))


def load_version(conn, plan_id: str) -> dict | None:
    """The plan's current version with its members and review records; None if there is none."""
    row = conn.execute("SELECT campaign_id, model_id, state, current_version, created_by, created_at,"
                       " finalised_at FROM plans WHERE id = ?", (plan_id,)).fetchone()
    if row is None:
        return None
    campaign, model, state, version, by, at, fin_at = row
    rules, branches, id_type, custom, funnel = conn.execute(
        "SELECT rules, branches, id_type, custom, funnel FROM plan_versions "
        "WHERE plan_id = ? AND version = ?", (plan_id, version)).fetchone()
    arrays = {col: load_array(conn, name) for col, name in conn.execute(
        "SELECT column, array_name FROM plan_members WHERE plan_id = ? AND version = ?",
        (plan_id, version))}
    ids = arrays.pop("ids", None)
    custom_cols = {k.removeprefix("custom/"): arrays.pop(k) for k in list(arrays)
                   if k.startswith("custom/")}
    decisions = {b: {"decision": d, "reason": r, "by": who, "at": t}
                 for b, d, r, who, t in conn.execute(
                     "SELECT branch, decision, reason, decided_by, decided_at FROM branch_decisions "
                     "WHERE plan_id = ? AND version = ?", (plan_id, version))}
    removed = np.array([r[0] for r in conn.execute(
        "SELECT member FROM branch_removals WHERE plan_id = ? AND version = ?",
        (plan_id, version))], dtype=np.int64)
    final_name = _name(plan_id, version, "final_status")
    final = load_array(conn, final_name) if array_exists(conn, final_name) else None
    return {"campaign_id": campaign, "model_id": model, "state": state, "version": version,
            "rules": json.loads(rules), "branches": tuple(json.loads(branches)),
            "id_type": id_type, "custom_meta": json.loads(custom), "funnel": json.loads(funnel),
            "columns": arrays, "ids": None if ids is None else matrix_to_ids(ids),
            "custom": custom_cols, "decisions": decisions, "removed": removed,
            "final_status": final, "created_by": by, "created_at": at, "finalised_at": fin_at}


def plan_head(conn, plan_id: str) -> tuple[str, int] | None:
    """(state, current version) of a plan, or None."""
    row = conn.execute("SELECT state, current_version FROM plans WHERE id = ?",
                       (plan_id,)).fetchone()
    return None if row is None else (row[0], row[1])


def set_current_version(conn, plan_id: str, version: int, campaign_id: str) -> None:
    conn.execute("UPDATE plans SET current_version = ?, campaign_id = ? WHERE id = ?",
                 (version, campaign_id, plan_id))


def finalised_plans(conn) -> list[dict]:
    """Finalised plans, newest first, with their identifier type."""
    rows = conn.execute(
        "SELECT p.id, p.campaign_id, p.current_version, p.finalised_at, v.id_type FROM plans p "
        "JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.current_version "
        "WHERE p.state = 'finalised' ORDER BY p.finalised_at DESC, p.id").fetchall()
    keys = ("id", "campaign_id", "version", "finalised_at", "id_type")
    return [dict(zip(keys, r)) for r in rows]


def list_plans(conn) -> list[dict]:
    rows = conn.execute("SELECT id, campaign_id, model_id, state, current_version, created_by, "
                        "created_at FROM plans ORDER BY created_at, id").fetchall()
    return [dict(zip(PLAN_FIELDS, r)) for r in rows]


# -- branch review and finalisation ---------------------------------------------------------------
def branch_decided(conn, plan_id: str, version: int, branch: str) -> bool:
    return conn.execute("SELECT 1 FROM branch_decisions WHERE plan_id = ? AND version = ? AND "
                        "branch = ?", (plan_id, version, branch)).fetchone() is not None


def insert_removal(conn, plan_id: str, version: int, member: int, branch: str, reason: str,
                   user: str, now: str) -> None:
    conn.execute("INSERT INTO branch_removals (plan_id, version, member, branch, reason, "
                 "removed_by, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (plan_id, version, member, branch, reason, user, now))


def insert_decision(conn, plan_id: str, version: int, branch: str, decision: str, reason: str,
                    user: str, now: str) -> None:
    conn.execute("INSERT INTO branch_decisions (plan_id, version, branch, decision, reason, "
                 "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (plan_id, version, branch, decision, reason, user, now))


def finalise(conn, plan_id: str, version: int, status: np.ndarray, user: str, now: str,
             day: int) -> None:
    """Mark the plan finalised and freeze its members' status."""
    conn.execute("UPDATE plans SET state = 'finalised', finalised_by = ?, finalised_at = ?, "
                 "finalised_day = ? WHERE id = ?", (user, now, day, plan_id))
    save_array(conn, _name(plan_id, version, "final_status"), status.astype(np.uint8))


def insert_export(conn, plan_id: str, version: int, export_id: str, file: dict, user: str,
                  now: str) -> None:
    conn.execute("INSERT INTO plan_exports (id, plan_id, version, kind, branch, file_name, "
                 "rows, sha256, exported_by, exported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (export_id, plan_id, version, file["kind"], file["branch"], file["file"],
                  file["rows"], file["sha256"], user, now))


def first_export_at(conn, plan_id: str, version: int) -> str | None:
    """When a reach list of this plan version was first exported (None: never)."""
    row = conn.execute("SELECT min(exported_at) FROM plan_exports WHERE plan_id = ? AND version = ?",
                       (plan_id, version)).fetchone()
    return row[0] if row else None


def finalised_members(conn) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(day finalised, customer keys, frozen status) of every finalised plan, oldest first."""
    for plan_id, version, fin_day in conn.execute(
            "SELECT id, current_version, finalised_day FROM plans WHERE state = 'finalised' "
            "ORDER BY finalised_day"):
        yield (fin_day, load_array(conn, _name(plan_id, version, "customer_key")),
               load_array(conn, _name(plan_id, version, "final_status")))


# -- consent withdrawals and references -----------------------------------------------------------
def withdrawn_keys(conn) -> np.ndarray:
    rows = conn.execute("SELECT customer_key FROM consent_withdrawals").fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def record_withdrawals(conn, keys: np.ndarray, user: str, now: str) -> None:
    conn.executemany("INSERT OR IGNORE INTO consent_withdrawals (customer_key, recorded_by, "
                     "recorded_at) VALUES (?, ?, ?)", ((int(k), user, now) for k in keys))


def reference_key(conn) -> bytes:
    """The workspace secret behind customer references; created on first use."""
    row = conn.execute("SELECT key FROM plan_secret WHERE id = 1").fetchone()
    if row:
        return bytes(row[0])
    key = secrets.token_bytes(32)
    conn.execute("INSERT INTO plan_secret (id, key) VALUES (1, ?)", (key,))
    return key


# -- scored populations ---------------------------------------------------------------------------
def _prefix(model_id: str) -> str:
    if not _MODEL_ID.match(model_id or ""):
        raise ValidationError.coded("store.bad_model_id")
    return f"scores/{model_id}/"


def save_scores(conn, model_id: str, columns: dict[str, np.ndarray], ids: np.ndarray | None,
                id_type: str | None, branches, custom: dict[str, tuple[np.ndarray, dict]],
                created_at: str) -> None:
    """Replace a model's scored population; ``custom`` maps a name to (values, metadata)."""
    prefix = _prefix(model_id)
    conn.execute("DELETE FROM arrays WHERE name LIKE ? ESCAPE '!'",
                 (prefix.replace("_", "!_").replace("%", "!%") + "%",))
    for name, values in columns.items():
        save_array(conn, prefix + name, values)
    width = 0
    if ids is not None:
        matrix = ids_to_matrix(ids)
        width = matrix.shape[1]
        save_array(conn, prefix + "ids", matrix)
    for name, (values, _) in custom.items():
        save_array(conn, prefix + "custom/" + name, values)
    conn.execute("INSERT OR REPLACE INTO scores (model_id, n, branches, id_type, id_width, custom, "
                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (model_id, len(next(iter(columns.values()))), json.dumps(list(branches)), id_type,
                  width, json.dumps({k: meta for k, (_, meta) in custom.items()}), created_at))


def load_scores(conn, model_id: str, names) -> dict | None:
    """The columns ``names``, identifiers and custom columns of a model's scored population."""
    prefix = _prefix(model_id)
    row = conn.execute("SELECT branches, id_type, id_width, custom FROM scores WHERE model_id = ?",
                       (model_id,)).fetchone()
    if row is None:
        return None
    branches, id_type, width, custom_meta = row
    ids = None
    if width and array_exists(conn, prefix + "ids"):
        ids = matrix_to_ids(load_array(conn, prefix + "ids"))
    return {"branches": tuple(json.loads(branches)), "id_type": id_type, "ids": ids,
            "columns": {name: load_array(conn, prefix + name) for name in names},
            "custom": {name: (load_array(conn, prefix + "custom/" + name), meta)
                       for name, meta in json.loads(custom_meta).items()}}


def has_scores(conn, model_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM scores WHERE model_id = ?", (model_id,)).fetchone()
    return row is not None


def list_scores(conn) -> list[dict]:
    """Stored scored populations, newest first."""
    rows = conn.execute("SELECT model_id, n, branches, custom, created_at FROM scores "
                        "ORDER BY created_at DESC, model_id").fetchall()
    return [{"model_id": model_id, "n": int(n), "branches": json.loads(branches),
             "custom": json.loads(custom), "created_at": created_at}
            for model_id, n, branches, custom, created_at in rows]
