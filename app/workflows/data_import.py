"""Consent-gated import into the encrypted workspace, and the one door out of it.

An import is all-or-nothing: the file is parsed and validated first (nothing written), then the
dataset's arrays, its column dictionary, the consent batch and the audit entry are written in a
single transaction, so a crash, kill or cancel leaves the workspace exactly as before, and a
re-import replaces the previous version in one step. Only rows whose customer has a valid consent
at import time are stored (minimum necessary).

Consent is never stored as a flag on the data. Every later step reads customer data through
:func:`load_eligible`, which recomputes eligibility from *all* consent batches at the moment of
use (rule in app/data/consent.py); importing a later consent file with revocations therefore
removes those customers from every later step without touching the data.

Identifiers exist in clear only inside this process and the encrypted store: no temporary
files, and errors and the report name rows and columns, never values.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass

import numpy as np

from app.crypto.executor import LocalExecutor
from app.data.consent import eligible_ids
from app.data.dictionary import data_dictionary
from app.data.ids import CANON_VERSION
from app.data.loader import ConsentEvents, Problems, load_consent, load_dataset
from app.data.profile import Profile, load_profile, parse_profile
from app.data.validation import build_report
from app.errors import ValidationError
from app.store.arrays import array_exists, delete_array, load_array, save_array
from app.store.workspace import now_iso
from app.workflows.tasks import NullTask

_CONTACT_ORDER = ("app_active_30d", "branch_visit_recent", "already_bound", "opted_out")


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _ids_to_array(ids: np.ndarray) -> np.ndarray:
    """Bytes identifiers as an (n, width) uint8 matrix: the array store takes numbers only."""
    width = max(1, ids.dtype.itemsize)
    return np.frombuffer(ids.astype(f"S{width}").tobytes(), np.uint8).reshape(len(ids), width)


def _array_to_ids(arr: np.ndarray) -> np.ndarray:
    return np.frombuffer(np.ascontiguousarray(arr).tobytes(), f"S{arr.shape[1]}")


# -- consent ----------------------------------------------------------------------------------

def _stored_consent(conn, dataset: str) -> ConsentEvents:
    batches = [b for (b,) in conn.execute(
        "SELECT batch FROM consent_batches WHERE dataset = ? ORDER BY batch", (dataset,))]
    parts = {k: [] for k in ("ids", "granted_at", "expires_at", "revoked_at")}
    for b in batches:
        base = f"consent/{dataset}/{b}"
        parts["ids"].append(_array_to_ids(load_array(conn, f"{base}/ids")))
        times = load_array(conn, f"{base}/times")
        for j, k in enumerate(("granted_at", "expires_at", "revoked_at")):
            parts[k].append(times[:, j])
    width = max([a.dtype.itemsize for a in parts["ids"]] + [1])
    cat = (lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.empty(0, dt))  # noqa: E731
    return ConsentEvents("(stored)", cat(parts["ids"], f"S{width}"), np.empty(0, np.int64),
                         cat(parts["granted_at"], np.float64), cat(parts["expires_at"], np.float64),
                         cat(parts["revoked_at"], np.float64), 0, 0, 0, Problems("(stored)"))


def _merge(a: ConsentEvents, b: ConsentEvents) -> ConsentEvents:
    width = max(a.ids.dtype.itemsize, b.ids.dtype.itemsize, 1)
    return ConsentEvents(b.file, np.concatenate([a.ids.astype(f"S{width}"), b.ids.astype(f"S{width}")]),
                         b.rows, *(np.concatenate([getattr(a, k), getattr(b, k)])
                                   for k in ("granted_at", "expires_at", "revoked_at")),
                         b.rows_read, b.rejected_rows, b.other_purpose, b.problems)


def _write_consent(conn, dataset: str, events: ConsentEvents, path: str, user: str) -> int:
    row = conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM consent_batches WHERE dataset = ?",
                       (dataset,)).fetchone()
    batch = int(row[0])
    base = f"consent/{dataset}/{batch}"
    save_array(conn, f"{base}/ids", _ids_to_array(events.ids))
    save_array(conn, f"{base}/times",
               np.column_stack([events.granted_at, events.expires_at, events.revoked_at]))
    conn.execute("INSERT INTO consent_batches VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (dataset, batch, len(events.ids), os.path.basename(path), _sha256(path), now_iso(), user))
    return batch


# -- dataset ----------------------------------------------------------------------------------

def _delete_dataset(conn, name: str) -> None:
    for suffix in ("ids", "features", "label", "branch", "contact"):
        delete_array(conn, f"data/{name}/{suffix}")
    conn.execute("DELETE FROM datasets WHERE name = ?", (name,))


def _feature_matrix(ds, keep: np.ndarray) -> np.ndarray:
    """The kept rows' features as one float64 matrix, filled column by column in place.

    Same values as ``ds.subset(keep).matrix()`` (category code -1 becomes NaN) without a second
    full copy of the features: at 4M x 30 each copy is ~1 GB of the 4 GB budget.
    """
    out = np.empty((int(np.count_nonzero(keep)), len(ds.features)), dtype=np.float64)
    for j, arr in enumerate(ds.features.values()):
        col = arr[keep]
        out[:, j] = col
        if col.dtype.kind == "i":
            out[col < 0, j] = np.nan
    return out


def _write_dataset(conn, ds, features: np.ndarray, report: dict, path: str, user: str) -> int:
    prof = ds.profile
    name = prof.dataset
    old = conn.execute("SELECT version FROM datasets WHERE name = ?", (name,)).fetchone()
    version = (old[0] + 1) if old else 1
    _delete_dataset(conn, name)
    conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (name, prof.side, prof.id_type, CANON_VERSION, version, len(ds),
                  json.dumps(prof.to_json(), ensure_ascii=False), json.dumps(report, ensure_ascii=False),
                  os.path.basename(path), _sha256(path), now_iso(), user))
    for pos, entry in enumerate(data_dictionary(prof)):
        cats = ds.categories.get(entry["column"]) if entry["role"] == "feature" else \
            (ds.branches if entry["role"] == "branch" else None)
        conn.execute("INSERT INTO dataset_columns VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (name, pos, entry["column"], entry["role"], entry["type"], entry["sensitivity"],
                      json.dumps(cats, ensure_ascii=False) if cats is not None else None))
    save_array(conn, f"data/{name}/ids", _ids_to_array(ds.ids))
    save_array(conn, f"data/{name}/features", features)
    if ds.label is not None:
        save_array(conn, f"data/{name}/label", ds.label)
    if ds.branch is not None:
        save_array(conn, f"data/{name}/branch", ds.branch)
    if ds.contact:
        save_array(conn, f"data/{name}/contact", np.column_stack(
            [ds.contact.get(k, np.full(len(ds), -1, np.int8)) for k in _CONTACT_ORDER]))
    return version


def import_dataset(session, data_path: str, consent_path: str, profile: str | Profile,
                   task=None, commit: bool = True) -> dict:
    """Validate ``data_path`` + ``consent_path`` and (``commit``) store the eligible rows.

    Returns the validation report (plus ``version`` when committed). Raises ValidationError for
    structural problems; row-level problems are in the report and those rows are not stored.
    """
    session.require("data.import")
    task = task or NullTask()
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    with LocalExecutor() as executor:  # parse workers for large files, gone after reading
        ds = load_dataset(data_path, prof, task, executor)
        events = load_consent(consent_path, prof, task, executor)
    ws = session.workspace
    stored = ws.db.run(_stored_consent, prof.dataset)
    all_events = _merge(stored, events)
    eligible = np.isin(ds.ids, eligible_ids(all_events, time.time()))
    report = build_report(ds, events, eligible)
    if not commit:
        return report
    if not eligible.any():
        raise ValidationError(f"{ds.file}: no row has a valid consent for the joint marketing "
                              f"model; nothing was imported.")
    task.check_cancelled()
    features = _feature_matrix(ds, eligible)
    ds.features = {}  # the matrix replaces them: keep one copy in memory, not two
    kept = ds.subset(eligible)

    def body(conn):
        batch = _write_consent(conn, prof.dataset, events, consent_path, session.user.name)
        version = _write_dataset(conn, kept, features, report, data_path, session.user.name)
        task.check_cancelled()  # a cancel here still rolls everything back
        return version, batch

    params = {"profile": prof.to_json(), "data_sha256": _sha256(data_path),
              "consent_sha256": _sha256(consent_path)}
    objects = {"dataset": prof.dataset, "rows": int(len(kept)), "rows_read": ds.rows_read,
               "rejected": ds.rejected_rows}
    version, batch = session.audited("data.import", objects, params, body)
    report.update(version=version, consent_batch=batch)
    return report


def import_consent(session, dataset: str, consent_path: str, task=None) -> dict:
    """Append a later consent file (e.g. revocations); eligibility changes from now on."""
    session.require("data.import")
    row = session.workspace.db.query("SELECT profile FROM datasets WHERE name = ?", (dataset,))
    if not row:
        raise ValidationError(f"No dataset named {dataset!r} in this workspace.")
    prof = parse_profile(json.loads(row[0][0]))
    with LocalExecutor() as executor:
        events = load_consent(consent_path, prof, task or NullTask(), executor)
    batch = session.audited("data.consent", {"dataset": dataset, "rows": int(len(events.ids))},
                            {"consent_sha256": _sha256(consent_path)},
                            _write_consent, dataset, events, consent_path, session.user.name)
    return {"dataset": dataset, "consent_batch": batch, "rows_read": events.rows_read,
            "rows_rejected": events.rejected_rows, "problems": [vars(p) for p in events.problems.listed]}


# -- the one door out -------------------------------------------------------------------------

@dataclass
class EligibleData:
    """A dataset restricted to customers eligible at ``at``; arrays aligned with ``ids``."""

    dataset: str
    id_type: str
    at: float
    ids: np.ndarray
    features: np.ndarray
    feature_names: list[str]
    label: np.ndarray | None
    branch: np.ndarray | None
    branches: list[str]
    contact: dict[str, np.ndarray]


def eligible_mask_in(conn, dataset: str, ids: np.ndarray, at: float | None = None) -> np.ndarray:
    """Which of ``ids`` may be used at ``at`` (default now), from every stored consent batch."""
    return np.isin(ids, eligible_ids(_stored_consent(conn, dataset), at))


def load_eligible_in(conn, dataset: str, at: float | None = None) -> EligibleData:
    row = conn.execute("SELECT id_type FROM datasets WHERE name = ?", (dataset,)).fetchone()
    if row is None:
        raise ValidationError(f"No dataset named {dataset!r} in this workspace.")
    at = time.time() if at is None else float(at)
    ids = _array_to_ids(load_array(conn, f"data/{dataset}/ids"))
    keep = eligible_mask_in(conn, dataset, ids, at)
    cols = conn.execute("SELECT name, role, categories FROM dataset_columns WHERE dataset = ? "
                        "ORDER BY position", (dataset,)).fetchall()
    everyone = bool(keep.all())
    take = (lambda a: a if everyone else a[keep])  # noqa: E731 - no copy when all consent
    opt = (lambda n: take(load_array(conn, f"data/{dataset}/{n}"))  # noqa: E731
           if array_exists(conn, f"data/{dataset}/{n}") else None)
    contact = opt("contact")
    branch_cats = next((json.loads(c) for _, r, c in cols if r == "branch" and c), [])
    return EligibleData(dataset, row[0], at, take(ids), take(load_array(conn, f"data/{dataset}/features")),
                        [n for n, r, _ in cols if r == "feature"], opt("label"), opt("branch"),
                        branch_cats,
                        {k: contact[:, j] for j, k in enumerate(_CONTACT_ORDER)} if contact is not None else {})


def load_eligible(session, dataset: str, at: float | None = None) -> EligibleData:
    """The only way later steps read customer data: consent is re-checked at this moment."""
    session.require("data.view")
    return session.workspace.db.run(load_eligible_in, dataset, at)


def summary(session) -> list[dict]:
    """Datasets with their size, eligible count now, version and column dictionary."""
    session.require("data.view")

    def body(conn):
        out = []
        for name, side, id_type, version, rows, imported_at, by, src in conn.execute(
                "SELECT name, side, id_type, version, rows, imported_at, imported_by, source_file "
                "FROM datasets ORDER BY name").fetchall():
            ids = _array_to_ids(load_array(conn, f"data/{name}/ids"))
            cols = conn.execute("SELECT name, role, type, sensitivity FROM dataset_columns "
                                "WHERE dataset = ? ORDER BY position", (name,)).fetchall()
            out.append({"dataset": name, "side": side, "id_type": id_type, "version": version,
                        "rows_stored": rows, "eligible_now": int(eligible_mask_in(conn, name, ids).sum()),
                        "imported_at": imported_at, "imported_by": by, "source_file": src,
                        "columns": [dict(zip(("name", "role", "type", "sensitivity"), c)) for c in cols]})
        return out
    return session.workspace.db.run(body)
