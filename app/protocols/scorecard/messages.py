"""SS-LR wire messages, declared in the schema language (app.schema) and sent through one Codec.

What travels (docs/scorecard.md): Paillier ciphertexts (fixed width, no metadata), masked
ring values inside them, the MPC package's own messages (triples, Beaver openings) as opaque
bytes, epoch/batch counters, and at the end the weight shares each party may reveal. Nothing
whose size or encoding depends on data values: every per-row quantity is a fixed-width blob whose
length the receiving role checks against the agreed row and feature counts.
"""

from __future__ import annotations

import numpy as np

from app.crypto.mpc import MESSAGES as MPC_MESSAGES
from app.errors import RemoteProtocolError
from app.protocols.scorecard.params import MAX_EPOCHS, MAX_FEATURES
from app.schema import Bytes, Codec, Int, Message

PROTOCOL = "lianmo.sslr"
VERSION = 1
MAX_MESSAGE_BYTES = 1 << 30
SMALL = 4096
_CTS = Bytes(max_len=MAX_MESSAGE_BYTES)
_MPC = Bytes(max_len=max(m.max_bytes for m in MPC_MESSAGES))
_EPOCH = Int(0, MAX_EPOCHS)
_BATCH = Int(0, 1 << 20)
_RING = Bytes(max_len=8 * MAX_FEATURES, multiple=8)

SCHEMAS: dict[str, tuple[dict, int]] = {
    # bank -> partner
    "setup": ({"version": Int(VERSION, VERSION), "params_digest": Bytes(size=32),
               "key_n": Bytes(min_len=128, max_len=1024), "n_rows": Int(1, 1 << 31),
               "n_features": Int(1, MAX_FEATURES)}, SMALL),
    "forward": ({"epoch": _EPOCH, "batch": _BATCH, "shares": _CTS}, MAX_MESSAGE_BYTES),
    "products": ({"epoch": _EPOCH, "batch": _BATCH, "products": _CTS, "open": _MPC},
                 MAX_MESSAGE_BYTES),
    "residuals": ({"epoch": _EPOCH, "batch": _BATCH, "cts": _CTS}, MAX_MESSAGE_BYTES),
    "gradient": ({"epoch": _EPOCH, "batch": _BATCH, "gradient": _CTS}, MAX_MESSAGE_BYTES),
    "epoch_end": ({"epoch": _EPOCH}, SMALL),
    "finish": ({"epoch": _EPOCH, "weights": _RING}, SMALL),   # epoch: whose weights both keep
    # partner -> bank
    "setup_ack": ({"version": Int(VERSION, VERSION), "params_digest": Bytes(size=32),
                   "key_n": Bytes(min_len=128, max_len=1024), "n_features": Int(1, MAX_FEATURES)},
                  SMALL),
    "forward_reply": ({"epoch": _EPOCH, "batch": _BATCH, "products": _CTS, "shares": _CTS},
                      MAX_MESSAGE_BYTES),
    "residuals_reply": ({"epoch": _EPOCH, "batch": _BATCH, "gradient": _CTS, "cts": _CTS},
                        MAX_MESSAGE_BYTES),
    "ack": ({"epoch": _EPOCH, "batch": _BATCH}, SMALL),
    "loss": ({"epoch": _EPOCH, "share": Bytes(size=8), "valid": Bytes(max_len=8, multiple=8)},
             SMALL),
    "finish_ack": ({"weights": _RING}, SMALL),
    # both ways: a message of the MPC package (triples, Beaver openings), carried as it is
    "mpc": ({"epoch": _EPOCH, "batch": _BATCH, "data": _MPC}, _MPC.max_len + SMALL),
}
MESSAGES = tuple(Message(f"{PROTOCOL}.{name}", VERSION, schema, max_bytes=size)
                 for name, (schema, size) in SCHEMAS.items())
CODEC = Codec(MESSAGES)


def make(kind: str, **body) -> bytes:
    """Encode one of our messages (validated: a bad one is our bug)."""
    return CODEC.encode(f"{PROTOCOL}.{kind}", body)


def expect(data: bytes, kind: str, epoch: int | None = None, batch: int | None = None) -> dict:
    """Decode a peer message that must be ``kind`` (for this epoch and batch): else refused."""
    if not isinstance(data, (bytes, bytearray)):
        raise RemoteProtocolError.coded("protocol.bad_field", field="scorecard.msg.data")
    name, body = CODEC.decode(bytes(data))
    if name != f"{PROTOCOL}.{kind}":
        raise RemoteProtocolError.coded("protocol.wrong_message", got=name[:48], expected=kind)
    if epoch is not None and body.get("epoch") != epoch:
        raise RemoteProtocolError.coded("protocol.wrong_epoch", message=kind)
    if batch is not None and body.get("batch") != batch:
        raise RemoteProtocolError.coded("protocol.wrong_batch", message=kind)
    return body


def kind_of(data: bytes) -> str:
    """The kind of a peer message (validated), for the one place two kinds may come next."""
    if not isinstance(data, (bytes, bytearray)):
        raise RemoteProtocolError.coded("protocol.bad_field", field="scorecard.msg.data")
    name, _ = CODEC.decode(bytes(data))
    return name.removeprefix(f"{PROTOCOL}.")


def ring_bytes(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype="<u8").tobytes()


def ring_from(data: bytes, count: int, kind: str, name: str) -> np.ndarray:
    if len(data) != 8 * count:
        raise RemoteProtocolError.coded("protocol.field_size", field=name, message=kind)
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)
