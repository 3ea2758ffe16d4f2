"""The MPC messages (OT, triples, openings), declared once in the shared schema language.

The sans-IO objects of this package speak bytes: each message is a complete codec envelope
``[lianmo.mpc.<kind>, 1, body]`` encoded and decoded here with this package's own codec, so a
runner only moves bytes. ``MESSAGES`` is exported for a channel codec that wants to carry them
as they are. Shapes and bounds are checked here (a RemoteProtocolError naming the field); the
state objects check order and the agreed sizes.
"""

from __future__ import annotations

from typing import Any

from app.errors import RemoteProtocolError
from app.schema import Bytes, Codec, Int, Message, Nullable

PROTOCOL = "lianmo.mpc"
VERSION = 1
KAPPA = 128
POINT_BYTES = 32
MAX_OTS = 1 << 19              # OTs in one extension message: a u matrix of 8 MiB
TRIPLE_CHUNK = MAX_OTS // 64   # triples per chunk (64 OTs per cross term and direction)
Y_BYTES = 32 * 8 + 16 * 4 + 8 * 2 + 8 * 1   # Gilboa corrections per triple (shrinking widths)
MAX_TRIPLES = 1 << 26          # triples one generation may ask for
MAX_CHUNKS = -(-MAX_TRIPLES // TRIPLE_CHUNK)
MAX_OPEN = 1 << 21             # ring elements opened in one message (16 MiB)
_SLACK = 1024

_POINT = Bytes(size=POINT_BYTES)
_POINTS = Bytes(size=POINT_BYTES * KAPPA)
_U = Bytes(max_len=KAPPA * MAX_OTS // 8, min_len=KAPPA, multiple=KAPPA)

SCHEMAS: dict[str, tuple[dict[str, Any], int]] = {
    "base_a": ({"point": _POINT}, 256),
    "base_b": ({"points": _POINTS}, POINT_BYTES * KAPPA + 256),
    "ext_u": ({"chunk": Int(0, MAX_CHUNKS), "n_ots": Int(8, MAX_OTS), "u": _U},
              KAPPA * MAX_OTS // 8 + _SLACK),
    "cot_y": ({"chunk": Int(0, MAX_CHUNKS), "y": Bytes(max_len=8 * MAX_OTS, min_len=8, multiple=8)},
              8 * MAX_OTS + _SLACK),
    # One step of triple generation: both directions' base OTs, u matrices and corrections ride
    # together, so the two parties alternate one message each (see TripleGen).
    "triples": ({"seq": Int(0, 2 * MAX_CHUNKS + 4), "n": Int(1, MAX_TRIPLES),
                 "point": Nullable(_POINT), "points": Nullable(_POINTS), "u": Nullable(_U),
                 "y": Nullable(Bytes(max_len=Y_BYTES * TRIPLE_CHUNK, min_len=Y_BYTES,
                                     multiple=Y_BYTES))},
                KAPPA * MAX_OTS // 8 + Y_BYTES * TRIPLE_CHUNK + POINT_BYTES * (KAPPA + 1) + _SLACK),
    # A party's shares of e = x − a and f = y − b (Beaver multiplication), e then f.
    "open": ({"seq": Int(0, 1 << 20), "n": Int(1, MAX_OPEN // 2),
              "values": Bytes(max_len=8 * MAX_OPEN, min_len=16, multiple=16)},
             8 * MAX_OPEN + _SLACK),
}

DECLARED = {kind: Message(f"{PROTOCOL}.{kind}", VERSION, schema, max_bytes=size)
            for kind, (schema, size) in SCHEMAS.items()}
MESSAGES = tuple(DECLARED.values())
CODEC = Codec(MESSAGES)


def encode(kind: str, body: dict) -> bytes:
    return CODEC.encode(f"{PROTOCOL}.{kind}", body)


def decode(data: bytes) -> tuple[str, dict]:
    """Bytes from the peer -> (kind, body); RemoteProtocolError on anything else."""
    if not isinstance(data, (bytes, bytearray)):
        raise RemoteProtocolError.coded("protocol.mpc_not_bytes")
    name, body = CODEC.decode(bytes(data))
    return name.removeprefix(PROTOCOL + "."), body
