"""SS-LR (app.protocols.scorecard): accuracy against a centralised logistic regression, the
validation split and early stopping, the partner's transcript under permuted labels, the packed
row products on the workers, and refusal of malformed or out-of-order messages.

One early-stopped run is shared by the accuracy and early-stopping tests, and one small pair of
runs (true and permuted labels) by the transcript tests: training is what costs time here."""

from __future__ import annotations

import gzip

import msgpack
import numpy as np
import pytest

from app.crypto import combine, paillier
from app.errors import RemoteProtocolError
from app.protocols.scorecard import Bank, LRParams, Partner, Transcript, run_bank, run_in_memory
from app.protocols.scorecard import messages as m
from app.protocols.scorecard.shares import batches, split
from app.protocols.secureboost.metrics import auc
from fixture_data import DATA

ROWS = 2000
# Early stopping on a quarter of the rows; with this seed it stops after epoch 2 (best: epoch 1).
PARAMS = LRParams(epochs=6, batch_size=500, learning_rate=1.0, l2=0.0, key_bits=1024, seed=3,
                  valid_fraction=0.25, patience=1)
# The transcript pair: a validation split but a fixed number of epochs (patience 0), so the
# partner's view may not depend on the labels at all.
SMALL = LRParams(epochs=2, batch_size=200, learning_rate=1.0, key_bits=1024, seed=4,
                 valid_fraction=0.25, patience=0)
SMALL_ROWS = 600


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
def trained(executor, data):
    y, xa, xb = data
    return _train(executor, y, xa, xb)


@pytest.fixture(scope="module")
def runs(executor, data):
    y, xa, xb = (v[:SMALL_ROWS] for v in data)
    permuted = np.random.default_rng(5).permutation(y)
    return _train(executor, y, xa, xb, SMALL), _train(executor, permuted, xa, xb, SMALL)


def _z(result, partner, xa, xb):
    return result.weights[0] + xa @ result.weights[1:] + xb @ partner.weights


def test_auc_matches_centralised_logistic_regression(trained, data):
    from statsmodels.discrete.discrete_model import Logit

    y, xa, xb = data
    result, partner, _ = trained
    z = _z(result, partner, xa, xb)
    ref_auc = auc(y, Logit(y, np.hstack([np.ones((len(y), 1)), xa, xb])).fit(disp=0).predict())
    assert abs(auc(y, z) - ref_auc) <= 0.01, (auc(y, z), ref_auc)
    assert result.losses[-1] < result.losses[0]


def test_validation_split_is_seeded_and_never_trained_on():
    train, valid = split(PARAMS, ROWS)
    assert len(valid) == ROWS // 4 and not set(train) & set(valid)
    assert sorted([*train, *valid]) == list(range(ROWS))
    again, other = split(PARAMS, ROWS), split(LRParams(valid_fraction=0.25, seed=4), ROWS)
    assert (again[1] == valid).all() and not (other[1] == valid).all()
    for epoch in range(3):
        assert (np.sort(np.concatenate(batches(PARAMS, ROWS, epoch))) == train).all()


def test_early_stopping_keeps_the_best_epochs_weights(trained, data):
    y, xa, xb = data
    result, partner, _ = trained
    best, losses = result.best_epoch, result.valid_losses
    # it stopped before the last epoch, ``patience`` epochs after the best validation loss
    assert len(result.losses) == len(losses) == best + 1 + PARAMS.patience < PARAMS.epochs
    assert losses[best] == min(losses) and losses[-1] > losses[best]
    # the kept weights are that epoch's: their validation loss (the sigmoid's second-order
    # expansion, as on shares) is the one the bank saw for the best epoch, not the last one
    _, valid = split(PARAMS, ROWS)
    z, sign = _z(result, partner, xa[valid], xb[valid]), 2 * y[valid] - 1
    plain = np.log(2) + np.mean(-sign * z / 2 + z ** 2 / 8)
    assert abs(plain - losses[best]) < 1e-3 < abs(plain - losses[-1]), (plain, losses)


def test_fixed_epochs_with_a_validation_split(runs):
    (result, partner, _), _ = runs
    assert len(result.losses) == len(result.valid_losses) == SMALL.epochs
    assert result.best_epoch == SMALL.epochs - 1 and partner.weights is not None


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
    y = y[:SMALL_ROWS]
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


def test_partner_refuses_a_finish_naming_another_epoch(executor, data):
    y, xa, xb = (v[:96] for v in data)
    params = LRParams(epochs=2, batch_size=48, key_bits=1024)
    bank, partner = Bank(params, xa, y, executor), Partner(params, xb, executor)
    replies = []

    def send(data: bytes) -> None:
        if m.kind_of(data) == "finish":       # the last epoch is 1: name epoch 0 instead
            data = m.make("finish", **{**m.expect(data, "finish"), "epoch": 0})
        replies.append(partner.handle(data))

    with pytest.raises(RemoteProtocolError, match="epoch"):
        run_bank(bank, send, lambda: replies.pop(0))


def test_packed_rows_on_workers_are_bit_identical_and_in_order(executor):
    pub, priv = paillier.generate_keypair(1024)
    rng = np.random.default_rng(7)
    bins, slots, rows = (5, 3, 4, 2), 3, 301
    values = [rng.integers(0, 1000, (b, slots)) for b in bins]
    tables = paillier.encrypt_batch(executor, pub, [int(v) for vals in values for v in vals.ravel()])
    bases = np.cumsum([0] + [b * slots for b in bins[:-1]]).tolist()
    codes = np.stack([rng.integers(0, b, rows) for b in bins], axis=1).astype(np.uint8)
    packed, mults = combine.combine_batch(executor, pub.n, tables.items, bases, codes, slots, min_cts=1)
    nsq = pub.n ** 2
    expected, sums = [], []
    for start in range(0, rows, slots):                # the plain definition, row by row
        acc, total = 1, 0
        for t, r in enumerate(range(start, min(rows, start + slots))):
            for j, b in enumerate(codes[r].tolist()):
                acc = acc * int(tables.items[bases[j] + b * slots + t]) % nsq
                total += int(values[j][b, t])
        expected.append(acc)
        sums.append(total)
    assert [int(c) for c in packed] == expected and 0 < mults < rows * len(bins)
    assert paillier.decrypt_batch(executor, priv, paillier.CipherArray(pub.n, packed)) == sums


def test_joint_codes_match_numpys_unique_rows():
    """The packed-key path gives numpy's distinct rows, in the same order, for 1 to 8 columns
    (and the fallback for wider groups)."""
    codes = np.random.default_rng(2).integers(0, 256, (3000, 9)).astype(np.uint8)
    codes[:, :3] %= 3   # few distinct values up front, so rows repeat
    for width in (1, 2, 3, 8, 9):
        keys, inverse = combine.joint_codes(codes[:, :width])
        want_keys, want_inverse = np.unique(codes[:, :width], axis=0, return_inverse=True)
        assert keys.dtype == np.uint8 and (keys == want_keys).all()
        assert (inverse == want_inverse.reshape(-1)).all()
