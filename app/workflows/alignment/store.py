"""Stored alignments and the rule that keeps them consent-safe by construction.

An alignment keeps the canonical identifiers of the intersection in the agreed row order (inside
the encrypted store only). Every later use goes through ``usable_rows``: it re-checks consent at
that moment, so a revocation removes the customer from every alignment without anyone remembering
to filter. Because the peer has revocations of its own, cross-party jobs exchange the resulting
keep-masks (positions only, never identifiers) and use the rows both sides still keep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.data.idmatch import positions
from app.errors import UserFacingError
from app.store.arrays import load_array, save_array
from app.store.workspace import now_iso
from app.workflows.data_import import EligibleData, array_to_ids, ids_to_array

COLUMNS = ("id", "job_id", "peer", "dataset", "id_type", "canon_version", "size", "own_count",
           "peer_count", "created_at", "created_by")


@dataclass(frozen=True)
class AlignmentRecord:
    id: str
    job_id: str
    peer: str
    dataset: str
    id_type: str
    canon_version: int
    size: int
    own_count: int
    peer_count: int
    created_at: str
    created_by: str

    @property
    def overlap_rate(self) -> float:
        return self.size / self.own_count if self.own_count else 0.0


def save_alignment_in(conn, record: AlignmentRecord, ids: np.ndarray) -> None:
    """Store the intersection (``ids`` in agreed order, bytes dtype) in the caller's transaction."""
    if len(ids) != record.size:
        raise UserFacingError("The alignment size does not match its identifiers.")
    conn.execute(f"INSERT INTO alignments ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 11)})",
                 tuple(getattr(record, c) for c in COLUMNS))
    save_array(conn, f"alignment/{record.id}/ids", ids_to_array(np.asarray(ids, dtype=bytes))
               if len(ids) else np.zeros((0, 1), np.uint8))


def new_record(alignment_id: str, job_id: str, peer: str, dataset: str, id_type: str,
               canon_version: int, size: int, own_count: int, peer_count: int,
               created_by: str) -> AlignmentRecord:
    return AlignmentRecord(alignment_id, job_id, peer, dataset, id_type, canon_version, size,
                           own_count, peer_count, now_iso(), created_by)


def list_alignments(workspace) -> list[AlignmentRecord]:
    rows = workspace.db.query(f"SELECT {', '.join(COLUMNS)} FROM alignments ORDER BY created_at DESC")
    return [AlignmentRecord(*r) for r in rows]


def get_alignment(workspace, alignment_id: str) -> AlignmentRecord:
    rows = workspace.db.query(f"SELECT {', '.join(COLUMNS)} FROM alignments WHERE id = ?",
                              (alignment_id,))
    if not rows:
        raise UserFacingError(f"There is no alignment {alignment_id}.")
    return AlignmentRecord(*rows[0])


def load_alignment_ids(workspace, alignment_id: str) -> np.ndarray:
    return workspace.db.run(lambda conn: array_to_ids(load_array(conn, f"alignment/{alignment_id}/ids")))


def usable_rows(workspace, alignment_id: str, eligible: EligibleData) -> tuple[np.ndarray, np.ndarray]:
    """(keep, rows): ``keep[k]`` says alignment position k is still eligible on our side, and
    ``rows`` gives, for each kept position in order, its row in ``eligible`` (load it with
    ``data_import.load_eligible`` at the moment of use)."""
    at = positions(eligible.ids, load_alignment_ids(workspace, alignment_id))
    keep = at >= 0
    return keep, at[keep]


def pack_mask(mask: np.ndarray) -> bytes:
    return np.packbits(mask.astype(bool)).tobytes()


def unpack_mask(data: bytes, size: int) -> np.ndarray:
    from app.errors import RemoteProtocolError
    if len(data) != (size + 7) // 8:
        raise RemoteProtocolError("keep_mask: wrong length for the alignment size")
    return np.unpackbits(np.frombuffer(data, np.uint8))[:size].astype(bool)
