"""What training and scoring jobs share: their two wire messages and the agreed aligned rows.

SecureBoost encodes and validates its own messages (app/protocols/secureboost/messages.py); on the
peer link they travel as opaque byte strings in ``secureboost.msg`` frames (chunked: one protocol
message can exceed one frame). Before either job, each side sends its keep-mask over the alignment
positions (consent re-checked now, see alignment.rows.usable_rows) and both use the positions both
still keep, in alignment order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from app.errors import RemoteProtocolError, UserFacingError, ValidationError
from app.protocols.secureboost import messages as sbm
from app.schema import Bool, Bytes, Message, Str
from app.store import alignments as alignment_store
from app.store import jobs as job_store
from app.store import datasets as dataset_store
from app.workflows.alignment import rows as alignment_rows
from app.workflows.importing.data_import import EligibleData, load_eligible_in

KEEP, SB, SC = "secureboost.keep", "secureboost.msg", "scorecard.msg"
CHUNK = 16 * 1024 * 1024          # one frame's worth of protocol bytes (frames are <= 64 MiB)
MAX_MASK = 32 * 1024 * 1024       # 256 million alignment positions
PEER_WAIT = 3600.0                # seconds a party may compute before the other gives up
MESSAGES = (
    Message(KEEP, 1, {"alignment_id": Str(max_len=64), "mask": Bytes(max_len=MAX_MASK)},
            max_bytes=MAX_MASK + 512),
    Message(SB, 1, {"data": Bytes(max_len=CHUNK), "more": Bool()}, max_bytes=CHUNK + 64),
    Message(SC, 1, {"data": Bytes(max_len=CHUNK), "more": Bool()}, max_bytes=CHUNK + 64),
)


# -- SecureBoost bytes over the link --------------------------------------------------------------
def send_sb(channel, data: "bytes | sbm.Encoded", frame: str = SB) -> None:
    """One protocol message in chunks; an ``Encoded`` message's buffers are cut into chunks as
    they are, never joined into one (the 1 GiB of gradients at 4M rows)."""
    buffers = data.parts if isinstance(data, sbm.Encoded) else [data]
    for part, more in _chunks(buffers, CHUNK):
        channel.send(frame, {"data": part, "more": more})


def _chunks(buffers: list, size: int):
    """(chunk, more) over the buffers' concatenation: ``size`` bytes each but the last, which
    may be empty (an empty message is one empty chunk)."""
    total, sent, pending, have = sum(len(b) for b in buffers), 0, [], 0
    for buffer in buffers:
        view = memoryview(buffer)
        while len(view):
            take = view[:size - have]
            pending.append(take)
            have += len(take)
            view = view[len(take):]
            if have == size:
                sent += have
                yield b"".join(pending), sent < total
                pending, have = [], 0
    if pending or not total:
        yield b"".join(pending), False


def recv_sb(channel, timeout: float = PEER_WAIT, frame: str = SB,
            limit_of=sbm.limit_of) -> bytearray:
    """One protocol message from its chunks; ``limit_of(first bytes)`` caps what is held
    (SecureBoost's by default; a scorecard job passes its own on ``scorecard.msg`` frames).
    The chunks are appended to one buffer as they come: no list of chunks joined at the end,
    which would hold a 1 GiB message twice."""
    data, limit = bytearray(), sbm.MAX_MESSAGE_BYTES
    while True:
        msg_type, body = channel.recv(timeout=timeout)
        if msg_type != frame:
            raise RemoteProtocolError.coded("protocol.unexpected", message=msg_type)
        if not data:  # the type leads the first chunk: hold no more than that type may need
            limit = limit_of(body["data"])
        if len(data) + len(body["data"]) > limit:
            raise RemoteProtocolError.coded("protocol.frame_over_limit", message=frame)
        data += body["data"]
        if not body["more"]:
            return data


class PartnerOverLink:
    """Stands in for ``FeatureParty.score`` in driver.federated_scores: asks the peer instead."""

    def __init__(self, channel) -> None:
        self.channel = channel

    def score(self, request: bytes, _bins) -> bytes:
        send_sb(self.channel, request)
        return recv_sb(self.channel)


# -- the agreed rows ------------------------------------------------------------------------------
@dataclass
class AlignedRows:
    """Our eligible data and, for every position both parties keep, our row in it."""

    record: alignment_store.AlignmentRecord
    eligible: EligibleData
    both: np.ndarray      # bool over alignment positions: kept by both parties
    rows: np.ndarray      # rows into ``eligible`` for each position in ``both``, in order
    digest: str           # names this exact row set (checkpoints are reused only for it)

    @property
    def n(self) -> int:
        return len(self.rows)


def agree_rows(workspace, channel, initiator: bool, alignment_id: str, peer: str,
               need_label: bool = False, label_source=None) -> AlignedRows:
    """Load eligible data now, exchange keep-masks, keep what both keep.

    ``need_label``: the label party also drops positions without a known label (training); the
    partner then learns only "not usable at the bank", never why. ``label_source(eligible)``
    replaces the dataset's labels (retraining on campaign outcomes).
    """
    record = workspace.db.run(alignment_store.get_alignment, alignment_id)
    if record.peer != peer:
        raise UserFacingError.coded("training.alignment_other_peer")
    made_by = workspace.db.run(job_store.load, record.job_id)
    if made_by is not None and made_by.state != "finished":
        raise UserFacingError.coded("training.alignment_unfinished")
    eligible = workspace.db.run(load_eligible_in, record.dataset)
    if label_source is not None:  # e.g. labels built from a campaign's outcomes
        eligible.label = label_source(eligible)
    keep, rows = alignment_rows.usable_rows(workspace, alignment_id, eligible)
    at = np.full(record.size, -1, dtype=np.int64)
    at[keep] = rows
    if need_label:
        if eligible.label is None:
            raise ValidationError.coded("training.no_label_column")
        keep = keep & (at >= 0) & (eligible.label[np.maximum(at, 0)] >= 0)
    mine = {"alignment_id": alignment_id, "mask": alignment_rows.pack_mask(keep)}
    if initiator:
        channel.send(KEEP, mine)
        theirs = _recv_keep(channel)
    else:
        theirs = _recv_keep(channel)
        channel.send(KEEP, mine)
    if theirs["alignment_id"] != alignment_id:
        raise RemoteProtocolError.coded("protocol.bad_field", field="secureboost.keep.alignment_id")
    both = keep & alignment_rows.unpack_mask(theirs["mask"], record.size)
    digest = hashlib.sha256(alignment_id.encode() + b"\0" + alignment_rows.pack_mask(both)).hexdigest()
    return AlignedRows(record, eligible, both, at[both], digest)


def _recv_keep(channel) -> dict:
    msg_type, body = channel.recv(timeout=PEER_WAIT)
    if msg_type != KEEP:
        raise RemoteProtocolError.coded("protocol.unexpected", message=msg_type)
    return body


# -- our own feature columns ------------------------------------------------------------------------
def feature_columns(workspace, eligible: EligibleData, rows: np.ndarray | None = None
                    ) -> tuple[dict[str, np.ndarray], set[str]]:
    """Column name -> values (of ``rows``), and which columns are categorical codes."""
    types = {c["name"]: c["type"] for c in workspace.db.run(dataset_store.dataset_columns,
                                                              eligible.dataset)
             if c["role"] == "feature"}
    data = eligible.features if rows is None else eligible.features[rows]
    columns = {name: data[:, j] for j, name in enumerate(eligible.feature_names)}
    return columns, {n for n in eligible.feature_names if types.get(n) == "categorical"}
