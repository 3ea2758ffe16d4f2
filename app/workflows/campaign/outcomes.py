"""Outcome events of a campaign: read a bind file, match it to a plan's members, store it.

An outcome file lists binds, one row per event: the customer's identifier, when the customer
bound (date or date and time; without an offset China Standard Time) and the channel the customer
bound through. Identifiers are canonicalised with app.data.ids (or, with ``id_type='reference'``,
taken as the pseudonymous customer references of the reach lists) and matched against the plan's
members inside the workspace. Rows matching no member are counted, never listed; rows with an
invalid identifier or time are listed by row number and reason only, never by value.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

import numpy as np

from app.data import columns as C
from app.data.idmatch import positions
from app.data.ids import ID_TYPES, IdError, canonicalizer
from app.data.tabular import clean_name, open_table
from app.data.encoding import file_sha256
from app.errors import ValidationError
from app.messages import Term
from app.store import datasets as dataset_store
from app.store import outcomes as outcome_store
from app.store.plans import reference_key
from app.store.workspace import now_iso
from app.workflows.plans.export import references
from app.workflows.plans.plan import HOLDOUT, Plan
from app.workflows.tasks import NullTask

REFERENCE = "reference"
OUTCOME_ID_TYPES = (*ID_TYPES, REFERENCE)
MAX_LISTED = 100  # problem rows listed (row number and reason); all are counted
BLANK_CHANNEL = "(blank)"


@dataclass
class OutcomeFile:
    """The valid rows of an outcome file (identifiers canonical) and what was wrong with the rest."""

    file: str
    sha256: str
    ids: list[str]
    bound_at: np.ndarray            # epoch seconds
    channel: np.ndarray             # int32 codes into ``channels``
    channels: list[str]
    rows_read: int
    problems: list[dict] = field(default_factory=list)   # {row, column, reason}, capped
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> count


def _column(table, name: str, role: str) -> int:
    try:
        return table.header.index(clean_name(name))
    except ValueError:
        raise ValidationError.coded("import.column_missing", file=table.label, role=Term(role),
                                    column=name) from None


def _canonical(canon, raw: str) -> str:
    return raw.strip() if canon is None else canon(raw)


def read_outcome_file(path: str, id_column: str, bound_at_column: str, channel_column: str,
                      id_type: str, delimiter: str = ",", encoding: str = "auto",
                      task=None) -> OutcomeFile:
    """Parse the three columns; invalid rows are rejected (counted, listed by row and reason)."""
    if id_type not in OUTCOME_ID_TYPES:
        raise ValidationError.coded("evaluation.id_type", choices=", ".join(OUTCOME_ID_TYPES))
    task = task or NullTask()
    table = open_table(path, encoding, delimiter)
    cols = [_column(table, id_column, "identifier"), _column(table, bound_at_column, "bound-at"),
            _column(table, channel_column, "channel")]
    canon = None if id_type == REFERENCE else canonicalizer(id_type)
    out = OutcomeFile(os.path.basename(path), file_sha256(path), [], np.empty(0), np.empty(0, np.int32),
                      [], 0)
    times, channels = C.Timestamp(), {}
    stamps, codes = [], []

    def reject(row: int, column: int, reason: str) -> None:
        out.rejected[reason] = out.rejected.get(reason, 0) + 1
        if len(out.problems) < MAX_LISTED:
            out.problems.append({"row": int(row), "column": table.header[column], "reason": reason})

    for block in table.blocks(cols):
        raw_ids, raw_at, raw_ch = (block.columns[c] for c in cols)
        for i, row in enumerate(block.rows):
            out.rows_read += 1
            try:
                cid = _canonical(canon, raw_ids[i])
                if not cid:
                    raise IdError("id_missing")
            except IdError as exc:
                reject(row, cols[0], exc.reason)
                continue
            text = C.norm(raw_at[i])
            try:
                stamp = times.parse(text) if text else None
            except ValueError:
                stamp = None
            if stamp is None:
                reject(row, cols[1], "bad_datetime" if text else "missing_bound_at")
                continue
            label = C.norm(raw_ch[i]).lower()[:64] or BLANK_CHANNEL
            out.ids.append(cid)
            stamps.append(stamp)
            codes.append(channels.setdefault(label, len(channels)))
        task.progress(out.rows_read, 0, f"Read {out.rows_read:,} rows of {out.file}")
    if out.rows_read == 0:
        raise ValidationError.coded("import.no_data_rows", file=out.file)
    out.bound_at = np.asarray(stamps, dtype=np.float64)
    out.channel = np.asarray(codes, dtype=np.int32)
    out.channels = list(channels)
    return out


def member_index(conn, plan: Plan, ids: list[str], id_type: str) -> np.ndarray:
    """Row index into the plan's members of each identifier; -1 when it matches no member."""
    m = plan.members
    if id_type == REFERENCE:
        keys = np.array(references(reference_key(conn), m.ids, m.customer_key), dtype="S21")
    elif m.ids is not None:
        if plan.id_type != id_type:
            raise ValidationError.coded("evaluation.id_type_differs", plan=Term(plan.id_type),
                                        given=Term(id_type))
        keys = m.ids
    else:
        keys = _dataset_ids(conn, m.customer_key, id_type)
    wanted = np.array([s.encode() for s in ids], dtype=f"S{max(1, keys.dtype.itemsize)}") \
        if ids else np.empty(0, keys.dtype)
    return positions(keys, wanted)


def _dataset_ids(conn, customer_key: np.ndarray, id_type: str) -> np.ndarray:
    """Plans without identifiers: the customer key is the row of the bank dataset (docs/plans.md)."""
    found = dataset_store.latest_bank_dataset(conn, id_type)
    if found is None or not dataset_store.has_dataset_ids(conn, found[0]):
        raise ValidationError.coded("evaluation.nothing_to_match")
    ids = dataset_store.dataset_ids(conn, found[0])
    out = np.full(len(customer_key), b"", dtype=ids.dtype)
    ok = (customer_key >= 0) & (customer_key < len(ids))
    out[ok] = ids[customer_key[ok]]
    return out


def store_batch(conn, plan: Plan, events: OutcomeFile, member: np.ndarray, user: str) -> dict:
    """Write the matched events as one batch; returns its counts (no identifier in them)."""
    batch = str(uuid.uuid4())
    matched = member >= 0
    status = plan.status[member[matched]]
    arm = plan.members.arm[member[matched]]
    counts = {
        "rows_read": events.rows_read, "rejected": int(sum(events.rejected.values())),
        "rejected_by_reason": dict(events.rejected), "valid": len(events.ids),
        "matched": int(matched.sum()), "unmatched": int((~matched).sum()),
        "matched_treated": int(((status <= HOLDOUT) & (arm == 0)).sum()),
        "matched_control": int(((status <= HOLDOUT) & (arm == 1)).sum()),
        "matched_left_out": int((status > HOLDOUT).sum()),
        "matched_customers": int(len(np.unique(member[matched]))),
    }
    outcome_store.insert_outcome_batch(conn, batch, plan.id, plan.version, events.channels,
                                       member[matched], events.bound_at[matched],
                                       events.channel[matched], counts, events.file, events.sha256,
                                       user, now_iso())
    counts["batch"] = batch
    return counts


@dataclass
class StoredEvents:
    """Every stored event of a plan version: member index, time, channel (codes into ``channels``)."""

    member: np.ndarray
    bound_at: np.ndarray
    channel: np.ndarray
    channels: list[str]
    batches: int


def load_events(conn, plan_id: str, version: int) -> StoredEvents:
    parts, labels = [], {}
    rows = outcome_store.outcome_batches(conn, plan_id, version)
    for local, member, bound_at, channel in rows:
        remap = np.array([labels.setdefault(c, len(labels)) for c in local] or [0], np.int32)
        parts.append((member, bound_at, remap[channel]))
    if not parts:
        return StoredEvents(np.empty(0, np.int64), np.empty(0), np.empty(0, np.int32), [], 0)
    member, bound_at, channel = (np.concatenate(p) for p in zip(*parts))
    return StoredEvents(member, bound_at, channel, list(labels), len(rows))
