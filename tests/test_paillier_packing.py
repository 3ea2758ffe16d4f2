"""Fixed-point and (g, h) packing: exact sums at the bounds, no slot overflow, folded return trip."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from app.crypto import paillier as P
from app.crypto.packing import GHPacker
from app.errors import LocalProtocolError, RemoteProtocolError


@pytest.fixture(scope="module")
def keys():
    return P.generate_keypair(1024)


@settings(max_examples=150, deadline=None)
@given(
    n_rows_max=st.integers(1, 4_000_000),
    scale_bits=st.integers(8, 44),
    g_bound=st.sampled_from([0.25, 1.0, 1.5, 7.0]),
    h_bound=st.sampled_from([0.25, 1.0, 3.0]),
    count_slot=st.booleans(),
    data=st.data(),
)
def test_sums_at_the_bounds_unpack_exactly(n_rows_max, scale_bits, g_bound, h_bound, count_slot, data):
    packer = GHPacker(n_rows_max, scale_bits=scale_bits, g_bound=g_bound, h_bound=h_bound,
                        count_slot=count_slot)
    k = data.draw(st.integers(1, min(n_rows_max, 20)))
    edge_g = st.sampled_from([-g_bound, g_bound, 0.0, -g_bound / 3])
    edge_h = st.sampled_from([0.0, h_bound, h_bound / 7])
    g = np.array(data.draw(st.lists(st.one_of(edge_g, st.floats(-g_bound, g_bound)), min_size=k, max_size=k)))
    h = np.array(data.draw(st.lists(st.one_of(edge_h, st.floats(0.0, h_bound)), min_size=k, max_size=k)))
    # repeat the k samples so the sum covers up to n_rows_max rows without materialising them
    reps = data.draw(st.integers(1, n_rows_max // k))
    packed = packer.pack(g, h)
    total = sum(packed) * reps
    count = k * reps
    G, H = packer.unpack_sums(total, count if not count_slot else None)
    tol = count * 2.0 ** -(scale_bits + 1)
    assert abs(G - g.sum() * reps) <= tol + 1e-9 * max(1.0, abs(G))
    assert abs(H - h.sum() * reps) <= tol + 1e-9 * max(1.0, H)
    if count_slot:
        assert packer.unpack(total)[2] == count
    # the worst case (every row at the bound) still fits its slots
    worst = packer.pack(np.array([g_bound]), np.array([h_bound]))[0] * n_rows_max
    assert worst < 2**packer.pair_bits
    Gw, Hw = packer.unpack_sums(worst, n_rows_max if not count_slot else None)
    assert abs(Gw - g_bound * n_rows_max) <= n_rows_max * 2.0 ** -(scale_bits + 1) * 2 + 1e-9 * Gw


def test_packing_rejects_out_of_bound_inputs():
    packer = GHPacker(100, scale_bits=20, g_bound=1.0, h_bound=0.25)
    for g, h in (([1.5], [0.1]), ([0.1], [-0.01]), ([0.1], [0.3]), ([np.nan], [0.1]), ([0.1, 0.2], [0.1])):
        with pytest.raises(LocalProtocolError):
            packer.pack(np.array(g), np.array(h))
    with pytest.raises(LocalProtocolError):
        packer.unpack_sums(5)  # no count slot and no count given


def test_unpack_rejects_inconsistent_sums():
    packer = GHPacker(100, scale_bits=20)
    packed = packer.pack(np.array([1.0, 1.0]), np.array([1.0, 1.0]))
    with pytest.raises(RemoteProtocolError):
        packer.unpack_sums(sum(packed), 1)          # more than one sample's worth
    with pytest.raises(RemoteProtocolError):
        packer.unpack_sums(1 << packer.pair_bits, 1)  # overflowed slot
    with pytest.raises(RemoteProtocolError):
        packer.unpack_sums(-1, 1)


def test_slot_capacity_matches_performance_note(keys):
    packer = GHPacker(1_000_000, scale_bits=32, g_bound=1.0, h_bound=1.0)
    pub2048 = P.PublicKey((1 << 2047) + 1)  # only the length matters here
    assert 18 <= packer.bins_per_ciphertext(pub2048) <= 20


def test_folded_ciphertexts_round_trip(keys, executor):
    pub, priv = keys
    rng = np.random.default_rng(5)
    packer = GHPacker(5000, scale_bits=24, g_bound=1.0, h_bound=0.25, count_slot=True)
    k = packer.bins_per_ciphertext(pub)
    n_sums = 3 * k + 2  # a partial last group too
    counts = rng.integers(0, 200, n_sums)
    sums, expected = [], []
    for c in counts:
        g = rng.uniform(-1, 1, c)
        h = rng.uniform(0, 0.25, c)
        sums.append(sum(packer.pack(g, h)))
        expected.append((g.sum(), h.sum(), int(c)))
    cts = P.encrypt_batch(executor, pub, sums)
    folded = packer.pack_ciphertexts(executor, pub, cts)
    assert len(folded) == 4
    plains = P.decrypt_batch(executor, priv, P.rerandomise_batch(executor, pub, folded))
    values = packer.unpack_plaintexts(pub, plains, n_sums)
    assert values == sums
    for v, (G, H, c) in zip(values, expected):
        g_sum, h_sum, count = packer.unpack(v)
        assert count == c
        assert abs(g_sum - G) <= c * 2.0**-25 + 1e-9 and abs(h_sum - H) <= c * 2.0**-25 + 1e-9
    with pytest.raises(RemoteProtocolError):
        packer.unpack_plaintexts(pub, plains[:-1], n_sums)
