"""Encrypted histograms equal numpy's plaintext histograms; sibling subtraction; worker shards."""

import numpy as np
import pytest

from app.crypto import histogram as H, paillier as P
from app.executor import LocalExecutor
from app.crypto.packing import GHPacker
from app.errors import LocalProtocolError, RemoteProtocolError

N, F, B = 1500, 5, 16


@pytest.fixture(scope="module")
def setup(executor):
    pub, priv = P.generate_keypair(1024)
    rng = np.random.default_rng(11)
    g = rng.uniform(-1, 1, N)
    h = rng.uniform(0, 0.25, N)
    bins = rng.integers(0, B, (N, F)).astype(np.uint8)
    bins[:, 2] = np.minimum(bins[:, 2], 3)  # a feature with many empty bins
    packer = GHPacker(N, scale_bits=30, g_bound=1.0, h_bound=0.25, count_slot=True)
    cts = P.encrypt_batch(executor, pub, packer.pack(g, h), priv=priv)
    return pub, priv, packer, g, h, bins, cts


def decrypt_hist(executor, priv, packer, hist):
    out = []
    for feature in hist:
        out.append([packer.unpack(m) for m in P.decrypt_batch(executor, priv, feature)])
    return out


def check(decoded, g, h, bins, rows):
    for f in range(F):
        exp_g = np.bincount(bins[rows, f], weights=g[rows], minlength=B)
        exp_h = np.bincount(bins[rows, f], weights=h[rows], minlength=B)
        exp_c = np.bincount(bins[rows, f], minlength=B)
        got = np.array(decoded[f])
        np.testing.assert_allclose(got[:, 0], exp_g, atol=1e-6)
        np.testing.assert_allclose(got[:, 1], exp_h, atol=1e-6)
        assert got[:, 2].astype(int).tolist() == exp_c.tolist()


@pytest.mark.parametrize("parallel", [False, True])
def test_histogram_and_sibling_match_numpy(setup, parallel, executor):
    pub, priv, packer, g, h, bins, cts = setup
    rng = np.random.default_rng(3)
    parent = np.sort(rng.choice(N, 1100, replace=False))
    left = parent[rng.random(parent.size) < 0.3]
    right = np.setdiff1d(parent, left)
    with H.HistogramSession(executor, pub, cts, bins, parallel=parallel) as session:
        parent_hist = session.histogram(parent, B)
        left_hist = session.histogram(left, B)
        empty_hist = session.histogram(np.array([], dtype=np.int64), B)
    assert len(parent_hist) == F and all(len(f) == B for f in parent_hist)
    check(decrypt_hist(executor, priv, packer, parent_hist), g, h, bins, parent)
    check(decrypt_hist(executor, priv, packer, left_hist), g, h, bins, left)
    sibling = H.subtract(pub, parent_hist, left_hist)
    check(decrypt_hist(executor, priv, packer, sibling), g, h, bins, right)
    assert all(c == 1 for f in empty_hist for c in f)
    assert parent_hist[2][10] == 1  # empty bin = identity, to be re-randomised before sending


def test_parallel_and_local_agree_bit_for_bit(setup, executor):
    pub, _, _, _, _, bins, cts = setup
    rows = np.arange(0, N, 3)
    with H.HistogramSession(executor, pub, cts, bins, parallel=False) as a, \
            H.HistogramSession(executor, pub, cts, bins, parallel=True) as b:
        assert a.histogram(rows, B) == b.histogram(rows, B)


def test_closing_a_session_frees_the_worker_shards(setup):
    pub, _, _, _, _, bins, cts = setup
    with LocalExecutor(2) as two:
        session = H.HistogramSession(two, pub, cts, bins, parallel=True)
        rows, lengths = np.arange(2, dtype=np.int64).tobytes(), np.array([2]).tobytes()
        args = [(session.token, "level", s, rows, lengths, B) for s in range(2)]
        assert len(two.run_each(H.task_level, args)) == session.parts == 2
        session.close()
        with pytest.raises(LocalProtocolError, match="shard for this tree is gone"):
            two.run_each(H.task_level, args)


@pytest.mark.parametrize("scheme", ["paillier", "ou"])
def test_shards_taken_by_an_idle_worker_give_identical_sums(scheme, executor, monkeypatch,
                                                          slow_worker_zero):
    from app.crypto import schemes
    he = schemes.get(scheme)
    pub, priv = he.generate_keypair(1024)
    rng = np.random.default_rng(5)
    n = 2400
    values = rng.integers(0, 2**20, n)
    cts = he.encrypt_batch(executor, pub, values.tolist(), priv=priv)
    bins = rng.integers(0, B, (n, F)).astype(np.uint8)
    nodes = [np.sort(rng.choice(n, 900, replace=False)), np.arange(0, n, 7), np.array([], np.int64)]
    monkeypatch.setattr(H, "MIN_SHARD_ROWS", 100)
    monkeypatch.setattr(H, "LOAD_ROWS", 70)  # each 300-row shard goes in 5 pieces, the last short
    with LocalExecutor(2) as two:
        slow_worker_zero(two)
        with H.HistogramSession(executor, pub, cts, bins, parallel=False) as alone, \
                H.HistogramSession(two, pub, cts, bins, parallel=True) as shared:
            assert shared.shards == 8 and shared.workers == 2
            expected = [[f.items for f in node] for node in alone.histograms(nodes, B)]
            got = [[f.items for f in node] for node in shared.histograms(nodes, B)]
            assert shared.carried > 0          # worker 1 really ran some of worker 0's shards
            assert got == expected
            assert [f.items for f in shared.histogram(nodes[0], B)] == expected[0]
        wire = he.cts_to_bytes(pub, cts)       # as received from the peer: checked, then kept as bytes
        assert he.check_bytes(pub, wire) == n
        with H.HistogramSession(two, pub, None, bins, parallel=True, blob=wire) as from_wire:
            assert from_wire.shards == 8
            assert [[f.items for f in node] for node in from_wire.histograms(nodes, B)] == expected
            assert from_wire.carried > 0
        with pytest.raises(RemoteProtocolError, match="outside the valid range"):
            he.check_bytes(pub, bytes(len(wire)))   # zeros: no ciphertext
    rows = nodes[1]
    for f in range(F):
        sums = he.decrypt_batch(executor, priv, P.CipherArray(pub.n, got[1][f]))
        assert sums == np.bincount(bins[rows, f], weights=values[rows], minlength=B).astype(int).tolist()
    assert all(ct == 1 for f in got[2] for ct in f)


def test_histogram_rejects_bad_input(setup, executor):
    pub, _, _, _, _, bins, cts = setup
    with H.HistogramSession(executor, pub, cts, bins, parallel=False) as session:
        with pytest.raises(LocalProtocolError):
            session.histogram(np.array([0, N]), B)     # row out of range
        with pytest.raises(LocalProtocolError):
            session.histogram(np.array([-1]), B)
        with pytest.raises(LocalProtocolError):
            session.histogram(np.array([0, 1]), B - 1)  # bins contain B - 1
    with pytest.raises(LocalProtocolError):
        H.HistogramSession(executor, pub, cts, bins.astype(np.int16))
    with pytest.raises(LocalProtocolError):
        H.HistogramSession(executor, pub, cts[:-1], bins)
    with pytest.raises(LocalProtocolError):
        H.subtract(pub, [P.CipherArray(pub.n, [1, 2])], [P.CipherArray(pub.n, [1])])


def naive_kernel(values, bins, rows, n_bins, modulus):
    out = []
    for f in range(bins.shape[1]):
        acc = [1] * n_bins
        for r in rows.tolist():
            acc[bins[r, f]] = acc[bins[r, f]] * values[r] % modulus
        out.extend(acc)
    return out


@pytest.mark.parametrize("n_bins, cards", [
    (32, [3, 4, 12, 2, 32, 31, 32, 5]),      # bank-like: few categories next to quantile bins
    (200, [200] * 9 + [2]),                  # joint keys wider than 64 bits (void keys)
    (8, [1, 8, 8]),                          # a constant feature
])
def test_grouped_kernel_equals_per_feature_products(n_bins, cards):
    from gmpy2 import mpz
    rng = np.random.default_rng(len(cards))
    n = 3000
    modulus = mpz(2**127 - 1) ** 2
    values = [mpz(int(v)) for v in rng.integers(2, 2**62, n)]
    bins = np.column_stack([rng.integers(0, c, n) for c in cards]).astype(np.uint8)
    rows = np.sort(rng.choice(n, 2500, replace=False))
    flat, done = H._kernel(values, bins, rows, n_bins, modulus)
    assert flat == naive_kernel(values, bins, rows, n_bins, modulus)
    per_feature = sum(len(rows) - len(np.unique(bins[rows, f])) for f in range(len(cards)))
    assert done <= per_feature
    if n_bins == 32:  # low-cardinality groups must actually save work
        assert done < 0.7 * per_feature


def test_kernel_in_slices_from_wire_rows_equals_whole_products(monkeypatch):
    """A worker parses and multiplies a part's rows a slice at a time (memory at 4M rows):
    the products must be those of the whole part, slice edges falling anywhere."""
    from gmpy2 import mpz
    rng = np.random.default_rng(9)
    n, width = 1000, 32
    modulus = mpz(2**127 - 1) ** 2
    values = [mpz(int(v)) for v in rng.integers(2, 2**62, n)]
    bins = np.column_stack([rng.integers(0, c, n) for c in (3, 32, 7)]).astype(np.uint8)
    rows = np.sort(rng.choice(n, 777, replace=False))
    expected = naive_kernel(values, bins, rows, 32, modulus)
    wire = H._wire_rows(P.to_blob(values, width), width)
    for slice_rows in (1, 100, 776, 777, 5000):
        monkeypatch.setattr(H, "SLICE_ROWS", slice_rows)
        assert H._kernel(values, bins, rows, 32, modulus)[0] == expected
        assert H._kernel(wire, bins, rows, 32, modulus)[0] == expected


def test_session_counts_the_multiplications_it_did(setup, executor):
    pub, _, _, _, _, bins, cts = setup
    rows = np.arange(N)
    for parallel in (False, True):
        with H.HistogramSession(executor, pub, cts, bins, parallel=parallel) as session:
            session.histogram(rows, B)
            # at least one multiplication per row beyond the first per used bin, never more than
            # the per-feature count plus the merge of worker partials
            assert 0 < session.multiplications <= N * F
