"""Paillier for SecureBoost: keys, batched encrypt/decrypt/fold, wire format (layout: packing.py).

Keys are phe's ``PaillierPublicKey``/``PaillierPrivateKey`` (so ciphertexts interoperate with phe:
g = n + 1, ``c = (1 + n*m) * r^n mod n^2``), but the arithmetic uses raw gmpy2 ``mpz`` values on the job's
executor. Ciphertexts travel as a CipherArray: plain ``mpz`` values plus the modulus they belong
to, with no exponent or other metadata on the wire (every message type uses one constant
fixed-point scale, so nothing on the wire depends on values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import gmpy2
from gmpy2 import mpz
from phe import paillier as phe_paillier

from app.crypto import obfuscation
from app.executor import Executor, WorkerState, split_evenly, state_task, task
from app.errors import LocalProtocolError, RemoteProtocolError

NAME = "paillier"
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


def small_primes_product() -> mpz:
    global _SMALL_PRIMES_PRODUCT
    if _SMALL_PRIMES_PRODUCT is None:
        product, prime = mpz(1), mpz(2)
        while prime < SMALL_PRIME_LIMIT:
            product *= prime
            prime = gmpy2.next_prime(prime)
        _SMALL_PRIMES_PRODUCT = product
    return _SMALL_PRIMES_PRODUCT


def check_modulus(n, min_bits: int, scheme: str) -> int:
    """The checks a peer's modulus must pass whatever the scheme: an integer of sensible length,
    odd, with no prime factor below 2^16 (RemoteProtocolError names ``scheme``'s key)."""
    if isinstance(n, bool) or not isinstance(n, (int, type(mpz(0)))):
        raise RemoteProtocolError.coded("protocol.key_not_integer", scheme=scheme)
    n = int(n)
    if n.bit_length() < min_bits:
        raise RemoteProtocolError.coded("protocol.key_too_short", scheme=scheme, bits=min_bits)
    if n.bit_length() > MAX_KEY_BITS:
        raise RemoteProtocolError.coded("protocol.key_too_long", scheme=scheme, bits=MAX_KEY_BITS)
    if n % 2 == 0:
        raise RemoteProtocolError.coded("protocol.key_even", scheme=scheme)
    if gmpy2.gcd(n, small_primes_product()) != 1:
        raise RemoteProtocolError.coded("protocol.key_small_factor", scheme=scheme)
    return n


def validate_public_key(n: int, min_bits: int = DEFAULT_KEY_BITS) -> PublicKey:
    """Check a peer's modulus (bit length, odd, no prime factor below 2^16, not prime, not a square).

    Raises RemoteProtocolError; returns the phe public key on success.
    """
    n = check_modulus(n, min_bits, "Paillier")
    if gmpy2.is_square(n) or gmpy2.is_prime(n):
        raise RemoteProtocolError.coded("protocol.paillier_key_form")
    return PublicKey(n)


def plaintext_bits(pub: PublicKey) -> int:
    """Every value below ``2^plaintext_bits`` is a plaintext (below n): what packing may fill."""
    return int(pub.n).bit_length() - 1


def ct_modulus(pub: PublicKey) -> mpz:
    """The modulus ciphertexts are multiplied under (homomorphic addition): n^2."""
    return mpz(pub.nsquare)


@dataclass(frozen=True)
class _Key:
    n: mpz
    nsq: mpz
    n_bits: int
    ct_bytes: int  # fixed wire width of one ciphertext: 2 * ceil(n_bits / 8)


def _key(pub: PublicKey) -> _Key:
    n = mpz(pub.n)
    n_bits = int(n.bit_length())
    return _Key(n, n * n, n_bits, 2 * ((n_bits + 7) // 8))


# ---------------------------------------------------------------- ciphertext arrays


class CipherArray:
    """Ciphertexts under one public key, which the array names (its modulus ``n``).

    Why: a ciphertext is a bare integer, so nothing else stops a kernel from multiplying values
    under two keys into garbage that decrypts without error. Every kernel that combines, decrypts
    or serialises ciphertexts checks the key first. The values stay a plain list of ``mpz``.
    """

    __slots__ = ("n", "items")

    def __init__(self, n: int, items: list[mpz]) -> None:
        self.n = int(n)
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return CipherArray(self.n, self.items[index])
        return self.items[index]

    def __add__(self, other: "CipherArray") -> "CipherArray":
        """Concatenation (not homomorphic addition: that is ``paillier.add``)."""
        if not isinstance(other, CipherArray) or other.n != self.n:
            raise _other_key()
        return CipherArray(self.n, self.items + other.items)

    def __eq__(self, other) -> bool:
        return isinstance(other, CipherArray) and other.n == self.n and other.items == self.items

    __hash__ = None

    def __repr__(self) -> str:
        return f"CipherArray({len(self.items)} ciphertexts)"


def _other_key() -> LocalProtocolError:
    return LocalProtocolError("Ciphertexts under different Paillier keys cannot be combined.")


def check_key(pub: PublicKey, *arrays: CipherArray) -> None:
    """Refuse anything that is not a CipherArray under ``pub``."""
    for array in arrays:
        if not isinstance(array, CipherArray) or array.n != pub.n:
            raise _other_key()


def concat(pub: PublicKey, arrays: Sequence[CipherArray]) -> CipherArray:
    """One array from several under ``pub``."""
    check_key(pub, *arrays)
    return CipherArray(pub.n, [ct for array in arrays for ct in array.items])


# ---------------------------------------------------------------- wire format


def to_blob(cts: Iterable[mpz], width: int) -> bytes:
    """Ciphertexts as one fixed-width big-endian blob (shared by every scheme's wire format)."""
    return b"".join(mpz(ct).to_bytes(width, "big") for ct in cts)


def from_trusted_blob(blob: bytes, width: int) -> list[mpz]:
    """Trusted blobs only (our own workers); peer bytes go through cts_from_bytes."""
    frm = mpz.from_bytes
    return [frm(blob[i:i + width], "big") for i in range(0, len(blob), width)]


def ct_width(pub: PublicKey) -> int:
    """Wire width of one ciphertext in bytes (2 * ceil(n_bits / 8))."""
    return _key(pub).ct_bytes


def cts_from_trusted_bytes(pub: PublicKey, blob: bytes) -> CipherArray:
    """Our own workers' blobs (no validation); peer bytes must use cts_from_bytes."""
    return CipherArray(pub.n, from_trusted_blob(blob, _key(pub).ct_bytes))


def _parse_one(key: _Key, data: bytes) -> mpz:
    ct = mpz.from_bytes(bytes(data), "big")
    if ct == 0 or ct >= key.nsq:
        raise RemoteProtocolError.coded("protocol.ciphertext_range")
    return ct


def cts_to_bytes(pub: PublicKey, cts: CipherArray) -> bytes:
    """Many ciphertexts as one fixed-width blob (len = count * 2 * n_bytes)."""
    check_key(pub, cts)
    return to_blob(cts.items, _key(pub).ct_bytes)


def _scan(key: _Key, blob: bytes, keep: list | None) -> int:
    """Check a peer blob: exact width, 0 < ct < n^2 and gcd(ct, n) = 1 for each, else
    RemoteProtocolError; one gcd for the whole batch (the product mod n is a unit iff each is).
    Parsed values go to ``keep`` if given; returns the count."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) % key.ct_bytes:
        raise RemoteProtocolError.coded("protocol.ciphertext_block")
    view, w, product = memoryview(blob), key.ct_bytes, mpz(1)
    for i in range(0, len(view), w):
        ct = _parse_one(key, view[i:i + w])
        product = product * ct % key.n
        if keep is not None:
            keep.append(ct)
    if gmpy2.gcd(product, key.n) != 1:
        raise RemoteProtocolError.coded("protocol.ciphertext_not_invertible")
    return len(view) // w


def cts_from_bytes(pub: PublicKey, blob: bytes) -> CipherArray:
    """Parse a peer blob (checked as ``check_bytes`` does)."""
    cts: list[mpz] = []
    _scan(_key(pub), blob, cts)
    return CipherArray(pub.n, cts)


def check_bytes(pub: PublicKey, blob: bytes) -> int:
    """Check a peer blob without keeping what it parses (the caller keeps the bytes: 4M
    ciphertexts as integers would take ~1.2 GiB more); returns the number of ciphertexts."""
    return _scan(_key(pub), blob, None)


# ---------------------------------------------------------------- batched operations


def _encryption_args(ex: Executor, pub: PublicKey, priv: PrivateKey | None,
                     exponent_bits: int | None) -> tuple:
    """What a worker needs to draw encryption obfuscators: n, our h_s, |a|, and p, q if we own
    the key (CRT)."""
    p, q = (int(priv.p), int(priv.q)) if priv is not None else (0, 0)
    bits = exponent_bits or obfuscation.encryption_exponent_bits(_key(pub).n_bits)
    return pub.n, obfuscation.base_for(ex.local, pub.n), bits, p, q


def encrypt_batch(ex: Executor, pub: PublicKey, plaintexts: Sequence[int], *,
                  exponent_bits: int | None = None, priv: PrivateKey | None = None,
                  min_parallel: int = 8) -> CipherArray:
    """Encrypt plaintexts in [0, n) with fresh DJN obfuscators, across the executor's workers.

    Passing the key owner's ``priv`` computes the very same obfuscators via CRT (faster). The
    exponent length defaults to ``obfuscation.encryption_exponent_bits`` (256 at 2048 bits).
    ``min_parallel``: fewest plaintexts per worker task (a batch below it runs in this process).
    """
    parts = encrypt_to_parts(ex, pub, plaintexts, exponent_bits=exponent_bits, priv=priv,
                             min_parallel=min_parallel)
    return CipherArray(pub.n, from_trusted_blob(b"".join(parts), _key(pub).ct_bytes))


def encrypt_to_parts(ex: Executor, pub: PublicKey, plaintexts: Sequence[int], *,
                     exponent_bits: int | None = None, priv: PrivateKey | None = None,
                     min_parallel: int = 8) -> list[bytes]:
    """:func:`encrypt_batch` in wire form, for ciphertexts that go straight to the peer: the
    workers' blobs in order (joined, ``cts_to_bytes`` of the batch), never parsed into integers
    and back, and not joined here (at 4M rows they are 1 GiB; the sender streams them)."""
    key = _key(pub)
    n = pub.n
    for m in plaintexts:
        if isinstance(m, bool) or not isinstance(m, (int, type(key.n))) or not 0 <= m < n:
            raise LocalProtocolError("A plaintext is not an integer in [0, n).")
    extra = _encryption_args(ex, pub, priv, exponent_bits)
    plain_ints = [int(m) for m in plaintexts]
    return ex.map_chunks(task_encrypt, plain_ints, extra, min_parallel=min_parallel)


def blob_chunks(ex: Executor, cts: CipherArray, width: int, min_parallel: int) -> list[bytes]:
    """Ciphertexts as one fixed-width blob per worker (bytes cross the pipe cheaply; any scheme)."""
    items = cts.items
    bounds = split_evenly(range(len(items)), ex.parallel_parts(len(items), min_parallel))
    return [to_blob(items[r.start:r.stop], width) for r in bounds] or [b""]


def precompute_obfuscators(ex: Executor, pub: PublicKey, per_worker: int, limit: int, *,
                           priv: PrivateKey | None = None, exponent_bits: int | None = None) -> int:
    """Have every worker draw up to ``per_worker`` encryption obfuscators ahead (reserve capped at
    ``limit`` each); returns the smallest reserve. Used while the key owner waits for its peer."""
    args = (*_encryption_args(ex, pub, priv, exponent_bits), per_worker, limit)
    return min(ex.broadcast(task_precompute, *args))


def drop_precomputed_obfuscators(ex: Executor) -> None:
    """Forget every obfuscator drawn ahead, wherever ``precompute_obfuscators`` put them."""
    ex.broadcast(obfuscation.task_drop_reserves)


def fold_batch(ex: Executor, pub: PublicKey, groups: Sequence[CipherArray],
               shift_bits: int) -> CipherArray:
    """Fold each group into one ciphertext (Horner, ``acc^(2^shift_bits) * ct``) across workers.

    A fold costs ``shift_bits`` squarings mod n^2, so a level's groups are spread over workers.
    """
    check_key(pub, *groups)
    return fold_groups(ex, pub.n, groups, _key(pub).ct_bytes, task_fold, shift_bits)


def fold_groups(ex: Executor, n: int, groups: Sequence[CipherArray], width: int, fold_task,
                shift_bits: int) -> CipherArray:
    """Groups cut into chunks of whole groups, each folded by ``fold_task(chunk, n, shift_bits)``
    on a worker (the scheme's ``task_fold``); the folded ciphertexts in group order."""
    parts = ex.parallel_parts(len(groups), min_parallel=4)
    chunks = [(to_blob([ct for group in chunk for ct in group.items], width),
               [len(group) for group in chunk])
              for chunk in split_evenly(groups, parts)]
    blobs = ex.run_chunks(fold_task, chunks, (n, shift_bits))
    return CipherArray(n, [ct for blob in blobs for ct in from_trusted_blob(blob, width)])


def rerandomise_batch(ex: Executor, pub: PublicKey, cts: CipherArray, *,
                      exponent_bits: int | None = None) -> CipherArray:
    """Multiply each ciphertext by a fresh obfuscator (same plaintext, unlinkable ciphertext).

    Hides from the key owner, so the exponent defaults to the conservative
    ``obfuscation.rerandomisation_exponent_bits`` (n_bits / 2).
    """
    check_key(pub, cts)
    key = _key(pub)
    exp_bits = exponent_bits or obfuscation.rerandomisation_exponent_bits(key.n_bits)
    extra = (pub.n, obfuscation.base_for(ex.local, pub.n), exp_bits, key.ct_bytes)
    chunks = blob_chunks(ex, cts, key.ct_bytes, min_parallel=8)
    blobs = ex.run_chunks(task_rerandomise, chunks, extra)
    return CipherArray(pub.n, [ct for blob in blobs for ct in from_trusted_blob(blob, key.ct_bytes)])


def decrypt_batch(ex: Executor, priv: PrivateKey, cts: CipherArray) -> list[int]:
    """Decrypt with CRT (mod p^2 and q^2) across the executor's workers."""
    check_key(priv.public_key, cts)
    key = _key(priv.public_key)
    chunks = blob_chunks(ex, cts, key.ct_bytes, min_parallel=4)
    parts = ex.run_chunks(task_decrypt, chunks, (int(priv.p), int(priv.q)))
    return [m for part in parts for m in part]


def raw_encrypt(pub: PublicKey, m: int, obfuscator: mpz) -> mpz:
    """``(1 + n*m) * obfuscator mod n^2`` for a given obfuscator (known-answer tests)."""
    key = _key(pub)
    return (1 + key.n * m) * obfuscator % key.nsq


def add(pub: PublicKey, a: CipherArray, b: CipherArray) -> CipherArray:
    """Homomorphic addition, element by element: one multiplication mod n^2 each."""
    check_key(pub, a, b)
    if len(a) != len(b):
        raise LocalProtocolError("Ciphertext arrays of different lengths cannot be added.")
    nsq = mpz(pub.nsquare)
    return CipherArray(pub.n, [x * y % nsq for x, y in zip(a.items, b.items)])


# ---------------------------------------------------------------- worker tasks


@state_task
def task_encrypt(state: WorkerState, plaintexts: list[int], n: int, h_s: int, exp_bits: int,
                 p: int, q: int) -> bytes:
    obf = obfuscation.get_obfuscator(state, n, h_s, exp_bits, p, q)
    n = mpz(n)
    nsq, width = n * n, 2 * ((int(n.bit_length()) + 7) // 8)
    return b"".join(((1 + n * m) * obf.draw() % nsq).to_bytes(width, "big") for m in plaintexts)


@state_task
def task_precompute(state: WorkerState, n: int, h_s: int, exp_bits: int, p: int, q: int,
                    count: int, limit: int) -> int:
    return obfuscation.get_obfuscator(state, n, h_s, exp_bits, p, q).precompute(count, limit)


@task
def task_fold(chunk: tuple[bytes, list[int]], n: int, shift_bits: int) -> bytes:
    return fold_chunk(chunk, mpz(n) ** 2, 2 * ((int(mpz(n).bit_length()) + 7) // 8), shift_bits)


def fold_chunk(chunk: tuple[bytes, list[int]], modulus: mpz, width: int, shift_bits: int) -> bytes:
    """Horner fold of each group of a worker's chunk under any scheme's ciphertext modulus."""
    blob, sizes = chunk
    nsq = modulus
    cts, shift, out, at = from_trusted_blob(blob, width), mpz(1) << shift_bits, [], 0
    for size in sizes:
        if size < 1:
            raise LocalProtocolError("An empty group cannot be folded.")
        acc = cts[at]
        for ct in cts[at + 1:at + size]:
            acc = gmpy2.powmod(acc, shift, nsq) * ct % nsq
        at += size
        out.append(acc)
    return to_blob(out, width)


@state_task
def task_rerandomise(state: WorkerState, blob: bytes, n: int, h_s: int, exp_bits: int,
                     width: int) -> bytes:
    obf = obfuscation.get_obfuscator(state, n, h_s, exp_bits)
    nsq = mpz(n) ** 2
    return b"".join((ct * obf.draw() % nsq).to_bytes(width, "big") for ct in from_trusted_blob(blob, width))


def _crt_constants(state: WorkerState, p: int, q: int) -> tuple:
    constants = state.store("crt")
    found = constants.get((p, q))
    if found is None:
        mp, mq = mpz(p), mpz(q)
        g = mp * mq + 1
        hp = gmpy2.invert((gmpy2.powmod(g, mp - 1, mp * mp) - 1) // mp, mp)
        hq = gmpy2.invert((gmpy2.powmod(g, mq - 1, mq * mq) - 1) // mq, mq)
        found = (mp, mq, mp * mp, mq * mq, hp, hq, gmpy2.invert(mp, mq), 2 * (((mp * mq).bit_length() + 7) // 8))
        constants.clear()
        constants[(p, q)] = found
    return found


@state_task
def task_decrypt(state: WorkerState, blob: bytes, p: int, q: int) -> list[int]:
    mp, mq, p2, q2, hp, hq, p_inv, width = _crt_constants(state, p, q)
    out = []
    for ct in from_trusted_blob(blob, width):
        xp = (gmpy2.powmod(ct, mp - 1, p2) - 1) // mp * hp % mp
        xq = (gmpy2.powmod(ct, mq - 1, q2) - 1) // mq * hq % mq
        out.append(int(xp + mp * ((xq - xp) * p_inv % mq)))
    return out
