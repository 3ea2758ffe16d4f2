"""Schema-checked msgpack: every malformed peer message is a RemoteProtocolError naming the field."""

import math
import re
import struct
import tracemalloc

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import LocalProtocolError, RemoteProtocolError
from app.schema import (Bool, Budget, Bytes, Codec, Float, Int, List, Map, Message, Nullable, Str,
                        strict_unpack)

SCHEMA = {
    "round": Int(0, 1000),
    "gain": Float(),
    "name": Str(max_len=20),
    "cipher": Bytes(max_len=64),
    "digest": Bytes(size=4),
    "splits": List({"feature": Int(0, 50), "threshold": Float(-1e9, 1e9)}, max_len=5),
    "meta": Map(Str(max_len=10), max_len=3),
    "note": Nullable(Str(max_len=5)),
    "final": Bool(),
}
ROUND = Message("train.round", 1, SCHEMA, max_bytes=4096)
VALID = {"round": 3, "gain": 0.25, "name": "第一轮", "cipher": b"\x01" * 10, "digest": b"abcd",
         "splits": [{"feature": 2, "threshold": 1.5}], "meta": {"k": "v"}, "note": None,
         "final": False}


@pytest.fixture()
def codec():
    return Codec([ROUND])


def raw(body, msg_type="train.round", version=1):
    return msgpack.packb([msg_type, version, body], use_bin_type=True)


def test_round_trip(codec):
    assert codec.decode(codec.encode("train.round", VALID)) == ("train.round", VALID)


def test_canonical_bytes_ignore_key_order(codec):
    shuffled = dict(reversed(list(VALID.items())))
    assert codec.canonical("train.round", shuffled) == codec.canonical("train.round", VALID)


@pytest.mark.parametrize("change, field", [
    ({"gain": math.nan}, "gain"),
    ({"gain": math.inf}, "gain"),
    ({"gain": -math.inf}, "gain"),
    ({"gain": 1}, "gain"),
    ({"round": 1001}, "round"),
    ({"round": True}, "round"),
    ({"round": 2 ** 63}, "round"),
    ({"round": "3"}, "round"),
    ({"name": "x" * 21}, "name"),
    ({"name": b"bytes"}, "name"),
    ({"cipher": "text"}, "cipher"),
    ({"cipher": b"x" * 65}, "cipher"),
    ({"digest": b"abc"}, "digest"),
    ({"splits": [{"feature": 2, "threshold": math.nan}]}, "splits[0].threshold"),
    ({"splits": [{"feature": 99, "threshold": 1.0}]}, "splits[0].feature"),
    ({"splits": [{"feature": 2}]}, "splits[0].threshold"),
    ({"splits": [{"feature": 2, "threshold": 1.0, "leaf_weight": 0.3}]}, "splits[0].leaf_weight"),
    ({"splits": [{"feature": 1, "threshold": 1.0}] * 6}, "splits"),
    ({"splits": {"feature": 1}}, "splits"),
    ({"meta": {"k": 1}}, "meta.k"),
    ({"note": "too long"}, "note"),
    ({"final": 0}, "final"),
])
def test_invalid_fields_are_named(codec, change, field):
    with pytest.raises(RemoteProtocolError, match=re.escape(f"field '{field}'")):
        codec.decode(raw({**VALID, **change}))


def test_unknown_field_is_named(codec):
    with pytest.raises(RemoteProtocolError, match="field 'gradient_sum' is not expected"):
        codec.decode(raw({**VALID, "gradient_sum": 1.0}))


def test_missing_field_is_named(codec):
    body = dict(VALID)
    del body["digest"]
    with pytest.raises(RemoteProtocolError, match="field 'digest' is missing"):
        codec.decode(raw(body))


def test_non_text_keys_are_refused(codec):
    with pytest.raises(RemoteProtocolError):
        codec.decode(raw({**VALID, 7: 1}))
    with pytest.raises(RemoteProtocolError, match="not text"):
        codec.decode(raw({**VALID, b"round": 1}))


def test_duplicate_keys_are_refused():
    codec = Codec([Message("t", 1, {"x": Int(0, 9)}, max_bytes=64)])
    body = b"\x82" + msgpack.packb("x") + msgpack.packb(1) + msgpack.packb("x") + msgpack.packb(2)
    assert msgpack.unpackb(body) == {"x": 2}  # plain msgpack silently keeps the last one
    with pytest.raises(RemoteProtocolError):
        codec.decode(b"\x93" + msgpack.packb("t") + msgpack.packb(1) + body)


@pytest.mark.parametrize("data", [
    b"", b"\xc1", b"\x93", raw(VALID) + b"\x00",
    msgpack.packb(["train.round", 1]), msgpack.packb("train.round"),
    raw(VALID, "other.type"), raw(VALID, version=2), raw(VALID, version="1"),
    raw({**VALID, "cipher": msgpack.ExtType(1, b"x")}),
    msgpack.packb(["train.round", 1, {**VALID, "gain": msgpack.Timestamp(1, 0)}]),
])
def test_malformed_envelopes(codec, data):
    with pytest.raises(RemoteProtocolError):
        codec.decode(data)


@pytest.mark.parametrize("header", [
    b"\xdd" + struct.pack(">I", 2 ** 32 - 1),   # array32 of 4 billion elements
    b"\xdf" + struct.pack(">I", 2 ** 32 - 1),   # map32
    b"\xc6" + struct.pack(">I", 2 ** 32 - 1),   # bin32
    b"\xdb" + struct.pack(">I", 2 ** 32 - 1),   # str32
])
def test_huge_announced_sizes_are_refused_before_allocating(header):
    codec = Codec([Message("t", 1, {"x": List(Int(0, 1), max_len=10)}, max_bytes=2 ** 32 + 100)])
    assert refusal_peak(codec, b"\x93\xa1t\x01\x81\xa1x" + header, "limit") < 1024 * 1024


def refusal_peak(codec, data, match):
    """Peak traced memory while ``codec`` refuses ``data`` with an error matching ``match``."""
    tracemalloc.start()
    try:
        with pytest.raises(RemoteProtocolError, match=match):
            codec.decode(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_deep_nesting_is_refused():
    codec = Codec([Message("t", 1, {"x": Int(0, 1)}, max_bytes=1 << 20)])
    with pytest.raises(RemoteProtocolError):
        codec.decode(b"\x93\xa1t\x01" + b"\x91" * 100_000 + b"\x00")


def test_a_whole_message_budget_bounds_what_per_array_limits_do_not():
    """Every array within its own limit, but far more values than the type can hold: refused
    while scanning, before msgpack builds a single list."""
    grid = List(List(Int(0, 1), max_len=80), max_len=80)
    codec = Codec([Message("t", 1, {"x": grid}, max_bytes=1 << 20)])
    ok = raw({"x": [[1] * 80] * 80}, "t")
    assert codec.decode(ok)[1]["x"][79][79] == 1
    row = b"\xdc\x00\xb0" + b"\x01" * 176                  # 176 values: within msgpack's cap
    hostile = b"\x93\xa1t\x01\x81\xa1x\xdc\x00\xb0" + row * 176  # 31,000 values
    assert refusal_peak(codec, hostile, "more than the limit of .* values") < 64 * 1024


def test_we_refuse_to_send_invalid_messages(codec):
    with pytest.raises(LocalProtocolError, match="gain"):
        codec.encode("train.round", {**VALID, "gain": math.nan})
    with pytest.raises(LocalProtocolError, match="not declared"):
        codec.encode("nope", {})


def test_declaration_conflicts_are_refused():
    Codec([ROUND, ROUND])  # the same declaration twice: fine
    with pytest.raises(LocalProtocolError):
        Codec([ROUND, Message("train.round", 1, {"round": Int(0, 1)}, max_bytes=64)])
    codec = Codec([ROUND, Message("train.round", 2, {"round": Int(0, 1)}, max_bytes=64)])
    assert codec.decode(codec.encode("train.round", {"round": 1})) == ("train.round", {"round": 1})
    assert codec.decode_versioned(codec.encode("train.round", VALID, version=1))[1] == 1


# --- property-based fuzzing ----------------------------------------------------------------------

FUZZ = Codec([ROUND])
_VALID_BYTES = FUZZ.encode("train.round", VALID)

leaves = (st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 64 - 1) | st.floats()
          | st.text(max_size=30) | st.binary(max_size=70))
keys = st.text(max_size=12) | st.sampled_from(list(SCHEMA) + ["feature", "threshold"])
msgpack_values = st.recursive(
    leaves, lambda children: st.lists(children, max_size=6)
    | st.dictionaries(keys, children, max_size=10), max_leaves=10)
shallow_values = leaves | st.lists(leaves, max_size=7) | st.dictionaries(keys, leaves, max_size=3)


def _decode_or_refuse(data):
    try:
        msg_type, body = FUZZ.decode(data)
    except RemoteProtocolError:
        return
    assert msg_type == "train.round"
    FUZZ.encode(msg_type, body)  # whatever got through is valid by our own schema


@settings(max_examples=2000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200))
def test_fuzz_random_bytes(data):
    _decode_or_refuse(data)


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(body=msgpack_values, version=st.integers(0, 3))
def test_fuzz_structured_bodies(body, version):
    _decode_or_refuse(msgpack.packb(["train.round", version, body], use_bin_type=True))


@settings(max_examples=600, deadline=None, database=None)
@given(changes=st.dictionaries(st.sampled_from(list(SCHEMA) + ["extra"]), shallow_values,
                               max_size=3))
def test_fuzz_field_substitution(changes):
    _decode_or_refuse(msgpack.packb(["train.round", 1, {**VALID, **changes}], use_bin_type=True))


@settings(max_examples=800, deadline=None, database=None)
@given(flips=st.lists(st.tuples(st.integers(0, len(_VALID_BYTES) - 1), st.integers(0, 255)),
                      min_size=1, max_size=4))
def test_fuzz_byte_mutations_of_a_valid_message(flips):
    data = bytearray(_VALID_BYTES)
    for position, value in flips:
        data[position] = value
    _decode_or_refuse(bytes(data))


# --- long byte strings as views over the received bytes ------------------------------------------

ROOMY = Budget(max_bytes=1 << 20, objects=1000, depth=20, str_len=1000, bin_len=1000,
               array_len=1000, map_len=1000)


def _as_bytes(value):
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, list):
        return [_as_bytes(x) for x in value]
    if isinstance(value, dict):
        return {k: _as_bytes(x) for k, x in value.items()}
    return value


def _views(value) -> list:
    if isinstance(value, memoryview):
        return [value]
    if isinstance(value, list):
        return [v for x in value for v in _views(x)]
    if isinstance(value, dict):
        return [v for x in value.values() for v in _views(x)]
    return []


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(value=msgpack_values, views_from=st.integers(0, 80))
def test_views_from_gives_the_same_values_without_copying_long_byte_strings(value, views_from):
    data = bytearray(msgpack.packb(value, use_bin_type=True))
    try:
        plain = strict_unpack(bytes(data), ROOMY)
    except RemoteProtocolError:
        return  # e.g. a float NaN key or duplicate keys: refused either way
    viewed = strict_unpack(data, ROOMY, views_from=views_from)
    assert msgpack.packb(_as_bytes(viewed)) == msgpack.packb(_as_bytes(plain))  # NaN != NaN
    views = _views(viewed)
    assert all(len(v) >= views_from and v.readonly and v.obj is data for v in views)
    assert len(views) == len([b for b in _leaves(plain) if isinstance(b, bytes)
                              and len(b) >= views_from])


def _leaves(value) -> list:
    if isinstance(value, list):
        return [v for x in value for v in _leaves(x)]
    if isinstance(value, dict):
        return [v for x in value.values() for v in _leaves(x)]
    return [value]


def test_a_long_byte_string_as_a_map_key_is_refused_when_views_are_asked_for():
    data = msgpack.packb({b"k" * 40: 1, "a": b"v" * 40}, use_bin_type=True)
    assert strict_unpack(data, ROOMY, views_from=50) == {b"k" * 40: 1, "a": b"v" * 40}
    with pytest.raises(RemoteProtocolError, match="map key"):
        strict_unpack(data, ROOMY, views_from=30)
