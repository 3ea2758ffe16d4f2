"""Fixed point over Z_2^64: encoding, shares, local arithmetic and SecureML truncation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.crypto import mpc
from app.crypto.mpc import FRAC_BITS, ring
from app.errors import LocalProtocolError

ULP = 2.0 ** -FRAC_BITS
reals = st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=50)


@given(reals)
def test_encode_decode_round_trip_within_half_an_ulp(values):
    x = np.array(values)
    assert np.all(np.abs(mpc.decode(mpc.encode(x)) - x) <= ULP / 2)


def test_negative_values_are_twos_complement():
    assert mpc.encode([-1.0])[0] == np.uint64(2**64 - 2**FRAC_BITS)
    assert mpc.decode(mpc.encode([-2.5]))[0] == -2.5


@pytest.mark.parametrize("bad", [np.nan, np.inf, 2.0 ** (63 - FRAC_BITS)])
def test_encode_refuses_values_the_ring_cannot_hold(bad):
    with pytest.raises(LocalProtocolError):
        mpc.encode([1.0, bad])


@given(reals, reals, st.integers(0, 2**32))
def test_local_arithmetic_on_shares(xs, ys, seed):
    n = min(len(xs), len(ys))
    x, y = mpc.encode(xs[:n]), mpc.encode(ys[:n])
    rng = np.random.default_rng(seed)
    x0, x1 = mpc.share(x, rng)
    y0, y1 = mpc.share(y, rng)
    assert np.array_equal(mpc.reconstruct(x0, x1), x)
    assert np.array_equal(mpc.reconstruct(mpc.add(x0, y0), mpc.add(x1, y1)), x + y)
    assert np.array_equal(mpc.reconstruct(mpc.sub(x0, y0), mpc.sub(x1, y1)), x - y)
    c = mpc.encode([3.25])
    assert np.array_equal(mpc.reconstruct(mpc.add_public(0, x0, c), mpc.add_public(1, x1, c)),
                          x + c)
    assert np.array_equal(mpc.reconstruct(mpc.mul_public(x0, -3), mpc.mul_public(x1, -3)),
                          x * np.uint64(2**64 - 3))


def test_a_single_share_is_uniform_not_the_value():
    x = mpc.encode(np.zeros(4096))
    x0, x1 = mpc.share(x)
    # Zero in, yet each share is spread over the ring: its top bit is set about half the time.
    assert 0.45 < np.mean(x0 >> np.uint64(63)) < 0.55
    assert 0.45 < np.mean(x1 >> np.uint64(63)) < 0.55


@settings(max_examples=50)
@given(st.lists(st.floats(-64, 64, allow_nan=False), min_size=1, max_size=200),
       st.floats(-64, 64, allow_nan=False), st.integers(0, 2**32))
def test_truncation_of_a_product_is_within_one_ulp(xs, r, seed):
    x = mpc.encode(xs)
    x0, x1 = mpc.share(x, np.random.default_rng(seed))
    z = mpc.reconstruct(mpc.mul_public_fixed(0, x0, r), mpc.mul_public_fixed(1, x1, r))
    exact = mpc.decode(x) * mpc.decode(mpc.encode(r))
    assert np.all(np.abs(mpc.decode(z) - exact) <= ULP)


def test_truncation_fails_exactly_when_the_first_share_is_below_the_value():
    """The documented failure event (x > 0, x0 < x) is real, and its probability is x / 2^64."""
    x = np.array([2**40], dtype=np.uint64)
    good0 = np.array([2**63], dtype=np.uint64)
    bad0 = np.array([5], dtype=np.uint64)
    for x0, fails in ((good0, False), (bad0, True)):
        z = mpc.reconstruct(mpc.truncate(0, x0), mpc.truncate(1, x - x0))
        error = abs(int(z[0].view(np.int64)) - 2**(40 - FRAC_BITS))
        assert (error > 1) == fails
    assert mpc.truncation_failure_bound(40) == 2.0 ** -23


def test_the_random_source_is_checked():
    with pytest.raises(LocalProtocolError):
        ring.random_ring(4, lambda n: bytes(n - 1))
    assert len(ring.random_ring(3)) == 3
