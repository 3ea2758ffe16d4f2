"""Encrypted gradient histograms for SecureBoost (the feature party's hot loop).

For one tree the feature party holds N encrypted packed (g, h) ciphertexts and its own bin matrix
(N x F uint8). Each node asks for: per feature, per bin, the product of the ciphertexts of the
node's rows in that bin (= the encrypted sum of their packed (g, h)).

Parallel design, measured against "features across workers": rows are sharded across workers
(row i lives on worker i % W) once per tree, with their bins. Each worker builds partial histograms
for all features over its share of the node's rows; the parent multiplies the W partials
(F * n_bins extra multiplications per node, negligible). Compared with giving each worker whole
features, every ciphertext crosses a pipe once per tree instead of once per worker, each worker
holds N / W ciphertexts instead of N, and load stays balanced for any node.

The kernel runs on either scheme (app.crypto.schemes): a bin sum is a product of ciphertexts under
the scheme's ciphertext modulus (n^2 for Paillier, n for OU), which is all it needs to know.

Bins with no rows hold the identity ``1`` (an encryption of 0 with trivial randomness): fine for
further homomorphic arithmetic, but every histogram ciphertext must go through
``rerandomise_batch`` (after packing) before it leaves the process: products of the label
party's own ciphertexts would otherwise let it test which rows went into which bin.
"""

from __future__ import annotations

import secrets
from typing import Sequence

import gmpy2
import numpy as np
from gmpy2 import mpz

from app.crypto import paillier, schemes
from app.executor import Executor, WorkerState, state_task
from app.errors import LocalProtocolError

_ONE = mpz(1)
PARALLEL_MIN_ROWS = 4096  # below this, shipping shards costs more than it saves
GROUP_GAIN = 0.9  # build a feature group's joint cells when they are <= 90 % of its items
GROUP_MIN_ITEMS = 64  # below this the numpy bookkeeping costs more than the products it saves


def _products(items: Sequence[mpz], keys: np.ndarray, nsq: mpz) -> tuple[np.ndarray, list[mpz]]:
    """Product of the items sharing each key: (distinct keys ascending, one product per key)."""
    if not len(items):
        return keys[:0], []
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    ends = np.append(starts[1:], len(ordered)).tolist()
    order = order.tolist()
    out = []
    for start, end in zip(starts.tolist(), ends):
        acc = items[order[start]]
        for i in order[start + 1:end]:
            acc = acc * items[i] % nsq
        out.append(acc)
    return ordered[starts], out


def _joint_keys(codes: np.ndarray, n_bins: int) -> np.ndarray:
    """One sortable key per row of a (rows x features) bin matrix."""
    bits = max(1, (n_bins - 1).bit_length())
    if bits * codes.shape[1] <= 64:
        key = np.zeros(codes.shape[0], dtype=np.uint64)
        for j in range(codes.shape[1]):
            key = (key << np.uint64(bits)) | codes[:, j].astype(np.uint64)
        return key
    return np.ascontiguousarray(codes).view(np.dtype((np.void, codes.shape[1]))).ravel()


def _marginals(items: Sequence[mpz], codes: np.ndarray, feats: list[int], n_bins: int,
               nsq: mpz, out: dict[int, list[mpz]]) -> int:
    """Per-feature bin products of ``items`` (bins in ``codes``, one column per feature in
    ``feats``) into ``out``; returns the number of multiplications done.

    Why groups: every feature partitions the same items, so when a group of features has fewer
    distinct joint bins than items, multiplying items into those joint cells first and deriving
    each feature's bins from the cells gives the very same products with fewer multiplications
    (a feature needs ``len(items) - used bins`` of them on its own). Low-cardinality features are
    grouped first, so e.g. contact x month x poutcome cells are few. Exact: products commute.
    """
    done = 0
    if len(feats) > 1 and len(items) >= GROUP_MIN_ITEMS:
        distinct, first, inverse = np.unique(_joint_keys(codes, n_bins), return_index=True,
                                             return_inverse=True)
        if len(distinct) <= GROUP_GAIN * len(items):
            _, items = _products(items, inverse.ravel(), nsq)
            done += len(inverse) - len(items)
            codes = codes[first]
    if len(feats) == 1:
        keys, products = _products(items, codes[:, 0], nsq)
        row = [_ONE] * n_bins
        for b, product in zip(keys.tolist(), products):
            row[b] = product
        out[feats[0]] = row
        return done + len(items) - len(products)
    half = len(feats) // 2
    done += _marginals(items, codes[:, :half], feats[:half], n_bins, nsq, out)
    done += _marginals(items, codes[:, half:], feats[half:], n_bins, nsq, out)
    return done


def _kernel(cts: Sequence[mpz], bins: np.ndarray, rows: np.ndarray, n_bins: int,
            nsq: mpz) -> tuple[list[mpz], int]:
    """Flat F * n_bins list of bin products over ``rows`` (indices into cts/bins), and the number
    of multiplications it took."""
    sub = bins[rows]
    if not len(rows):
        return [_ONE] * (bins.shape[1] * n_bins), 0
    # fewest distinct bins first: neighbours in this order form the groups of _marginals
    order = sorted(range(bins.shape[1]), key=lambda f: (np.count_nonzero(
        np.bincount(sub[:, f], minlength=n_bins)), f))
    out: dict[int, list[mpz]] = {}
    done = _marginals([cts[i] for i in rows.tolist()], sub[:, order], order, n_bins, nsq, out)
    return [ct for f in range(bins.shape[1]) for ct in out[f]], done


def _check_bins(bins: np.ndarray, n_rows: int) -> np.ndarray:
    bins = np.ascontiguousarray(bins)
    if bins.dtype != np.uint8 or bins.ndim != 2 or bins.shape[0] != n_rows:
        raise LocalProtocolError("Bins must be a uint8 matrix with one row per ciphertext.")
    return bins


class HistogramSession:
    """Ciphertexts and bins shipped to the workers once; many node histograms computed from them."""

    def __init__(self, ex: Executor, pub, cts: paillier.CipherArray, bins: np.ndarray,
                 parallel: bool | None = None):
        self.scheme = scheme = schemes.of(pub)
        scheme.check_key(pub, cts)
        self.ex, self.pub = ex, pub
        self.nsq = scheme.ct_modulus(pub)
        self.n_rows = len(cts)
        self.bins = _check_bins(bins, self.n_rows)
        self.n_features = self.bins.shape[1]
        self.max_bin = int(self.bins.max()) if self.bins.size else 0
        if parallel is None:
            parallel = self.n_rows >= PARALLEL_MIN_ROWS
        self.parts = ex.worker_parts(self.n_rows, 2) if parallel else 1
        self.token = secrets.token_hex(16)
        self.multiplications = 0  # ciphertext additions actually performed (for lower bounds)
        if self.parts == 1:
            self._cts = [mpz(c) for c in cts.items]
            return
        width = scheme.ct_width(pub)
        args = []
        for w in range(self.parts):
            blob = scheme.cts_to_bytes(pub, cts[w::self.parts])
            shard = np.ascontiguousarray(self.bins[w::self.parts])
            args.append((self.token, int(self.nsq), blob, width, shard.tobytes(), shard.shape))
        ex.run_each(task_load, args)

    def histogram(self, rows: np.ndarray, n_bins: int) -> list[paillier.CipherArray]:
        """Per feature, per bin: product of the ciphertexts of ``rows`` falling in that bin."""
        rows = np.asarray(rows)
        if rows.ndim != 1 or (rows.size and (rows.dtype.kind not in "iu" or rows.min() < 0
                                            or rows.max() >= self.n_rows)):
            raise LocalProtocolError("Node rows must be valid row indices.")
        if not 1 <= n_bins <= 256 or self.max_bin >= n_bins:
            raise LocalProtocolError("A bin index is not below the number of bins.")
        rows = rows.astype(np.int64)
        if self.parts == 1:
            flat, done = _kernel(self._cts, self.bins, rows, n_bins, self.nsq)
            self.multiplications += done
        else:
            flat = self._parallel(rows, n_bins)
        n = self.pub.n
        return [paillier.CipherArray(n, flat[f * n_bins:(f + 1) * n_bins])
                for f in range(self.n_features)]

    def _parallel(self, rows: np.ndarray, n_bins: int) -> list[mpz]:
        shard = rows % self.parts
        args = [(self.token, (rows[shard == w] // self.parts).tobytes(), n_bins)
                for w in range(self.parts)]
        replies = self.ex.run_each(task_histogram, args)
        nsq = self.nsq
        partials = [self.scheme.cts_from_trusted_bytes(self.pub, blob).items for _, blob in replies]
        self.multiplications += sum(done for done, _ in replies)
        flat = partials[0]
        for other in partials[1:]:
            self.multiplications += sum(1 for a, b in zip(flat, other) if a != 1 and b != 1)
            flat = [b if a == 1 else a if b == 1 else a * b % nsq for a, b in zip(flat, other)]
        return flat

    def close(self) -> None:
        """Free the worker shards (call when the tree is done)."""
        if self.parts > 1:
            self.ex.run_each(task_release, [(self.token,)] * self.parts)
            self.parts = 0
        self._cts = []

    def __enter__(self) -> "HistogramSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def subtract(pub, parent_hist: list[paillier.CipherArray],
             child_hist: list[paillier.CipherArray]) -> list[paillier.CipherArray]:
    """Sibling histogram: parent * child^-1 (mod the scheme's ciphertext modulus), bin by bin."""
    scheme = schemes.of(pub)
    scheme.check_key(pub, *parent_hist, *child_hist)
    if len(parent_hist) != len(child_hist) or any(
            len(a) != len(b) for a, b in zip(parent_hist, child_hist)):
        raise LocalProtocolError("Parent and child histograms have different shapes.")
    nsq = scheme.ct_modulus(pub)
    return [paillier.CipherArray(pub.n, [p if c == 1 else p * gmpy2.invert(c, nsq) % nsq
                                         for p, c in zip(pf.items, cf.items)])
            for pf, cf in zip(parent_hist, child_hist)]


# ---------------------------------------------------------------- worker tasks

_MAX_SHARDS = 2  # current tree (and at most one not yet released)


@state_task
def task_load(state: WorkerState, token: str, modulus: int, blob: bytes, width: int,
              bins_bytes: bytes, shape: tuple[int, int]) -> int:
    shards = state.store("histogram shards")
    while len(shards) >= _MAX_SHARDS:
        shards.pop(next(iter(shards)))
    bins = np.frombuffer(bins_bytes, dtype=np.uint8).reshape(shape)
    cts = paillier.from_trusted_blob(blob, width)
    shards[token] = (mpz(modulus), cts, bins, width)
    return len(cts)


@state_task
def task_histogram(state: WorkerState, token: str, rows_bytes: bytes,
                   n_bins: int) -> tuple[int, bytes]:
    shards = state.store("histogram shards")
    if token not in shards:
        raise LocalProtocolError("The histogram shard for this tree is gone.")
    nsq, cts, bins, width = shards[token]
    rows = np.frombuffer(rows_bytes, dtype=np.int64)
    flat, done = _kernel(cts, bins, rows, n_bins, nsq)
    return done, b"".join(c.to_bytes(width, "big") for c in flat)


@state_task
def task_release(state: WorkerState, token: str) -> None:
    state.store("histogram shards").pop(token, None)
