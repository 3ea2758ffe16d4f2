"""The control group: size per stratum, seeded reproducibility, balance between the arms."""

from __future__ import annotations

import numpy as np
import pytest

from app.errors import ValidationError
from app.workflows.plans.build import build, prepare
from app.workflows.plans.control import CONTROL, balance, draw_control, smd, stratum_ids
from app.workflows.plans.population import ScoredPopulation
from app.workflows.plans.rules import parse_rules
from app.workflows.plans.synthetic import synthetic_population

NOW = 20_000 * 86400.0


def rules(fraction=0.1, seed=11, **extra):
    return parse_rules({
        "campaign_id": "C1", "template_id": "tpl",
        "selection": {"mode": "top_percent", "value": 60},
        "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==", "value": True},
                                "channel": "branch"}]},
        "control": {"fraction": fraction, "seed": seed}, **extra})


@pytest.fixture(scope="module")
def pop50k():
    return synthetic_population(50_000, seed=21, n_branches=40)


@pytest.fixture(scope="module")
def draft50k(pop50k):
    return build(prepare(pop50k), rules(), now=NOW)


def test_control_size_per_stratum_is_within_rounding(draft50k):
    m = draft50k.members
    strata = stratum_ids(m.decile, m.channel, m.branch)
    labels, dense = np.unique(strata, return_inverse=True)
    sizes = np.bincount(dense)
    held = np.bincount(dense, weights=(m.arm == CONTROL))
    assert (np.abs(held - 0.1 * sizes) < 1).all()
    assert abs((m.arm == CONTROL).mean() - 0.1) < 0.005


def test_same_seed_same_control_regardless_of_row_order(pop50k, draft50k):
    again = build(prepare(pop50k), rules(), now=NOW)
    assert (again.members.arm == draft50k.members.arm).all()
    perm = np.random.default_rng(0).permutation(len(pop50k))
    shuffled = ScoredPopulation(
        **{k: (v[perm] if isinstance(v, np.ndarray) else v) for k, v in vars(pop50k).items()
           if k != "custom"}, custom={})
    moved = build(prepare(shuffled), rules(), now=NOW)
    assert (moved.members.customer_key == draft50k.members.customer_key).all()
    assert (moved.members.arm == draft50k.members.arm).all()
    other = build(prepare(pop50k), rules(seed=12), now=NOW)
    assert (other.members.arm != draft50k.members.arm).any()


def test_arms_are_balanced_on_score_and_branch_mix(draft50k):
    m = draft50k.members
    active = np.ones(len(m), bool)
    report = balance(m.score, m.branch, draft50k.branches, m.arm, active)
    assert abs(report["score_smd"]) < 0.05
    assert report["branch_mix_max_abs_diff"] < 0.01
    treated_share = np.bincount(m.branch[m.arm == 0], minlength=40) / (m.arm == 0).sum()
    control_share = np.bincount(m.branch[m.arm == 1], minlength=40) / (m.arm == 1).sum()
    assert np.allclose(treated_share, control_share, atol=0.01)


def test_small_strata_are_not_systematically_under_sampled():
    # 2000 strata of 3: rounding 0.3 down everywhere would give no control at all
    keys = np.arange(6000)
    strata = np.repeat(np.arange(2000), 3)
    arm = draw_control(keys, strata, 0.1, seed=1)
    assert 450 <= arm.sum() <= 750
    assert np.bincount(strata, weights=arm).max() <= 1


def test_smd_detects_imbalance():
    rng = np.random.default_rng(0)
    assert abs(smd(rng.normal(0, 1, 5000), rng.normal(0, 1, 5000))) < 0.1
    assert smd(rng.normal(0.5, 1, 5000), rng.normal(0, 1, 5000)) > 0.4
    assert smd(np.array([]), np.array([1.0])) is None


def test_no_control_needs_explicit_override_and_reason():
    with pytest.raises(ValidationError, match="allow_no_control"):
        rules(fraction=0.0)
    with pytest.raises(ValidationError, match="allow_no_control"):
        parse_rules({"campaign_id": "C", "template_id": "t", "selection": {"value": 1},
                     "control": {"fraction": 0, "allow_no_control": True, "reason": "  "}})
    ok = parse_rules({"campaign_id": "C", "template_id": "t", "selection": {"value": 1},
                      "control": {"fraction": 0, "allow_no_control": True, "reason": "pilot"}})
    assert ok.control_fraction == 0 and ok.no_control_reason == "pilot"


def test_missing_seed_is_drawn_and_recorded():
    a = parse_rules({"campaign_id": "C", "template_id": "t", "selection": {"value": 1}})
    b = parse_rules({"campaign_id": "C", "template_id": "t", "selection": {"value": 1}})
    assert a.seed != b.seed
    assert a.to_json()["control"]["seed"] == a.seed
    assert a.control_fraction == 0.10
