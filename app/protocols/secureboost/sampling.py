"""Row and feature sets both parties derive from the job's shared seed (nothing to send, nothing to trust).

Every draw uses its own generator keyed by (seed, purpose, tree), so a run resumed from a checkpoint
draws exactly what an uninterrupted run would have drawn.
"""

from __future__ import annotations

import numpy as np

_VALID, _ROWS, _COLS = 1, 2, 3


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, *key])


def train_valid_split(n_rows: int, valid_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted training and validation row indices into the aligned table."""
    n_valid = int(round(n_rows * valid_fraction))
    perm = _rng(seed, _VALID).permutation(n_rows)
    return np.sort(perm[n_valid:]), np.sort(perm[:n_valid])


def tree_rows(train_rows: np.ndarray, rate: float, seed: int, tree: int) -> np.ndarray:
    """The training rows used by one tree (all of them unless row subsampling is on)."""
    if rate >= 1.0:
        return train_rows
    keep = _rng(seed, _ROWS, tree).random(len(train_rows)) < rate
    return train_rows[keep]


def tree_features(n_features: int, rate: float, seed: int, tree: int, party: int) -> np.ndarray:
    """Sorted feature positions one party offers for one tree (at least one)."""
    if rate >= 1.0 or n_features == 0:
        return np.arange(n_features)
    k = max(1, int(round(n_features * rate)))
    return np.sort(_rng(seed, _COLS, tree, party).permutation(n_features)[:k])
