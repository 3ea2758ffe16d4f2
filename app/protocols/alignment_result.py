"""The end of a private alignment: intersect the two doubly-blinded sets into an agreed order.

Both parties hold the same H(.)^ab values for the common IDs (their own from the peer's replies,
the peer's from answering its chunks), so sorting the common values by their bytes gives both
sides the same row order without exchanging an identifier. The order is pseudorandom: it says
nothing about the IDs. The digest lets the two sides confirm they agree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from app.errors import RemoteProtocolError
from app.protocols.alignment_messages import POINT_BYTES, PROTOCOL

_VALUE = np.dtype(f"S{POINT_BYTES}")   # compares and sorts as unsigned bytes (memcmp order)


@dataclass(frozen=True)
class Alignment:
    """The result on one side: ``rows[k]`` is the index into our own input of aligned row k."""
    rows: np.ndarray      # int64, in the row order both sides agree on
    n_own: int            # distinct own items that took part
    n_peer: int           # distinct items the peer announced
    n_duplicates: int     # own input rows dropped as repeats (known only to us)
    digest: bytes         # SHA-256 of the agreed ordering; equal on both sides

    @property
    def size(self) -> int:
        return len(self.rows)


def _refuse(msg_type: str, why: str) -> RemoteProtocolError:
    return RemoteProtocolError(f"The peer sent an unacceptable alignment '{msg_type}' message: "
                               f"field 'points' {why}.")


def _has_repeats(sorted_values: np.ndarray) -> bool:
    return len(sorted_values) > 1 and bool((sorted_values[1:] == sorted_values[:-1]).any())


def intersect(own_points: bytes | bytearray, peer_points: bytes | bytearray, order: np.ndarray,
              n_duplicates: int) -> Alignment:
    """``own_points[i]`` = H(x)^ab of our item ``order[i]``; ``peer_points`` = the peer's set.

    Repeated values mean the peer misbehaved (it sent an item twice, or gave two of our items
    the same answer): refused rather than silently producing a many-to-one alignment.
    """
    own = np.frombuffer(own_points, dtype=_VALUE)
    peer = np.frombuffer(peer_points, dtype=_VALUE)
    own_order = np.argsort(own, kind="stable")
    own_sorted = own[own_order]
    if _has_repeats(own_sorted):
        raise _refuse("reblinded", "gives two of our items the same value")
    peer_sorted = np.sort(peer)
    if _has_repeats(peer_sorted):
        raise _refuse("blinded", "repeats an item")
    hit = np.zeros(len(own_sorted), dtype=bool)
    if len(peer_sorted) and len(own_sorted):
        pos = np.searchsorted(peer_sorted, own_sorted)
        pos[pos == len(peer_sorted)] = 0
        hit = peer_sorted[pos] == own_sorted
    common = own_sorted[hit]
    digest = hashlib.sha256(PROTOCOL.encode() + common.tobytes()).digest()
    return Alignment(rows=order[own_order[hit]].astype(np.int64), n_own=len(own),
                     n_peer=len(peer), n_duplicates=n_duplicates, digest=digest)
