"""SecureBoost wire messages: msgpack maps (their type first), declared in app.schema.

Rules that keep the transcript free of value-dependent metadata (security.md):
- numbers whose value could depend on labels travel only inside fixed-width arrays (raw
  little-endian bytes), never as msgpack ints whose encoded width follows the value;
- ciphertexts travel as one blob of fixed-width big-endian integers (app.crypto.paillier);
- every field is checked for presence, type, size and range; unknown fields are rejected.
State-dependent sizes (how many rows this tree has, ...) are checked by the receiving role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import msgpack
import numpy as np

from app import messages as catalogue
from app.errors import LocalProtocolError, RemoteProtocolError
from app.protocols.secureboost.params import MAX_DEPTH, MAX_TREES
from app.schema import Budget, Bytes, Int, Str, check, peek_text, strict_unpack
from app.schema import Message as Declaration

VERSION = 1
MAX_MESSAGE_BYTES = 1 << 30
SMALL = 4096                  # bytes: a message without ciphertexts, bit sets or per-row data
_BIN32 = 1 << 16              # byte strings this long take msgpack's 4-byte length header
VIEWS_FROM = 1 << 20          # received byte strings this long are views over the received bytes
_DTYPES = {"u1": np.dtype("<u1"), "u4": np.dtype("<u4"), "i8": np.dtype("<i8")}


@dataclass(frozen=True)
class Array(Bytes):
    """Raw little-endian array of ``dtype`` (u1/u4/i8): bytes on the wire, numpy once read."""
    dtype: str = "u1"


def _array(dtype: str, max_items: int = 1 << 27) -> Array:
    size = _DTYPES[dtype].itemsize
    return Array(max_len=size * max_items, multiple=size, dtype=dtype)


def _blob(max_len: int = MAX_MESSAGE_BYTES, min_len: int = 0) -> Bytes:
    return Bytes(max_len=max_len, min_len=min_len)


_TREE = Int(0, MAX_TREES)
_ROWS = Int(0, 1 << 31)
_NODES = 1 << MAX_DEPTH

SCHEMAS: dict[str, dict[str, object]] = {
    # label -> feature
    "setup": {"version": Int(VERSION, VERSION), "params_digest": Bytes(size=32),
              "key_n": _blob(1024, 128), "start_tree": _TREE, "n_rows": _ROWS},
    "tree_start": {"tree": _TREE, "gradients": _blob()},
    "level": {"tree": _TREE, "depth": Int(0, MAX_DEPTH - 1), "kinds": _array("u1", _NODES),
              "split_ids": _array("u4", _NODES), "missing_left": _array("u1", _NODES),
              "left_bits": _blob()},
    "tree_done": {"tree": _TREE},
    "finish": {"n_trees": _array("u4", 1)},
    "score_request": {"n_rows": _ROWS},
    # feature -> label
    "setup_ack": {"version": Int(VERSION, VERSION), "params_digest": Bytes(size=32),
                  "n_features": Int(0, 100_000), "bin_counts": _array("u1", 100_000)},
    "histograms": {"tree": _TREE, "depth": Int(0, MAX_DEPTH), "node_ids": _array("u4", _NODES),
                   "cts": _blob(), "part_nodes": _array("u4", _NODES),
                   "part_refs": _array("u4", _NODES), "part_bits": _blob(), "other_bits": _blob()},
    "ack": {"tree": _TREE},
    "score_decisions": {"n_rows": _ROWS, "refs": _array("u4", 1 << 24), "bits": _blob()},
}
# Largest encoded size per type: ciphertexts, bit sets and per-row data are bounded by the whole
# message cap (the receiving role then checks them against the job's row count and key).
_MAX_BYTES = {"setup": SMALL, "tree_done": SMALL, "finish": SMALL, "score_request": SMALL,
              "ack": SMALL, "setup_ack": 100_000 + SMALL}

# The wire form is the body map itself, its "type" key among the fields.
MESSAGES = tuple(Declaration(name, VERSION, {"type": Str(32, choices=(name,)), **schema},
                             max_bytes=_MAX_BYTES.get(name, MAX_MESSAGE_BYTES))
                 for name, schema in SCHEMAS.items())
DECLARED = {d.name: d for d in MESSAGES}
_BUDGET = reduce(Budget.__or__, (Budget.of(d.schema, d.max_bytes) for d in MESSAGES))

# Level node kinds (what the feature party is told about each node of the level).
NODE_ABSENT, NODE_LEAF, NODE_LABEL_SPLIT, NODE_PARTNER_SPLIT = 0, 1, 2, 3


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
        raise LocalProtocolError(f"Internal message {type_!r} has the wrong fields.")
    return Message(type_, fields)


class Encoded:
    """One encoded message as buffers in wire order, its large byte fields not joined.

    Why: at 4M rows a tree's encrypted gradients are 1 GiB; joining the workers' blobs and then
    packing them into a message would hold them three times. The link streams these buffers in
    frames (app.workflows.training.link.send_sb); ``bytes()`` joins them for in-memory use.
    """

    __slots__ = ("parts",)

    def __init__(self, parts: list) -> None:
        self.parts = parts

    def __bytes__(self) -> bytes:
        return b"".join(self.parts)


def encode(msg: Message) -> bytes:
    return bytes(encode_parts(msg))


def encode_parts(msg: Message) -> Encoded:
    """``encode`` without copying large byte fields: a Bytes field may be given as a list of
    buffers (their concatenation is its value). The bytes are exactly msgpack's for the map."""
    schema = SCHEMAS[msg.type]
    head = [bytes([0x80 | (len(schema) + 1)]), msgpack.packb("type"), msgpack.packb(msg.type)]
    parts: list = []
    for name, spec in schema.items():
        value = msg.fields[name]
        if isinstance(spec, Array):
            value = np.ascontiguousarray(value, dtype=_DTYPES[spec.dtype]).tobytes()
        elif isinstance(spec, Bytes):
            pieces = list(value) if isinstance(value, (list, tuple)) else [bytes(value)]
            size = sum(len(piece) for piece in pieces)
            if size >= _BIN32:  # msgpack's own header for this length; the pieces as they are
                head += [msgpack.packb(name), b"\xc6" + size.to_bytes(4, "big")]
                parts += [b"".join(head), *pieces]
                head = []
                continue
            value = b"".join(pieces)
        else:
            value = int(value)
        head += [msgpack.packb(name), msgpack.packb(value, use_bin_type=True)]
    return Encoded(parts + [b"".join(head)] if head else parts)


def decode(data: bytes, expect: set[str] | frozenset[str]) -> Message:
    """Parse and validate one peer message of one of the ``expect``ed types."""
    obj = strict_unpack(data, _BUDGET, "training message", views_from=VIEWS_FROM)
    if not isinstance(obj, dict) or next(iter(obj), None) != "type" or not isinstance(
            obj["type"], str):
        raise RemoteProtocolError.coded("protocol.no_type")
    type_ = obj["type"]
    if type_ not in expect or type_ not in DECLARED:
        raise RemoteProtocolError.coded("protocol.unexpected", message=type_[:32])
    declared = DECLARED[type_]
    if len(data) > declared.max_bytes:
        raise RemoteProtocolError.coded("protocol.over_limit", message=type_,
                                        limit=declared.max_bytes)
    check(declared, obj, f"an invalid {type_} message")
    return Message(type_, {name: _typed(spec, obj[name]) for name, spec in SCHEMAS[type_].items()})


def limit_of(prefix: bytes) -> int:
    """The declared largest size of the message starting with ``prefix`` (its type comes first),
    so a receiver reassembling chunks can refuse it before holding more."""
    if not prefix or not (0x80 <= prefix[0] <= 0x8f) or prefix[1:6] != b"\xa4type":
        raise RemoteProtocolError.coded("protocol.no_type")
    type_ = peek_text(prefix, 6)
    declared = DECLARED.get(type_)
    if declared is None:
        raise RemoteProtocolError.coded("protocol.unexpected", message=type_[:32])
    return declared.max_bytes


def _typed(spec, value):
    return np.frombuffer(value, dtype=_DTYPES[spec.dtype]) if isinstance(spec, Array) else value


def require(ok: bool, type_: str, name: str, what: str | None = None) -> None:
    """State-dependent check by a role: raise naming the field (and ``what`` is wrong with it,
    a phrase of ``app.messages.TERMS`` so a Chinese reader reads it in Chinese; by default its
    size)."""
    if ok:
        return
    if what is None:
        raise RemoteProtocolError.coded("protocol.field_size", field=name, message=type_)
    raise RemoteProtocolError.coded("protocol.field_refused", field=name, message=type_,
                                    what=catalogue.Term(what))


def packed_len(n_bits: int) -> int:
    return (n_bits + 7) // 8


def unpack_bits(blob: bytes, n_bits: int, type_: str, name: str) -> np.ndarray:
    """Bytes from np.packbits -> bool array of exactly ``n_bits``; padding bits must be zero."""
    require(len(blob) == packed_len(n_bits), type_, name)
    bits = np.unpackbits(np.frombuffer(blob, dtype=np.uint8))
    require(not bits[n_bits:].any(), type_, name, "has non-zero padding")
    return bits[:n_bits].astype(bool)
