"""Model halves and training checkpoints (0005_models.sql), stored as plain msgpack, never pickle:
SecureBoost exposes its state as dicts of plain values and numpy arrays, ``pack_plain`` writes
arrays as ``{"__nd__": dtype, "shape": [...], "data": bytes}`` and ``unpack_plain`` accepts only
plain numeric dtypes back, so a stored blob can never run code when read. Each party keeps only its
own half (the feature party never stores metrics, which come from labels); a checkpoint is keyed
by the digest of the rows it was taken on and holds no keys or ciphertexts, so a resumed run makes
a fresh key pair on the same customers. A model's scores are a scored population (``store.plans``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import msgpack
import numpy as np

from app.errors import LocalProtocolError, StoreError, UserFacingError
from app.store.workspace import now_iso

_ND = "__nd__"
_KINDS = set("biuf")
KEEP_CHECKPOINTS = 2  # the feature party may be one tree ahead of the label party's last one


# -- plain values <-> bytes ---------------------------------------------------------------------
def _default(obj):
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in _KINDS:
            raise LocalProtocolError("Only numeric arrays can be stored.")
        return {_ND: obj.dtype.str, "shape": list(obj.shape),
                "data": np.ascontiguousarray(obj).tobytes()}
    if isinstance(obj, np.generic):
        return obj.item()
    raise LocalProtocolError(f"A {type(obj).__name__} cannot be stored as plain data.")


def _object_hook(d: dict):
    if _ND not in d:
        return d
    dtype = np.dtype(d[_ND])
    if dtype.kind not in _KINDS or set(d) != {_ND, "shape", "data"}:
        raise StoreError.coded("store.model_damaged")
    return np.frombuffer(d["data"], dtype=dtype).reshape(d["shape"]).copy()


def pack_plain(state) -> bytes:
    return msgpack.packb(state, default=_default, use_bin_type=True)


def unpack_plain(data: bytes):
    try:
        return msgpack.unpackb(bytes(data), raw=False, object_hook=_object_hook,
                               strict_map_key=False, max_ext_len=0)
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError.coded("store.model_damaged") from exc


# -- checkpoints --------------------------------------------------------------------------------
def save_checkpoint(conn, job_id: str, next_tree: int, rows_digest: str, blob: bytes) -> None:
    """Keep a packed state after a finished tree; older checkpoints beyond the last two are
    dropped. Pack with ``pack_plain`` before the transaction, not on the database thread."""
    conn.execute("INSERT OR REPLACE INTO training_checkpoints VALUES (?, ?, ?, ?, ?)",
                 (job_id, next_tree, rows_digest, blob, now_iso()))
    conn.execute("DELETE FROM training_checkpoints WHERE job_id = ? AND next_tree <= ?",
                 (job_id, next_tree - KEEP_CHECKPOINTS))


def load_checkpoint(conn, job_id: str, rows_digest: str,
                    next_tree: int | None = None) -> dict | None:
    """The latest checkpoint (or the one at ``next_tree``) taken on exactly these rows."""
    sql = "SELECT state FROM training_checkpoints WHERE job_id = ? AND rows_digest = ?"
    args: tuple = (job_id, rows_digest)
    if next_tree is not None:
        sql, args = sql + " AND next_tree = ?", args + (next_tree,)
    row = conn.execute(sql + " ORDER BY next_tree DESC LIMIT 1", args).fetchone()
    return unpack_plain(row[0]) if row else None


def drop_finished_checkpoints(conn) -> None:
    """Checkpoints of jobs that can no longer run. Kept until then rather than dropped when a
    runner returns: the job may still fail after that (e.g. at the transcript check)."""
    conn.execute("DELETE FROM training_checkpoints WHERE job_id IN (SELECT id FROM jobs "
                 "WHERE state IN ('finished', 'rejected', 'cancelled'))")


# -- models -------------------------------------------------------------------------------------
def label_only_id(model_id: str) -> str:
    """The label-only model trained with a federated one (the bank scores non-aligned customers)."""
    return f"{model_id}.label_only"


COLUMNS = ("id", "job_id", "alignment_id", "dataset", "kind", "half", "params", "metrics",
           "rows_used", "trees", "created_at", "record", "name", "main")


@dataclass(frozen=True)
class ModelRecord:
    id: str
    job_id: str
    alignment_id: str
    dataset: str
    kind: str           # federated | label_only
    half: str           # label | feature
    params: dict
    metrics: dict | None
    rows_used: int
    trees: int
    created_at: str
    record: dict | None = None   # what a validator needs to rebuild it (training/record.py)
    name: str | None = None      # what people choose it by (0011_model_names.sql)
    main: bool = False           # the analyst's main model (at most one)

    @classmethod
    def from_row(cls, row: tuple) -> "ModelRecord":
        values = dict(zip(COLUMNS, row))
        values["params"] = json.loads(values["params"])
        values["metrics"] = json.loads(values["metrics"]) if values["metrics"] else None
        values["record"] = json.loads(values["record"]) if values["record"] else None
        values["main"] = bool(values["main"])
        return cls(**values)


def save_model_in(conn, record: ModelRecord, plain: dict) -> None:
    """Insert (or replace, for a re-run of the same job) one model half."""
    if record.half == "feature" and record.metrics is not None:
        raise LocalProtocolError("Metrics are computed from labels; the feature party never stores "
                                 "them.")
    conn.execute(f"INSERT OR REPLACE INTO models ({', '.join(COLUMNS)}, model) "
                 f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
                 (record.id, record.job_id, record.alignment_id, record.dataset, record.kind,
                  record.half, json.dumps(record.params, sort_keys=True),
                  None if record.metrics is None else json.dumps(record.metrics, sort_keys=True),
                  record.rows_used, record.trees, record.created_at,
                  None if record.record is None else json.dumps(record.record, sort_keys=True),
                  record.name, int(record.main), pack_plain(plain)))


def list_models(conn) -> list[ModelRecord]:
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM models ORDER BY created_at DESC, id")
    return [ModelRecord.from_row(r) for r in rows]


def get_record(conn, model_id: str) -> ModelRecord:
    """One model's metadata, without reading or unpacking the model itself."""
    row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM models WHERE id = ?",
                       (model_id,)).fetchone()
    if row is None:
        raise UserFacingError.coded("store.no_model", model=model_id)
    return ModelRecord.from_row(row)


def get_model(conn, model_id: str) -> tuple[ModelRecord, dict]:
    row = conn.execute(f"SELECT {', '.join(COLUMNS)}, model FROM models WHERE id = ?",
                       (model_id,)).fetchone()
    if row is None:
        raise UserFacingError.coded("store.no_model", model=model_id)
    return ModelRecord.from_row(row[:-1]), unpack_plain(row[-1])


def rename_model_in(conn, model_id: str, name: str) -> None:
    """A new name for a stored model (its label-only companion keeps its own)."""
    if conn.execute("UPDATE models SET name = ? WHERE id = ?", (name, model_id)).rowcount != 1:
        raise UserFacingError.coded("store.no_model", model=model_id)


def mark_main_in(conn, model_id: str) -> None:
    """Make ``model_id`` the one main model of this workspace."""
    if conn.execute("SELECT 1 FROM models WHERE id = ?", (model_id,)).fetchone() is None:
        raise UserFacingError.coded("store.no_model", model=model_id)
    conn.execute("UPDATE models SET main = (id = ?)", (model_id,))
