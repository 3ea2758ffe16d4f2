"""What both SS-LR roles compute alike on their shares: batches, z, the sigmoid, the update.

Role 0 is the bank (labels, intercept), role 1 the partner. Each role holds, over Z_2^64 with
``ring.FRAC_BITS`` fractional bits: its share of its own weights, its share of the peer's
weights, and per batch its shares of z, z^2, z^3, y·z and the residual e. The sigmoid is the
cubic 0.5 + 0.197·z - 0.004·z^3 (docs/scorecard.md: range and error); the loss is its
second-order expansion log 2 - y'z/2 + z^2/8 with y' = 2y - 1, summed per epoch on shares.
"""

from __future__ import annotations

import numpy as np

from app.crypto.mpc import BeaverMul, Triples, ring
from app.executor import Executor
from app.protocols.scorecard.cross import Columns, OwnKey, PeerKey
from app.protocols.scorecard.params import LRParams

SIGMOID = (0.5, 0.197, -0.004)     # c0 + c1·z + c3·z^3
STEP_BITS = 24                     # precision of the public step size lr / batch rows
F = ring.FRAC_BITS


def batches(params: LRParams, n_rows: int, epoch: int) -> list[np.ndarray]:
    """The epoch's mini-batches of training rows, from the shared seed (both parties agree)."""
    train, _ = split(params, n_rows)
    order = np.random.default_rng([params.seed, 1, epoch]).permutation(train)
    return [np.sort(order[i:i + params.batch_size]) for i in range(0, len(order), params.batch_size)]


def split(params: LRParams, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, validation rows) from the shared seed."""
    n_valid = int(round(n_rows * params.valid_fraction))
    perm = np.random.default_rng([params.seed, 0]).permutation(n_rows)
    return np.sort(perm[n_valid:]), np.sort(perm[:n_valid])


def triples_per_epoch(params: LRParams, n_rows: int) -> int:
    """z^2, z^3 and y·z for every training row."""
    return 3 * len(split(params, n_rows)[0])


class Side:
    """One party's shares and arithmetic (``role`` 0: bank, 1: partner)."""

    def __init__(self, role: int, params: LRParams, cols: Columns, executor: Executor) -> None:
        self.role, self.p, self.cols, self.ex = role, params, cols, executor
        self.own_w = np.zeros(cols.n_features, dtype=np.uint64)   # our share of our weights
        self.peer_w: np.ndarray | None = None                     # our share of the peer's
        self.key = OwnKey(executor, params.key_bits)
        self.peer_key: PeerKey | None = None
        self.peer_features = 0
        self.triples: Triples | None = None
        self.seq = 0
        self.loss_share = np.uint64(0)

    def meet(self, key_n: bytes, n_features: int) -> None:
        self.peer_key = PeerKey(self.ex, int.from_bytes(key_n, "big"), self.p.key_bits)
        self.peer_features = n_features
        self.peer_w = np.zeros(n_features, dtype=np.uint64)

    def z_share(self, rows: np.ndarray, own_cross: np.ndarray, peer_cross: np.ndarray) -> np.ndarray:
        """Our share of z = X_own·w_own + X_peer·w_peer for ``rows`` (truncated to F bits):
        ``own_cross`` our share of X_own·(peer's share of w_own), ``peer_cross`` of X_peer·(ours)."""
        local = (self.cols.ring_matrix(rows) * self.own_w[None, :]).sum(axis=1, dtype=np.uint64)
        return ring.truncate(self.role, local + own_cross + peer_cross, F)

    def mul(self, x: np.ndarray, y: np.ndarray, frac_bits: int = F) -> BeaverMul:
        use, self.triples = self.triples.take(len(x))
        self.seq += 1
        return BeaverMul(self.role, x, y, use, frac_bits=frac_bits, seq=self.seq)

    def residual(self, z: np.ndarray, z3: np.ndarray, y_ring: np.ndarray | None) -> np.ndarray:
        """Our share of e = sigmoid(z) - y (the bank subtracts its labels)."""
        c0, c1, c3 = SIGMOID
        s = ring.add(ring.mul_public_fixed(self.role, z, c1), ring.mul_public_fixed(self.role, z3, c3))
        s = ring.add_public(self.role, s, ring.encode(c0))
        return s if y_ring is None else ring.sub(s, y_ring)

    def add_loss(self, z: np.ndarray, z2: np.ndarray, yz: np.ndarray) -> None:
        """Accumulate our share of 8·sum(-y·z + z/2 + z^2/8) (integer factors: no truncation)."""
        part = (np.uint64(4) * z + z2 - np.uint64(8) * yz).sum(dtype=np.uint64)
        self.loss_share = (np.array([self.loss_share, part], dtype=np.uint64).sum(dtype=np.uint64))

    def local_gradient(self, rows: np.ndarray, e: np.ndarray) -> np.ndarray:
        """X_own^T · (our share of e), 2F fractional bits."""
        return (self.cols.ring_matrix(rows) * e[:, None]).sum(axis=0, dtype=np.uint64)

    def update(self, w: np.ndarray, grad: np.ndarray, n_batch: int, intercept: bool) -> np.ndarray:
        """w - lr·(grad / n_batch + l2·w) on shares; ``grad`` has 2F fractional bits."""
        g = ring.truncate(self.role, grad, F)
        step = int(round(self.p.learning_rate / n_batch * (1 << STEP_BITS)))
        g = ring.truncate(self.role, ring.mul_public(g, step), STEP_BITS)
        decay = np.full(len(w), 1.0 - self.p.learning_rate * self.p.l2)
        if intercept:
            decay[0] = 1.0
        return ring.sub(ring.mul_public_fixed(self.role, w, decay), g)
