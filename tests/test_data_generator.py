"""Demo data: deterministic, realistic shape, and a label that needs both parties."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from app.data import simworld
from app.data.consent import eligible_mask
from app.data.generator import generate
from app.data.loader import load_consent, load_dataset
from app.data.profile import load_profile, parse_profile


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return generate(4000, 11, str(out))


def _digest(paths):
    return {k: hashlib.sha256(open(p, "rb").read()).hexdigest() for k, p in paths.items()}


def test_deterministic_per_seed(demo, tmp_path):
    assert _digest(generate(4000, 11, str(tmp_path / "a"))) == _digest(demo)
    assert _digest(generate(4000, 12, str(tmp_path / "b")))["bank"] != _digest(demo)["bank"]


def test_shape_overlap_and_consent(demo):
    bank = load_dataset(demo["bank"], load_profile(demo["bank_profile"]))
    partner = load_dataset(demo["partner"], load_profile(demo["partner_profile"]))
    assert len(bank) == 4000 and abs(len(partner) - 5200) <= 1
    assert bank.rejected_rows == 0 and partner.rejected_rows == 0  # messy ids all canonicalise
    overlap = np.isin(bank.ids, partner.ids).mean()
    assert 0.57 < overlap < 0.63
    assert len(bank.branches) == 20 and 0.05 < bank.label.mean() < 0.35
    ev = load_consent(demo["bank_consent"], bank.profile)
    share = eligible_mask(bank.ids, ev).mean()
    assert 0.70 < share < 0.85  # 85 % consented, minus revoked, expired and other purposes
    with open(demo["bank"], encoding="utf-8") as fh:
        raw = fh.read()
    assert "+86 " in raw and "０" in raw  # canonicalisation is exercised


def _auc(score, y):
    order = np.argsort(score)
    ranks = np.empty(len(y))
    ranks[order] = np.arange(1, len(y) + 1)
    pos = y == 1
    return (ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum())


def test_joint_model_beats_bank_only(demo):
    import xgboost as xgb
    bank = load_dataset(demo["bank"], load_profile(demo["bank_profile"]))
    partner = load_dataset(demo["partner"], load_profile(demo["partner_profile"]))
    common, bi, pi = np.intersect1d(bank.ids, partner.ids, return_indices=True)
    y = bank.label[bi]
    xb, xp = bank.matrix()[bi], partner.matrix()[pi]
    half = len(y) // 2
    aucs = {}
    for name, x in (("bank", xb), ("joint", np.hstack([xb, xp]))):
        params = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.1, "nthread": 1}
        model = xgb.train(params, xgb.DMatrix(x[:half], label=y[:half]), num_boost_round=60)
        aucs[name] = _auc(model.predict(xgb.DMatrix(x[half:])), y[half:])
    assert aucs["joint"] > aucs["bank"] + 0.05, aucs


def test_treatment_effect_is_heterogeneous():
    base = {"online_spend_share": np.array([0.9, 0.1, 0.9, 0.9]), "age": np.array([30, 60, 30, 30]),
            "app_active_30d": np.array([1, 1, 1, 1]), "branch_visit_recent": np.array([1, 1, 1, 1]),
            "already_bound": np.array([0, 0, 0, 1]), "opted_out": np.array([0, 0, 1, 0]),
            "pay_quickpay_share": np.array([0.8, 0.1, 0.8, 0.8])}
    app = simworld.treatment_effect(base, "app")
    branch = simworld.treatment_effect(base, "branch")
    assert app[0] > branch[0] and branch[1] > app[1]  # the channel that works depends on the person
    assert app[2] == branch[2] == 0 and app[3] == 0      # opted out / already bound: no effect
    treated = np.ones(4, bool)
    a = simworld.simulate_outcomes(base, "app", treated, seed=5)
    assert np.array_equal(a, simworld.simulate_outcomes(base, "app", treated, seed=5))
    big = {k: np.repeat(v[:1], 20000) for k, v in base.items()}
    rate_t = simworld.simulate_outcomes(big, "app", np.ones(20000, bool), 1).mean()
    rate_c = simworld.simulate_outcomes(big, "app", np.zeros(20000, bool), 2).mean()
    assert abs((rate_t - rate_c) - app[0]) < 0.02


def test_bundled_demo_set_matches_its_profiles():
    from pathlib import Path
    demo_dir = Path(__file__).parent.parent / "resources" / "demo"
    for side in ("bank", "partner"):
        prof = parse_profile(json.loads((demo_dir / f"{side}_profile.json").read_text()))
        ds = load_dataset(str(demo_dir / f"{side}.csv.gz"), prof)
        assert len(ds) == (20000 if side == "bank" else 26000) and ds.rejected_rows == 0
