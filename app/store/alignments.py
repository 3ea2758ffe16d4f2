"""Alignments: the record of each private set intersection and its identifiers
(``alignment/<id>/ids``, in the row order both parties agreed), 0004_alignments.sql. The record is
what lists and audits show (sizes, peer, dataset, never an identifier); the identifiers stay in
the encrypted store and are read back only by ``workflows.alignment.rows``, which re-checks consent
at every use, so nothing here filters rows or decides who may use them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.errors import LocalProtocolError, UserFacingError
from app.store.arrays import load_array, save_array
from app.store.datasets import ids_to_matrix, matrix_to_ids
from app.store.workspace import now_iso

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


def new_record(alignment_id: str, job_id: str, peer: str, dataset: str, id_type: str,
               canon_version: int, size: int, own_count: int, peer_count: int,
               created_by: str) -> AlignmentRecord:
    return AlignmentRecord(alignment_id, job_id, peer, dataset, id_type, canon_version, size,
                           own_count, peer_count, now_iso(), created_by)


def save_alignment_in(conn, record: AlignmentRecord, ids: np.ndarray) -> None:
    """Store the intersection (``ids`` in agreed order, bytes dtype) in the caller's transaction."""
    if len(ids) != record.size:
        raise LocalProtocolError("The alignment size does not match its identifiers.")
    conn.execute(f"INSERT INTO alignments ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 11)})",
                 tuple(getattr(record, c) for c in COLUMNS))
    save_array(conn, f"alignment/{record.id}/ids", ids_to_matrix(np.asarray(ids, dtype=bytes))
               if len(ids) else np.zeros((0, 1), np.uint8))


def delete_alignment(conn, alignment_id: str) -> None:
    conn.execute("DELETE FROM alignments WHERE id = ?", (alignment_id,))


def list_alignments(conn, finished_only: bool = False) -> list[AlignmentRecord]:
    """Newest first; ``finished_only``: only those whose alignment job finished."""
    sql = f"SELECT {', '.join('a.' + c for c in COLUMNS)} FROM alignments a"
    if finished_only:
        sql += (" JOIN jobs j ON j.id = a.job_id AND j.type = 'alignment' "
                "AND j.state = 'finished'")
    return [AlignmentRecord(*r) for r in conn.execute(sql + " ORDER BY a.created_at DESC")]


def get_alignment(conn, alignment_id: str) -> AlignmentRecord:
    row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM alignments WHERE id = ?",
                       (alignment_id,)).fetchone()
    if row is None:
        raise UserFacingError.coded("store.no_alignment", alignment=alignment_id)
    return AlignmentRecord(*row)


def load_alignment_ids(conn, alignment_id: str) -> np.ndarray:
    return matrix_to_ids(load_array(conn, f"alignment/{alignment_id}/ids"))


# -- the resume point of a running alignment job (alignment_progress) -----------------------------
# One row per job: a msgpack map of counters, run ids and the party's own PSI scalar, plus the
# shuffle and the finished chunks' points as arrays (alignment_resume/<job>/...). All of it lives
# only in this encrypted workspace and is erased when the job ends (``forget_resume``).

def _resume_array(job_id: str, part: str) -> str:
    return f"alignment_resume/{job_id}/{part}"


def save_resume_in(conn, job_id: str, state: bytes, order: np.ndarray | None = None,
                   own_chunks: dict[int, bytes] | None = None,
                   peer_chunks: dict[int, bytes] | None = None) -> None:
    """Store (or advance) ``job_id``'s resume point: ``state`` replaces the row, ``order`` and
    the newly finished chunks of points are added."""
    conn.execute("INSERT INTO alignment_progress VALUES (?, ?, ?) ON CONFLICT(job_id) DO UPDATE "
                 "SET checkpoint = excluded.checkpoint, updated_at = excluded.updated_at",
                 (job_id, state, now_iso()))
    if order is not None:
        save_array(conn, _resume_array(job_id, "order"), np.asarray(order, np.int64))
    for side, chunks in (("own", own_chunks or {}), ("peer", peer_chunks or {})):
        for index, points in chunks.items():
            save_array(conn, _resume_array(job_id, f"{side}/{index}"),
                       np.frombuffer(points, np.uint8))


def load_resume(conn, job_id: str, own_chunks: int, peer_chunks: int):
    """(order, own points, peer points) of ``job_id``'s resume point (its state: ``resume_state``);
    the points are the first ``own_chunks`` / ``peer_chunks`` finished chunks, concatenated."""
    order = load_array(conn, _resume_array(job_id, "order"))
    points = {side: b"".join(load_array(conn, _resume_array(job_id, f"{side}/{i}")).tobytes()
                             for i in range(n))
              for side, n in (("own", own_chunks), ("peer", peer_chunks))}
    return order, points["own"], points["peer"]


def resume_state(conn, job_id: str) -> bytes | None:
    row = conn.execute("SELECT checkpoint FROM alignment_progress WHERE job_id = ?",
                       (job_id,)).fetchone()
    return row[0] if row else None


def forget_resume(conn, job_id: str) -> None:
    """Erase the resume point (the scalar with it): the job ended, or its run cannot resume."""
    conn.execute("DELETE FROM alignment_progress WHERE job_id = ?", (job_id,))
    conn.execute("DELETE FROM arrays WHERE name LIKE ?", (_resume_array(job_id, "") + "%",))
