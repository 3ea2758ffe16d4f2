"""Scorecard points: the regression on WOE turned into points a reviewer can add up by hand.

Score scale (job parameters): ``base_score`` points at event odds ``base_odds`` (odds = P(event) /
P(no event); event = the campaign's positive label), and ``pdo`` more points double the odds:

    factor = pdo / ln 2,   offset = base_score - factor ln(base_odds)
    score  = offset + factor ln(odds) = base points + sum of bank points + partner points

with ``ln(odds) = b0 + sum_j w_j WOE_j(bin) + sum_k v_k(bin)``: the bank's features enter by WOE
(weights w_j), the partner's by the one-hot of their merged bins (weights v_k per bin).

- base points = offset + factor b0 (one row of the card);
- a bank bin's points = factor w_j WOE_j(bin), in clear in the card;
- partner points = factor sum_k v_k(bin of the row): one column the partner computes at scoring
  time from its own weights, which never leave it; the card shows only that the column exists.

Higher points mean a likelier event (a likelier responder), which is how plans rank customers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from app.errors import RemoteProtocolError, ValidationError
from app.protocols.scorecard.woe import FeatureWoe

POINTS_SCALE = 1 << 20   # partner points on the wire: fixed point, 2^-20 of a point
MAX_POINTS = 1e9


@dataclass(frozen=True)
class PointsParams:
    base_score: float = 600.0
    base_odds: float = 1.0 / 50.0    # event odds 1:50 at the base score
    pdo: float = 20.0

    def __post_init__(self) -> None:
        checks = [(0.0 <= self.base_score <= 1e5, "card.base_score"),
                  (1e-6 <= self.base_odds <= 1e6, "card.base_odds"),
                  (0.1 <= self.pdo <= 1e4, "card.pdo")]
        for ok, code in checks:
            if not ok:
                raise ValidationError.coded(code)

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def to_dict(self) -> dict:
        return asdict(self)


def bank_points(feature: FeatureWoe, weight: float, scale: PointsParams) -> np.ndarray:
    """Points per merged bin of one bank feature (missing last)."""
    return scale.factor * float(weight) * feature.woe


def partner_points(weights: np.ndarray, n_bins: list[int], merged: np.ndarray,
                   scale: PointsParams) -> np.ndarray:
    """The partner's column: its points for each row, from its one-hot weights (its own)."""
    weights = np.asarray(weights, dtype=np.float64)
    if len(weights) != sum(n_bins) or merged.shape[1] != len(n_bins):
        raise ValidationError.coded("card.partner_weights")
    starts = np.cumsum([0, *n_bins])[:-1].astype(np.intp)   # no features: no starts
    logit = np.zeros(merged.shape[0])
    for j, start in enumerate(starts.tolist()):
        logit += weights[start + merged[:, j].astype(np.intp)]
    return scale.factor * logit


def encode_points(points: np.ndarray) -> bytes:
    """Fixed-width little-endian int64 at 2^-20 of a point: the width never follows the value."""
    points = np.asarray(points, dtype=np.float64)
    if not np.all(np.isfinite(points)) or np.any(np.abs(points) > MAX_POINTS):
        raise ValidationError.coded("card.points_range")
    return np.rint(points * POINTS_SCALE).astype("<i8").tobytes()


def decode_points(blob: bytes, n_rows: int) -> np.ndarray:
    if len(blob) != 8 * n_rows:
        raise RemoteProtocolError.coded("protocol.points_size")
    raw = np.frombuffer(blob, dtype="<i8")
    if np.any(np.abs(raw) > MAX_POINTS * POINTS_SCALE):
        raise RemoteProtocolError.coded("protocol.points_range")
    return raw.astype(np.float64) / POINTS_SCALE


@dataclass
class Scorecard:
    """The bank's half: base points and points per bank bin; the partner column is added per row."""

    scale: PointsParams
    intercept: float
    features: list[FeatureWoe]        # every bank and partner feature (IV table); bank ones scored
    weights: dict[str, float]         # bank feature name -> weight on its WOE (selected only)

    @property
    def base_points(self) -> float:
        return self.scale.offset + self.scale.factor * self.intercept

    def bank_features(self) -> list[FeatureWoe]:
        return [f for f in self.features if f.party == "bank" and f.selected]

    def points(self, merged: np.ndarray) -> np.ndarray:
        """Base plus bank points per row; ``merged``: rows x every bank feature (merged bins)."""
        out = np.full(merged.shape[0], self.base_points)
        bank = [f for f in self.features if f.party == "bank"]
        for j, f in enumerate(bank):
            if f.selected:
                out += bank_points(f, self.weights[f.name], self.scale)[merged[:, j]]
        return out

    def probability(self, total_points: np.ndarray) -> np.ndarray:
        """P(event) from total points (what plans rank by)."""
        logit = (np.asarray(total_points, dtype=np.float64) - self.scale.offset) / self.scale.factor
        return 0.5 * (1.0 + np.tanh(0.5 * logit))

    def table(self, partner: bool) -> list[dict]:
        """The card: one row per bank bin, a base row and (when used) the partner column row."""
        rows = [{"feature": "(base)", "party": "bank", "bin": "", "woe": None,
                 "points": round(self.base_points, 2)}]
        for f in self.bank_features():
            pts = bank_points(f, self.weights[f.name], self.scale)
            for b in range(f.n_bins):
                label = "missing" if b == f.n_bins - 1 else str(b)
                rows.append({"feature": f.name, "party": "bank", "bin": label,
                             "woe": round(float(f.woe[b]), 6), "rows": int(f.pos[b] + f.neg[b]),
                             "event_rate": round(float(f.pos[b]) / max(int(f.pos[b] + f.neg[b]), 1), 6),
                             "points": round(float(pts[b]), 2)})
        if partner:
            rows.append({"feature": "partner points", "party": "partner", "bin": "(computed by "
                         "the partner at scoring time)", "woe": None, "points": None})
        return rows

    def to_plain(self) -> dict:
        return {"model_type": "scorecard", "scale": self.scale.to_dict(),
                "intercept": float(self.intercept),
                "features": [f.to_plain() for f in self.features],
                "weights": {k: float(v) for k, v in self.weights.items()}}

    @classmethod
    def from_plain(cls, d: dict) -> "Scorecard":
        return cls(PointsParams(**d["scale"]), float(d["intercept"]),
                   [FeatureWoe.from_plain(f) for f in d["features"]],
                   {str(k): float(v) for k, v in d["weights"].items()})


def own_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50
                 ) -> tuple[float, np.ndarray]:
    """Logistic regression on one party's own columns (Newton steps, L2 on weights only).

    Only for the bank's label-only baseline scorecard, which uses nothing of the partner's: the
    joint regression is the secret-shared one (docs/scorecard.md).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    a = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(a.shape[1])
    reg = np.full(a.shape[1], float(l2))
    reg[0] = 0.0
    for _ in range(iterations):
        p = 0.5 * (1.0 + np.tanh(0.5 * (a @ beta)))
        grad = a.T @ (p - y) + reg * beta
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(reg) + 1e-9 * np.eye(a.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), beta[1:]
