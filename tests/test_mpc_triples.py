"""Beaver triples made by the two parties by OT (no dealer), and shared multiplication."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.crypto import mpc
from app.crypto.mpc import FRAC_BITS, TRIPLE_CHUNK, BeaverMul, TripleGen, run_pair
from app.errors import LocalProtocolError, RemoteProtocolError

ULP = 2.0 ** -FRAC_BITS


def _generate(n: int, seed: int | None = None):
    rngs = (None, None) if seed is None else (np.random.default_rng(seed),
                                              np.random.default_rng(seed + 1))
    p0, p1 = TripleGen(0, n, rngs[0]), TripleGen(1, n, rngs[1])
    transcript = run_pair(p0, p1, record=True)
    return p0.result, p1.result, transcript


@pytest.fixture(scope="module")
def triples():
    t0, t1, _ = _generate(3000)
    return t0, t1


def test_triples_satisfy_c_equals_a_times_b(triples):
    t0, t1 = triples
    a, b, c = (x + y for x, y in zip(t0, t1))
    assert np.array_equal(c, a * b)
    # The cross terms came from OT, not from the parties' own products.
    assert not np.array_equal(t0.c, t0.a * t0.b)


@pytest.mark.parametrize("n", [1, 7, TRIPLE_CHUNK + 13])
def test_triples_across_sizes_and_chunks(n):
    t0, t1, transcript = _generate(n, seed=n)
    chunks = -(-n // TRIPLE_CHUNK)
    assert transcript.messages == 2 * chunks + 3
    a, b, c = (x + y for x, y in zip(t0, t1))
    assert len(t0) == n and np.array_equal(c, a * b)


def test_the_transcript_carries_no_share():
    t0, t1, transcript = _generate(64, seed=3)
    wire = b"".join(data for _who, data in transcript.recorded)
    for share in (t0.a, t0.b, t0.c, t1.a, t1.b, t1.c):
        assert share[:4].tobytes() not in wire


def test_integer_products_are_exact(triples):
    rng = np.random.default_rng(11)
    x = rng.integers(0, 2**64, 500, dtype=np.uint64)
    y = rng.integers(0, 2**64, 500, dtype=np.uint64)
    x0, x1 = mpc.share(x, rng)
    y0, y1 = mpc.share(y, rng)
    m0 = BeaverMul(0, x0, y0, triples[0].take(500)[0])
    m1 = BeaverMul(1, x1, y1, triples[1].take(500)[0])
    assert run_pair(m0, m1).messages == 2
    assert np.array_equal(mpc.reconstruct(m0.result, m1.result), x * y)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(-50, 50, allow_nan=False), st.floats(-50, 50, allow_nan=False)),
                min_size=1, max_size=300), st.integers(0, 2**32))
def test_fixed_point_products_within_the_documented_error(triples, pairs, seed):
    xs, ys = (np.array(v) for v in zip(*pairs))
    rng = np.random.default_rng(seed)
    x, y = mpc.encode(xs), mpc.encode(ys)
    x0, x1 = mpc.share(x, rng)
    y0, y1 = mpc.share(y, rng)
    n = len(xs)
    m0 = BeaverMul(0, x0, y0, triples[0].take(n)[0], frac_bits=FRAC_BITS, seq=seed % 1000)
    m1 = BeaverMul(1, x1, y1, triples[1].take(n)[0], frac_bits=FRAC_BITS, seq=seed % 1000)
    run_pair(m0, m1)
    z = mpc.decode(mpc.reconstruct(m0.result, m1.result))
    assert np.all(np.abs(z - mpc.decode(x) * mpc.decode(y)) <= ULP)


def test_triples_are_used_once():
    a = mpc.Triples(*(np.arange(5, dtype=np.uint64),) * 3)
    first, rest = a.take(3)
    assert len(first) == 3 and len(rest) == 2
    with pytest.raises(LocalProtocolError):
        rest.take(3)


def _messages(n: int = 16):
    p0, p1 = TripleGen(0, n), TripleGen(1, n)
    m0 = p0.start()
    assert p1.start() is None
    m1 = p1.receive(m0)
    m2 = p0.receive(m1)
    return p0, p1, m0, m1, m2


def test_out_of_order_and_replayed_triples_messages_are_refused():
    p0, p1, m0, m1, m2 = _messages()
    with pytest.raises(RemoteProtocolError, match="out of order"):
        p1.receive(m0)                                    # replayed
    fresh = TripleGen(1, 16)
    fresh.start()
    with pytest.raises(RemoteProtocolError, match="out of order"):
        fresh.receive(m2)                                 # skips seq 0
    other_n = TripleGen(1, 17)
    other_n.start()
    with pytest.raises(RemoteProtocolError, match="another number"):
        other_n.receive(m0)
    never_started = TripleGen(1, 16)
    with pytest.raises(RemoteProtocolError):
        never_started.receive(m0)


def test_malformed_and_oversized_triples_messages_are_refused():
    p0, p1, m0, m1, m2 = _messages()
    body = msgpack.unpackb(m2)[2]
    body["u"] = body["u"][:-128]                          # a u matrix of the wrong size
    with pytest.raises(RemoteProtocolError, match="wrong size"):
        p1.receive(mpc.messages.encode("triples", body))
    p0, p1, m0, m1, m2 = _messages()
    body = msgpack.unpackb(m2)[2]
    body["u"] = None                                      # a field missing at this step
    with pytest.raises(RemoteProtocolError, match="wrong fields"):
        p1.receive(mpc.messages.encode("triples", body))
    body["u"] = bytes(mpc.messages.KAPPA * mpc.messages.MAX_OTS // 8 + 128)
    oversized = msgpack.packb(["lianmo.mpc.triples", 1, body])
    with pytest.raises(RemoteProtocolError):
        p1.receive(oversized)
    with pytest.raises(RemoteProtocolError):
        p1.receive(b"\x00garbage")


def test_beaver_openings_are_checked(triples):
    x = np.arange(4, dtype=np.uint64)
    m0 = BeaverMul(0, x, x, triples[0].take(4)[0], seq=1)
    m1 = BeaverMul(1, x, x, triples[1].take(4)[0], seq=2)
    with pytest.raises(RemoteProtocolError, match="out of order"):
        m0.receive(m0.start() and m1.start())             # another product's opening
    m2 = BeaverMul(1, x[:3], x[:3], triples[1].take(3)[0], seq=1)
    with pytest.raises(RemoteProtocolError, match="another length"):
        m0.receive(m2.start())
    with pytest.raises(LocalProtocolError):
        BeaverMul(0, x, x[:3], triples[0].take(4)[0])
