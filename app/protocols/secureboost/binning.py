"""Per-party feature binning: each party bins only its own columns and keeps the edges private.

Numeric columns get quantile bins (at most ``n_bins``); categorical values get one bin each, ordered
by frequency, with rare values merged into one "other" bin. Every feature reserves the same index
``n_bins`` for missing values, so a histogram always has ``n_bins + 1`` slots and a split at bin ``b``
means "bins 0..b go left", with the missing slot routed left or right as learned during training.
The thresholds never leave the party: the label party only ever sees bin indices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.errors import ValidationError

MAX_BINS = 254  # bins fit a uint8 with one slot left for "missing"


@dataclass
class FeatureBins:
    """How one column maps to bin indices (numeric: upper edges; categorical: value -> bin)."""

    name: str
    kind: str  # "numeric" | "categorical"
    edges: list[float] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # bin i holds categories[i]; the rest: other

    @property
    def n_used(self) -> int:
        """Bins holding non-missing values."""
        if self.kind == "numeric":
            return len(self.edges) + 1
        return len(self.categories) + 1  # + the "other" bin

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "edges": list(self.edges),
                "categories": list(self.categories)}

    @classmethod
    def from_dict(cls, d: dict) -> "FeatureBins":
        return cls(str(d["name"]), str(d["kind"]), [float(x) for x in d["edges"]],
                   [str(x) for x in d["categories"]])


@dataclass
class Binning:
    """All of one party's features; ``transform`` gives the uint8 matrix the protocol works on."""

    n_bins: int
    features: list[FeatureBins]

    @property
    def missing_bin(self) -> int:
        return self.n_bins

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def transform(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        """Bin a table (name -> column); returns rows x features uint8."""
        n = _n_rows(columns)
        out = np.empty((n, len(self.features)), dtype=np.uint8)
        for j, fb in enumerate(self.features):
            if fb.name not in columns:
                raise ValidationError.coded("training.column_missing", column=fb.name)
            out[:, j] = _bin_column(fb, columns[fb.name], self.missing_bin)
        return out

    def to_dict(self) -> dict:
        return {"n_bins": self.n_bins, "features": [f.to_dict() for f in self.features]}

    @classmethod
    def from_dict(cls, d: dict) -> "Binning":
        return cls(int(d["n_bins"]), [FeatureBins.from_dict(f) for f in d["features"]])


def fit_binning(columns: dict[str, np.ndarray], categorical: set[str] | frozenset = frozenset(),
                n_bins: int = 32, min_category_share: float = 0.001) -> Binning:
    """Learn bins from one party's own table; column order is kept."""
    if not 2 <= n_bins <= MAX_BINS:
        raise ValidationError.coded("training.bins_range", maximum=MAX_BINS)
    _n_rows(columns)
    feats = []
    for name, col in columns.items():
        if name in categorical:
            feats.append(_fit_categorical(name, col, n_bins, min_category_share))
        else:
            feats.append(_fit_numeric(name, col, n_bins))
    return Binning(n_bins, feats)


def _n_rows(columns: dict[str, np.ndarray]) -> int:
    sizes = {len(c) for c in columns.values()}
    if len(sizes) > 1:
        raise ValidationError.coded("training.ragged_columns")
    return sizes.pop() if sizes else 0


def _as_float(name: str, col: np.ndarray) -> np.ndarray:
    try:
        return np.asarray(col, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError.coded("training.non_numeric", column=name) from None


def _fit_numeric(name: str, col: np.ndarray, n_bins: int) -> FeatureBins:
    x = _as_float(name, col)
    x = x[np.isfinite(x)]
    uniq = np.unique(x)
    if len(uniq) == 0:  # all missing: everything lands in the missing bin
        return FeatureBins(name, "numeric")
    if len(uniq) <= n_bins:
        # Each distinct value its own bin: cut half way between neighbours.
        edges = (uniq[:-1] + uniq[1:]) / 2.0
    else:
        qs = np.quantile(x, np.linspace(0.0, 1.0, n_bins + 1)[1:-1], method="linear")
        edges = np.unique(qs)
        edges = edges[edges > uniq[0]]  # a cut at the minimum would leave an empty first bin
    return FeatureBins(name, "numeric", edges=[float(e) for e in edges])


def _fit_categorical(name: str, col: np.ndarray, n_bins: int, min_share: float) -> FeatureBins:
    values = [_cat_key(v) for v in col]
    present = [v for v in values if v is not None]
    uniq, counts = np.unique(np.array(present, dtype=object).astype(str), return_counts=True) \
        if present else (np.array([], dtype=str), np.array([], dtype=np.int64))
    order = sorted(range(len(uniq)), key=lambda i: (-int(counts[i]), str(uniq[i])))
    min_count = max(1, int(np.ceil(min_share * len(values))))
    kept = [str(uniq[i]) for i in order if counts[i] >= min_count][: n_bins - 1]
    return FeatureBins(name, "categorical", categories=kept)


def _cat_key(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    s = str(v)
    return s if s != "" else None


def _bin_column(fb: FeatureBins, col: np.ndarray, missing_bin: int) -> np.ndarray:
    if fb.kind == "numeric":
        x = _as_float(fb.name, col)
        out = np.searchsorted(np.asarray(fb.edges, dtype=np.float64), x, side="right")
        out[~np.isfinite(x)] = missing_bin
        return out.astype(np.uint8)
    lookup = {c: i for i, c in enumerate(fb.categories)}
    other = len(fb.categories)
    out = np.empty(len(col), dtype=np.uint8)
    for i, v in enumerate(col):
        key = _cat_key(v)
        out[i] = missing_bin if key is None else lookup.get(key, other)
    return out
