"""Scorecard points: the scale (base score, base odds, PDO), points per bank bin, the partner's
column, and probabilities that agree with the regression they came from."""

import math

import numpy as np
import pytest

from app.errors import RemoteProtocolError, ValidationError
from app.protocols.scorecard.points import (PointsParams, Scorecard, decode_points, encode_points,
                                            own_logistic, partner_points)
from app.protocols.scorecard.woe import FeatureWoe


def _feature(name="age"):
    f = FeatureWoe(name, "bank", np.array([0, 1, 2], np.uint8), np.array([10, 30, 5]),
                   np.array([90, 70, 5]))
    f.selected = True
    return f


def test_scale_doubles_the_odds_every_pdo_points():
    s = PointsParams(base_score=600, base_odds=1 / 50, pdo=20)
    assert s.factor == pytest.approx(20 / math.log(2))
    card = Scorecard(s, 0.0, [], {})
    # at the base odds the score is the base score; PDO more points double the odds
    at_base = s.offset + s.factor * math.log(1 / 50)
    assert at_base == pytest.approx(600)
    p1, p2 = card.probability(np.array([600.0, 620.0]))
    assert (p2 / (1 - p2)) / (p1 / (1 - p1)) == pytest.approx(2.0)
    assert p1 / (1 - p1) == pytest.approx(1 / 50)
    with pytest.raises(ValidationError):
        PointsParams(pdo=0)


def test_points_add_up_to_the_regression_log_odds():
    f = _feature()
    s = PointsParams()
    card = Scorecard(s, intercept=-1.5, features=[f], weights={"age": 0.8})
    merged = np.array([[0], [1], [2]], np.uint8)
    partner = partner_points(np.array([0.2, -0.1, 0.0, 0.4]), [4], np.array([[0], [1], [3]]), s)
    total = card.points(merged) + partner
    logit = -1.5 + 0.8 * f.woe[[0, 1, 2]] + np.array([0.2, -0.1, 0.4])
    assert card.probability(total) == pytest.approx(1 / (1 + np.exp(-logit)))
    table = card.table(partner=True)
    assert table[0]["feature"] == "(base)" and table[0]["points"] == pytest.approx(
        round(s.offset - 1.5 * s.factor, 2))
    assert [r["bin"] for r in table[1:4]] == ["0", "1", "missing"]
    assert table[-1]["feature"] == "partner points" and table[-1]["points"] is None
    again = Scorecard.from_plain(card.to_plain())
    assert again.points(merged).tolist() == pytest.approx(card.points(merged).tolist())


def test_partner_points_travel_as_fixed_width_integers():
    pts = np.array([12.5, -3.25, 0.0])
    blob = encode_points(pts)
    assert len(blob) == 24 and decode_points(blob, 3).tolist() == pts.tolist()
    with pytest.raises(RemoteProtocolError):
        decode_points(blob, 4)
    with pytest.raises(ValidationError):
        encode_points(np.array([np.nan]))


def test_own_logistic_fits_a_known_model():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4000, 2))
    y = (rng.random(4000) < 1 / (1 + np.exp(-(0.5 + 1.2 * x[:, 0] - 0.7 * x[:, 1])))).astype(float)
    b0, w = own_logistic(x, y, l2=0.0)
    assert b0 == pytest.approx(0.5, abs=0.15) and w.tolist() == pytest.approx([1.2, -0.7], abs=0.15)
