"""Nothing leaks in the clear: the feature party's view has label-independent shape and no values.

Two trainings differ only by a permutation of the labels. Every message the feature party
receives must have the same type, byte size and per-field encoding in both runs, and none may
contain a plaintext gradient, hessian, label vector or leaf weight (as float64 or fixed-point).
"""

from __future__ import annotations

import msgpack
import numpy as np
import pytest

from app.protocols.secureboost.binning import fit_binning
from app.protocols.secureboost.driver import Transcript, federated_scores, run_training
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.gradients import FixedPoint, logistic_grad_hess
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.model import PartnerDecisions
from app.protocols.secureboost.params import TrainParams
from test_secureboost_helpers import breast

PARAMS = TrainParams(n_trees=3, max_depth=3, key_bits=1024, min_leaf_size=5, valid_fraction=0.2, n_bins=16,
                     early_stopping_rounds=0, first_tree_label_only=False, seed=11)


def _train(y, guest, host):
    bg, bh = fit_binning(guest, n_bins=PARAMS.n_bins), fit_binning(host, n_bins=PARAMS.n_bins)
    label = LabelParty(PARAMS, y, bg.transform(guest), bg)
    feature = FeatureParty(PARAMS, bh.transform(host), bh)
    transcript = Transcript()
    model = run_training(label, feature, transcript)
    federated_scores(model, bg.transform(guest), feature, bh.transform(host), transcript)
    return label, model, transcript


@pytest.fixture(scope="module")
def runs():
    y, guest, host = breast()
    permuted = np.random.default_rng(5).permutation(y)
    assert not np.array_equal(permuted, y)
    return _train(y, guest, host), _train(permuted, guest, host), y, permuted


def _shape(message: bytes) -> tuple:
    fields = msgpack.unpackb(message, raw=False)
    return (fields["type"], len(message),
            tuple((k, type(v).__name__, len(v) if isinstance(v, (bytes, str)) else None)
                  for k, v in sorted(fields.items())))


def test_feature_party_view_has_label_independent_shape(runs):
    (l1, m1, t1), (l2, m2, t2), _, _ = runs
    # The runs really differ (else the comparison proves nothing) ...
    assert any(not np.array_equal(a.kind, b.kind) or not np.array_equal(a.value, b.value)
               for a, b in zip(m1.trees, m2.trees))
    # ... yet every message the partner received looks the same from outside.
    assert len(t1.to_feature) == len(t2.to_feature) > 10
    assert [_shape(a) for a in t1.to_feature] == [_shape(b) for b in t2.to_feature]


def test_no_float_or_scalar_that_depends_on_values(runs):
    (_, _, t1), _, _, _ = runs
    for message in t1.to_feature:
        fields = msgpack.unpackb(message, raw=False)
        for key, value in fields.items():
            assert not isinstance(value, float), key
            if isinstance(value, int):  # only protocol counters travel as msgpack ints
                assert key in {"tree", "depth", "version", "start_tree", "n_rows"}, key


def _patterns(values: np.ndarray, fixed: FixedPoint) -> set[bytes]:
    values = np.asarray(values, dtype=np.float64)
    ints = np.rint(values * fixed.scale).astype(np.int64)
    out = set()
    for arr in (values, ints):
        for order in "<>":
            raw = arr.astype(order + arr.dtype.str[1:]).tobytes()
            out.update(raw[i:i + 8] for i in range(0, len(raw), 8))
    return {p for p in out if p.strip(b"\x00")}


@pytest.mark.parametrize("which", [0, 1])
def test_no_plaintext_gradient_label_or_leaf_in_transcript(runs, which):
    run, y = runs[which], (runs[2], runs[3])[which]
    label, model, transcript = run
    blob = b"".join(transcript.to_feature)
    fixed = FixedPoint(PARAMS.scale_bits)
    train = label.train_rows
    g, h = logistic_grad_hess(y[train], np.full(len(train), model.base_margin))
    g_int, h_int = fixed.encode(g, h)
    leaves = np.concatenate([t.value[t.value != 0] for t in model.trees])
    secrets = _patterns(np.unique(np.r_[g, h, fixed.decode(g_int), fixed.decode(h_int), leaves]), fixed)
    secrets |= {np.packbits(y.astype(bool)).tobytes(), np.packbits(y[train].astype(bool)).tobytes(),
                y.astype(np.uint8).tobytes(), y[train].astype(np.uint8).tobytes()}
    assert len(secrets) > 20
    leaked = [s for s in secrets if s in blob]
    assert leaked == []


def test_first_tree_uses_label_features_only_by_default():
    y, guest, host = breast()
    params = TrainParams(n_trees=2, max_depth=3, key_bits=1024, early_stopping_rounds=0, n_bins=16)
    assert TrainParams().first_tree_label_only and TrainParams().min_leaf_size >= 20
    assert params.first_tree_label_only and params.min_leaf_size == TrainParams().min_leaf_size
    bg, bh = fit_binning(guest, n_bins=16), fit_binning(host, n_bins=16)
    label = LabelParty(params, y, bg.transform(guest), bg)
    feature = FeatureParty(params, bh.transform(host), bh)
    transcript = Transcript()
    model = run_training(label, feature, transcript)
    types = [msgpack.unpackb(b, raw=False)["type"] for b in transcript.to_feature]
    assert types[:3] == ["setup", "tree_done", "tree_start"]  # nothing at all about tree 0
    assert not (model.trees[0].kind == 2).any()
    assert (model.trees[1].kind == 2).any()  # the partner does take part from tree 1
    # Every leaf holds at least min_leaf_size training rows.
    Bg, Bh = bg.transform(guest), bh.transform(host)
    refs, bits = feature.model.decide(Bh)
    decisions = PartnerDecisions(refs, bits, len(y))
    train = label.train_rows
    for tree in model.trees:
        leaf = model._leaves(tree, Bg, decisions, len(y))[train]
        assert np.bincount(leaf).max() > 0
        assert np.bincount(leaf)[np.unique(leaf)].min() >= params.min_leaf_size
