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

Identifiers and customer names exist in clear only inside this process and the encrypted store:
no temporary files, and errors and the report name rows and columns, never values.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

from app import messages
from app.executor import LocalExecutor
from app.data.consent import eligible_ids
from app.data.dictionary import data_dictionary
from app.data.ids import CANON_VERSION
from app.data.loader import ConsentEvents, Problems, load_consent, load_dataset
from app.data.profile import Profile, load_profile, parse_profile
from app.data.validation import build_report, format_report  # noqa: F401 (the CLI prints it)
from app.data.encoding import file_sha256
from app.errors import ValidationError
from app.store import datasets as dataset_store
from app.store import space
from app.store.workspace import now_iso
from app.workflows.importing import import_guard
from app.workflows.importing.import_guard import ImportWarnings  # noqa: F401  (the UI and CLI catch it)
from app.workflows.tasks import NullTask

_CONTACT_ORDER = ("app_active_30d", "branch_visit_recent", "already_bound", "opted_out")


# -- consent ----------------------------------------------------------------------------------

def _stored_consent(conn, dataset: str) -> ConsentEvents:
    parts = {k: [] for k in ("ids", "granted_at", "expires_at", "revoked_at")}
    for ids, times in dataset_store.consent_batches(conn, dataset):
        parts["ids"].append(ids)
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


def _write_consent(conn, dataset: str, events: ConsentEvents, path: str, sha256: str,
                   user: str) -> int:
    return dataset_store.insert_consent_batch(
        conn, dataset, events.ids,
        np.column_stack([events.granted_at, events.expires_at, events.revoked_at]),
        os.path.basename(path), sha256, now_iso(), user)


# -- dataset ----------------------------------------------------------------------------------

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


def _write_dataset(conn, ds, features: np.ndarray, report: dict, path: str, sha256: str,
                   user: str) -> int:
    prof = ds.profile
    record = {"name": prof.dataset, "side": prof.side, "id_type": prof.id_type,
              "canon_version": CANON_VERSION, "rows": len(ds), "profile": prof.to_json(),
              "report": report, "source_file": os.path.basename(path),
              "source_sha256": sha256, "imported_at": now_iso(), "imported_by": user}
    tables = {"branch": ds.branches, "name": ds.name_table}
    columns = [{**entry, "categories": ds.categories.get(entry["column"])
                if entry["role"] == "feature" else tables.get(entry["role"])}
               for entry in data_dictionary(prof)]
    parts = {"features": features}
    if ds.label is not None:
        parts["label"] = ds.label
    if ds.branch is not None:
        parts["branch"] = ds.branch
    if ds.contact:
        parts["contact"] = np.column_stack(
            [ds.contact.get(k, np.full(len(ds), -1, np.int8)) for k in _CONTACT_ORDER])
    if ds.names is not None:    # codes; the names themselves are the column's table
        parts["name"] = ds.names
    if ds.last_contact is not None:
        parts["last_contact"] = ds.last_contact
    return dataset_store.replace_dataset(conn, record, columns, ds.ids, parts)


def import_dataset(session, data_path: str, consent_path: str, profile: str | Profile,
                   task=None, commit: bool = True, accept_warnings: bool = False) -> dict:
    """Validate ``data_path`` + ``consent_path`` and (``commit``) store the eligible rows.

    Returns the validation report (plus ``version`` when committed; ``warnings`` lists surprises
    in the consent file). Raises ValidationError for structural problems; row-level problems are
    in the report and those rows are not stored. A commit with warnings raises ImportWarnings
    unless ``accept_warnings``; a second import of the same dataset while one runs is refused.
    """
    session.require("data.import")
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if not commit:
        return _import(session, data_path, consent_path, prof, task or NullTask(), False, False)
    with import_guard.only_import(session.workspace.path, prof.dataset):
        return _import(session, data_path, consent_path, prof, task or NullTask(), True,
                       accept_warnings)


def _import(session, data_path: str, consent_path: str, prof: Profile, task, commit: bool,
            accept_warnings: bool) -> dict:
    with LocalExecutor() as executor:  # parse workers for large files, gone after reading
        ds = load_dataset(data_path, prof, task, executor)
        events = load_consent(consent_path, prof, task, executor)
    ws = session.workspace
    stored = ws.db.run(_stored_consent, prof.dataset)
    all_events = _merge(stored, events)
    eligible = np.isin(ds.ids, eligible_ids(all_events, time.time()))
    report = build_report(ds, events, eligible)
    warnings = import_guard.consent_warnings(events, stored if len(stored.ids) else None,
                                             time.time())
    report["warnings"] = messages.render_all(warnings, "en")
    if not commit:
        return report
    if warnings and not accept_warnings:
        raise import_guard.ImportWarnings(warnings)
    space.require_room_for_import(ws.path, data_path, consent_path)
    if not eligible.any():
        raise ValidationError.coded("import.no_consented_rows", file=ds.file)
    task.check_cancelled()
    features = _feature_matrix(ds, eligible)
    ds.features = {}  # the matrix replaces them: keep one copy in memory, not two
    kept = ds.subset(eligible)
    data_sha, consent_sha = file_sha256(data_path), file_sha256(consent_path)  # each read once

    def body(conn):
        batch = _write_consent(conn, prof.dataset, events, consent_path, consent_sha,
                               session.user.name)
        version = _write_dataset(conn, kept, features, report, data_path, data_sha,
                                 session.user.name)
        task.check_cancelled()  # a cancel here still rolls everything back
        return version, batch

    params = {"profile": prof.to_json(), "data_sha256": data_sha, "consent_sha256": consent_sha}
    objects = {"dataset": prof.dataset, "rows": int(len(kept)), "rows_read": ds.rows_read,
               "rejected": ds.rejected_rows}
    version, batch = session.audited("data.import", objects, params, body)
    report.update(version=version, consent_batch=batch)
    return report


def import_consent(session, dataset: str, consent_path: str, task=None) -> dict:
    """Append a later consent file (e.g. revocations); eligibility changes from now on."""
    session.require("data.import")
    row = session.workspace.db.run(dataset_store.get_dataset, dataset)
    if row is None:
        raise ValidationError.coded("import.no_dataset", dataset=dataset)
    prof = parse_profile(row["profile"])
    with LocalExecutor() as executor:
        events = load_consent(consent_path, prof, task or NullTask(), executor)
    space.require_room_for_import(session.workspace.path, consent_path)
    sha256 = file_sha256(consent_path)
    batch = session.audited("data.consent", {"dataset": dataset, "rows": int(len(events.ids))},
                            {"consent_sha256": sha256},
                            _write_consent, dataset, events, consent_path, sha256,
                            session.user.name)
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
    names: np.ndarray | None = None          # int32 codes into ``name_table`` (C3), -1 none
    name_table: list[str] = field(default_factory=list)
    last_contact: np.ndarray | None = None   # int32 days since 1970-01-01, -1 never


def eligible_mask_in(conn, dataset: str, ids: np.ndarray, at: float | None = None) -> np.ndarray:
    """Which of ``ids`` may be used at ``at`` (default now), from every stored consent batch."""
    return np.isin(ids, eligible_ids(_stored_consent(conn, dataset), at))


def load_eligible_in(conn, dataset: str, at: float | None = None) -> EligibleData:
    row = dataset_store.get_dataset(conn, dataset)
    if row is None:
        raise ValidationError.coded("import.no_dataset", dataset=dataset)
    at = time.time() if at is None else float(at)
    ids = dataset_store.dataset_ids(conn, dataset)
    keep = eligible_mask_in(conn, dataset, ids, at)
    cols = dataset_store.dataset_columns(conn, dataset)
    everyone = bool(keep.all())
    take = (lambda a: a if everyone else a[keep])  # noqa: E731 - no copy when all consent

    def opt(part):
        values = dataset_store.dataset_part(conn, dataset, part, optional=True)
        return None if values is None else take(values)
    contact = opt("contact")

    def table(role: str) -> list[str]:
        return next((c["categories"] for c in cols if c["role"] == role and c["categories"]), [])
    return EligibleData(dataset, row["id_type"], at, take(ids),
                        take(dataset_store.dataset_part(conn, dataset, "features")),
                        [c["name"] for c in cols if c["role"] == "feature"], opt("label"),
                        opt("branch"),
                        table("branch"),
                        {k: contact[:, j] for j, k in enumerate(_CONTACT_ORDER)} if contact is not None else {},
                        opt("name"), table("name"), opt("last_contact"))


def load_eligible(session, dataset: str, at: float | None = None) -> EligibleData:
    """The only way later steps read customer data: consent is re-checked at this moment."""
    session.require("data.view")
    return session.workspace.db.run(load_eligible_in, dataset, at)


def summary(session) -> list[dict]:
    """Datasets with their size, eligible count now, version and column dictionary."""
    session.require("data.view")

    def body(conn):
        out = []
        for d in dataset_store.list_datasets(conn):
            name = d["name"]
            ids = dataset_store.dataset_ids(conn, name)
            cols = dataset_store.dataset_columns(conn, name)
            out.append({"dataset": name, "side": d["side"], "id_type": d["id_type"],
                        "version": d["version"], "rows_stored": d["rows"],
                        "eligible_now": int(eligible_mask_in(conn, name, ids).sum()),
                        "imported_at": d["imported_at"], "imported_by": d["imported_by"],
                        "source_file": d["source_file"],
                        "columns": [{k: c[k] for k in ("name", "role", "type", "sensitivity")}
                                    for c in cols]})
        return out
    return session.workspace.db.run(body)
