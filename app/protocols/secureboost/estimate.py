"""How long training will take, from primitive costs measured on this machine.

``measure_costs`` times each homomorphic primitive through the same kernel calls training uses
(so the executor's parallelism is included) in a few seconds. ``estimate_duration`` multiplies by the
operation counts the protocol will perform; ``lower_bound`` does the same for the operation
counts a finished run actually performed (the HE floor a wall time is compared against).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np
from gmpy2 import mpz

from app.crypto import histogram as hist_kernel
from app.crypto import schemes
from app.executor import Executor
from app.protocols.secureboost.he import make_packer

OPS = ("encrypt", "ship", "add", "fold", "rerandomise", "decrypt")


@dataclass(frozen=True)
class PrimitiveCosts:
    """Seconds per operation with this machine's workers (``add``: one core's cost / workers)."""

    key_bits: int
    encrypt: float       # one packed (g, h) encryption
    ship: float          # loading one ciphertext + its bins into the histogram workers
    add: float           # one ciphertext addition (multiplication) inside a histogram
    fold: float          # folding one bin sum into a multi-bin ciphertext
    rerandomise: float   # one re-randomisation of an outgoing ciphertext
    decrypt: float       # one decryption (CRT)

    def to_dict(self) -> dict:
        return asdict(self)


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def measure_costs(ex: Executor, key_bits: int = 2048, rows: int = 4096, n_features: int = 8,
                  n_slots: int = 33, keypair=None, scale_bits: int = 24,
                  batch: int = 24, scheme: str = schemes.DEFAULT) -> PrimitiveCosts:
    """Time every primitive on small real batches (warm-up first: workers start, tables), under
    ``scheme`` (or the scheme of ``keypair``)."""
    pub, priv = keypair or schemes.get(scheme).generate_keypair(key_bits)
    he = schemes.of(pub)
    packer = make_packer(rows, scale_bits)
    rng = np.random.default_rng(0)
    g = np.rint(rng.uniform(-1, 1, rows) * packer.scale) / packer.scale
    h = np.rint(rng.uniform(0, 0.25, rows) * packer.scale) / packer.scale
    plains = packer.pack(g, h)
    he.encrypt_batch(ex, pub, plains[:64], priv=priv)  # warm-up
    cts, t_enc = _timed(lambda: he.encrypt_batch(ex, pub, plains, priv=priv))
    bins = rng.integers(0, n_slots, size=(rows, n_features), dtype=np.uint8)
    # Loading the shards has a fixed cost (a round to every worker, first-use set-up) that a run
    # of millions of rows pays once per tree, not per row: after a warm-up, price a row by the
    # difference between a whole and a quarter batch (the whole batch's average if noise makes
    # that difference vanish).
    def load(n: int):
        return _timed(lambda: hist_kernel.HistogramSession(ex, pub, cts[:n], bins[:n], parallel=True))
    load(rows)[0].close()
    part, t_part = load(rows // 4)
    part.close()
    session, t_ship = load(rows)
    ship = (t_ship - t_part) / (rows - rows // 4) if t_ship > t_part else t_ship / rows
    try:
        sums = session.histogram(np.arange(rows), n_slots)
    finally:
        session.close()
    # One addition is one multiplication mod n^2. The kernel's time per multiplication depends
    # on how much its feature grouping saves on these (random) bins, so time the primitive itself
    # on one core and assume perfect scaling over the workers: a true lower bound per operation.
    nsq, acc = he.ct_modulus(pub), mpz(1)
    t0 = time.perf_counter()
    for ct in cts.items:
        acc = acc * ct % nsq
    t_add = (time.perf_counter() - t0) / ex.size
    flat = he.concat(pub, sums)
    packed, t_fold = _timed(packer.pack_ciphertexts, ex, pub, flat)
    # A level's worth of packed histograms, as training batches them (warm-up builds tables).
    many = he.concat(pub, [packed] * (batch // max(1, len(packed)) + 1))[:batch]
    he.decrypt_batch(ex, priv, he.rerandomise_batch(ex, pub, many))
    _, t_rr = _timed(he.rerandomise_batch, ex, pub, many)
    _, t_dec = _timed(he.decrypt_batch, ex, priv, many)
    n_fold = max(1, len(flat) - len(packed))
    return PrimitiveCosts(key_bits, t_enc / rows, ship, t_add / rows,
                          t_fold / n_fold, t_rr / len(many), t_dec / len(many))


def lower_bound(ops: Counter | dict, costs: PrimitiveCosts) -> float:
    """Seconds the counted homomorphic operations need at the measured costs."""
    return float(sum(ops.get(op, 0) * getattr(costs, op) for op in OPS))


def estimate_ops(n_rows: int, partner_features: int, n_trees: int, max_depth: int, n_bins: int,
                 key_bits: int, first_tree_label_only: bool = True, valid_fraction: float = 0.2,
                 partner_bins_used: int | None = None, scale_bits: int = 24,
                 scheme: str = schemes.DEFAULT) -> Counter:
    """Operation counts of a training run (smaller children taken as half their parent)."""
    n_train = int(round(n_rows * (1 - valid_fraction)))
    he_trees = max(0, n_trees - (1 if first_tree_label_only else 0)) if partner_features else 0
    used = partner_bins_used if partner_bins_used is not None else n_bins
    sums = partner_features * (used + 1)
    packer = make_packer(n_train, scale_bits)
    he = schemes.get(scheme)
    plain_bits = he.plaintext_bits(he.PublicKey(1 << (key_bits - 1)))  # any key of key_bits bits
    per_ct = max(1, plain_bits // packer.pair_bits)
    packed = -(-sums // per_ct)
    nodes = 2 ** (max_depth - 1)          # root + smaller child of every split above the last level
    rows_hist = n_train * (1 + 0.5 * (max_depth - 1))
    per_tree = Counter(encrypt=n_train, ship=n_train, add=int(rows_hist * partner_features),
                       fold=(sums - packed) * nodes, rerandomise=packed * nodes, decrypt=packed * nodes)
    return Counter({k: v * he_trees for k, v in per_tree.items()})


def estimate_duration(n_rows: int, label_features: int, partner_features: int, n_trees: int,
                      max_depth: int, n_bins: int, key_bits: int, costs: PrimitiveCosts,
                      first_tree_label_only: bool = True, valid_fraction: float = 0.2,
                      partner_bins_used: int | None = None, scheme: str = schemes.DEFAULT) -> dict:
    """Estimated seconds (HE work plus a plaintext share for the label party's own features)."""
    ops = estimate_ops(n_rows, partner_features, n_trees, max_depth, n_bins, key_bits,
                       first_tree_label_only, valid_fraction, partner_bins_used, scheme=scheme)
    he = lower_bound(ops, costs)
    # Plaintext bincount histograms: ~20 ns per row and feature per level (numpy), all trees.
    plain = 20e-9 * n_rows * (1 - valid_fraction) * label_features * max_depth * n_trees
    return {"seconds": he + plain, "he_seconds": he, "plaintext_seconds": plain,
            "ops": dict(ops), "per_op": {op: ops.get(op, 0) * getattr(costs, op) for op in OPS}}
