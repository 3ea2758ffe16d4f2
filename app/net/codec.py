"""Schema-checked msgpack messages: the only way bytes from a peer become Python values.

Every message type is registered with a version and an explicit schema (field name -> type spec).
Decoding is strict: msgpack runs with hard size limits derived from the registered schemas (so an
announced 2**31-element array is refused before anything is allocated), no ext types, no
duplicate map keys, str keys only; then the body must match its schema exactly -- unknown fields,
missing fields, wrong types, NaN/Infinity, out-of-range integers, oversize arrays are all a
:class:`RemoteProtocolError` naming the field. Nothing is ever unpickled.

Wire form of a message: the msgpack array ``[type: str, version: int, body: map]``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import msgpack

from app.errors import LocalProtocolError, RemoteProtocolError
from app.net.framing import DEFAULT_MAX_FRAME

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
    """A type spec: ``check`` raises SchemaViolation; ``caps`` feeds msgpack's hard limits."""

    def check(self, value: Any, path: str) -> None:
        raise NotImplementedError

    def caps(self) -> dict[str, int]:
        return {"str": 0, "bin": 0, "array": 0, "map": 0}


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
    """Text of at most ``max_len`` characters."""
    max_len: int
    min_len: int = 0

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise SchemaViolation(path, "must be text")
        if not self.min_len <= len(value) <= self.max_len:
            raise SchemaViolation(path, f"must be {self.min_len} to {self.max_len} characters long")

    def caps(self) -> dict[str, int]:
        return {**super().caps(), "str": 4 * self.max_len}  # UTF-8: up to 4 bytes a character


@dataclass(frozen=True)
class Bytes(Spec):
    """A byte string: either exactly ``size`` bytes or at most ``max_len`` (a multiple of ``multiple``)."""
    max_len: int | None = None
    size: int | None = None
    multiple: int = 1

    def __post_init__(self) -> None:
        if (self.max_len is None) == (self.size is None):
            raise LocalProtocolError("Bytes takes exactly one of max_len and size.")

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, bytes):
            raise SchemaViolation(path, "must be a byte string")
        if self.size is not None and len(value) != self.size:
            raise SchemaViolation(path, f"must be exactly {self.size} bytes")
        if self.max_len is not None and len(value) > self.max_len:
            raise SchemaViolation(path, f"must be at most {self.max_len} bytes")
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


# --- the codec -----------------------------------------------------------------------------------


class Codec:
    """A registry of message schemas plus strict encode/decode. Instances are independent."""

    def __init__(self, max_message: int = DEFAULT_MAX_FRAME) -> None:
        self.max_message = max_message
        self._schemas: dict[tuple[str, int], Struct] = {}
        self._latest: dict[str, int] = {}
        self._limits = _Limits()

    def register(self, msg_type: str, version: int, schema: dict | Struct) -> None:
        """Declare a message type; registering the same thing twice is harmless, a change is not."""
        if not (isinstance(msg_type, str) and 0 < len(msg_type) <= MAX_TYPE_NAME):
            raise LocalProtocolError("A message type is a non-empty name of at most 64 characters.")
        if not (isinstance(version, int) and 1 <= version <= 65535):
            raise LocalProtocolError("A message version is an integer from 1 to 65535.")
        spec = as_spec(schema)
        if not isinstance(spec, Struct):
            raise LocalProtocolError("A message schema is a mapping of field names to types.")
        existing = self._schemas.get((msg_type, version))
        if existing is not None and existing != spec:
            raise LocalProtocolError(f"Message type {msg_type!r} v{version} is already registered "
                                     "with a different schema.")
        self._schemas[(msg_type, version)] = spec
        self._latest[msg_type] = max(version, self._latest.get(msg_type, 0))
        self._limits.include(spec, len(msg_type.encode()))

    def is_registered(self, msg_type: str) -> bool:
        return msg_type in self._latest

    def encode(self, msg_type: str, body: dict, version: int | None = None) -> bytes:
        """Validate our own message (a failure is our bug: LocalProtocolError) and pack it."""
        version = version or self._latest.get(msg_type)
        spec = self._schemas.get((msg_type, version)) if version else None
        if spec is None:
            raise LocalProtocolError(f"Message type {msg_type!r} is not registered.")
        try:
            spec.check(body, "")
        except SchemaViolation as exc:
            raise LocalProtocolError(f"We tried to send an invalid {msg_type!r} message: "
                                     f"{exc.describe()}.") from exc
        data = msgpack.packb([msg_type, version, body], use_bin_type=True)
        if len(data) > self.max_message:
            raise LocalProtocolError(f"The {msg_type!r} message is {len(data)} bytes, over the "
                                     f"limit of {self.max_message}; send it in chunks.")
        return data

    def decode(self, data: bytes) -> tuple[str, dict]:
        """Bytes from a peer -> (message type, body); RemoteProtocolError on anything unexpected."""
        msg_type, _version, body = self.decode_versioned(data)
        return msg_type, body

    def decode_versioned(self, data: bytes) -> tuple[str, int, dict]:
        envelope = self._unpack(data)
        if not (isinstance(envelope, list) and len(envelope) == 3):
            raise RemoteProtocolError("The peer sent a message without a valid envelope.")
        msg_type, version, body = envelope
        if not isinstance(msg_type, str) or msg_type not in self._latest:
            raise RemoteProtocolError("The peer sent a message of an unknown type.")
        if not isinstance(version, int) or isinstance(version, bool):
            raise RemoteProtocolError(f"The peer sent a {msg_type!r} message without a version.")
        spec = self._schemas.get((msg_type, version))
        if spec is None:
            raise RemoteProtocolError(f"The peer sent a {msg_type!r} message of an unsupported "
                                      f"version ({version}).")
        try:
            spec.check(body, "")
        except SchemaViolation as exc:
            raise RemoteProtocolError(f"The peer sent an invalid {msg_type!r} message: "
                                      f"{exc.describe()}.") from exc
        return msg_type, version, body

    def canonical(self, msg_type: str, body: dict, version: int | None = None) -> bytes:
        """Deterministic bytes (map keys sorted) of a valid message, for transcripts and hashes."""
        self.encode(msg_type, body, version)  # validates
        version = version or self._latest[msg_type]
        return msgpack.packb([msg_type, version, _sorted(body)], use_bin_type=True)

    def _unpack(self, data: bytes) -> Any:
        if len(data) > self.max_message:
            raise RemoteProtocolError("The peer sent a message over the size limit.")
        limit = self._limits
        try:
            return msgpack.unpackb(
                data, raw=False, strict_map_key=True, use_list=True,
                ext_hook=_refuse_ext, object_pairs_hook=_unique_pairs,
                max_str_len=min(limit.str_len, self.max_message),
                max_bin_len=min(limit.bin_len, self.max_message),
                max_array_len=limit.array_len, max_map_len=limit.map_len,
                max_ext_len=0)
        except Exception as exc:  # any failure to parse untrusted bytes is the peer's fault
            raise RemoteProtocolError("The peer sent a message that is not valid msgpack within "
                                      f"our limits{_limit_hint(exc)}.") from exc


class _Limits:
    """The largest string/bytes/array/map any registered schema allows: msgpack's hard caps."""

    def __init__(self) -> None:
        self.str_len = MAX_TYPE_NAME
        self.bin_len = 0
        self.array_len = 3  # the envelope
        self.map_len = 0

    def include(self, spec: Spec, type_name_len: int) -> None:
        # Twice the schema's sizes (+16): something slightly too big gets through msgpack and is
        # then named by the schema check; something hugely too big is refused by msgpack before
        # any allocation (its message says which limit, not which field).
        caps = {key: 2 * value + 16 for key, value in spec.caps().items()}
        self.str_len = max(self.str_len, caps["str"], type_name_len)
        self.bin_len = max(self.bin_len, caps["bin"])
        self.array_len = max(self.array_len, caps["array"])
        self.map_len = max(self.map_len, caps["map"])


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


DEFAULT_CODEC = Codec()
register = DEFAULT_CODEC.register
encode = DEFAULT_CODEC.encode
decode = DEFAULT_CODEC.decode
