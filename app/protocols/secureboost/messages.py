"""SecureBoost wire messages: msgpack maps with an explicit schema per type.

Rules that keep the transcript free of value-dependent metadata (security.md):
- numbers whose value could depend on labels travel only inside fixed-width arrays (raw
  little-endian bytes), never as msgpack ints whose encoded width follows the value;
- ciphertexts travel as one blob of fixed-width big-endian integers (app.crypto.paillier);
- every field is checked for presence, type, size and range; unknown fields are rejected.
State-dependent sizes (how many rows this tree has, ...) are checked by the receiving role.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgpack
import numpy as np

from app.errors import RemoteProtocolError
from app.protocols.secureboost.params import MAX_DEPTH, MAX_TREES

VERSION = 1
MAX_MESSAGE_BYTES = 1 << 30
_MAX_BLOB = 1 << 30


@dataclass(frozen=True)
class Int:
    lo: int
    hi: int


@dataclass(frozen=True)
class Blob:
    max_len: int = _MAX_BLOB
    min_len: int = 0


@dataclass(frozen=True)
class Array:
    """Raw little-endian array: ``dtype`` is one of u1/u4/i8."""

    dtype: str
    max_items: int = 1 << 27


_TREE = Int(0, MAX_TREES)
_ROWS = Int(0, 1 << 31)

SCHEMAS: dict[str, dict[str, object]] = {
    # label -> feature
    "setup": {"version": Int(VERSION, VERSION), "params_digest": Blob(32, 32),
              "key_n": Blob(1024, 128), "start_tree": _TREE, "n_rows": _ROWS},
    "tree_start": {"tree": _TREE, "gradients": Blob()},
    "level": {"tree": _TREE, "depth": Int(0, MAX_DEPTH - 1), "kinds": Array("u1", 1 << MAX_DEPTH),
              "split_ids": Array("u4", 1 << MAX_DEPTH), "missing_left": Array("u1", 1 << MAX_DEPTH),
              "left_bits": Blob()},
    "tree_done": {"tree": _TREE},
    "finish": {"n_trees": Array("u4", 1)},
    "score_request": {"n_rows": _ROWS},
    # feature -> label
    "setup_ack": {"version": Int(VERSION, VERSION), "params_digest": Blob(32, 32),
                  "n_features": Int(0, 100_000), "bin_counts": Array("u1", 100_000)},
    "histograms": {"tree": _TREE, "depth": Int(0, MAX_DEPTH), "node_ids": Array("u4", 1 << MAX_DEPTH),
                   "cts": Blob(), "part_nodes": Array("u4", 1 << MAX_DEPTH),
                   "part_refs": Array("u4", 1 << MAX_DEPTH), "part_bits": Blob(), "other_bits": Blob()},
    "ack": {"tree": _TREE},
    "score_decisions": {"n_rows": _ROWS, "refs": Array("u4", 1 << 24), "bits": Blob()},
}

# Level node kinds (what the feature party is told about each node of the level).
NODE_ABSENT, NODE_LEAF, NODE_LABEL_SPLIT, NODE_PARTNER_SPLIT = 0, 1, 2, 3

_DTYPES = {"u1": np.dtype("<u1"), "u4": np.dtype("<u4"), "i8": np.dtype("<i8")}


@dataclass
class Message:
    type: str
    fields: dict

    def __getattr__(self, name: str):
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None


def make(type_: str, **fields) -> Message:
    """Build a message we send; checked against the schema like a received one (bugs fail early)."""
    schema = SCHEMAS[type_]
    if set(fields) != set(schema):
        raise RemoteProtocolError(f"Internal message {type_!r} has the wrong fields.")
    return Message(type_, fields)


def encode(msg: Message) -> bytes:
    schema = SCHEMAS[msg.type]
    out: dict[str, object] = {"type": msg.type}
    for name, spec in schema.items():
        value = msg.fields[name]
        if isinstance(spec, Array):
            value = np.ascontiguousarray(value, dtype=_DTYPES[spec.dtype]).tobytes()
        elif isinstance(spec, Blob):
            value = bytes(value)
        else:
            value = int(value)
        out[name] = value
    return msgpack.packb(out, use_bin_type=True)


def decode(data: bytes, expect: set[str] | frozenset[str]) -> Message:
    """Parse and validate one peer message of one of the ``expect``ed types."""
    if not isinstance(data, (bytes, bytearray)) or not 0 < len(data) <= MAX_MESSAGE_BYTES:
        raise RemoteProtocolError("The peer's message is empty or too large.")
    try:
        obj = msgpack.unpackb(bytes(data), raw=False, strict_map_key=True, use_list=True,
                              max_bin_len=_MAX_BLOB, max_str_len=64, max_array_len=0,
                              max_map_len=16, max_ext_len=0)
    except Exception:
        raise RemoteProtocolError("The peer's message is not valid msgpack.") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise RemoteProtocolError("The peer's message has no type.")
    type_ = obj.pop("type")
    if type_ not in expect or type_ not in SCHEMAS:
        raise RemoteProtocolError(f"The peer sent an unexpected message ({type_[:32]!r}).")
    schema = SCHEMAS[type_]
    if set(obj) != set(schema):
        missing, extra = set(schema) - set(obj), set(obj) - set(schema)
        name = sorted(missing or extra)[0][:32]
        raise RemoteProtocolError(f"The peer's {type_} message has a missing or unknown field {name!r}.")
    return Message(type_, {name: _check(type_, name, spec, obj[name]) for name, spec in schema.items()})


def _check(type_: str, name: str, spec, value):
    where = f"field {name!r} of the peer's {type_} message"
    if isinstance(spec, Int):
        if isinstance(value, bool) or not isinstance(value, int) or not spec.lo <= value <= spec.hi:
            raise RemoteProtocolError(f"The {where} is not an integer in range.")
        return value
    if not isinstance(value, bytes):
        raise RemoteProtocolError(f"The {where} is not a byte string.")
    if isinstance(spec, Blob):
        if not spec.min_len <= len(value) <= spec.max_len:
            raise RemoteProtocolError(f"The {where} has the wrong size.")
        return value
    dt = _DTYPES[spec.dtype]
    if len(value) % dt.itemsize or len(value) // dt.itemsize > spec.max_items:
        raise RemoteProtocolError(f"The {where} has the wrong size.")
    return np.frombuffer(value, dtype=dt)


def require(ok: bool, type_: str, name: str, what: str = "has the wrong size") -> None:
    """State-dependent check by a role: raise naming the field."""
    if not ok:
        raise RemoteProtocolError(f"The field {name!r} of the peer's {type_} message {what}.")


def packed_len(n_bits: int) -> int:
    return (n_bits + 7) // 8


def unpack_bits(blob: bytes, n_bits: int, type_: str, name: str) -> np.ndarray:
    """Bytes from np.packbits -> bool array of exactly ``n_bits``; padding bits must be zero."""
    require(len(blob) == packed_len(n_bits), type_, name)
    bits = np.unpackbits(np.frombuffer(blob, dtype=np.uint8))
    require(not bits[n_bits:].any(), type_, name, "has non-zero padding")
    return bits[:n_bits].astype(bool)
