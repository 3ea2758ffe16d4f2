"""Protocol behaviour: message validation, resume from checkpoints, federated scoring, reports."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest

from app.errors import LocalProtocolError, RemoteProtocolError
from app.protocols.secureboost import messages as m
from app.protocols.secureboost.binning import fit_binning
from app.protocols.secureboost.driver import federated_scores, run_training
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.gradients import sigmoid
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.model import FeatureModel, LabelModel
from app.protocols.secureboost.params import TrainParams
from app.protocols.secureboost.report import training_report
from test_secureboost_helpers import breast

class _Stop(Exception):
    """Simulates a crash between two trees."""


PARAMS = TrainParams(n_trees=5, max_depth=3, key_bits=1024, min_leaf_size=5, valid_fraction=0.25, n_bins=16,
                     early_stopping_rounds=3, seed=3, row_subsample=0.8, col_subsample=0.7)


@pytest.fixture(scope="module")
def data():
    y, guest, host = breast()
    bg, bh = fit_binning(guest, n_bins=PARAMS.n_bins), fit_binning(host, n_bins=PARAMS.n_bins)
    return y, bg, bg.transform(guest), bh, bh.transform(host)


def _parties(executor, data, params=PARAMS, label_state=None, feature_state=None):
    y, bg, Bg, bh, Bh = data
    return (LabelParty(params, y, Bg, bg, state=label_state, executor=executor),
            FeatureParty(params, Bh, bh, state=feature_state, executor=executor))


# ---------------------------------------------------------------- plain-data checkpoints

def _pack(obj):
    """msgpack with numpy arrays as (dtype, shape, bytes): what a checkpoint file would hold."""
    def enc(o):
        if isinstance(o, np.ndarray):
            return {"__nd__": [o.dtype.str, list(o.shape)], "b": o.tobytes()}
        raise TypeError(type(o))
    return msgpack.packb(obj, default=enc, use_bin_type=True)


def _unpack(data):
    def hook(d):
        if "__nd__" in d:
            dtype, shape = d["__nd__"]
            return np.frombuffer(d["b"], dtype=np.dtype(dtype)).reshape(shape).copy()
        return d
    return msgpack.unpackb(data, object_hook=hook, raw=False, strict_map_key=False)


def test_resume_from_checkpoint_gives_identical_model(data, executor):
    label, feature = _parties(executor, data)
    full = run_training(label, feature)
    assert len(full.trees) >= 3

    saved = {}

    def crash_after_tree_2(tree, label_state, feature_state):
        saved[tree] = (_pack(label_state), _pack(feature_state))
        if tree == 2:
            raise _Stop()

    label1, feature1 = _parties(executor, data)
    with pytest.raises(_Stop):
        run_training(label1, feature1, on_checkpoint=crash_after_tree_2)
    ls, fs = (_unpack(b) for b in saved[2])
    label2, feature2 = _parties(executor, data, label_state=ls, feature_state=fs)
    resumed = run_training(label2, feature2)

    assert _pack(resumed.to_plain()) == _pack(full.to_plain())
    assert _pack(feature2.model.to_plain()) == _pack(feature.model.to_plain())
    assert LabelModel.from_plain(_unpack(_pack(full.to_plain()))).to_plain().keys() == full.to_plain().keys()


def test_checkpoint_of_another_job_is_refused(data, executor):
    label, feature = _parties(executor, data)
    state = label.checkpoint()
    other = TrainParams(**{**PARAMS.to_dict(), "seed": 4})
    with pytest.raises(LocalProtocolError):
        _parties(executor, data, params=other, label_state=state)


# ---------------------------------------------------------------- scoring and report

def test_federated_scores_match_training_margins(data, executor):
    y, bg, Bg, bh, Bh = data
    label, feature = _parties(executor, data, TrainParams(**{**PARAMS.to_dict(), "early_stopping_rounds": 0}))
    model = run_training(label, feature)
    scores = federated_scores(model, Bg, feature, Bh)
    # Training kept every row's margin current (validation rows via the partner's other_bits).
    np.testing.assert_allclose(scores, sigmoid(label.margin), rtol=0, atol=1e-12)
    plain = FeatureModel.from_plain(feature.model.to_plain())
    assert plain.splits == feature.model.splits


def test_report_has_metrics_and_anonymous_importance(data, executor):
    y, bg, Bg, bh, Bh = data
    label, feature = _parties(executor, data)
    model = run_training(label, feature)
    rep = training_report(label, model, feature_scores=federated_scores(model, Bg, feature, Bh))
    assert rep["federated"]["auc"] > 0.9 and rep["label_only"]["auc"] > 0.8
    assert len(rep["federated"]["lift"]) == 10
    names = set(rep["importance"])
    # Own features by name; partner features only by anonymous number.
    assert all(n in bg.names or n.startswith("partner feature #") for n in names)
    assert any(n.startswith("partner feature #") for n in names)
    assert any(n in bg.names for n in names)


# ---------------------------------------------------------------- message validation

def test_decode_rejects_malformed_messages():
    good = m.encode(m.make("tree_done", tree=1))
    assert m.decode(good, {"tree_done"}).tree == 1
    bad = [
        b"", b"\xc1", msgpack.packb([1, 2]), msgpack.packb({"type": "nope"}),
        msgpack.packb({"type": "tree_done"}),                        # missing field
        msgpack.packb({"type": "tree_done", "tree": 1, "x": 0}),     # unknown field
        msgpack.packb({"type": "tree_done", "tree": "1"}),           # wrong type
        msgpack.packb({"type": "tree_done", "tree": True}),          # bool is not an int
        msgpack.packb({"type": "tree_done", "tree": 10**6}),         # out of range
        msgpack.packb({"type": "tree_done", "tree": 1.0}),           # float
        msgpack.packb({"type": "finish", "n_trees": b"\x00" * 3}),   # not a whole u4
        msgpack.packb({"type": "finish", "n_trees": b"\x00" * 8}),   # too many items
    ]
    for data in bad:
        with pytest.raises(RemoteProtocolError):
            m.decode(data, {"tree_done", "finish"})
    with pytest.raises(RemoteProtocolError):
        m.decode(good, {"finish"})  # valid but unexpected here
    with pytest.raises(RemoteProtocolError):
        m.unpack_bits(b"\xff", 3, "level", "left_bits")  # non-zero padding


def _drive_until(label, feature, tamper):
    """Run the protocol, letting ``tamper(kind, bytes)`` rewrite messages in flight."""
    gen = label.protocol()
    request = next(gen)
    while True:
        reply = feature.handle(tamper("to_feature", bytes(request)))
        request = gen.send(tamper("to_label", reply))


def _rewrite(data, **changes):
    obj = msgpack.unpackb(data, raw=False)
    obj.update(changes)
    return msgpack.packb(obj, use_bin_type=True)


def test_feature_party_refuses_other_job_short_key_and_bad_ciphertexts(data, executor):
    def digest(kind, d):
        if kind == "to_feature" and msgpack.unpackb(d, raw=False)["type"] == "setup":
            return _rewrite(d, params_digest=b"\x00" * 32)
        return d

    def big_ct(kind, d):
        obj = msgpack.unpackb(d, raw=False)
        if kind == "to_feature" and obj["type"] == "tree_start":
            return _rewrite(d, gradients=b"\xff" * len(obj["gradients"]))  # >= n^2
        return d

    def short(kind, d):
        obj = msgpack.unpackb(d, raw=False)
        if kind == "to_feature" and obj["type"] == "tree_start":
            return _rewrite(d, gradients=obj["gradients"][:-1])
        return d

    for tamper, word in ((digest, "params_digest"), (big_ct, "ciphertext"), (short, "gradients")):
        label, feature = _parties(executor, data, TrainParams(**{**PARAMS.to_dict(), "first_tree_label_only": False}))
        with pytest.raises(RemoteProtocolError, match=word):
            _drive_until(label, feature, tamper)


def test_label_party_refuses_bad_histograms_and_partitions(data, executor):
    params = TrainParams(**{**PARAMS.to_dict(), "first_tree_label_only": False})

    def cts(kind, d):
        obj = msgpack.unpackb(d, raw=False)
        if kind == "to_label" and obj["type"] == "histograms" and obj["cts"]:
            return _rewrite(d, cts=obj["cts"][:-1])
        return d

    def refs(kind, d):
        obj = msgpack.unpackb(d, raw=False)
        if kind == "to_label" and obj["type"] == "histograms" and obj["part_refs"]:
            return _rewrite(d, part_refs=obj["part_refs"] + b"\x00" * 4)
        return d

    for tamper, field in ((cts, "cts"), (refs, "part_refs")):
        label, feature = _parties(executor, data, params)
        with pytest.raises(RemoteProtocolError, match=field):
            _drive_until(label, feature, tamper)


def test_feature_party_refuses_a_key_shorter_than_the_job(data):
    y, bg, Bg, bh, Bh = data
    params = TrainParams(**{**PARAMS.to_dict(), "key_bits": 2048})
    feature = FeatureParty(params, Bh, bh)
    setup = m.make("setup", version=m.VERSION, params_digest=params.digest(),
                   key_n=(2**1023 + 12345).to_bytes(128, "big"), start_tree=0, n_rows=len(y))
    with pytest.raises(RemoteProtocolError, match="key"):
        feature.handle(m.encode(setup))


def _posing_as(approved: TrainParams, actual: TrainParams):
    """A bank that runs ``actual`` but shows the partner the digest of what the partner approved."""
    def tamper(kind, d):
        kind_of = msgpack.unpackb(d, raw=False)["type"]
        if kind == "to_feature" and kind_of == "setup":
            return _rewrite(d, params_digest=approved.digest())
        if kind == "to_label" and kind_of == "setup_ack":
            return _rewrite(d, params_digest=actual.digest())
        return d
    return tamper


@pytest.mark.parametrize("approved, actual, word", [
    ({"first_tree_label_only": True}, {"first_tree_label_only": False}, "bank-only"),
    ({"first_tree_label_only": False, "n_trees": 1, "early_stopping_rounds": 0},
     {"first_tree_label_only": False, "n_trees": 3, "early_stopping_rounds": 0}, "number of trees"),
    ({"first_tree_label_only": False, "max_depth": 2}, {"first_tree_label_only": False, "max_depth": 3},
     "approved depth|left_bits"),  # refused at the first level past the approved depth
])
def test_feature_party_enforces_the_approved_parameters_it_can_check(executor, data, approved,
                                                                     actual, word):
    y, bg, Bg, bh, Bh = data
    ok, bad = (TrainParams(**{**PARAMS.to_dict(), **x}) for x in (approved, actual))
    label = LabelParty(bad, y, Bg, bg, executor=executor)
    feature = FeatureParty(ok, Bh, bh, executor=executor)
    with pytest.raises(RemoteProtocolError, match=word):
        _drive_until(label, feature, _posing_as(ok, bad))
