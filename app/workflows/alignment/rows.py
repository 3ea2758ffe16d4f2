"""The rule that keeps alignments consent-safe by construction.

An alignment keeps the canonical identifiers of the intersection in the agreed row order (inside
the encrypted store only). Every later use goes through ``usable_rows``: it re-checks consent at
that moment, so a revocation removes the customer from every alignment without anyone remembering
to filter. Because the peer has revocations of its own, cross-party jobs exchange the resulting
keep-masks (positions only, never identifiers) and use the rows both sides still keep.
"""

from __future__ import annotations

import numpy as np

from app.data.idmatch import positions
from app.errors import RemoteProtocolError
from app.store.alignments import load_alignment_ids
from app.workflows.importing.data_import import EligibleData


def usable_rows(workspace, alignment_id: str, eligible: EligibleData) -> tuple[np.ndarray, np.ndarray]:
    """(keep, rows): ``keep[k]`` says alignment position k is still eligible on our side, and
    ``rows`` gives, for each kept position in order, its row in ``eligible`` (load it with
    ``data_import.load_eligible`` at the moment of use)."""
    at = positions(eligible.ids, workspace.db.run(load_alignment_ids, alignment_id))
    keep = at >= 0
    return keep, at[keep]


def pack_mask(mask: np.ndarray) -> bytes:
    return np.packbits(mask.astype(bool)).tobytes()


def unpack_mask(data: bytes, size: int) -> np.ndarray:
    if len(data) != (size + 7) // 8:
        raise RemoteProtocolError.coded("aligning.mask_length")
    return np.unpackbits(np.frombuffer(data, np.uint8))[:size].astype(bool)
