"""Weight of evidence and information value per merged bin, the IV table, selection by IV.

Definitions (event = label 1, the campaign's response; P, N = positives, negatives in all bins):

    p_b = (pos_b + 0.5) / (P + 0.5 K),  n_b = (neg_b + 0.5) / (N + 0.5 K)   (K bins, missing included)
    WOE_b = ln(p_b / n_b),   IV_b = (p_b - n_b) WOE_b,   IV = sum_b IV_b

The 0.5 added to every cell (Laplace smoothing) keeps an empty cell finite: a bin without
positives gets a large negative WOE instead of minus infinity, and the shares still sum to one.
A missing bin that no training row fell into gets WOE 0 (neutral), so a customer with a missing
value at scoring time moves the score by nothing. Positive WOE means a higher event rate than
average, so the regression's weights on WOE are positive as a rule.

The bank computes this for its own bins and for the partner's from decrypted per-bin counts
(federated.py); the WOE of partner bins stays with the bank (the partner enters the regression by
the one-hot of its merged bins, docs/scorecard.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from app.errors import ValidationError

SMOOTHING = 0.5


@dataclass(frozen=True)
class WoeParams:
    """The binning and selection part of a scorecard job (both parties approve it)."""

    fine_bins: int = 20              # equal-frequency bins before merging
    min_bin_share: float = 0.05      # no merged bin holds fewer of the training rows
    iv_threshold: float = 0.02       # features below it stay out of the regression
    partner_names: bool = False      # the partner lets the bank see its feature names

    def __post_init__(self) -> None:
        checks = [(2 <= self.fine_bins <= 100, "card.fine_bins"),
                  (0.0 <= self.min_bin_share < 0.5, "card.min_bin_share"),
                  (0.0 <= self.iv_threshold <= 10.0, "card.iv_threshold")]
        for ok, code in checks:
            if not ok:
                raise ValidationError.coded(code)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class FeatureWoe:
    """One feature's merged bins as the bank sees them (counts and WOE per merged bin)."""

    name: str                 # partner features: partner_01, ... unless the partner names them
    party: str                # "bank" | "partner"
    mapping: np.ndarray       # fine slot -> merged bin (missing last)
    pos: np.ndarray
    neg: np.ndarray
    woe: np.ndarray = field(init=False)
    iv_bins: np.ndarray = field(init=False)
    iv: float = field(init=False)
    selected: bool = False

    def __post_init__(self) -> None:
        self.woe, self.iv_bins = woe_iv(self.pos, self.neg)
        self.iv = float(self.iv_bins.sum())

    @property
    def n_bins(self) -> int:
        """Merged bins, missing included."""
        return len(self.pos)

    def to_plain(self) -> dict:
        return {"name": self.name, "party": self.party, "mapping": self.mapping.astype(np.uint8),
                "pos": self.pos.astype(np.int64), "neg": self.neg.astype(np.int64),
                "selected": bool(self.selected)}

    @classmethod
    def from_plain(cls, d: dict) -> "FeatureWoe":
        out = cls(str(d["name"]), str(d["party"]), np.asarray(d["mapping"], np.uint8),
                  np.asarray(d["pos"], np.int64), np.asarray(d["neg"], np.int64))
        out.selected = bool(d["selected"])
        return out


def woe_iv(pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WOE and IV per bin from counts (smoothed as in the module docstring; the missing bin is
    the last one and gets WOE 0 when no row fell into it)."""
    pos = np.asarray(pos, dtype=np.float64)
    neg = np.asarray(neg, dtype=np.float64)
    k = len(pos)
    p = (pos + SMOOTHING) / (pos.sum() + SMOOTHING * k)
    n = (neg + SMOOTHING) / (neg.sum() + SMOOTHING * k)
    woe = np.log(p / n)
    if pos[-1] + neg[-1] == 0:
        woe[-1] = 0.0
    iv = (p - n) * woe
    return woe, iv


def partner_name(i: int) -> str:
    """The anonymous name of the partner's ``i``-th feature (0-based) at the bank."""
    return f"partner_{i + 1:02d}"


def select(features: list[FeatureWoe], threshold: float) -> None:
    """Mark the features whose IV reaches the threshold."""
    for f in features:
        f.selected = bool(f.iv >= threshold)


def iv_table(features: list[FeatureWoe]) -> list[dict]:
    """One row per feature, highest IV first: what the report and the XLSX show."""
    rows = [{"feature": f.name, "party": f.party, "iv": round(f.iv, 6), "bins": f.n_bins,
             "selected": f.selected, "strength": strength(f.iv)} for f in features]
    return sorted(rows, key=lambda r: (-r["iv"], r["feature"]))


def strength(iv: float) -> str:
    """The usual reading of an IV (Siddiqi): a label for the table, not a rule."""
    if iv < 0.02:
        return "useless"
    if iv < 0.1:
        return "weak"
    if iv < 0.3:
        return "medium"
    if iv < 0.5:
        return "strong"
    return "suspicious"


def woe_matrix(features: list[FeatureWoe], merged: np.ndarray) -> np.ndarray:
    """The bank's regression input: WOE of each row's merged bin, selected features only."""
    cols = [f.woe[merged[:, j]] for j, f in enumerate(features) if f.selected]
    return np.column_stack(cols) if cols else np.zeros((merged.shape[0], 0))


def one_hot(n_bins: list[int], merged: np.ndarray) -> np.ndarray:
    """The partner's regression input: one column per merged bin (missing included) of each
    selected feature; ``merged`` holds only the selected features' bins."""
    blocks = [np.eye(k, dtype=np.float64)[merged[:, j]] for j, k in enumerate(n_bins)]
    return np.hstack(blocks) if blocks else np.zeros((merged.shape[0], 0))
