"""Okamoto–Uchiyama: known answers, homomorphism, packing limits, key checks, and the range check
that stops a SecureBoost job when a histogram ciphertext was tampered with."""

from __future__ import annotations

import secrets

import numpy as np
import pytest
from gmpy2 import mpz

from app.crypto import histogram, ou, paillier, schemes
from app.crypto.packing import GHPacker
from app.errors import LocalProtocolError, RemoteProtocolError, ValidationError
from app.protocols.secureboost import messages as m
from app.protocols.secureboost.binning import fit_binning
from app.protocols.secureboost.driver import run_training
from app.protocols.secureboost.feature_party import FeatureParty
from app.protocols.secureboost.label_party import LabelParty
from app.protocols.secureboost.model import PARTNER_SPLIT
from app.protocols.secureboost.params import TrainParams
from test_secureboost_helpers import breast

# p = 11, q = 13: n = 121 * 13 = 1573; g = 2 has g^(p-1) = 1024 = 56 mod 121, L = (56 - 1) / 11 = 5,
# 5^-1 mod 11 = 9; h = 3^n mod n = 874 (an n-th power: an encryption of zero).
SMALL = ou.PrivateKey(11, 13, 2)
H = 874


@pytest.fixture(scope="module")
def keypair():
    return ou.generate_keypair(1024)


def test_known_answers_small_key():
    pub = SMALL.public_key
    assert pub.n == 1573 and SMALL.gp_inv == 9
    assert pow(3, 1573, 1573) == H
    # c = 2^7 * 874^5 mod 1573 = 128 * 243 = 31104 = 19 * 1573 + 1217
    assert pow(H, 5, 1573) == 243
    assert ou.raw_encrypt(pub, 7, 5, H) == 1217
    # 1217 = 7 mod 121 ... decryption: 1217^10 mod 121 = 23, L = 22 / 11 = 2, 2 * 9 mod 11 = 7
    assert pow(1217, 10, 121) == 23
    assert ou.raw_decrypt(SMALL, 1217) == 7
    assert ou.raw_decrypt(SMALL, H) == 0
    assert [ou.raw_decrypt(SMALL, ou.raw_encrypt(pub, msg, r, H)) for msg in range(11)
            for r in (0, 1, 17)] == [msg for msg in range(11) for _ in range(3)]
    # additive: E(a) * E(b) = E(a + b mod p)
    assert ou.raw_decrypt(SMALL, ou.raw_encrypt(pub, 6, 2, H) * ou.raw_encrypt(pub, 9, 4, H) % 1573) == 4
    assert ou.plaintext_bits(pub) == 2  # 11-bit n: values below 4 < p are plaintexts


def test_generator_that_misses_the_plaintext_subgroup_is_refused():
    # 3^10 mod 121 = 1: no order-p component, nothing would decrypt
    with pytest.raises(LocalProtocolError):
        ou.PrivateKey(11, 13, 3)


def test_keys_have_the_approved_size_and_structure(keypair):
    pub, priv = keypair
    n = pub.n
    assert n.bit_length() == 1024 and n == priv.p ** 2 * priv.q
    assert priv.p.bit_length() == 1024 // 3 and ou.plaintext_bits(pub) == 340
    assert 1 << ou.plaintext_bits(pub) < priv.p
    assert ou.validate_public_key(n, min_bits=1024) == ou.PublicKey(n)
    assert schemes.of(pub) is ou and schemes.of(paillier.generate_keypair(1024)[0]) is paillier
    assert "p" not in repr(priv) and str(priv.p) not in repr(priv)


@pytest.mark.parametrize("bad", [
    lambda n: n + 1,                        # even
    lambda n: n * 3,                        # small factor (and longer)
    lambda n: 2 ** 1279 - 1,                # a (Mersenne) prime
    lambda n: int(ou.PrivateKey(11, 13, 2).public_key.n),  # far too short
])
def test_partner_keys_without_the_structure_are_refused(keypair, bad):
    with pytest.raises(RemoteProtocolError):
        ou.validate_public_key(bad(keypair[0].n), min_bits=1024)


def test_perfect_power_is_refused():
    big = int(mpz(2) ** 360 + 1)  # a cube of an odd number free of factors below 2^16
    while any(big % s == 0 for s in range(3, 1 << 16, 2)):
        big += 2
    with pytest.raises(RemoteProtocolError, match="not of the form"):
        ou.validate_public_key(big ** 3, min_bits=1024)


def test_batch_kernels_are_homomorphic(keypair, executor):
    pub, priv = keypair
    partner = ou.validate_public_key(pub.n, min_bits=1024)
    values = [0, 1, 2, 12345, (1 << 300) + 7, (1 << 340) - 1]
    owner = ou.encrypt_batch(executor, pub, values, priv=priv)
    plain = ou.encrypt_batch(executor, pub, values)  # same values without CRT
    assert ou.decrypt_batch(executor, priv, owner) == values
    assert ou.decrypt_batch(executor, priv, plain) == values
    assert owner.items != plain.items  # fresh randomness every time
    total = ou.add(pub, owner, plain)
    assert ou.decrypt_batch(executor, priv, total) == [2 * v % priv.p for v in values]
    fresh = ou.rerandomise_batch(executor, partner, owner)
    assert all(a != b for a, b in zip(fresh.items, owner.items))
    assert ou.decrypt_batch(executor, priv, fresh) == values
    folded = ou.fold_batch(executor, partner, [owner[1:4], owner[0:1]], 20)
    assert ou.decrypt_batch(executor, priv, folded) == [(1 << 40) + (2 << 20) + 12345, 0]
    blob = ou.cts_to_bytes(partner, fresh)
    assert len(blob) == len(values) * 128 and ou.cts_from_bytes(partner, blob) == fresh
    wire = b"".join(ou.encrypt_to_parts(executor, pub, values, priv=priv))   # straight to the wire form
    assert len(wire) == len(blob) and ou.decrypt_batch(executor, priv, ou.cts_from_bytes(partner, wire)) == values
    sub = histogram.subtract(partner, [total], [plain])
    assert ou.decrypt_batch(executor, priv, sub[0]) == values
    with pytest.raises(LocalProtocolError):
        ou.encrypt_batch(executor, pub, [1 << 340])  # above the plaintext bound
    with pytest.raises(LocalProtocolError):
        ou.encrypt_batch(executor, partner, [1])  # the partner has no g: it never encrypts


def test_digit_layout_skips_zero_runs_and_folds_bits_every_value_has():
    packer = GHPacker(31647, scale_bits=24, g_bound=1.0, h_bound=0.25, count_slot=True)
    rng = np.random.default_rng(3)
    packed = packer.pack(rng.uniform(-1, 1, 500), rng.uniform(0, 0.25, 500))
    fixed, starts = ou.g_layout(packed)
    assert fixed == 1 and len(starts) == 4  # the count bit is fixed; 2 digits for h, 2 for g
    assert ou.g_layout([0b101, 0b111]) == (0b101, (1,))
    assert ou.g_layout([7, 7]) == (0, (0,)) and ou.g_layout([]) == (0, (0,))
    assert ou.g_layout([1 << 40, 1 << 40 | 1 << 70 | 1]) == (1 << 40, (0, 70))


def test_crt_tables_built_in_lockstep_equal_separate_ones(keypair):
    from app.crypto import obfuscation
    _, priv = keypair
    p2, q = priv.p ** 2, priv.q
    pair = obfuscation.FixedBaseTable.crt_pair(12345, p2, q, 40, 6)
    for table, modulus in zip(pair, (p2, q)):
        alone = obfuscation.FixedBaseTable(12345, modulus, 40, 6)
        assert table.rows == alone.rows and table.n_rows == alone.n_rows == 7
        assert table.power(999_999) == pow(12345, 999_999, modulus)


@pytest.mark.parametrize("values", [
    [0, 1, 2, 12345, (1 << 300) + 7, (1 << 340) - 1],
    [5, 5, 5],                                   # one value: no fixed part
    [0, 0],
    [1 << 20 | 1, 1 << 20 | 1 << 30 | 1 << 25 | 1, (1 << 33) - 1],  # fixed bits inside a digit
])
def test_key_owner_kernel_matches_the_definition(keypair, values):
    from app.crypto import obfuscation
    pub, priv = keypair
    h = obfuscation.make_base(pub.n, "ou")
    obf = obfuscation.Obfuscator(pub.n, h, 256, priv.p, priv.q, "ou")
    tables = ou.OwnerTables(pub.g, obf.p2, obf.q2, *ou.g_layout(values))
    width = ou.ct_width(pub)
    cts = paillier.from_trusted_blob(ou.encrypt_owner(values, tables, obf, width), width)
    assert [ou.raw_decrypt(priv, c) for c in cts] == values
    # with obfuscators drawn ahead: each is used once, and c / g^m is exactly that obfuscator
    obf.precompute(len(values), len(values))
    ahead = list(reversed(obf._reserve))
    cts = paillier.from_trusted_blob(ou.encrypt_owner(values, tables, obf, width), width)
    assert not obf._reserve
    assert cts == [ou.raw_encrypt(pub, m, 1, x) for m, x in zip(values, ahead)]


def test_peer_ciphertexts_are_range_checked(keypair):
    pub, priv = keypair
    width = ou.ct_width(pub)
    for bad in (0, pub.n, pub.n + 5, priv.p):  # zero, out of range, out of range, not invertible
        with pytest.raises(RemoteProtocolError):
            ou.cts_from_bytes(pub, int(bad).to_bytes(width + 1, "big")[1:])
    with pytest.raises(RemoteProtocolError):
        ou.cts_from_bytes(pub, b"\x01" * (width - 1))
    with pytest.raises(LocalProtocolError):  # an array under another key cannot be mixed in
        ou.add(pub, paillier.CipherArray(pub.n + 2, []), paillier.CipherArray(pub.n, []))


def test_packing_fills_the_smaller_plaintext_space_exactly(keypair, executor):
    pub, priv = keypair
    packer = GHPacker(1000, scale_bits=24, count_slot=True)
    k = packer.bins_per_ciphertext(pub)
    assert k == ou.plaintext_bits(pub) // packer.pair_bits
    assert k < (pub.n.bit_length() - 1) // packer.pair_bits  # fewer slots than Paillier's n
    # k sums at their largest honest values fit; they decrypt slot by slot
    top = (1 << packer.pair_bits) - 1
    sums = ou.encrypt_batch(executor, pub, [top] * k, priv=priv)
    packed = packer.pack_ciphertexts(executor, pub, sums)
    assert len(packed) == 1
    plains = ou.decrypt_batch(executor, priv, packed)
    assert plains[0] < 1 << ou.plaintext_bits(pub)
    assert packer.unpack_plaintexts(pub, plains, k) == [top] * k
    # one more slot would not fit below p: k + 1 full slots wrap modulo p
    over = (top << (k * packer.pair_bits)) | plains[0]
    assert over >= priv.p
    with pytest.raises(RemoteProtocolError, match="no honest computation"):
        packer.unpack_plaintexts(pub, [over % priv.p], k)


def test_scheme_is_an_approved_parameter():
    assert TrainParams().scheme == "paillier"
    assert TrainParams(scheme="ou").digest() != TrainParams().digest()
    # jobs approved before the scheme existed keep their digest
    legacy = {k: v for k, v in TrainParams().to_dict().items() if k != "scheme"}
    assert TrainParams.from_dict(legacy).digest() == TrainParams().digest()
    with pytest.raises(ValidationError):
        TrainParams(scheme="rsa")


# ---------------------------------------------------------------- SecureBoost on OU

PARAMS = TrainParams(n_trees=3, max_depth=3, key_bits=1024, min_leaf_size=5, valid_fraction=0.25,
                     n_bins=16, early_stopping_rounds=0, seed=11, first_tree_label_only=False)


@pytest.fixture(scope="module")
def data():
    y, guest, host = breast()
    bg, bh = fit_binning(guest, n_bins=PARAMS.n_bins), fit_binning(host, n_bins=PARAMS.n_bins)
    return y, bg, bg.transform(guest), bh, bh.transform(host)


def _train(executor, data, params, feature_cls=FeatureParty):
    y, bg, Bg, bh, Bh = data
    label = LabelParty(params, y, Bg, bg, executor=executor)
    feature = feature_cls(params, Bh, bh, executor=executor)
    return run_training(label, feature), label


def test_ou_training_gives_the_very_same_trees_as_paillier(data, executor):
    with_ou, label = _train(executor, data, TrainParams(**{**PARAMS.to_dict(), "scheme": "ou"}))
    with_paillier, _ = _train(executor, data, PARAMS)
    assert schemes.of(label.crypto.pub) is ou
    assert label.crypto.ops["decrypt"] > 0
    assert len(with_ou.trees) == len(with_paillier.trees) == PARAMS.n_trees
    for a, b in zip(with_ou.trees, with_paillier.trees):
        for name in ("kind", "feature", "bin", "missing_left", "value", "gain"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert any((t.kind == PARTNER_SPLIT).any() for t in with_ou.trees)  # the partner's sums mattered


class _Tampering(FeatureParty):
    """A partner that alters one histogram ciphertext of its first reply to a level."""

    how = "random"

    def handle(self, data: bytes) -> bytes:
        reply = super().handle(data)
        msg = m.decode(reply, {"histograms", "setup_ack", "ack"})
        if msg.type != "histograms" or not len(msg.cts) or msg.depth != 1:
            return reply
        n = int(self.crypto.pub.n)
        width = ou.ct_width(self.crypto.pub)
        first = int.from_bytes(msg.cts[:width], "big")
        if self.how == "random":   # an arbitrary unit: decrypts to a value mod p
            forged = secrets.randbelow(n - 2) + 2
        else:                      # the same value twice: a plausible-looking doubled sum
            forged = first * first % n
        fields = dict(msg.fields, cts=forged.to_bytes(width, "big") + msg.cts[width:])
        return m.encode(m.Message("histograms", fields))


@pytest.mark.parametrize("how", ["random", "doubled"])
def test_tampered_histogram_ciphertext_stops_the_job(data, executor, how):
    cls = type("Tampering", (_Tampering,), {"how": how})
    params = TrainParams(**{**PARAMS.to_dict(), "scheme": "ou"})
    with pytest.raises(RemoteProtocolError, match="no honest computation gives"):
        _train(executor, data, params, cls)


def test_the_scheme_reaches_the_approval_sentence_and_the_model_record():
    from app.workflows import job_exposure
    from app.workflows.training import record
    facts = {"kind": "training", "features": 8, "rows": 100, "trees": 5, "depth": 3,
             "first_tree_bank_only": True, "scheme": "ou", "key_bits": 2048}
    assert "Okamoto-Uchiyama (OU) encryption (2048-bit keys)" in job_exposure.sentence(facts)
    assert "Paillier encryption" in job_exposure.sentence({**facts, "scheme": "paillier"})
    assert record.build({"scheme": "ou", "key_bits": 2048}, "a", "d", {})["scheme"] == "ou"
    assert record.build({"key_bits": 2048}, "a", "d", {})["scheme"] == "paillier"  # old params
