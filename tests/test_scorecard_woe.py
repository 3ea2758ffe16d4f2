"""Scorecard binning and WOE/IV: merging rules, a hand-computed WOE/IV, and the federated per-bin
counts of the partner's bins under real Paillier equal to the counts computed in the clear."""

import math

import numpy as np
import pytest

from app.errors import RemoteProtocolError
from app.protocols.scorecard import binning as merging
from app.protocols.scorecard.federated import CODEC, BankWoe, PartnerWoe, job_digest
from app.protocols.scorecard.woe import (FeatureWoe, WoeParams, iv_table, one_hot, partner_name,
                                         select, woe_iv, woe_matrix)
from app.protocols.secureboost.binning import fit_binning


def test_monotone_merge_pools_violators_and_keeps_missing_last():
    # value bins: rates .1 .3 .2 .5 .4 (rising trend with two violations), missing slot last
    pos = np.array([10, 30, 20, 50, 40, 7])
    neg = np.array([90, 70, 80, 50, 60, 3])
    mapping = merging.merge_map(pos, neg, min_share=0.0)
    assert mapping.tolist() == [0, 1, 1, 2, 2, 3]
    mp, mn = merging.merged_counts(mapping, pos, neg)
    assert mp.tolist() == [10, 50, 90, 7] and mn.tolist() == [90, 150, 110, 3]
    assert merging.is_monotone(mp, mn)


def test_falling_trend_is_kept_falling():
    pos = np.array([50, 40, 45, 10, 0])
    neg = np.array([50, 60, 55, 90, 0])
    mapping = merging.merge_map(pos, neg, min_share=0.0)
    mp, mn = merging.merged_counts(mapping, pos, neg)
    rates = mp[:-1] / (mp[:-1] + mn[:-1])
    assert (np.diff(rates) <= 0).all() and mapping[-1] == len(rates)


def test_minimum_share_merges_small_and_empty_bins():
    pos = np.array([5, 0, 1, 30, 40, 0])
    neg = np.array([95, 0, 2, 170, 160, 0])
    mapping = merging.merge_map(pos, neg, min_share=0.1)
    mp, mn = merging.merged_counts(mapping, pos, neg)
    sizes = (mp + mn)[:-1]
    assert (sizes >= 0.1 * 500).all()
    assert mp[-1] + mn[-1] == 0  # the missing bin stays its own (empty) bin


def test_categorical_bins_are_grouped_by_event_rate():
    pos = np.array([30, 5, 28, 6, 0])
    neg = np.array([70, 95, 72, 94, 0])
    mapping = merging.merge_map(pos, neg, min_share=0.3, categorical=True)
    assert mapping[0] == mapping[2] and mapping[1] == mapping[3] and mapping[0] != mapping[1]


def test_received_merge_maps_are_checked():
    assert merging.check_map(np.array([0, 0, 1, 2]), 4).tolist() == [0, 0, 1, 2]
    for bad in ([0, 2, 2, 3], [0, 0, 0, 0], [0, 1, 1]):
        with pytest.raises(Exception):
            merging.check_map(np.array(bad), 4)


def test_woe_and_iv_match_a_hand_computed_example():
    pos, neg = np.array([10, 30, 0]), np.array([90, 70, 0])
    woe, iv = woe_iv(pos, neg)
    # smoothing 0.5 per cell, 3 cells: P = 40 + 1.5, N = 160 + 1.5
    p = [10.5 / 41.5, 30.5 / 41.5]
    n = [90.5 / 161.5, 70.5 / 161.5]
    expect = [math.log(p[0] / n[0]), math.log(p[1] / n[1]), 0.0]  # empty missing bin: neutral
    assert woe.tolist() == pytest.approx(expect)
    assert iv[:2].tolist() == pytest.approx([(p[i] - n[i]) * expect[i] for i in range(2)])
    assert iv[2] == 0.0
    assert iv.sum() == pytest.approx(0.3999, abs=5e-4)  # by hand: 0.2445 + 0.1554


def test_selection_table_and_regression_inputs():
    a = FeatureWoe("age", "bank", np.array([0, 1, 2], np.uint8), np.array([10, 30, 0]),
                   np.array([90, 70, 0]))
    b = FeatureWoe(partner_name(0), "partner", np.array([0, 0, 1], np.uint8), np.array([20, 2]),
                   np.array([180, 18]))
    select([a, b], 0.02)
    table = iv_table([a, b])
    assert [r["feature"] for r in table] == ["age", "partner_01"]
    assert table[0]["selected"] and not table[1]["selected"]
    merged = np.array([[0], [1], [2]], np.uint8)
    assert woe_matrix([a], merged)[:, 0].tolist() == pytest.approx(a.woe.tolist())
    assert one_hot([3], merged).tolist() == np.eye(3).tolist()


def _partner_table(n: int, seed: int):
    rng = np.random.default_rng(seed)
    income = rng.normal(size=n)
    income[rng.random(n) < 0.05] = np.nan
    city = rng.integers(0, 4, n).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(income * 1.5 - 1)))).astype(int)
    return {"income": income, "city": city}, y


@pytest.mark.parametrize("share_names", [False, True])
def test_federated_counts_equal_local_counts_with_real_paillier(executor, share_names):
    columns, y = _partner_table(600, 3)
    params = WoeParams(fine_bins=8, min_bin_share=0.05, partner_names=share_names)
    binning = fit_binning(columns, {"city"}, params.fine_bins)
    fine = binning.transform(columns)
    used = np.array([f.n_used for f in binning.features], np.uint8)
    digest = job_digest({"job": "t"})
    bank = BankWoe(executor, y, params, digest, key_bits=1024)
    partner = PartnerWoe(executor, fine, used, params, digest, 1024, names=binning.names)
    setup = bank.setup()
    counts = partner.on_setup(setup)
    # the partner's reply holds ciphertexts and bin counts only, never a plaintext label count
    _, body = CODEC.decode(counts)
    assert set(body) == {"digest", "used", "names", "cts"}
    features = bank.on_counts(counts)
    for j, f in enumerate(features):
        pos, neg = merging.fine_counts(fine[:, j], y, params.fine_bins + 1)
        mapping = merging.merge_map(pos, neg, params.min_bin_share)
        assert f.mapping.tolist() == mapping.tolist()
        mp, mn = merging.merged_counts(mapping, pos, neg)
        assert f.pos.tolist() == mp.tolist() and f.neg.tolist() == mn.tolist()
    assert [f.name for f in features] == (["income", "city"] if share_names
                                          else ["partner_01", "partner_02"])
    select(features, 0.0)
    features[1].selected = False
    done = partner.on_merge(bank.merge())
    assert bank.on_done(done) == features[0].n_bins
    assert partner.n_merged() == [features[0].n_bins]
    merged = partner.merged(fine)
    assert merged[:, 0].tolist() == features[0].mapping[fine[:, 0]].tolist()


def test_counts_from_another_job_are_refused(executor):
    columns, y = _partner_table(50, 4)
    params = WoeParams(fine_bins=4)
    binning = fit_binning(columns, {"city"}, 4)
    fine = binning.transform(columns)
    used = np.array([f.n_used for f in binning.features], np.uint8)
    bank = BankWoe(executor, y, params, job_digest({"a": 1}), 1024)
    partner = PartnerWoe(executor, fine, used, params, job_digest({"a": 2}), 1024)
    with pytest.raises(RemoteProtocolError):
        partner.on_setup(bank.setup())
