"""Messages of the private alignment protocol: declarations, constructors and one validator.

Every message is a plain dict of msgpack-friendly values (str, int, bytes) with a ``"type"`` key;
on a channel it travels as ``lianmo.alignment.<type>`` with the other keys as its body. The
schemas are declared once, in the shared schema language (``MESSAGES``), and serve both the
role objects (``validate``) and whichever codec carries them. They check shapes and bounds only;
the role object checks meaning (chunk order, counts, agreed parameters). A failure is a
RemoteProtocolError whose message names the message type and the field.
"""

from __future__ import annotations

from typing import Any

from app.errors import RemoteProtocolError
from app.schema import Bytes, Int, Message, Str, check

PROTOCOL = "lianmo.alignment"
VERSION = 1
POINT_BYTES = 32
RUN_ID_BYTES = 16
DIGEST_BYTES = 32
MAX_ITEMS = 50_000_000       # per side; 1.6 GB of points: refuse bigger announcements outright
MAX_CHUNK_SIZE = 65_536      # points per message: 2 MiB frames at most
MAX_WINDOW = 64              # chunks in flight without a reply
ROLES = ("label", "feature")
ABORT_REASONS = ("cancelled", "protocol_error", "internal_error")


def _text(max_len: int, choices: tuple[str, ...] | None = None) -> Str:
    return Str(max_len, min_len=1, choices=choices)


_POINTS = Bytes(max_len=POINT_BYTES * MAX_CHUNK_SIZE, min_len=POINT_BYTES, multiple=POINT_BYTES)
_CHUNK = {"chunk": Int(0, MAX_ITEMS), "points": _POINTS}
_SMALL = 4096                 # bytes: every message but a chunk of points
_POINTS_MESSAGE = POINT_BYTES * MAX_CHUNK_SIZE + 256

SCHEMAS: dict[str, dict[str, Any]] = {
    "hello": {
        "protocol": _text(64, (PROTOCOL,)),
        "version": Int(VERSION, VERSION),          # anything else (a downgrade too) is refused
        "role": _text(16, ROLES),
        "job_id": _text(128),
        "id_type": _text(64),
        "canon_version": _text(64),
        "n_items": Int(0, MAX_ITEMS),
        "chunk_size": Int(1, MAX_CHUNK_SIZE),
        "window": Int(1, MAX_WINDOW),
        "run_id": Bytes(size=RUN_ID_BYTES),
        "resume_chunks": Int(0, MAX_ITEMS),        # receiver's chunks the sender already reblinded
        "resume_replies": Int(0, MAX_ITEMS),       # sender's chunks it already holds replies for
    },
    "blinded": _CHUNK,      # H(x)^a, sender's items
    "reblinded": _CHUNK,    # H(y)^ab, receiver's items
    "finished": {"intersection_size": Int(0, MAX_ITEMS), "digest": Bytes(size=DIGEST_BYTES)},
    "abort": {"reason": _text(32, ABORT_REASONS)},
}

DECLARED = {kind: Message(f"{PROTOCOL}.{kind}", VERSION, schema,
                          max_bytes=_POINTS_MESSAGE if kind in ("blinded", "reblinded") else _SMALL)
            for kind, schema in SCHEMAS.items()}
MESSAGES = tuple(DECLARED.values())


def validate(message: Any) -> dict:
    """Check any incoming alignment message; returns it unchanged when valid."""
    if not isinstance(message, dict):
        raise RemoteProtocolError.coded("protocol.alignment_not_map")
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in DECLARED:
        raise RemoteProtocolError.coded("protocol.alignment_unknown_type")
    check(DECLARED[kind], {k: v for k, v in message.items() if k != "type"},
          f"an invalid alignment '{kind}' message")
    return message


# --- constructors (our side) --------------------------------------------------------------------

def hello(**fields: Any) -> dict:
    return {"type": "hello", "protocol": PROTOCOL, "version": VERSION, **fields}


def blinded(chunk: int, points: bytes) -> dict:
    return {"type": "blinded", "chunk": chunk, "points": points}


def reblinded(chunk: int, points: bytes) -> dict:
    return {"type": "reblinded", "chunk": chunk, "points": points}


def finished(intersection_size: int, digest: bytes) -> dict:
    return {"type": "finished", "intersection_size": intersection_size, "digest": digest}


def abort(reason: str) -> dict:
    return {"type": "abort", "reason": reason}
