"""Paillier layer: keys, peer-key checks, wire format, batched encrypt/decrypt, phe interop."""

import secrets

import gmpy2
import numpy as np
import pytest
from gmpy2 import mpz
from phe import paillier as phe_paillier

from app.crypto import histogram, obfuscation, paillier as P
from app.errors import LocalProtocolError, RemoteProtocolError


@pytest.fixture(scope="module")
def keys():
    return P.generate_keypair(1024)


@pytest.mark.parametrize("window", [1, 8, 12])
def test_fixed_base_table_matches_builtin_pow(window):
    modulus = 1225  # 35^2
    table = obfuscation.FixedBaseTable(2, modulus, 24, window)
    for a in (0, 1, 255, 256, 300, 4095, 4096, 65537, 2**24 - 1):
        assert table.power(a) == pow(2, a, modulus)


def test_exponent_lengths_follow_who_is_hidden_from():
    # gradients hidden from the feature party: 2 x security strength, at least 256 bits
    assert obfuscation.encryption_exponent_bits(2048) == 256
    assert obfuscation.encryption_exponent_bits(3072) == 256
    assert obfuscation.encryption_exponent_bits(7680) == 384
    # bin membership hidden from the key owner: IPCL's n / 2
    assert obfuscation.rerandomisation_exponent_bits(2048) == 1024


@pytest.mark.parametrize("exp_bits", [256, 512])
def test_obfuscator_known_answer_both_windows(keys, exp_bits):
    pub, priv = keys
    h_s = obfuscation.make_base(pub.n)
    crt = obfuscation.Obfuscator(pub.n, h_s, exp_bits, priv.p, priv.q)
    for a in (0, 1, 2**exp_bits - 1, secrets.randbits(exp_bits)):
        assert crt.power(a) == pow(h_s, a, pub.nsquare)
    with pytest.raises(ValueError):
        crt.power(2**exp_bits)


def test_obfuscator_known_answer_plain_and_crt(keys):
    pub, priv = keys
    h_s = obfuscation.make_base(pub.n)
    plain = obfuscation.Obfuscator(pub.n, h_s, 512)
    crt = obfuscation.Obfuscator(pub.n, h_s, 512, priv.p, priv.q)
    for a in (1, 2**511 + 12345, secrets.randbits(512)):
        expected = pow(h_s, a, pub.nsquare)
        assert plain.power(a) == expected
        assert crt.power(a) == expected


def test_base_is_an_encryption_of_zero(keys):
    pub, priv = keys
    h_s = obfuscation.make_base(pub.n)
    assert priv.raw_decrypt(h_s) == 0
    assert h_s != obfuscation.make_base(pub.n)  # fresh x each time


def test_raw_encrypt_known_answer_against_phe(keys):
    pub, _ = keys
    r = 0x1234567890ABCDEF1234567890ABCDEF  # fixed randomness
    for m in (0, 1, 42, pub.n - 1):
        obf = gmpy2.powmod(r, pub.n, pub.nsquare)
        assert P.raw_encrypt(pub, m, obf) == pub.raw_encrypt(m, r_value=r)


def test_textbook_known_answer():
    pub = phe_paillier.PaillierPublicKey(7 * 11)  # Paillier's toy example sizes
    # (1 + 77*42) * 23^77 mod 77^2, worked out independently with Python's pow
    expected = (1 + 77 * 42) * pow(23, 77, 5929) % 5929
    assert P.raw_encrypt(pub, 42, mpz(pow(23, 77, 5929))) == expected
    priv = phe_paillier.PaillierPrivateKey(pub, 7, 11)
    assert priv.raw_decrypt(int(expected)) == 42


def test_round_trip_and_interop_with_phe(keys, executor):
    pub, priv = keys
    ms = [0, 1, pub.n - 1] + [secrets.randbelow(pub.n) for _ in range(37)]
    ours = P.encrypt_batch(executor, pub, ms)
    assert [priv.raw_decrypt(int(c)) for c in ours] == ms          # phe decrypts ours
    assert P.decrypt_batch(executor, priv, ours) == ms
    theirs = P.CipherArray(pub.n, [mpz(pub.raw_encrypt(m)) for m in ms[:10]])
    assert P.decrypt_batch(executor, priv, theirs) == ms[:10]      # we decrypt phe's


def test_key_owner_crt_encryption_decrypts(keys, executor):
    pub, priv = keys
    ms = [secrets.randbelow(pub.n) for _ in range(20)]
    assert P.decrypt_batch(executor, priv, P.encrypt_batch(executor, pub, ms, priv=priv)) == ms


def test_small_batch_encrypted_in_this_process_decrypts(keys, executor, monkeypatch):
    """``min_parallel`` above the batch size keeps it off the workers (no task submitted)."""
    pub, priv = keys
    ms = [secrets.randbelow(pub.n) for _ in range(40)]
    monkeypatch.setattr(type(executor), "submit", lambda *a, **k: pytest.fail("sent to a worker"))
    cts = P.encrypt_batch(executor, pub, ms, priv=priv, min_parallel=len(ms) + 1)
    monkeypatch.undo()
    assert P.decrypt_batch(executor, priv, cts) == ms


def test_two_encryptions_of_same_value_differ(keys, executor):
    pub, priv = keys
    cts = P.encrypt_batch(executor, pub, [7, 7])
    assert cts[0] != cts[1]
    assert P.decrypt_batch(executor, priv, cts) == [7, 7]


def test_rerandomise_changes_ciphertext_not_plaintext(keys, executor):
    pub, priv = keys
    ms = list(range(25))
    cts = P.encrypt_batch(executor, pub, ms)
    fresh = P.rerandomise_batch(executor, pub, cts)
    assert all(x != y for x, y in zip(cts, fresh))
    assert P.decrypt_batch(executor, priv, fresh) == ms


def test_add_is_homomorphic(keys, executor):
    pub, priv = keys
    cts = P.encrypt_batch(executor, pub, [1000, 2345])
    assert P.decrypt_batch(executor, priv, P.add(pub, cts[:1], cts[1:])) == [3345]


def test_encrypt_rejects_out_of_range_plaintexts(keys, executor):
    pub, _ = keys
    for bad in (-1, pub.n, 1.5, True):
        with pytest.raises(LocalProtocolError):
            P.encrypt_batch(executor, pub, [bad])


def test_round_trip_2048(executor):
    pub, priv = P.generate_keypair(2048)
    ms = [secrets.randbelow(pub.n) for _ in range(16)]
    cts = P.encrypt_batch(executor, pub, ms)
    assert P.decrypt_batch(executor, priv, cts) == ms
    assert [priv.raw_decrypt(int(c)) for c in cts] == ms
    assert len(P.cts_to_bytes(pub, cts[:1])) == 512
    wire = b"".join(P.encrypt_to_parts(executor, pub, ms, priv=priv))   # straight to the wire form
    assert len(wire) == 16 * 512 and P.decrypt_batch(executor, priv, P.cts_from_bytes(pub, wire)) == ms


def test_ciphertext_bytes_fixed_width_round_trip(keys, executor):
    pub, _ = keys
    cts = P.encrypt_batch(executor, pub, [5, 6, 7]) + P.CipherArray(pub.n, [mpz(1)])
    blob = P.cts_to_bytes(pub, cts)
    assert len(blob) == 4 * 2 * ((pub.n.bit_length() + 7) // 8)
    assert P.cts_from_bytes(pub, blob) == cts


def test_cts_from_bytes_rejects_bad_values(keys):
    pub, priv = keys
    width = P.ct_width(pub)
    bad = [0, pub.nsquare, pub.nsquare + 1, 2 ** (8 * width) - 1, priv.p, priv.q * 12345]
    good = P.cts_to_bytes(pub, P.CipherArray(pub.n, [mpz(2)]))
    for value in bad:
        data = value.to_bytes(width, "big")
        for blob in (data, good + data + good):
            with pytest.raises(RemoteProtocolError):
                P.cts_from_bytes(pub, blob)
    for data in (b"\x01" * (width - 1), b"\x01" * (width + 1), b"\x01" * (width + 3), "text"):
        with pytest.raises(RemoteProtocolError):
            P.cts_from_bytes(pub, data)


def test_kernels_refuse_ciphertexts_under_another_key(keys, executor):
    pub, priv = keys
    other_pub, other_priv = P.generate_keypair(1024)
    ours = P.encrypt_batch(executor, pub, [1, 2, 3])
    theirs = P.encrypt_batch(executor, other_pub, [4, 5, 6])
    attempts = [
        lambda: P.add(pub, ours, theirs),
        lambda: ours + theirs,
        lambda: P.concat(pub, [ours, theirs]),
        lambda: P.decrypt_batch(executor, other_priv, ours),
        lambda: P.rerandomise_batch(executor, other_pub, ours),
        lambda: P.fold_batch(executor, pub, [ours, theirs], 8),
        lambda: P.cts_to_bytes(other_pub, ours),
        lambda: P.decrypt_batch(executor, priv, list(ours)),     # bare integers name no key
        lambda: histogram.HistogramSession(executor, other_pub, ours, np.zeros((3, 1), np.uint8)),
        lambda: histogram.subtract(pub, [ours], [theirs]),
    ]
    for attempt in attempts:
        with pytest.raises(LocalProtocolError, match="different Paillier keys"):
            attempt()
    assert P.decrypt_batch(executor, priv, ours) == [1, 2, 3]   # the same calls under one key work


def test_validate_public_key():
    pub, _ = P.generate_keypair(1024)
    assert P.validate_public_key(pub.n, min_bits=1024).n == pub.n
    with pytest.raises(RemoteProtocolError):
        P.validate_public_key(pub.n)                         # below 2048 bits
    with pytest.raises(RemoteProtocolError):
        P.validate_public_key(pub.n + 1, min_bits=1024)      # even
    prime = int(gmpy2.next_prime(mpz(2) ** 1100))
    with pytest.raises(RemoteProtocolError):
        P.validate_public_key(3 * prime, min_bits=1024)      # small factor
    with pytest.raises(RemoteProtocolError):
        P.validate_public_key(65521 * prime, min_bits=1024)  # largest prime below 2^16
    with pytest.raises(RemoteProtocolError):
        P.validate_public_key(prime, min_bits=1024)          # prime
    with pytest.raises(RemoteProtocolError):
        P.validate_public_key(prime * prime, min_bits=1024)  # square
    with pytest.raises(RemoteProtocolError):
        P.validate_public_key(2 ** 9000 + 1, min_bits=1024)  # absurdly long
    for not_int in ("123", 1.0e300, True, None):
        with pytest.raises(RemoteProtocolError):
            P.validate_public_key(not_int, min_bits=1024)


def test_precomputed_obfuscators_are_handed_out_once(keys):
    pub, priv = keys
    h_s = obfuscation.make_base(pub.n)
    obf = obfuscation.Obfuscator(pub.n, h_s, 256, priv.p, priv.q)
    assert obf.precompute(5, limit=3) == 3          # capped at the limit
    ahead = list(obf._reserve)
    drawn = [obf.draw() for _ in range(5)]          # three from the reserve, then fresh ones
    assert sorted(drawn[:3]) == sorted(ahead) and obf._reserve == []
    assert len(set(drawn)) == 5
    assert all(priv.raw_decrypt(int(x)) == 0 for x in drawn)   # each encrypts zero


def test_encryption_uses_worker_reserves_without_reuse(keys, executor):
    pub, priv = keys
    have = P.precompute_obfuscators(executor, pub, 40, limit=30, priv=priv)
    assert have == 30
    plains = [7] * 200
    first = P.encrypt_batch(executor, pub, plains, priv=priv)
    second = P.encrypt_batch(executor, pub, plains, priv=priv)
    assert len(set(first) | set(second)) == 400     # no obfuscator used twice
    assert P.decrypt_batch(executor, priv, first + second) == [7] * 400
    assert P.precompute_obfuscators(executor, pub, 0, limit=30, priv=priv) == 0  # used up
