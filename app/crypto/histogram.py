"""Encrypted gradient histograms for SecureBoost (the feature party's hot loop).

For one tree the feature party holds N encrypted packed (g, h) ciphertexts and its own bin matrix
(N x F uint8). Each node asks for: per feature, per bin, the product of the ciphertexts of the
node's rows in that bin (= the encrypted sum of their packed (g, h)).

Parallel design, measured against "features across workers": rows are sharded once per tree, with
their bins, into a few shards per worker (row i in shard i % S, shard s on worker s % W). Each
shard's part of a level builds partial histograms for all features over its rows of the level's
nodes; a worker multiplies its parts into one partial and the parent multiplies the W partials
(F * n_bins extra multiplications per node and part, small next to the rows). Compared with giving
each worker whole features, every ciphertext crosses a pipe once per tree instead of once per
worker, each worker holds N / W ciphertexts instead of N, and load stays balanced for any node.
A worker slowed by a foreign process loses its queued shards of the level to idle workers, which
get those rows' ciphertexts sent along (HistogramSession), so the level does not wait for it.

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
MIN_SHARD_ROWS = 4096     # per shard at least: each shard adds a merge of F * bins * nodes cells
GROUP_GAIN = 0.9  # build a feature group's joint cells when they are <= 90 % of its items
GROUP_MIN_ITEMS = 64  # below this the numpy bookkeeping costs more than the products it saves
SLICE_ROWS = 65_536  # rows parsed and multiplied at a time (~19 MiB of integers at 2048 bits)
LOAD_ROWS = 65_536   # rows of a shard sent to its worker per call (16 MiB of OU ciphertexts)


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
    of multiplications it took.

    Rows go ``SLICE_ROWS`` at a time, each slice's products merged into the running ones: a worker
    holding its shards as wire bytes parses only one slice into integers at once (at 4M rows a
    whole part would be ~0.5 GiB of integers per worker), for F * n_bins merges per slice."""
    if not len(rows):
        return [_ONE] * (bins.shape[1] * n_bins), 0
    flat, done = _slice_kernel(cts, bins, rows[:SLICE_ROWS], n_bins, nsq)
    for start in range(SLICE_ROWS, len(rows), SLICE_ROWS):
        part, d = _slice_kernel(cts, bins, rows[start:start + SLICE_ROWS], n_bins, nsq)
        flat, merged = _merge(flat, part, nsq)
        done += d + merged
    return flat, done


def _slice_kernel(cts: Sequence[mpz], bins: np.ndarray, rows: np.ndarray, n_bins: int,
                  nsq: mpz) -> tuple[list[mpz], int]:
    sub = bins[rows]
    # fewest distinct bins first: neighbours in this order form the groups of _marginals
    order = sorted(range(bins.shape[1]), key=lambda f: (np.count_nonzero(
        np.bincount(sub[:, f], minlength=n_bins)), f))
    out: dict[int, list[mpz]] = {}
    done = _marginals(_gather(cts, rows), sub[:, order], order, n_bins, nsq, out)
    return [ct for f in range(bins.shape[1]) for ct in out[f]], done


def _gather(cts, rows: np.ndarray) -> list[mpz]:
    """The ciphertexts of ``rows``: from a list of integers, or parsed from wire rows (a uint8
    matrix, one fixed-width ciphertext per row) as they are needed."""
    if isinstance(cts, np.ndarray):
        return paillier.from_trusted_blob(cts[rows].tobytes(), cts.shape[1])
    return [cts[i] for i in rows.tolist()]


def _wire_rows(blob: bytes, width: int) -> np.ndarray:
    """Fixed-width ciphertexts as a uint8 matrix over the bytes (no copy)."""
    return np.frombuffer(blob, dtype=np.uint8).reshape(-1, width)


def _check_bins(bins: np.ndarray, n_rows: int) -> np.ndarray:
    bins = np.ascontiguousarray(bins)
    if bins.dtype != np.uint8 or bins.ndim != 2 or bins.shape[0] != n_rows:
        raise LocalProtocolError("Bins must be a uint8 matrix with one row per ciphertext.")
    return bins


class HistogramSession:
    """Ciphertexts and bins shipped to the workers once; many node histograms computed from them.

    Rows are cut into ``shards`` (row i in shard i % shards), several per worker, shard s kept on
    worker s % workers. A level's nodes are one part per shard (``Executor.run_affine``): a worker
    that runs out of its own shards takes a queued one from the busiest worker, carrying that
    shard's rows of the level (ciphertexts and bins) from this process, so a slowed core delays a
    level by about one shard's share. Each worker multiplies its parts into one partial per level
    (``task_collect`` returns it); products commute, so the sums are bit-identical wherever a part
    ran. Memory: every ciphertext is held by one worker, as with one shard per worker; a carried
    part is transient.
    """

    def __init__(self, ex: Executor, pub, cts: paillier.CipherArray | None, bins: np.ndarray,
                 parallel: bool | None = None, *, blob: bytes | None = None):
        """From ``cts``, or from ``blob``: ciphertexts in wire form the caller has checked
        (``scheme.check_bytes``). With a blob, shards and carried rows are cut from its bytes and
        no integer copy of the ciphertexts is kept here (at 4M rows that is ~1.2 GiB less)."""
        self.scheme = scheme = schemes.of(pub)
        self.ex, self.pub = ex, pub
        self.nsq = scheme.ct_modulus(pub)
        self.width = scheme.ct_width(pub)
        if blob is not None:
            self._cts = _wire_rows(blob, self.width)
        else:
            scheme.check_key(pub, cts)
            self._cts = cts.items  # the caller's list, not a copy: carried parts are cut from it
        self.n_rows = len(self._cts)
        self.bins = _check_bins(bins, self.n_rows)
        self.n_features = self.bins.shape[1]
        self.max_bin = int(self.bins.max()) if self.bins.size else 0
        if parallel is None:
            parallel = self.n_rows >= PARALLEL_MIN_ROWS
        self.workers = ex.worker_parts(self.n_rows, 2) if parallel else 1
        per_worker = max(1, min(ex.shards_per_worker, self.n_rows // (self.workers * MIN_SHARD_ROWS)))
        self.shards = self.workers * per_worker if self.workers > 1 else 1
        self.token = secrets.token_hex(16)
        self.multiplications = 0  # ciphertext additions actually performed (for lower bounds)
        self.carried = 0          # parts run away from their shard's worker (data sent along)
        self.carried_rows = 0
        if self.shards == 1:
            self._cts = [mpz(c) for c in _gather(self._cts, np.arange(self.n_rows))]
            return
        # one shard per worker at a time, in pieces: only that much is copied at once
        for first in range(0, self.shards, self.workers):
            shard_rows = [np.arange(s, self.n_rows, self.shards)
                          for s in range(first, first + self.workers)]
            for start in range(0, len(shard_rows[0]), LOAD_ROWS):
                args = []
                for s, rows in enumerate(shard_rows, first):
                    piece = rows[start:start + LOAD_ROWS]
                    args.append((self.token, int(self.nsq), self.width, s, len(rows), start,
                                 self._blob(piece), self.bins[piece].tobytes(), self.n_features))
                ex.run_each(task_load, args)

    def _blob(self, rows: np.ndarray) -> bytes:
        """The wire bytes of ``rows``' ciphertexts."""
        if isinstance(self._cts, np.ndarray):
            return self._cts[rows].tobytes()
        return paillier.to_blob([self._cts[i] for i in rows.tolist()], self.width)

    @property
    def parts(self) -> int:
        """Workers holding shards (1: this process computes alone)."""
        return self.workers

    def _check(self, rows: np.ndarray, n_bins: int) -> np.ndarray:
        rows = np.asarray(rows)
        if rows.ndim != 1 or (rows.size and (rows.dtype.kind not in "iu" or rows.min() < 0
                                            or rows.max() >= self.n_rows)):
            raise LocalProtocolError("Node rows must be valid row indices.")
        if not 1 <= n_bins <= 256 or self.max_bin >= n_bins:
            raise LocalProtocolError("A bin index is not below the number of bins.")
        return rows.astype(np.int64)

    def histogram(self, rows: np.ndarray, n_bins: int) -> list[paillier.CipherArray]:
        """Per feature, per bin: product of the ciphertexts of ``rows`` falling in that bin."""
        return self.histograms([rows], n_bins)[0]

    def histograms(self, nodes: Sequence[np.ndarray], n_bins: int) -> list[list[paillier.CipherArray]]:
        """``histogram`` for each node of a level, computed together (one wait per level)."""
        nodes = [self._check(rows, n_bins) for rows in nodes]
        if not nodes:
            return []
        if self.shards == 1:
            flats = []
            for rows in nodes:
                flat, done = _kernel(self._cts, self.bins, rows, n_bins, self.nsq)
                self.multiplications += done
                flats.append(flat)
        else:
            flats = self._parallel(nodes, n_bins)
        n = self.pub.n
        return [[paillier.CipherArray(n, flat[f * n_bins:(f + 1) * n_bins])
                 for f in range(self.n_features)] for flat in flats]

    def _parallel(self, nodes: list[np.ndarray], n_bins: int) -> list[list[mpz]]:
        S, level = self.shards, secrets.token_hex(8)
        local = [[] for _ in range(S)]  # per shard, per node: indices into the shard
        for rows in nodes:
            shard = rows % S
            for s in range(S):
                local[s].append(rows[shard == s] // S)
        lengths = [np.array([len(r) for r in parts], dtype=np.int64).tobytes() for parts in local]
        args = [(self.token, level, s, np.concatenate(local[s]).tobytes(), lengths[s], n_bins)
                for s in range(S)]

        def carry(s: int) -> tuple:
            rows = np.concatenate(local[s]) * S + s  # global rows, node after node
            sub = np.ascontiguousarray(self.bins[rows])
            self.carried += 1
            self.carried_rows += len(rows)
            return task_carried, (self.token, level, int(self.nsq), self.width, self._blob(rows),
                                  sub.tobytes(), sub.shape, lengths[s], n_bins)

        try:
            self.multiplications += sum(self.ex.run_affine(
                task_level, args, [s % self.workers for s in range(S)], carry))
        finally:
            replies = self.ex.run_each(task_collect, [(self.token, level, self.width)] * self.workers)
        cells = self.n_features * n_bins
        flat, nsq = [_ONE] * (len(nodes) * cells), self.nsq
        for blob in replies:
            if blob:
                flat, merged = _merge(flat, paillier.from_trusted_blob(blob, self.width), nsq)
                self.multiplications += merged
        return [flat[k * cells:(k + 1) * cells] for k in range(len(nodes))]

    def close(self) -> None:
        """Free the worker shards (call when the tree is done)."""
        if self.workers > 1:
            self.ex.run_each(task_release, [(self.token,)] * self.workers)
            self.workers = self.shards = 0
        self._cts = []

    def __enter__(self) -> "HistogramSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _merge(a: list[mpz], b: list[mpz], nsq: mpz) -> tuple[list[mpz], int]:
    """Cell-wise product of two partial histograms (identity cells skipped) and the
    multiplications it took."""
    done = sum(1 for x, y in zip(a, b) if x != 1 and y != 1)
    return [y if x == 1 else x if y == 1 else x * y % nsq for x, y in zip(a, b)], done


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

_MAX_TREES = 2  # current tree (and at most one not yet released)


@state_task
def task_load(state: WorkerState, token: str, modulus: int, width: int, shard: int, n_rows: int,
              start: int, blob: bytes, bins: bytes, n_features: int) -> int:
    """Keep rows ``start..`` of a tree's shard (``n_rows`` in all) on this worker: ciphertexts as
    wire rows, and their bins; returns the rows received so far. Pieces arrive in order into
    buffers sized once per shard, so neither this worker nor the sender holds a shard twice.
    Kept as bytes and parsed per level a slice at a time: integers would hold ~15 % more per
    ciphertext plus an object each, for a parse of ~1 % of a level's work."""
    trees = state.store("histogram shards")
    if token not in trees:
        while len(trees) >= _MAX_TREES:
            trees.pop(next(iter(trees)))
        trees[token] = (mpz(modulus), width, {})
    held = trees[token][2]
    count = len(blob) // width
    if start == 0:
        held[shard] = (np.empty((n_rows, width), np.uint8), np.empty((n_rows, n_features), np.uint8))
    cts, shard_bins = held[shard]
    if start + count > len(cts) or len(blob) != count * width or len(bins) != count * n_features:
        raise LocalProtocolError("A histogram shard piece does not fit its shard.")
    cts[start:start + count] = _wire_rows(blob, width)
    shard_bins[start:start + count] = np.frombuffer(bins, np.uint8).reshape(count, n_features)
    return start + count


def _node_rows(lengths: bytes, rows: np.ndarray) -> list[np.ndarray]:
    ends = np.cumsum(np.frombuffer(lengths, dtype=np.int64))
    return np.split(rows, ends[:-1])


def _accumulate(state: WorkerState, key: tuple, cts, bins, nodes: list[np.ndarray], n_bins: int,
                nsq: mpz) -> int:
    """This part's node histograms multiplied into the worker's partial for the level; returns the
    multiplications done. Concurrent tasks on one worker (a Dask worker with threads) merge under
    the state lock by taking the partial out, merging and putting it back."""
    flat, done = [], 0
    for rows in nodes:
        part, d = _kernel(cts, bins, rows, n_bins, nsq)
        flat.extend(part)
        done += d
    levels = state.store("histogram levels")
    while True:
        with state.lock:
            other = levels.pop(key, None)
            if other is None:
                levels[key] = flat
                return done
        flat, merged = _merge(other, flat, nsq)
        done += merged


@state_task
def task_level(state: WorkerState, token: str, level: str, shard: int, rows_bytes: bytes,
               lengths: bytes, n_bins: int) -> int:
    """A level's nodes over one shard this worker holds."""
    trees = state.store("histogram shards")
    if token not in trees or shard not in trees[token][2]:
        raise LocalProtocolError("The histogram shard for this tree is gone.")
    nsq, _, held = trees[token]
    cts, bins = held[shard]
    nodes = _node_rows(lengths, np.frombuffer(rows_bytes, dtype=np.int64))
    return _accumulate(state, (token, level), cts, bins, nodes, n_bins, nsq)


@state_task
def task_carried(state: WorkerState, token: str, level: str, modulus: int, width: int, blob: bytes,
                 bins_bytes: bytes, shape: tuple[int, int], lengths: bytes, n_bins: int) -> int:
    """A level's nodes over another worker's shard, its rows' ciphertexts and bins sent along
    (node after node)."""
    cts = _wire_rows(blob, width)  # parsed a slice at a time, like a held shard
    bins = np.frombuffer(bins_bytes, dtype=np.uint8).reshape(shape)
    nodes = _node_rows(lengths, np.arange(len(cts), dtype=np.int64))
    return _accumulate(state, (token, level), cts, bins, nodes, n_bins, mpz(modulus))


@state_task
def task_collect(state: WorkerState, token: str, level: str, width: int) -> bytes:
    """This worker's partial for the level (b"" if it ran no part of it), forgotten here."""
    flat = state.store("histogram levels").pop((token, level), None)
    return b"" if flat is None else paillier.to_blob(flat, width)


@state_task
def task_release(state: WorkerState, token: str) -> None:
    state.store("histogram shards").pop(token, None)
    levels = state.store("histogram levels")
    for key in [k for k in levels if k[0] == token]:
        levels.pop(key, None)
