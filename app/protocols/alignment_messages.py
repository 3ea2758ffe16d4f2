"""Messages of the private alignment protocol: constructors, schemas and one validator per type.

Every message is a plain dict of msgpack-friendly values (str, int, bytes) with a ``"type"`` key.
All schemas live in ``SCHEMAS`` (field -> rule) so the generic codec (app/net/codec.py) can take
them over unchanged: ``register_with_codec`` translates them. The validators here check shapes and
bounds only; the role object checks meaning (chunk order, counts, agreed parameters).
A failure is a RemoteProtocolError whose message names the message type and the field.
"""

from __future__ import annotations

from typing import Any

from app.errors import RemoteProtocolError

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


class Rule:
    """One field's rule: kind in {"int", "str", "bytes"} with bounds, or a fixed set of values."""

    def __init__(self, kind: str, lo: int = 0, hi: int = 0, multiple: int = 1,
                 choices: tuple | None = None) -> None:
        self.kind, self.lo, self.hi, self.multiple, self.choices = kind, lo, hi, multiple, choices


def _int(lo: int, hi: int) -> Rule:
    return Rule("int", lo, hi)


def _text(hi: int, choices: tuple | None = None) -> Rule:
    return Rule("str", 1, hi, choices=choices)


def _bytes(lo: int, hi: int, multiple: int = 1) -> Rule:
    return Rule("bytes", lo, hi, multiple)


_POINTS = _bytes(POINT_BYTES, POINT_BYTES * MAX_CHUNK_SIZE, POINT_BYTES)

SCHEMAS: dict[str, dict[str, Rule]] = {
    "hello": {
        "protocol": _text(64, (PROTOCOL,)),
        "version": _int(VERSION, VERSION),          # anything else (a downgrade too) is refused
        "role": _text(16, ROLES),
        "job_id": _text(128),
        "id_type": _text(64),
        "canon_version": _text(64),
        "n_items": _int(0, MAX_ITEMS),
        "chunk_size": _int(1, MAX_CHUNK_SIZE),
        "window": _int(1, MAX_WINDOW),
        "run_id": _bytes(RUN_ID_BYTES, RUN_ID_BYTES),
        "resume_chunks": _int(0, MAX_ITEMS),        # receiver's chunks the sender already reblinded
        "resume_replies": _int(0, MAX_ITEMS),       # sender's chunks it already holds replies for
    },
    "blinded": {"chunk": _int(0, MAX_ITEMS), "points": _POINTS},      # H(x)^a, sender's items
    "reblinded": {"chunk": _int(0, MAX_ITEMS), "points": _POINTS},    # H(y)^ab, receiver's items
    "finished": {"intersection_size": _int(0, MAX_ITEMS),
                 "digest": _bytes(DIGEST_BYTES, DIGEST_BYTES)},
    "abort": {"reason": _text(32, ABORT_REASONS)},
}


def _refuse(msg_type: str, field: str, why: str) -> RemoteProtocolError:
    return RemoteProtocolError(f"The peer sent an invalid alignment '{msg_type}' message: "
                               f"field '{field}' {why}.")


def _check_field(msg_type: str, name: str, rule: Rule, value: Any) -> None:
    if rule.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise _refuse(msg_type, name, "must be an integer")
        if not rule.lo <= value <= rule.hi:
            raise _refuse(msg_type, name, f"must be between {rule.lo} and {rule.hi}")
        return
    expected = str if rule.kind == "str" else bytes
    if not isinstance(value, expected):
        raise _refuse(msg_type, name, "must be text" if rule.kind == "str" else "must be bytes")
    if not rule.lo <= len(value) <= rule.hi:
        raise _refuse(msg_type, name, f"must be {rule.lo} to {rule.hi} long")
    if len(value) % rule.multiple:
        raise _refuse(msg_type, name, f"must be a multiple of {rule.multiple} bytes")
    if rule.choices is not None and value not in rule.choices:
        raise _refuse(msg_type, name, "has a value this version does not support")


def _validate(msg_type: str, message: dict) -> dict:
    schema = SCHEMAS[msg_type]
    for key in message:
        if key != "type" and key not in schema:
            shown = key[:40] if isinstance(key, str) and key.isidentifier() else "?"
            raise _refuse(msg_type, shown, "is not expected")
    for name, rule in schema.items():
        if name not in message:
            raise _refuse(msg_type, name, "is missing")
        _check_field(msg_type, name, rule, message[name])
    return message


def validate_hello(message: dict) -> dict:
    return _validate("hello", message)


def validate_blinded(message: dict) -> dict:
    return _validate("blinded", message)


def validate_reblinded(message: dict) -> dict:
    return _validate("reblinded", message)


def validate_finished(message: dict) -> dict:
    return _validate("finished", message)


def validate_abort(message: dict) -> dict:
    return _validate("abort", message)


VALIDATORS = {"hello": validate_hello, "blinded": validate_blinded,
              "reblinded": validate_reblinded, "finished": validate_finished,
              "abort": validate_abort}


def validate(message: Any) -> dict:
    """Check any incoming alignment message; returns it unchanged when valid."""
    if not isinstance(message, dict):
        raise RemoteProtocolError("The peer sent an alignment message that is not a map.")
    msg_type = message.get("type")
    if not isinstance(msg_type, str) or msg_type not in VALIDATORS:
        raise RemoteProtocolError("The peer sent an alignment message with an unknown 'type'.")
    return VALIDATORS[msg_type](message)


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


def register_with_codec(codec: Any) -> None:
    """Register every message body (all fields but ``type``) with an app.net.codec.Codec."""
    from app.net import codec as c  # imported late: the codec is optional for the role objects

    def spec(rule: Rule) -> Any:
        if rule.kind == "int":
            return c.Int(rule.lo, rule.hi)
        if rule.kind == "str":
            return c.Str(rule.hi, rule.lo)
        if rule.lo == rule.hi:
            return c.Bytes(size=rule.lo)
        return c.Bytes(max_len=rule.hi, multiple=rule.multiple)

    for msg_type, schema in SCHEMAS.items():
        codec.register(f"{PROTOCOL}.{msg_type}", VERSION,
                       {name: spec(rule) for name, rule in schema.items()})
