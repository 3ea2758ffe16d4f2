"""Split finding on integer (g, h) histograms and the label party's per-tree node bookkeeping.

Histograms hold exact integer sums on the job's fixed-point grid (see gradients.py), whether they
came from the label party's own bincount or from decrypted partner ciphertexts; the gain is the
XGBoost exact formula evaluated on bins, with the missing-value slot tried on both sides.
Nodes are numbered like a heap (root 0, children 2i+1 and 2i+2) and grown level by level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OWN, PARTNER = 0, 1


@dataclass
class Hist:
    """Integer sums per (feature, bin slot); the last slot is the missing-value bin."""

    g: np.ndarray  # int64, features x slots
    h: np.ndarray
    c: np.ndarray  # row counts

    def __sub__(self, other: "Hist") -> "Hist":
        return Hist(self.g - other.g, self.h - other.h, self.c - other.c)

    @classmethod
    def empty(cls, n_features: int, n_slots: int) -> "Hist":
        z = np.zeros((n_features, n_slots), dtype=np.int64)
        return cls(z, z.copy(), z.copy())


@dataclass(frozen=True)
class SplitParams:
    reg_lambda: float = 1.0
    min_child_weight: float = 1.0
    min_leaf_size: int = 1
    scale: float = 2.0 ** 24  # fixed-point scale of the integer sums


@dataclass
class Split:
    owner: int         # OWN (label party) or PARTNER
    feature: int       # column of the owner's (sub-sampled) histogram
    bin: int           # bins 0..bin go left
    missing_left: bool
    gain: float


def own_histogram(bins: np.ndarray, rows: np.ndarray, g_int: np.ndarray, h_int: np.ndarray,
                  n_slots: int) -> Hist:
    """Plaintext histogram of the label party's own binned features over ``rows``.

    float64 bincount is exact here: every partial sum is an integer below 2**53.
    """
    n_feat = bins.shape[1]
    if n_feat == 0:
        return Hist.empty(0, n_slots)
    flat = (bins[rows].astype(np.int64) + np.arange(n_feat, dtype=np.int64) * n_slots).ravel()
    size = n_feat * n_slots
    gw = np.repeat(g_int[rows].astype(np.float64), n_feat)
    hw = np.repeat(h_int[rows].astype(np.float64), n_feat)
    shape = (n_feat, n_slots)
    return Hist(np.bincount(flat, weights=gw, minlength=size).astype(np.int64).reshape(shape),
                np.bincount(flat, weights=hw, minlength=size).astype(np.int64).reshape(shape),
                np.bincount(flat, minlength=size).astype(np.int64).reshape(shape))


def best_split(hists: list[tuple[int, Hist]], totals: tuple[int, int, int],
               p: SplitParams) -> Split | None:
    """Best (owner, feature, bin, missing direction) over all offered histograms, or None.

    Ties keep the first candidate in (owner order, feature, bin, missing-right-first) order, so
    every backend that yields the same integers picks the same split.
    """
    G, H, C = totals
    Gf, Hf = G / p.scale, H / p.scale
    parent = Gf * Gf / (Hf + p.reg_lambda)
    best: Split | None = None
    for owner, hist in hists:
        if hist.g.shape[0] == 0:
            continue
        gains = _gains(hist, Gf, Hf, C, parent, p)
        idx = int(np.argmax(gains))
        gain = float(gains.flat[idx])
        if gain > 0.0 and (best is None or gain > best.gain):
            f, b, d = np.unravel_index(idx, gains.shape)
            best = Split(owner, int(f), int(b), bool(d == 1), gain)
    return best


def _gains(hist: Hist, Gf: float, Hf: float, C: int, parent: float, p: SplitParams) -> np.ndarray:
    """features x bins x (missing right, missing left) gains; -inf where a child is too small."""
    gl = np.cumsum(hist.g[:, :-1], axis=1) / p.scale
    hl = np.cumsum(hist.h[:, :-1], axis=1) / p.scale
    cl = np.cumsum(hist.c[:, :-1], axis=1)
    gm, hm, cm = hist.g[:, -1:] / p.scale, hist.h[:, -1:] / p.scale, hist.c[:, -1:]
    GL = np.stack([gl, gl + gm], axis=2)
    HL = np.stack([hl, hl + hm], axis=2)
    CL = np.stack([cl, cl + cm], axis=2)
    GR, HR, CR = Gf - GL, Hf - HL, C - CL
    gain = GL * GL / (HL + p.reg_lambda) + GR * GR / (HR + p.reg_lambda) - parent
    ok = ((HL >= p.min_child_weight) & (HR >= p.min_child_weight)
          & (CL >= max(1, p.min_leaf_size)) & (CR >= max(1, p.min_leaf_size)))
    return np.where(ok, gain, -np.inf)


def leaf_weight(G: int, H: int, p: SplitParams, learning_rate: float) -> float:
    return float(-learning_rate * (G / p.scale) / (H / p.scale + p.reg_lambda))


def goes_left(bins_col: np.ndarray, split_bin: int, missing_bin: int, missing_left: bool) -> np.ndarray:
    """Routing rule shared by training and scoring, applied by whoever owns the feature."""
    b = bins_col.astype(np.int64)
    return np.where(b == missing_bin, missing_left, b <= split_bin)


def smaller_child(n_left: int, n_right: int) -> int:
    """Which child (0 left, 1 right) gets a direct histogram; the other is parent minus it."""
    return 0 if n_left <= n_right else 1


@dataclass
class Node:
    """A node of the tree being grown, as the label party sees it."""

    id: int
    depth: int
    rows: np.ndarray            # sorted indices into the tree's sampled rows
    totals: tuple[int, int, int]
    own: Hist | None = None
    partner: Hist | None = None
    split: Split | None = None
    split_ref: int = -1        # partner's model id for a PARTNER split
    value: float = 0.0


def children(node_id: int) -> tuple[int, int]:
    return 2 * node_id + 1, 2 * node_id + 2
