"""Paillier for SecureBoost: keys, batched encrypt/decrypt/fold, wire format (layout: packing.py).

Keys are phe's ``PaillierPublicKey``/``PaillierPrivateKey`` (so ciphertexts interoperate with phe:
g = n + 1, ``c = (1 + n*m) * r^n mod n^2``), but the arithmetic uses raw gmpy2 ``mpz`` values and a
process pool. Ciphertexts are plain ``mpz`` integers with no exponent or other metadata attached:
every message type uses one constant fixed-point scale, so nothing on the wire depends on values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import gmpy2
from gmpy2 import mpz
from phe import paillier as phe_paillier

from app.crypto import obfuscation, pool
from app.errors import LocalProtocolError, RemoteProtocolError

DEFAULT_KEY_BITS = 2048
MAX_KEY_BITS = 8192  # refuse absurd peer keys before doing arithmetic with them
SMALL_PRIME_LIMIT = 1 << 16

PublicKey = phe_paillier.PaillierPublicKey
PrivateKey = phe_paillier.PaillierPrivateKey


# ---------------------------------------------------------------- keys


def generate_keypair(bits: int = DEFAULT_KEY_BITS) -> tuple[PublicKey, PrivateKey]:
    """A fresh key pair for one job. Kept in memory only; never serialise the private key."""
    if bits < 1024 or bits % 8:
        raise LocalProtocolError("Paillier keys must be at least 1024 bits and a whole number of bytes.")
    return phe_paillier.generate_paillier_keypair(n_length=bits)


_SMALL_PRIMES_PRODUCT: mpz | None = None


def _small_primes_product() -> mpz:
    global _SMALL_PRIMES_PRODUCT
    if _SMALL_PRIMES_PRODUCT is None:
        product, prime = mpz(1), mpz(2)
        while prime < SMALL_PRIME_LIMIT:
            product *= prime
            prime = gmpy2.next_prime(prime)
        _SMALL_PRIMES_PRODUCT = product
    return _SMALL_PRIMES_PRODUCT


def validate_public_key(n: int, min_bits: int = DEFAULT_KEY_BITS) -> PublicKey:
    """Check a peer's modulus (bit length, odd, no prime factor below 2^16, not prime, not a square).

    Raises RemoteProtocolError; returns the phe public key on success.
    """
    if isinstance(n, bool) or not isinstance(n, (int, type(mpz(0)))):
        raise RemoteProtocolError("The peer's Paillier key is not an integer.")
    n = int(n)
    if n.bit_length() < min_bits:
        raise RemoteProtocolError(f"The peer's Paillier key is shorter than {min_bits} bits.")
    if n.bit_length() > MAX_KEY_BITS:
        raise RemoteProtocolError(f"The peer's Paillier key is longer than {MAX_KEY_BITS} bits.")
    if n % 2 == 0:
        raise RemoteProtocolError("The peer's Paillier key is even.")
    if gmpy2.gcd(n, _small_primes_product()) != 1:
        raise RemoteProtocolError("The peer's Paillier key has a small prime factor.")
    if gmpy2.is_square(n) or gmpy2.is_prime(n):
        raise RemoteProtocolError("The peer's Paillier key is not a product of two distinct primes.")
    return PublicKey(n)


@dataclass(frozen=True)
class _Key:
    n: mpz
    nsq: mpz
    n_bits: int
    ct_bytes: int  # fixed wire width of one ciphertext: 2 * ceil(n_bits / 8)


_KEYS: dict[int, _Key] = {}


def _key(pub: PublicKey) -> _Key:
    found = _KEYS.get(pub.n)
    if found is None:
        n = mpz(pub.n)
        n_bits = int(n.bit_length())
        found = _Key(n, n * n, n_bits, 2 * ((n_bits + 7) // 8))
        if len(_KEYS) >= 8:
            _KEYS.pop(next(iter(_KEYS)))
        _KEYS[pub.n] = found
    return found


# ---------------------------------------------------------------- wire format


def _to_blob(cts: Iterable[mpz], width: int) -> bytes:
    return b"".join(mpz(ct).to_bytes(width, "big") for ct in cts)


def _from_blob(blob: bytes, width: int) -> list[mpz]:
    """Trusted blobs only (our own workers); peer bytes go through cts_from_bytes."""
    frm = mpz.from_bytes
    return [frm(blob[i:i + width], "big") for i in range(0, len(blob), width)]


def ct_width(pub: PublicKey) -> int:
    """Wire width of one ciphertext in bytes (2 * ceil(n_bits / 8))."""
    return _key(pub).ct_bytes


def cts_from_trusted_bytes(blob: bytes, width: int) -> list[mpz]:
    """Our own workers' blobs (no validation); peer bytes must use cts_from_bytes."""
    return _from_blob(blob, width)


def ct_to_bytes(pub: PublicKey, ct: mpz) -> bytes:
    """Fixed-width big-endian encoding, 2 * n_bytes long whatever the value."""
    return mpz(ct).to_bytes(_key(pub).ct_bytes, "big")


def ct_from_bytes(pub: PublicKey, data: bytes) -> mpz:
    """Parse one peer ciphertext: exact width, 0 < ct < n^2, gcd(ct, n) = 1 else RemoteProtocolError."""
    key = _key(pub)
    ct = _parse_one(key, data)
    if gmpy2.gcd(ct, key.n) != 1:
        raise RemoteProtocolError("The peer sent a ciphertext that is not invertible.")
    return ct


def _parse_one(key: _Key, data: bytes) -> mpz:
    if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) != key.ct_bytes:
        raise RemoteProtocolError("The peer sent a ciphertext of the wrong size.")
    ct = mpz.from_bytes(bytes(data), "big")
    if ct == 0 or ct >= key.nsq:
        raise RemoteProtocolError("The peer sent a ciphertext outside the valid range.")
    return ct


def cts_to_bytes(pub: PublicKey, cts: Sequence[mpz]) -> bytes:
    """Many ciphertexts as one fixed-width blob (len = count * 2 * n_bytes)."""
    return _to_blob(cts, _key(pub).ct_bytes)


def cts_from_bytes(pub: PublicKey, blob: bytes) -> list[mpz]:
    """Parse a peer blob; one gcd for the whole batch (the product mod n is a unit iff each is)."""
    key = _key(pub)
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) % key.ct_bytes:
        raise RemoteProtocolError("The peer sent a ciphertext block of the wrong size.")
    view, w = memoryview(blob), key.ct_bytes
    cts = [_parse_one(key, view[i:i + w]) for i in range(0, len(view), w)]
    product = mpz(1)
    for ct in cts:
        product = product * ct % key.n
    if gmpy2.gcd(product, key.n) != 1:
        raise RemoteProtocolError("The peer sent a ciphertext that is not invertible.")
    return cts


# ---------------------------------------------------------------- batched operations


def _encryption_args(pub: PublicKey, priv: PrivateKey | None, exponent_bits: int | None) -> tuple:
    """What a worker needs to draw encryption obfuscators: n, our h_s, |a|, and p, q if we own
    the key (CRT)."""
    p, q = (int(priv.p), int(priv.q)) if priv is not None else (0, 0)
    bits = exponent_bits or obfuscation.encryption_exponent_bits(_key(pub).n_bits)
    return pub.n, obfuscation.base_for(pub.n), bits, p, q


def encrypt_batch(pub: PublicKey, plaintexts: Sequence[int], *, exponent_bits: int | None = None,
                  priv: PrivateKey | None = None) -> list[mpz]:
    """Encrypt plaintexts in [0, n) with fresh DJN obfuscators, across the process pool.

    Passing the key owner's ``priv`` computes the very same obfuscators via CRT (faster). The
    exponent length defaults to ``obfuscation.encryption_exponent_bits`` (256 at 2048 bits).
    """
    key = _key(pub)
    n = pub.n
    for m in plaintexts:
        if isinstance(m, bool) or not isinstance(m, (int, type(key.n))) or not 0 <= m < n:
            raise LocalProtocolError("A plaintext is not an integer in [0, n).")
    extra = _encryption_args(pub, priv, exponent_bits)
    plain_ints = [int(m) for m in plaintexts]
    blobs = pool.map_chunks("app.crypto.paillier:task_encrypt", plain_ints, extra)
    return [ct for blob in blobs for ct in _from_blob(blob, key.ct_bytes)]


def _blob_chunks(cts: Sequence[mpz], width: int, min_parallel: int) -> list[bytes]:
    """Ciphertexts as one fixed-width blob per worker (bytes cross the pipe cheaply)."""
    bounds = pool.split_evenly(range(len(cts)), pool.parallel_parts(len(cts), min_parallel))
    return [_to_blob(cts[r.start:r.stop], width) for r in bounds] or [b""]


def precompute_obfuscators(pub: PublicKey, per_worker: int, limit: int, *,
                           priv: PrivateKey | None = None, exponent_bits: int | None = None) -> int:
    """Have every worker draw up to ``per_worker`` encryption obfuscators ahead (reserve capped at
    ``limit`` each); returns the smallest reserve. Used while the key owner waits for its peer."""
    args = (*_encryption_args(pub, priv, exponent_bits), per_worker, limit)
    workers = pool.get_pool()
    if workers.size == 1:  # a one-core machine: encrypt_batch runs in this process, too
        return task_precompute(*args)
    return min(workers.run_each("app.crypto.paillier:task_precompute", [args] * workers.size))


def drop_precomputed_obfuscators() -> None:
    """Forget every obfuscator drawn ahead, wherever ``precompute_obfuscators`` put them."""
    workers = pool.get_pool()
    if workers.size == 1:
        obfuscation.drop_reserves()
    else:
        workers.run_each("app.crypto.obfuscation:task_drop_reserves", [()] * workers.size)


def fold_batch(pub: PublicKey, groups: Sequence[Sequence[mpz]], shift_bits: int) -> list[mpz]:
    """Fold each group into one ciphertext (Horner, ``acc^(2^shift_bits) * ct``) across the pool.

    A fold costs ``shift_bits`` squarings mod n^2, so a level's groups are spread over workers.
    """
    key = _key(pub)
    parts = pool.parallel_parts(len(groups), min_parallel=4)
    chunks = [(_to_blob([ct for group in chunk for ct in group], key.ct_bytes),
               [len(group) for group in chunk])
              for chunk in pool.split_evenly(groups, parts)]
    blobs = pool.run_chunks("app.crypto.paillier:task_fold", chunks, (pub.n, shift_bits))
    return [ct for blob in blobs for ct in _from_blob(blob, key.ct_bytes)]


def rerandomise_batch(pub: PublicKey, cts: Sequence[mpz], *,
                      exponent_bits: int | None = None) -> list[mpz]:
    """Multiply each ciphertext by a fresh obfuscator (same plaintext, unlinkable ciphertext).

    Hides from the key owner, so the exponent defaults to the conservative
    ``obfuscation.rerandomisation_exponent_bits`` (n_bits / 2).
    """
    key = _key(pub)
    exp_bits = exponent_bits or obfuscation.rerandomisation_exponent_bits(key.n_bits)
    extra = (pub.n, obfuscation.base_for(pub.n), exp_bits, key.ct_bytes)
    chunks = _blob_chunks(cts, key.ct_bytes, min_parallel=8)
    blobs = pool.run_chunks("app.crypto.paillier:task_rerandomise", chunks, extra)
    return [ct for blob in blobs for ct in _from_blob(blob, key.ct_bytes)]


def decrypt_batch(priv: PrivateKey, cts: Sequence[mpz]) -> list[int]:
    """Decrypt with CRT (mod p^2 and q^2) across the process pool."""
    key = _key(priv.public_key)
    chunks = _blob_chunks(cts, key.ct_bytes, min_parallel=4)
    parts = pool.run_chunks("app.crypto.paillier:task_decrypt", chunks, (int(priv.p), int(priv.q)))
    return [m for part in parts for m in part]


def raw_encrypt(pub: PublicKey, m: int, obfuscator: mpz) -> mpz:
    """``(1 + n*m) * obfuscator mod n^2`` for a given obfuscator (known-answer tests, kernels)."""
    key = _key(pub)
    return (1 + key.n * m) * obfuscator % key.nsq


def add(pub: PublicKey, a: mpz, b: mpz) -> mpz:
    """Homomorphic addition: one multiplication mod n^2."""
    return a * b % _key(pub).nsq


# ---------------------------------------------------------------- worker tasks


def task_encrypt(plaintexts: list[int], n: int, h_s: int, exp_bits: int, p: int, q: int) -> bytes:
    obf = obfuscation.get_obfuscator(n, h_s, exp_bits, p, q)
    n = mpz(n)
    nsq, width = n * n, 2 * ((int(n.bit_length()) + 7) // 8)
    return b"".join(((1 + n * m) * obf.draw() % nsq).to_bytes(width, "big") for m in plaintexts)


def task_precompute(n: int, h_s: int, exp_bits: int, p: int, q: int, count: int, limit: int) -> int:
    return obfuscation.get_obfuscator(n, h_s, exp_bits, p, q).precompute(count, limit)


def task_fold(chunk: tuple[bytes, list[int]], n: int, shift_bits: int) -> bytes:
    blob, sizes = chunk
    nsq = mpz(n) ** 2
    width = 2 * ((int(mpz(n).bit_length()) + 7) // 8)
    cts, shift, out, at = _from_blob(blob, width), mpz(1) << shift_bits, [], 0
    for size in sizes:
        if size < 1:
            raise LocalProtocolError("An empty group cannot be folded.")
        acc = cts[at]
        for ct in cts[at + 1:at + size]:
            acc = gmpy2.powmod(acc, shift, nsq) * ct % nsq
        at += size
        out.append(acc)
    return _to_blob(out, width)


def task_rerandomise(blob: bytes, n: int, h_s: int, exp_bits: int, width: int) -> bytes:
    obf = obfuscation.get_obfuscator(n, h_s, exp_bits)
    nsq = mpz(n) ** 2
    return b"".join((ct * obf.draw() % nsq).to_bytes(width, "big") for ct in _from_blob(blob, width))


_CRT: dict[tuple[int, int], tuple] = {}


def _crt_constants(p: int, q: int) -> tuple:
    found = _CRT.get((p, q))
    if found is None:
        mp, mq = mpz(p), mpz(q)
        g = mp * mq + 1
        hp = gmpy2.invert((gmpy2.powmod(g, mp - 1, mp * mp) - 1) // mp, mp)
        hq = gmpy2.invert((gmpy2.powmod(g, mq - 1, mq * mq) - 1) // mq, mq)
        found = (mp, mq, mp * mp, mq * mq, hp, hq, gmpy2.invert(mp, mq), 2 * (((mp * mq).bit_length() + 7) // 8))
        _CRT.clear()
        _CRT[(p, q)] = found
    return found


def task_decrypt(blob: bytes, p: int, q: int) -> list[int]:
    mp, mq, p2, q2, hp, hq, p_inv, width = _crt_constants(p, q)
    out = []
    for ct in _from_blob(blob, width):
        xp = (gmpy2.powmod(ct, mp - 1, p2) - 1) // mp * hp % mp
        xq = (gmpy2.powmod(ct, mq - 1, q2) - 1) // mq * hq % mq
        out.append(int(xp + mp * ((xq - xp) * p_inv % mq)))
    return out
