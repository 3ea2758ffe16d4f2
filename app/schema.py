"""The one schema language for peer messages, and the strict, bounded decoder.

Every message type is declared once as a :class:`Message` (name, version, body schema, largest
encoded size) in the module that owns it, as a module-level constant; nothing registers anywhere
at import time. Whoever owns a channel builds a :class:`Codec` from the declarations it needs.

Decoding is strict and bounded *while* it runs: the envelope's type name is read first and picks
that type's budget (bytes, total objects, nesting depth, largest string/bytes/array/map); the raw
bytes are then pre-scanned (msgpack headers carry every length) in O(bytes), stopping at the first
object over budget, before msgpack materialises anything. So a hostile message costs at most its
own bytes plus what its declared type may legitimately hold. Then the body must match its schema
exactly: unknown or missing fields, wrong types, NaN/Infinity, out-of-range integers, oversize
arrays, ext types, duplicate keys are all a :class:`RemoteProtocolError` naming the field. Nothing
is ever unpickled.

Wire form of a message: the msgpack array ``[type: str, version: int, body: map]``.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from functools import cached_property
from typing import Any

import msgpack

from app.errors import LocalProtocolError, RemoteProtocolError

MAX_TYPE_NAME = 64


# --- the schema language -------------------------------------------------------------------------

class SchemaViolation(Exception):
    """Internal: where (dotted path) and why a value does not match its spec."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def describe(self) -> str:
        return f"field '{self.path or '(body)'}' {self.reason}"


class Spec:
    """A type spec: ``check`` raises SchemaViolation; ``caps``, ``objects`` and ``depth`` give
    the largest value it admits, which bounds decoding before anything is allocated."""

    def check(self, value: Any, path: str) -> None:
        raise NotImplementedError

    def caps(self) -> dict[str, int]:
        return {"str": 0, "bin": 0, "array": 0, "map": 0}

    def objects(self) -> int:
        """The most msgpack objects a valid value holds (itself included)."""
        return 1

    def depth(self) -> int:
        """How many containers deep a valid value nests (0 for a scalar)."""
        return 0


@dataclass(frozen=True)
class Int(Spec):
    """An integer in [min, max]; both bounds are mandatory (no unbounded integers on the wire)."""
    min: int
    max: int

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise SchemaViolation(path, "must be an integer")
        if not self.min <= value <= self.max:
            raise SchemaViolation(path, f"must be between {self.min} and {self.max}")


@dataclass(frozen=True)
class Float(Spec):
    """A finite float (NaN and Infinity are refused), optionally within [min, max]."""
    min: float | None = None
    max: float | None = None

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, float):
            raise SchemaViolation(path, "must be a floating-point number")
        if not math.isfinite(value):
            raise SchemaViolation(path, "must be finite (not NaN or Infinity)")
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise SchemaViolation(path, "is out of range")


@dataclass(frozen=True)
class Bool(Spec):
    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            raise SchemaViolation(path, "must be true or false")


@dataclass(frozen=True)
class Str(Spec):
    """Text of ``min_len`` to ``max_len`` characters, optionally one of ``choices``."""
    max_len: int
    min_len: int = 0
    choices: tuple[str, ...] | None = None

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise SchemaViolation(path, "must be text")
        if not self.min_len <= len(value) <= self.max_len:
            raise SchemaViolation(path, f"must be {self.min_len} to {self.max_len} characters long")
        if self.choices is not None and value not in self.choices:
            raise SchemaViolation(path, "has a value this version does not support")

    def caps(self) -> dict[str, int]:
        return {**super().caps(), "str": 4 * self.max_len}  # UTF-8: up to 4 bytes a character


@dataclass(frozen=True)
class Bytes(Spec):
    """A byte string: exactly ``size`` bytes, or ``min_len`` to ``max_len`` (a multiple of
    ``multiple``)."""
    max_len: int | None = None
    size: int | None = None
    multiple: int = 1
    min_len: int = 0

    def __post_init__(self) -> None:
        if (self.max_len is None) == (self.size is None):
            raise LocalProtocolError("Bytes takes exactly one of max_len and size.")

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, (bytes, memoryview)):  # a view: strict_unpack's views_from
            raise SchemaViolation(path, "must be bytes")
        if self.size is not None and len(value) != self.size:
            raise SchemaViolation(path, f"must be exactly {self.size} bytes")
        if self.max_len is not None and not self.min_len <= len(value) <= self.max_len:
            raise SchemaViolation(path, f"must be {self.min_len} to {self.max_len} bytes long")
        if len(value) % self.multiple:
            raise SchemaViolation(path, f"must be a multiple of {self.multiple} bytes long")

    def caps(self) -> dict[str, int]:
        return {**super().caps(), "bin": self.size if self.size is not None else self.max_len}


@dataclass(frozen=True)
class List(Spec):
    """A list of ``item`` with ``min_len`` to ``max_len`` elements."""
    item: Spec
    max_len: int
    min_len: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "item", as_spec(self.item))

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise SchemaViolation(path, "must be a list")
        if not self.min_len <= len(value) <= self.max_len:
            raise SchemaViolation(path, f"must have {self.min_len} to {self.max_len} elements")
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]")

    def caps(self) -> dict[str, int]:
        return _merge(self.item.caps(), {"array": self.max_len})

    def objects(self) -> int:
        return 1 + self.max_len * self.item.objects()

    def depth(self) -> int:
        return 1 + self.item.depth()


@dataclass(frozen=True)
class Struct(Spec):
    """A map with exactly these text keys (a nested message); build it from a plain dict."""
    fields: tuple[tuple[str, Spec], ...] = field(default=())

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise SchemaViolation(path, "must be a map")
        expected = dict(self.fields)
        for key in value:
            if not isinstance(key, str):
                raise SchemaViolation(path, "has a key that is not text")
            if key not in expected:
                raise SchemaViolation(_join(path, safe_name(key)), "is not expected")
        for name, spec in self.fields:
            if name not in value:
                raise SchemaViolation(_join(path, name), "is missing")
            spec.check(value[name], _join(path, name))

    def caps(self) -> dict[str, int]:
        caps = {"str": max((len(n.encode()) for n, _ in self.fields), default=0), "bin": 0,
                "array": 0, "map": len(self.fields)}
        for _name, spec in self.fields:
            caps = _merge(caps, spec.caps())
        return caps

    def objects(self) -> int:
        return 1 + sum(1 + spec.objects() for _name, spec in self.fields)

    def depth(self) -> int:
        return 1 + max((spec.depth() for _name, spec in self.fields), default=0)


@dataclass(frozen=True)
class Map(Spec):
    """A map from text keys (at most ``key_max_len`` characters) to ``value``, at most ``max_len`` entries."""
    value: Spec
    max_len: int
    key_max_len: int = 64

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", as_spec(self.value))

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise SchemaViolation(path, "must be a map")
        if len(value) > self.max_len:
            raise SchemaViolation(path, f"must have at most {self.max_len} entries")
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > self.key_max_len:
                raise SchemaViolation(path, f"keys must be text of at most {self.key_max_len} characters")
            self.value.check(item, _join(path, safe_name(key)))

    def caps(self) -> dict[str, int]:
        return _merge(self.value.caps(), {"map": self.max_len, "str": 4 * self.key_max_len})

    def objects(self) -> int:
        return 1 + self.max_len * (1 + self.value.objects())

    def depth(self) -> int:
        return 1 + self.value.depth()


@dataclass(frozen=True)
class Nullable(Spec):
    """``inner`` or None (nil)."""
    inner: Spec

    def __post_init__(self) -> None:
        object.__setattr__(self, "inner", as_spec(self.inner))

    def check(self, value: Any, path: str) -> None:
        if value is not None:
            self.inner.check(value, path)

    def caps(self) -> dict[str, int]:
        return self.inner.caps()

    def objects(self) -> int:
        return self.inner.objects()

    def depth(self) -> int:
        return self.inner.depth()


def as_spec(schema: Any) -> Spec:
    """A plain dict {field: spec} becomes a Struct (recursively); a Spec stays as it is."""
    if isinstance(schema, Spec):
        return schema
    if isinstance(schema, dict) and all(isinstance(k, str) for k in schema):
        return Struct(tuple((name, as_spec(spec)) for name, spec in schema.items()))
    raise LocalProtocolError("A schema is a Spec or a dict of field names to Specs.")


def _merge(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {key: max(a.get(key, 0), b.get(key, 0)) for key in ("str", "bin", "array", "map")}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --- message declarations and their budgets ----------------------------------------------------

@dataclass(frozen=True)
class Budget:
    """What one message may cost to decode: its bytes, objects, nesting and largest parts."""
    max_bytes: int
    objects: int
    depth: int
    str_len: int
    bin_len: int
    array_len: int
    map_len: int

    def __or__(self, other: Budget) -> Budget:
        return Budget(*(max(a, b) for a, b in zip(astuple(self), astuple(other))))

    def grown(self, objects: int = 0, depth: int = 0, str_len: int = 0,
              array_len: int = 0) -> Budget:
        """This budget plus a wrapper's own parts (an envelope, a type key)."""
        return Budget(self.max_bytes, self.objects + objects, self.depth + depth,
                      max(self.str_len, str_len), self.bin_len, max(self.array_len, array_len),
                      self.map_len)

    @classmethod
    def of(cls, schema: Spec, max_bytes: int) -> Budget:
        # Twice the schema's sizes (+16): something slightly too big still reaches the schema
        # check, which names the field; something hugely too big stops the scan before any
        # allocation (its message says which limit, not which field).
        caps = {key: 2 * value + 16 for key, value in schema.caps().items()}
        return cls(max_bytes, 2 * schema.objects() + 16, schema.depth(), caps["str"],
                   min(caps["bin"], max_bytes), caps["array"], caps["map"])


@dataclass(frozen=True)
class Message:
    """One message type: its name and version on the wire, its body schema, and the largest
    encoded size a valid message of this type may have (refused above it, before parsing)."""
    name: str
    version: int
    schema: Struct
    max_bytes: int

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and 0 < len(self.name) <= MAX_TYPE_NAME):
            raise LocalProtocolError("A message type is a non-empty name of at most 64 characters.")
        if not (isinstance(self.version, int) and 1 <= self.version <= 65535):
            raise LocalProtocolError("A message version is an integer from 1 to 65535.")
        spec = as_spec(self.schema)
        if not isinstance(spec, Struct):
            raise LocalProtocolError("A message schema is a mapping of field names to types.")
        object.__setattr__(self, "schema", spec)
        if not (isinstance(self.max_bytes, int) and self.max_bytes > 0):
            raise LocalProtocolError("A message's largest size is a positive number of bytes.")

    @cached_property
    def budget(self) -> Budget:
        """The envelope ``[name, version, body]`` included."""
        return Budget.of(self.schema, self.max_bytes).grown(
            objects=3, depth=1, str_len=len(self.name.encode()), array_len=3)


# --- the codec -----------------------------------------------------------------------------------

class Codec:
    """Strict encode/decode of exactly the declared messages; built by a channel's owner."""

    def __init__(self, messages: Iterable[Message]) -> None:
        self._messages: dict[tuple[str, int], Message] = {}
        self._latest: dict[str, int] = {}
        self._budgets: dict[str, Budget] = {}
        for message in messages:
            key = (message.name, message.version)
            existing = self._messages.get(key)
            if existing is not None and existing != message:
                raise LocalProtocolError(f"Message type {message.name!r} v{message.version} is "
                                         "declared twice with different schemas.")
            self._messages[key] = message
            self._latest[message.name] = max(message.version, self._latest.get(message.name, 0))
            budget = self._budgets.get(message.name)
            self._budgets[message.name] = (message.budget if budget is None
                                           else budget | message.budget)
        self.max_bytes = max((m.max_bytes for m in self._messages.values()), default=0)

    def limit_of(self, prefix: bytes) -> int:
        """The largest size of the message whose first bytes are ``prefix`` (its type's)."""
        return self._budget_of(_envelope_type(prefix)).max_bytes

    def _budget_of(self, msg_type: str) -> Budget:
        budget = self._budgets.get(msg_type)
        if budget is None:
            raise _peer("The peer sent a message of an unknown type.")
        return budget

    def encode(self, msg_type: str, body: dict, version: int | None = None) -> bytes:
        """Validate our own message (a failure is our bug: LocalProtocolError) and pack it."""
        message = self._declared(msg_type, version)
        try:
            message.schema.check(body, "")
        except SchemaViolation as exc:
            raise LocalProtocolError(f"We tried to send an invalid {msg_type!r} message: "
                                     f"{exc.describe()}.") from exc
        data = msgpack.packb([msg_type, message.version, body], use_bin_type=True)
        if len(data) > message.max_bytes:
            raise LocalProtocolError(f"The {msg_type!r} message is {len(data)} bytes, over its "
                                     f"limit of {message.max_bytes}; send it in chunks.")
        return data

    def decode(self, data: bytes) -> tuple[str, dict]:
        """Bytes from a peer -> (message type, body); RemoteProtocolError on anything unexpected."""
        msg_type, _version, body = self.decode_versioned(data)
        return msg_type, body

    def decode_versioned(self, data: bytes) -> tuple[str, int, dict]:
        msg_type = _envelope_type(data)
        envelope = strict_unpack(data, self._budget_of(msg_type), f"{msg_type!r} message")
        if not (isinstance(envelope, list) and len(envelope) == 3):
            raise _peer("The peer sent a message without a valid envelope.")
        _name, version, body = envelope
        if not isinstance(version, int) or isinstance(version, bool):
            raise _peer(f"The peer sent a {msg_type!r} message without a version.")
        message = self._messages.get((msg_type, version))
        if message is None:
            raise _peer(f"The peer sent a {msg_type!r} message of an unsupported "
                        f"version ({version}).")
        check(message, body, f"an invalid {msg_type!r} message")
        return msg_type, version, body

    def canonical(self, msg_type: str, body: dict, version: int | None = None) -> bytes:
        """Deterministic bytes (map keys sorted) of a valid message, for transcripts and hashes."""
        self.encode(msg_type, body, version)  # validates
        version = self._declared(msg_type, version).version
        return msgpack.packb([msg_type, version, _sorted(body)], use_bin_type=True)

    def _declared(self, msg_type: str, version: int | None) -> Message:
        version = version or self._latest.get(msg_type)
        message = self._messages.get((msg_type, version)) if version else None
        if message is None:
            raise LocalProtocolError(f"Message type {msg_type!r} is not declared for this channel.")
        return message


def _peer(detail: str) -> RemoteProtocolError:
    """The error for a malformed message from the peer: ``detail`` (English) says what is wrong."""
    return RemoteProtocolError.coded("protocol.peer_sent", detail=detail)


def check(message: Message, body: Any, what: str) -> None:
    """Body against its declared schema; RemoteProtocolError "The peer sent {what}: field ..."."""
    try:
        message.schema.check(body, "")
    except SchemaViolation as exc:
        raise _peer(f"The peer sent {what}: {exc.describe()}.") from exc


def strict_unpack(data: bytes, budget: Budget, what: str = "message",
                  views_from: int | None = None) -> Any:
    """Untrusted msgpack -> Python values, refused (RemoteProtocolError) as soon as it would
    exceed ``budget``: the bytes are scanned first, so nothing is materialised beyond it.

    ``views_from``: byte strings at least this long come back as read-only memoryviews over
    ``data`` instead of copies (at 4M rows a tree's encrypted gradients are 1 GiB: a copy would
    hold them twice). msgpack parses everything else, with those strings cut out.
    """
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise _peer(f"The peer's {what} is empty.")
    if len(data) > budget.max_bytes:
        raise _peer(f"The peer's {what} is {len(data)} bytes, over its limit of "
                    f"{budget.max_bytes}.")
    big = scan(data, budget, views_from)
    try:
        value = msgpack.unpackb(
            _without(data, big) if big else data, raw=False, strict_map_key=True, use_list=True,
            ext_hook=_refuse_ext, object_pairs_hook=_unique_pairs,
            max_str_len=budget.str_len, max_bin_len=budget.bin_len,
            max_array_len=budget.array_len, max_map_len=budget.map_len, max_ext_len=0)
    except Exception as exc:  # any failure to parse untrusted bytes is the peer's fault
        raise _peer(f"The peer's {what} is not valid msgpack within our "
                    f"limits{_limit_hint(exc)}.") from exc
    return _with_views(value, data, big) if big else value


def _without(data: bytes, big: list[tuple[int, int, int, int]]) -> bytes:
    """``data`` with each large byte string replaced by an empty one (header and payload)."""
    kept, prev = [], 0
    for _index, header, start, length in big:
        kept += [data[prev:header], b"\xc4\x00"]
        prev = start + length
    kept.append(data[prev:])
    return b"".join(kept)


def _with_views(value: Any, data: bytes, big: list[tuple[int, int, int, int]]) -> Any:
    """Put back the byte strings ``_without`` cut out, as views over ``data``: msgpack yields
    values in the order ``scan`` met them, so the k-th byte string walked is the k-th scanned."""
    view = memoryview(data).toreadonly()
    wanted = {index: (start, length) for index, _header, start, length in big}
    seen = 0

    def walk(item: Any) -> Any:
        nonlocal seen
        if isinstance(item, bytes):
            index, seen = seen, seen + 1
            if index in wanted:
                start, length = wanted[index]
                return view[start:start + length]
            return item
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, dict):
            out = {}
            for key, x in item.items():
                if isinstance(key, bytes):
                    index, seen = seen, seen + 1
                    if index in wanted:
                        raise _peer("The peer's message has a map key too long for any field.")
                out[key] = walk(x)
            return out
        return item

    return walk(value)


# --- the pre-scan --------------------------------------------------------------------------------

_SCALAR = {0xc0: 0, 0xc2: 0, 0xc3: 0, 0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8,
           0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8}                          # tag -> payload bytes
_SIZED = {0xc4: ">B", 0xc5: ">H", 0xc6: ">I", 0xd9: ">B", 0xda: ">H", 0xdb: ">I"}  # bin, str
_CONTAINER = {0xdc: (">H", 1), 0xdd: (">I", 1), 0xde: (">H", 2), 0xdf: (">I", 2)}


def scan(data: bytes, budget: Budget,
         views_from: int | None = None) -> list[tuple[int, int, int, int]]:
    """Walk the msgpack headers of ``data`` (one object, nothing after it) without building any
    value; RemoteProtocolError at the first object, nesting level or length over ``budget``.
    Cost: O(min(bytes, objects allowed)) time, O(depth allowed) memory.

    Returns, for byte strings of at least ``views_from`` bytes, (index among all byte strings,
    header offset, payload offset, length)."""
    end, pos, objects = len(data), 0, 0
    big: list[tuple[int, int, int, int]] = []
    n_bins = 0
    pending = [1]  # per open container: objects still to read (the top level holds one)
    while pending:
        if not pending[-1]:
            pending.pop()
            continue
        pending[-1] -= 1
        if pos >= end:
            raise _peer("The peer's message ends in the middle of a value.")
        objects += 1
        if objects > budget.objects:
            raise _peer(f"The peer's message holds more than the limit of "
                        f"{budget.objects} values for its type.")
        header = pos
        tag = data[pos]
        pos += 1
        if tag <= 0x7f or tag >= 0xe0 or tag in _SCALAR:
            pos += _SCALAR.get(tag, 0)
            continue
        if 0xa0 <= tag <= 0xbf or tag in _SIZED:
            if tag in _SIZED:
                fmt = _SIZED[tag]
                length, pos = _read(data, pos, fmt)
            else:
                length = tag & 0x1f
            limit = budget.bin_len if tag in (0xc4, 0xc5, 0xc6) else budget.str_len
            if length > limit or length > end - pos:
                raise _peer("The peer's message announces a string or byte string "
                            f"over the limit of {min(limit, end - pos)} bytes.")
            if tag in (0xc4, 0xc5, 0xc6):
                if views_from is not None and length >= views_from:
                    big.append((n_bins, header, pos, length))
                n_bins += 1
            pos += length
            continue
        if 0x80 <= tag <= 0x9f:
            count, per = tag & 0x0f, (2 if tag <= 0x8f else 1)
            is_map = tag <= 0x8f
        elif tag in _CONTAINER:
            fmt, per = _CONTAINER[tag]
            count, pos = _read(data, pos, fmt)
            is_map = per == 2
        else:
            raise _peer("The peer's message holds a msgpack type we never accept.")
        if count > (budget.map_len if is_map else budget.array_len) or count * per > end - pos:
            kind = "map" if is_map else "list"
            raise _peer(f"The peer's message announces a {kind} over the limit of "
                        "its type.")
        if len(pending) > budget.depth:
            raise _peer(f"The peer's message nests deeper than the limit of "
                        f"{budget.depth} for its type.")
        if count:
            pending.append(count * per)
    if pos != end:
        raise _peer("The peer's message has bytes after its end.")
    return big


def _read(data: bytes, pos: int, fmt: str) -> tuple[int, int]:
    size = struct.calcsize(fmt)
    if pos + size > len(data):
        raise _peer("The peer's message ends in the middle of a value.")
    return struct.unpack_from(fmt, data, pos)[0], pos + size


def _envelope_type(data: bytes) -> str:
    """The type name of ``[type, version, body]``, read from the first bytes only."""
    if not isinstance(data, (bytes, bytearray)) or len(data) < 2 or data[0] != 0x93:
        raise _peer("The peer sent a message without a valid envelope.")
    return peek_text(data, 1)


def peek_text(data: bytes, pos: int) -> str:
    """The short text (at most 255 bytes) at ``pos``, read without unpacking anything else:
    how a message's type is known from its first bytes."""
    if pos < len(data) and 0xa0 <= data[pos] <= 0xbf:
        start, length = pos + 1, data[pos] & 0x1f
    elif pos + 1 < len(data) and data[pos] == 0xd9:
        start, length = pos + 2, data[pos + 1]
    else:
        raise _peer("The peer sent a message of an unknown type.")
    try:
        return bytes(data[start:start + length]).decode("utf-8")
    except UnicodeDecodeError:
        raise _peer("The peer sent a message of an unknown type.") from None


def _limit_hint(exc: Exception) -> str:
    """msgpack's "N exceeds max_array_len(M)" carries only numbers: safe and useful to show."""
    match = re.fullmatch(r"(\d+) exceeds max_(\w+)_len\((\d+)\)", str(exc))
    return f" ({match[2]} of {match[1]} over the limit of {match[3]})" if match else ""


def _refuse_ext(code: int, data: bytes) -> Any:
    raise ValueError("msgpack ext types are never accepted")


def _unique_pairs(pairs: list[tuple[Any, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate map key")
    return result


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def safe_name(value: Any) -> str:
    """A peer-supplied field name made safe to show: identifier characters only, truncated."""
    text = value if isinstance(value, str) else repr(type(value).__name__)
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "?", text)[:40]
    return cleaned + ("..." if len(text) > 40 else "")
