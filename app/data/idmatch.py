"""Where each wanted identifier sits in an array of identifiers: one sort, one binary search.

Identifiers are numpy byte strings (``S`` dtypes of any width); both sides are compared at a common
width so that zero padding never makes two different widths disagree.
"""

from __future__ import annotations

import numpy as np


def positions(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index into ``keys`` of each of ``wanted`` (int64), -1 where it is absent."""
    wanted = np.asarray(wanted)
    if not len(keys) or not len(wanted):
        return np.full(len(wanted), -1, np.int64)
    width = max(keys.dtype.itemsize, wanted.dtype.itemsize, 1)
    keys, wanted = keys.astype(f"S{width}"), wanted.astype(f"S{width}")
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    pos = np.minimum(np.searchsorted(ranked, wanted), len(ranked) - 1)
    return np.where(ranked[pos] == wanted, order[pos], -1).astype(np.int64)
