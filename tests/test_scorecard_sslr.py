"""SS-LR (app.protocols.scorecard): accuracy against a centralised logistic regression, the
partner's transcript under permuted labels, and refusal of malformed or out-of-order messages."""

from __future__ import annotations

import gzip

import msgpack
import numpy as np
import pytest

from app.errors import RemoteProtocolError
from app.protocols.scorecard import Bank, LRParams, Partner, Transcript, run_in_memory
from app.protocols.scorecard import messages as m
from app.protocols.secureboost.metrics import auc
from fixture_data import DATA

ROWS = 3000
PARAMS = LRParams(epochs=4, batch_size=500, learning_rate=1.0, l2=0.0, key_bits=1024, seed=3)


def _woe(x: np.ndarray, y: np.ndarray, bins: int = 5) -> np.ndarray:
    """Small local equal-frequency WOE encoding (the test's own, independent of the product's)."""
    out = np.empty_like(x)
    for j in range(x.shape[1]):
        edges = np.unique(np.quantile(x[:, j], np.linspace(0, 1, bins + 1)[1:-1]))
        code = np.searchsorted(edges, x[:, j], side="right")
        for k in np.unique(code):
            inside = code == k
            pos, neg = y[inside].sum() + 0.5, (1 - y[inside]).sum() + 0.5
            out[inside, j] = np.log((pos / y.sum()) / (neg / (1 - y).sum()))
    return np.round(out, 4)


def _load(rows: int = ROWS):
    def read(name):
        with gzip.open(DATA / "fate_default_credit_hetero" / name, "rt") as f:
            return np.genfromtxt(f, delimiter=",", skip_header=1)
    guest, host = read("default_credit_hetero_guest.csv.gz"), read("default_credit_hetero_host.csv.gz")
    assert (guest[:, 0] == host[:, 0]).all()
    pick = np.random.default_rng(0).choice(len(guest), rows, replace=False)
    y = guest[pick, 1].astype(int)
    return y, _woe(guest[pick, 2:12], y), _woe(host[pick, 1:11], y)


@pytest.fixture(scope="module")
def data():
    return _load()


def _train(executor, y, xa, xb, params=PARAMS):
    bank, partner = Bank(params, xa, y, executor), Partner(params, xb, executor)
    transcript = Transcript()
    result = run_in_memory(bank, partner, transcript)
    return result, partner, transcript


@pytest.fixture(scope="module")
def runs(executor, data):
    y, xa, xb = data
    permuted = np.random.default_rng(5).permutation(y)
    return _train(executor, y, xa, xb), _train(executor, permuted, xa, xb)


def test_auc_matches_centralised_logistic_regression(runs, data):
    import statsmodels.api as sm

    y, xa, xb = data
    (result, partner, _), _ = runs
    z = result.weights[0] + xa @ result.weights[1:] + xb @ partner.weights
    ref = sm.Logit(y, sm.add_constant(np.hstack([xa, xb]))).fit(disp=0)
    ref_auc = auc(y, ref.predict())
    assert abs(auc(y, z) - ref_auc) <= 0.01, (auc(y, z), ref_auc)
    assert result.losses[-1] < result.losses[0]


def _shape(message: bytes) -> tuple:
    name, version, body = msgpack.unpackb(message, raw=False)
    return (name, len(message), tuple((k, type(v).__name__, len(v) if isinstance(v, bytes) else v)
                                      for k, v in sorted(body.items())))


def test_partner_view_has_label_independent_shape(runs):
    (r1, p1, t1), (r2, p2, t2) = runs
    assert not np.allclose(r1.weights, r2.weights)   # the runs really differ
    assert len(t1.to_partner) == len(t2.to_partner) > 20
    # same type, size and counters; every bytes field has the same length (ciphertexts, masked
    # openings); the only numbers are epoch/batch counters and setup sizes
    assert [_shape(a) for a in t1.to_partner[:-1]] == [_shape(b) for b in t2.to_partner[:-1]]
    for message in t1.to_partner:
        _, _, body = msgpack.unpackb(message, raw=False)
        for key, value in body.items():
            assert not isinstance(value, float), key
            if isinstance(value, int):
                assert key in {"epoch", "batch", "version", "n_rows", "n_features"}, key


def test_partner_view_holds_no_label_or_residual(runs, data):
    y, _, _ = data
    (_, _, t1), _ = runs
    labels = {np.asarray(y, dtype="<i8").tobytes(), np.asarray(y, dtype="<u1").tobytes(),
              np.packbits(y.astype(bool)).tobytes()}
    blob = b"".join(t1.to_partner)
    assert not any(pattern in blob for pattern in labels)


def test_malformed_and_out_of_order_messages_are_refused(executor, data):
    y, xa, xb = data
    small = LRParams(epochs=1, batch_size=500, key_bits=1024)
    bank, partner = Bank(small, xa[:600], y[:600], executor), Partner(small, xb[:600], executor)
    gen = bank.protocol()
    setup = next(gen)
    with pytest.raises(RemoteProtocolError):      # an epoch message before setup
        Partner(small, xb[:600], executor).handle(m.make("epoch_end", epoch=0))
    with pytest.raises(RemoteProtocolError):      # garbage
        Partner(small, xb[:600], executor).handle(b"\x93\xa4oops\x01\x80")
    first = gen.send(partner.handle(setup))       # triples, step 0
    other = Partner(small, xb[:600], executor)
    other.handle(setup)
    with pytest.raises(RemoteProtocolError):      # a message for the wrong epoch
        other.handle(m.make("mpc", epoch=1, batch=0, data=msgpack.unpackb(first)[2]["data"]))
    with pytest.raises(RemoteProtocolError):      # a refused run stays refused
        other.handle(first)
    with pytest.raises(RemoteProtocolError):      # setup with another parameter digest
        Partner(LRParams(epochs=2, batch_size=500, key_bits=1024), xb[:600], executor).handle(setup)
    body = msgpack.unpackb(setup)[2]
    body["n_features"] = 10_000                    # out of the declared range
    with pytest.raises(RemoteProtocolError):
        Partner(small, xb[:600], executor).handle(msgpack.packb([m.PROTOCOL + ".setup", 1, body]))
