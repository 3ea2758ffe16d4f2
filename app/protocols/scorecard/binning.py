"""Scorecard bins: equal-frequency fine bins, then merged until the event rate is monotone.

A scorecard is read by people, so each feature gets a few bins whose event rate moves one way.
Fine bins are SecureBoost's own (quantile edges, categories by frequency, missing as the last slot;
app/protocols/secureboost/binning.py), so a party bins its columns the same way for both models.
The merge works on per-fine-bin (positive, negative) counts only, so the bank runs the same code on
its own counts and on the decrypted counts of the partner's bins, and tells the partner the result
as a map from fine-bin index to merged-bin index: no edge or category ever crosses.

Merging, in order:
1. **minimum share** — a bin holding fewer than ``min_share`` of the rows (an empty one too) is
   merged into its smaller neighbour, until every bin is large enough or one is left;
2. **monotone** — the direction is the sign of the count-weighted trend of the event rate over the
   bin order; adjacent bins that break it are pooled (pool-adjacent-violators) until none does.
Categorical features have no order: their fine bins are first sorted by event rate (so step 2 has
nothing to do) and the map may then group non-adjacent categories.
Missing values keep their own merged bin, always the last index (``n_merged``), never pooled.
"""

from __future__ import annotations

import numpy as np

from app.errors import ValidationError

MAX_MERGED = 254  # merged bins of one feature (plus missing) still fit a uint8


def merge_map(pos: np.ndarray, neg: np.ndarray, min_share: float, categorical: bool = False,
              total: int | None = None) -> np.ndarray:
    """Map (fine slot -> merged bin) from per-slot counts; the last slot is the missing one.

    ``pos``/``neg``: counts per fine slot, missing last. ``total``: rows the share refers to
    (default: all counted rows). Merged value bins are ``0..k-1``; missing maps to ``k``.
    """
    pos = np.asarray(pos, dtype=np.int64)
    neg = np.asarray(neg, dtype=np.int64)
    if pos.shape != neg.shape or pos.ndim != 1 or len(pos) < 2 or (pos < 0).any() or (neg < 0).any():
        raise ValidationError.coded("card.bin_counts")
    if not 0.0 <= min_share < 0.5:
        raise ValidationError.coded("card.min_bin_share")
    total = int(pos.sum() + neg.sum()) if total is None else int(total)
    vp, vn = pos[:-1], neg[:-1]
    order = list(range(len(vp)))
    if categorical:  # no natural order: rank categories by event rate (empty ones last)
        rate = np.where(vp + vn > 0, vp / np.maximum(vp + vn, 1), np.inf)
        order = sorted(order, key=lambda i: (rate[i], i))
    groups = [[i] for i in order]
    groups = _merge_small(groups, vp, vn, max(1, int(np.ceil(min_share * total))))
    if not categorical:
        groups = _merge_monotone(groups, vp, vn)
    if len(groups) > MAX_MERGED:
        raise ValidationError.coded("card.too_many_bins", maximum=MAX_MERGED)
    out = np.empty(len(pos), dtype=np.uint8)
    for k, group in enumerate(groups):
        out[group] = k
    out[-1] = len(groups)
    return out


def _size(group, vp, vn) -> int:
    return int(vp[group].sum() + vn[group].sum())


def _merge_small(groups: list[list[int]], vp, vn, min_rows: int) -> list[list[int]]:
    groups = [list(g) for g in groups]
    while len(groups) > 1:
        sizes = [_size(g, vp, vn) for g in groups]
        i = int(np.argmin(sizes))
        if sizes[i] >= min_rows:
            break
        if i == 0:
            j = 1
        elif i == len(groups) - 1:
            j = i - 1
        else:  # the smaller neighbour; ties go left (deterministic)
            j = i - 1 if sizes[i - 1] <= sizes[i + 1] else i + 1
        a, b = min(i, j), max(i, j)
        groups[a:b + 1] = [groups[a] + groups[b]]
    return groups


def _rates(groups, vp, vn) -> tuple[np.ndarray, np.ndarray]:
    p = np.array([vp[g].sum() for g in groups], dtype=np.float64)
    n = np.array([vn[g].sum() for g in groups], dtype=np.float64)
    return p, n


def trend(groups: list[list[int]], vp, vn) -> int:
    """+1 when the event rate rises over the bin order, -1 when it falls (count-weighted)."""
    p, n = _rates(groups, vp, vn)
    w = p + n
    if w.sum() == 0:
        return 1
    rate = np.divide(p, w, out=np.zeros_like(p), where=w > 0)
    x = np.arange(len(groups), dtype=np.float64)
    mx, mr = (w * x).sum() / w.sum(), (w * rate).sum() / w.sum()
    return -1 if (w * (x - mx) * (rate - mr)).sum() < 0 else 1


def _merge_monotone(groups: list[list[int]], vp, vn) -> list[list[int]]:
    sign = trend(groups, vp, vn)
    groups = [list(g) for g in groups]
    while True:
        p, n = _rates(groups, vp, vn)
        rate = p / np.maximum(p + n, 1.0)
        bad = [i for i in range(len(groups) - 1) if sign * (rate[i + 1] - rate[i]) < 0]
        if not bad:
            return groups
        i = bad[0]
        groups[i:i + 2] = [groups[i] + groups[i + 1]]


def is_monotone(pos: np.ndarray, neg: np.ndarray) -> bool:
    """Whether the event rates of value bins (missing excluded) move one way only."""
    pos, neg = np.asarray(pos, float)[:-1], np.asarray(neg, float)[:-1]
    rate = pos / np.maximum(pos + neg, 1.0)
    d = np.diff(rate)
    return bool((d >= 0).all() or (d <= 0).all())


def merged_counts(mapping: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per merged bin (missing last) counts from per-fine-slot counts."""
    k = int(mapping[-1]) + 1
    return (np.bincount(mapping, weights=pos, minlength=k).astype(np.int64),
            np.bincount(mapping, weights=neg, minlength=k).astype(np.int64))


def check_map(mapping: np.ndarray, n_slots: int) -> np.ndarray:
    """A received merge map: one entry per fine slot, value bins 0..k-1 all used, missing = k."""
    mapping = np.asarray(mapping)
    if mapping.shape != (n_slots,):
        raise ValidationError.coded("card.merge_map_length")
    k = int(mapping[-1])
    values = mapping[:-1]
    if k < 1 or (values >= k).any() or len(np.unique(values)) != k:
        raise ValidationError.coded("card.merge_map_grouping")
    return mapping.astype(np.uint8)


def apply_map(mapping: np.ndarray, fine: np.ndarray) -> np.ndarray:
    """Merged bin per row from its fine slot (uint8 in, uint8 out)."""
    return np.asarray(mapping, dtype=np.uint8)[np.asarray(fine, dtype=np.intp)]


def fine_counts(fine: np.ndarray, y: np.ndarray, n_slots: int) -> tuple[np.ndarray, np.ndarray]:
    """Per fine slot (positive, negative) counts of one column (the bank's own features)."""
    fine = np.asarray(fine, dtype=np.intp)
    y = np.asarray(y) > 0
    pos = np.bincount(fine[y], minlength=n_slots)
    return pos.astype(np.int64), (np.bincount(fine, minlength=n_slots) - pos).astype(np.int64)
