"""Lossless: our trees match XGBoost (hist) trained centrally, and encryption changes nothing.

The big-data comparisons isolate the tree logic: every feature sits at the label party, so
histograms are plaintext (the label party's own code path). The real-Paillier runs below show
that moving features to the partner gives the *identical* trees, and the benchmark repeats the
bank-full comparison with 2048-bit keys.
"""

from __future__ import annotations

import numpy as np
import pytest
import xgboost as xgb

from app.protocols.secureboost.binning import Binning, fit_binning
from app.protocols.secureboost.driver import federated_scores, run_training
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.metrics import auc
from app.protocols.secureboost.model import OWN_SPLIT, PARTNER_SPLIT
from app.protocols.secureboost.params import TrainParams
from test_secureboost_helpers import BANK_CATEGORICAL, bank, breast, credit, subset

N_TREES, DEPTH, ETA, LAMBDA, MCW, BINS = 30, 5, 0.3, 1.0, 1.0, 32


def _params(**kw) -> TrainParams:
    base = dict(n_trees=N_TREES, max_depth=DEPTH, learning_rate=ETA, reg_lambda=LAMBDA,
                min_child_weight=MCW, n_bins=BINS, min_leaf_size=1, valid_fraction=0.0,
                early_stopping_rounds=0, first_tree_label_only=False)
    base.update(kw)
    return TrainParams(**base)


def _compare_with_xgboost(y, columns, categorical):
    rng = np.random.default_rng(7)
    perm = rng.permutation(len(y))
    tr, te = np.sort(perm[: int(0.8 * len(y))]), np.sort(perm[int(0.8 * len(y)):])
    binning = fit_binning(subset(columns, tr), categorical=categorical, n_bins=BINS)
    bins = binning.transform(columns)
    label = LabelParty(_params(), y[tr], bins[tr], binning, partner=False)
    model = run_training(label, None)
    ours = auc(y[te], federated_scores(model, bins[te], None, None))

    # XGBoost sees raw numeric values and the same category codes, with the same settings.
    def matrix(rows):
        return np.column_stack([bins[rows, j].astype(float) if f.kind == "categorical"
                                else np.asarray(columns[f.name], float)[rows]
                                for j, f in enumerate(binning.features)])
    booster = xgb.train(dict(objective="binary:logistic", tree_method="hist", max_bin=BINS,
                             max_depth=DEPTH, eta=ETA, reg_lambda=LAMBDA, min_child_weight=MCW,
                             base_score=float(y[tr].mean()), nthread=2, seed=0),
                        xgb.DMatrix(matrix(tr), label=y[tr]), N_TREES)
    theirs = auc(y[te], booster.predict(xgb.DMatrix(matrix(te))))
    return ours, theirs


def test_default_credit_matches_xgboost():
    y, guest, host = credit()
    ours, theirs = _compare_with_xgboost(y, {**guest, **host}, set())
    assert theirs > 0.75  # the comparison means something only if XGBoost learned
    assert abs(ours - theirs) < 0.005, (ours, theirs)


def test_bank_marketing_matches_xgboost():
    y, own, partner = bank()
    ours, theirs = _compare_with_xgboost(y, {**own, **partner}, BANK_CATEGORICAL)
    assert theirs > 0.9
    assert abs(ours - theirs) < 0.005, (ours, theirs)


def _federated_and_central(executor, y, guest, host, params):
    bg, bh = fit_binning(guest, n_bins=params.n_bins), fit_binning(host, n_bins=params.n_bins)
    Bg, Bh = bg.transform(guest), bh.transform(host)
    label = LabelParty(params, y, Bg, bg, executor=executor)
    feature = FeatureParty(params, Bh, bh, executor=executor)
    fed = run_training(label, feature)
    central = run_training(LabelParty(params, y, np.hstack([Bg, Bh]),
                                      Binning(params.n_bins, bg.features + bh.features),
                                      partner=False), None)
    return fed, central, feature, (Bg, Bh)


def test_real_paillier_gives_identical_trees_on_breast(executor):
    y, guest, host = breast()
    params = _params(n_trees=4, max_depth=3, key_bits=1024, valid_fraction=0.2)
    fed, central, feature, (Bg, Bh) = _federated_and_central(executor, y, guest, host, params)
    n_guest = Bg.shape[1]
    assert len(fed.trees) == len(central.trees) == 4
    partner_nodes = 0
    for ft, ct in zip(fed.trees, central.trees):
        for i in range(len(ft.kind)):
            if ft.kind[i] == PARTNER_SPLIT:
                partner_nodes += 1
                split = feature.model.splits[int(ft.feature[i])]
                assert ct.kind[i] == OWN_SPLIT
                assert ct.feature[i] == n_guest + split.feature == n_guest + ft.partner_feature[i]
                assert (ct.bin[i], ct.missing_left[i]) == (split.bin, split.missing_left)
            else:
                assert ft.kind[i] == ct.kind[i]
                assert (ft.feature[i], ft.bin[i]) == (ct.feature[i], ct.bin[i])
        np.testing.assert_array_equal(ft.value, ct.value)   # bit-identical leaf weights
        np.testing.assert_array_equal(ft.gain, ct.gain)
    assert partner_nodes > 0  # the partner's features really took part
    fed_scores = federated_scores(fed, Bg, feature, Bh)
    central_scores = federated_scores(central, np.hstack([Bg, Bh]), None, None)
    np.testing.assert_array_equal(fed_scores, central_scores)


@pytest.mark.slow
def test_real_paillier_2048_identical_on_bank_marketing(executor):
    y, own, partner = bank()
    params = _params(n_trees=2, valid_fraction=0.2)
    bg = fit_binning(own, categorical=BANK_CATEGORICAL)
    bh = fit_binning(partner, categorical=BANK_CATEGORICAL)
    Bg, Bh = bg.transform(own), bh.transform(partner)
    feature = FeatureParty(params, Bh, bh, executor=executor)
    fed = run_training(LabelParty(params, y, Bg, bg, executor=executor), feature)
    central = run_training(LabelParty(params, y, np.hstack([Bg, Bh]),
                                      Binning(BINS, bg.features + bh.features), partner=False), None)
    for ft, ct in zip(fed.trees, central.trees):
        np.testing.assert_array_equal(ft.value, ct.value)
    np.testing.assert_array_equal(federated_scores(fed, Bg, feature, Bh),
                                  federated_scores(central, np.hstack([Bg, Bh]), None, None))
