"""Okamoto–Uchiyama (OU) for SecureBoost: keys, batched encrypt/decrypt/fold/re-randomise, wire format.

The same interface as app.crypto.paillier (app.crypto.schemes lists both), with the same
CipherArray, but the arithmetic is mod n = p^2 q instead of mod n^2: a ciphertext addition
multiplies 2048-bit numbers instead of 4096-bit ones, a ciphertext is half as wide, and the
key owner decrypts mod p^2 (p is a third of n). The price is a smaller plaintext space (below
p, i.e. ``plaintext_bits = n_bits // 3 - 1``: fewer packed sums per ciphertext) and a key owner
that must never show what it decrypted — a ciphertext of a value >= p decrypts to that value mod
p and would leak p (docs/he-schemes.md; SecureBoost range-checks every decrypted sum).

Encryption is ``c = g^m * h^r mod n``: ``g`` is the key owner's generator (order divisible by p
mod p^2), ``h = (-x^2)^n mod n`` an encryption of zero drawn locally by whoever encrypts or
re-randomises (app.crypto.obfuscation, ``scheme="ou"``); both powers come from fixed-base tables,
and the key owner (the only one who encrypts) works mod p^2 and mod q, so an encryption is ~25
multiplications at two thirds and one third of n's length (``encrypt_owner``). The partner never
encrypts fresh values, so the only public key it receives is n (``g`` stays with the key owner).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Sequence

import gmpy2
from gmpy2 import mpz

from app.crypto import obfuscation, paillier
from app.crypto.paillier import CipherArray
from app.errors import LocalProtocolError, RemoteProtocolError
from app.executor import Executor, WorkerState, state_task, task

NAME = "ou"
DEFAULT_KEY_BITS = 2048
MIN_KEY_BITS = 1024

check_key = paillier.check_key  # a CipherArray names its modulus; n = p^2 q never equals a Paillier n
concat = paillier.concat


@dataclass(frozen=True)
class PublicKey:
    """n = p^2 q; ``g`` only at the key owner (0 at the partner, who never encrypts)."""

    n: int
    g: int = 0

    def __repr__(self) -> str:
        return f"ou.PublicKey({int(self.n).bit_length()} bits)"


class PrivateKey:
    """p, q and the decryption constant ``L(g^(p-1) mod p^2)^-1 mod p``; never serialised."""

    def __init__(self, p: int, q: int, g: int) -> None:
        p, q, g = mpz(p), mpz(q), mpz(g)
        self.p, self.q = int(p), int(q)
        self.public_key = PublicKey(int(p * p * q), int(g))
        self.gp_inv = int(gmpy2.invert(_l_of(gmpy2.powmod(g, p - 1, p * p), p), p))

    def __repr__(self) -> str:
        return "ou.PrivateKey(...)"


def _l_of(x: mpz, p: mpz) -> mpz:
    """L(x) = (x - 1) / p on the order-p subgroup mod p^2; a zero means g does not generate it."""
    value = (x - 1) // p % p
    if value == 0:
        raise LocalProtocolError("This OU generator does not reach the plaintext subgroup.")
    return value


# ---------------------------------------------------------------- keys


def _prime(bits: int) -> mpz:
    """A random prime of exactly ``bits`` bits, its top two bits set (products keep their length)."""
    while True:
        candidate = mpz(secrets.randbits(bits) | (3 << (bits - 2)) | 1)
        if gmpy2.is_prime(candidate, 64):
            return candidate


def generate_keypair(bits: int = DEFAULT_KEY_BITS) -> tuple[PublicKey, PrivateKey]:
    """A fresh key pair for one job: |p| = bits // 3, n of exactly ``bits`` bits. Memory only."""
    if bits < MIN_KEY_BITS or bits % 8:
        raise LocalProtocolError("OU keys must be at least 1024 bits and a whole number of bytes.")
    k = bits // 3
    p = _prime(k)
    while True:
        q = _prime(bits - 2 * k)
        n = p * p * q
        if (q != p and int(n.bit_length()) == bits and gmpy2.gcd(p, q - 1) == 1
                and gmpy2.gcd(q, p - 1) == 1):
            break
    psq = p * p
    while True:
        g = mpz(secrets.randbits(bits + 128)) % n
        if g > 1 and gmpy2.gcd(g, n) == 1 and (gmpy2.powmod(g, p - 1, psq) - 1) // p % p:
            break
    priv = PrivateKey(p, q, g)
    return priv.public_key, priv


def plaintext_bits(pub: PublicKey) -> int:
    """Every value below ``2^plaintext_bits`` is below p (|p| = n_bits // 3, top bit set)."""
    return int(pub.n).bit_length() // 3 - 1


def ct_modulus(pub: PublicKey) -> mpz:
    """The modulus ciphertexts are multiplied under (homomorphic addition): n itself."""
    return mpz(pub.n)


def ct_width(pub: PublicKey) -> int:
    """Wire width of one ciphertext in bytes (ceil(n_bits / 8))."""
    return (int(pub.n).bit_length() + 7) // 8


def validate_public_key(n: int, min_bits: int = DEFAULT_KEY_BITS) -> PublicKey:
    """Check a peer's modulus as far as its structure can be checked without p and q: bit
    length, odd, no prime factor below 2^16, not prime, not a perfect power (p^2 q is none).
    Raises RemoteProtocolError; returns the public key (without g) on success."""
    n = paillier.check_modulus(n, min_bits, "OU")
    if gmpy2.is_prime(n) or gmpy2.is_power(n):
        raise RemoteProtocolError.coded("protocol.ou_key_form")
    return PublicKey(n)


# ---------------------------------------------------------------- wire format


def cts_to_bytes(pub: PublicKey, cts: CipherArray) -> bytes:
    """Many ciphertexts as one fixed-width blob (len = count * ceil(n_bits / 8))."""
    check_key(pub, cts)
    return paillier.to_blob(cts.items, ct_width(pub))


def cts_from_trusted_bytes(pub: PublicKey, blob: bytes) -> CipherArray:
    """Our own workers' blobs (no validation); peer bytes must use cts_from_bytes."""
    return CipherArray(pub.n, paillier.from_trusted_blob(blob, ct_width(pub)))


def _scan(pub: PublicKey, blob: bytes, keep: list | None) -> int:
    """Check a peer blob: exact width, 0 < ct < n, and all invertible mod n (one gcd for the
    batch), else RemoteProtocolError. Parsed values go to ``keep`` if given; returns the count."""
    width, n = ct_width(pub), mpz(pub.n)
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) % width:
        raise RemoteProtocolError.coded("protocol.ciphertext_block")
    view, product = memoryview(blob), mpz(1)
    for i in range(0, len(view), width):
        ct = mpz.from_bytes(bytes(view[i:i + width]), "big")
        if ct == 0 or ct >= n:
            raise RemoteProtocolError.coded("protocol.ciphertext_range")
        product = product * ct % n
        if keep is not None:
            keep.append(ct)
    if gmpy2.gcd(product, n) != 1:
        raise RemoteProtocolError.coded("protocol.ciphertext_not_invertible")
    return len(view) // width


def cts_from_bytes(pub: PublicKey, blob: bytes) -> CipherArray:
    """Parse a peer blob (checked as ``check_bytes`` does)."""
    cts: list[mpz] = []
    _scan(pub, blob, cts)
    return CipherArray(pub.n, cts)


def check_bytes(pub: PublicKey, blob: bytes) -> int:
    """Check a peer blob without keeping what it parses; returns the number of ciphertexts."""
    return _scan(pub, blob, None)


# ---------------------------------------------------------------- batched operations


def rerandomisation_exponent_bits(n_bits: int) -> int:
    """|a| when hiding from the key owner: the n-th powers have order ~ (p-1)(q-1), about
    2/3 of n's bits; 128 bits more make ``h^a`` statistically uniform on the base's subgroup."""
    return 2 * n_bits // 3 + 128


def _table_bits(plaintexts: Sequence[int]) -> int:
    """Length the g table covers: the batch's longest plaintext rounded up to 64 bits (packed
    (g, h, count) values are ~100 bits, so a short table with a wide window suffices)."""
    longest = max((int(m).bit_length() for m in plaintexts), default=1)
    return max(64, -(-longest // 64) * 64)


def _encryption_args(ex: Executor, pub: PublicKey, priv: PrivateKey | None,
                     exponent_bits: int | None, m_bits: int) -> tuple:
    if not pub.g:
        raise LocalProtocolError("Only the key owner encrypts under an OU key.")
    p, q = (priv.p, priv.q) if priv is not None else (0, 0)
    bits = exponent_bits or obfuscation.encryption_exponent_bits(int(pub.n).bit_length())
    return pub.n, pub.g, obfuscation.base_for(ex.local, pub.n, NAME), bits, p, q, m_bits


def encrypt_batch(ex: Executor, pub: PublicKey, plaintexts: Sequence[int], *,
                  exponent_bits: int | None = None, priv: PrivateKey | None = None) -> CipherArray:
    """Encrypt plaintexts in [0, 2^plaintext_bits) as ``g^m h^r mod n`` across the workers
    (``priv``: the same values computed mod p^2 and mod q, ``OwnerTables``)."""
    parts = encrypt_to_parts(ex, pub, plaintexts, exponent_bits=exponent_bits, priv=priv)
    return CipherArray(pub.n, paillier.from_trusted_blob(b"".join(parts), ct_width(pub)))


def encrypt_to_parts(ex: Executor, pub: PublicKey, plaintexts: Sequence[int], *,
                     exponent_bits: int | None = None, priv: PrivateKey | None = None) -> list[bytes]:
    """:func:`encrypt_batch` in wire form, never parsed into integers and back: the workers'
    blobs in order (joined, they are ``cts_to_bytes`` of the batch)."""
    bound = 1 << plaintext_bits(pub)
    for m in plaintexts:
        if isinstance(m, bool) or not isinstance(m, (int, type(mpz(0)))) or not 0 <= m < bound:
            raise LocalProtocolError("A plaintext is not an integer below the OU plaintext bound.")
    plain_ints = [int(m) for m in plaintexts]
    if priv is None:
        extra = _encryption_args(ex, pub, priv, exponent_bits, _table_bits(plain_ints))
    else:  # no table mod n: the key owner's tables follow the batch's layout
        extra = _encryption_args(ex, pub, priv, exponent_bits, 0) + (g_layout(plain_ints),)
    return ex.map_chunks(task_encrypt, plain_ints, extra)


def precompute_obfuscators(ex: Executor, pub: PublicKey, per_worker: int, limit: int, *,
                           priv: PrivateKey | None = None, exponent_bits: int | None = None) -> int:
    """Have every worker draw up to ``per_worker`` values ``h^r`` ahead (reserve capped at
    ``limit``); returns the smallest reserve. Used while the key owner waits for its peer."""
    n, _, h_s, bits, p, q, _ = _encryption_args(ex, pub, priv, exponent_bits, 64)
    return min(ex.broadcast(task_precompute, n, h_s, bits, p, q, per_worker, limit))


def drop_precomputed_obfuscators(ex: Executor) -> None:
    """Forget every obfuscator drawn ahead."""
    ex.broadcast(obfuscation.task_drop_reserves)


def fold_batch(ex: Executor, pub: PublicKey, groups: Sequence[CipherArray],
               shift_bits: int) -> CipherArray:
    """Fold each group into one ciphertext (Horner, ``acc^(2^shift_bits) * ct mod n``)."""
    check_key(pub, *groups)
    return paillier.fold_groups(ex, pub.n, groups, ct_width(pub), task_fold, shift_bits)


def rerandomise_batch(ex: Executor, pub: PublicKey, cts: CipherArray, *,
                      exponent_bits: int | None = None) -> CipherArray:
    """Multiply each ciphertext by a fresh ``h^a`` of our own base (same plaintext, unlinkable)."""
    check_key(pub, cts)
    width = ct_width(pub)
    exp_bits = exponent_bits or rerandomisation_exponent_bits(int(pub.n).bit_length())
    extra = (pub.n, obfuscation.base_for(ex.local, pub.n, NAME), exp_bits, width)
    chunks = paillier.blob_chunks(ex, cts, width, min_parallel=8)
    blobs = ex.run_chunks(task_rerandomise, chunks, extra)
    return CipherArray(pub.n, [ct for blob in blobs for ct in paillier.from_trusted_blob(blob, width)])


def decrypt_batch(ex: Executor, priv: PrivateKey, cts: CipherArray) -> list[int]:
    """Decrypt mod p^2 across the workers. The result is m mod p: callers range-check it."""
    check_key(priv.public_key, cts)
    width = ct_width(priv.public_key)
    chunks = paillier.blob_chunks(ex, cts, width, min_parallel=4)
    parts = ex.run_chunks(task_decrypt, chunks, (priv.p, priv.gp_inv, width))
    return [m for part in parts for m in part]


def raw_encrypt(pub: PublicKey, m: int, r: int, h: int) -> mpz:
    """``g^m h^r mod n`` straight from the definition (known-answer tests)."""
    n = mpz(pub.n)
    return gmpy2.powmod(pub.g, m, n) * gmpy2.powmod(h, r, n) % n


def raw_decrypt(priv: PrivateKey, ct: int) -> int:
    """``L(c^(p-1) mod p^2) * L(g^(p-1) mod p^2)^-1 mod p`` for one ciphertext."""
    p = mpz(priv.p)
    return int((gmpy2.powmod(mpz(ct) % (p * p), p - 1, p * p) - 1) // p * priv.gp_inv % p)


def add(pub: PublicKey, a: CipherArray, b: CipherArray) -> CipherArray:
    """Homomorphic addition, element by element: one multiplication mod n each."""
    check_key(pub, a, b)
    if len(a) != len(b):
        raise LocalProtocolError("Ciphertext arrays of different lengths cannot be added.")
    n = mpz(pub.n)
    return CipherArray(pub.n, [x * y % n for x, y in zip(a.items, b.items)])


# ---------------------------------------------------------------- the key owner's encryption

G_WINDOW = 13  # digit width of g's CRT tables: 2 digits per slot of a packed (g, h, count) value


def g_layout(plaintexts: Sequence[int], window: int = G_WINDOW) -> tuple[int, tuple[int, ...]]:
    """``(fixed, starts)`` for a batch: the bits set in every plaintext, and where the digits of
    the others begin. Packed (g, h, count) values leave long runs of zeros between their slots
    and always have count 1, so digits that skip the zeros are fewer than a plain cut gives
    (SecureBoost's ~77-bit values: 4 digits of 13 bits instead of 7 of 12) and ``g^fixed`` is
    folded into the first digit's table row."""
    fixed, some = -1, 0
    for m in plaintexts:
        fixed &= m
        some |= m
    if fixed == some or fixed < 0:  # one value, or none: cover it as digits
        fixed = 0
    rest, starts = some & ~fixed, []
    while rest:
        low = (rest & -rest).bit_length() - 1
        starts.append(low)
        rest &= -1 << (low + window)
    return fixed, tuple(starts) or (0,)


class OwnerTables:
    """``g^(fixed + d * 2^s)`` (first digit) and ``g^(d * 2^s)`` mod p^2 and mod q for each digit
    start s of a batch layout (``g_layout``).

    Why: the key owner knows p and q, so it computes ``g^m h^r`` mod p^2 (|n| * 2/3 bits) and mod q
    (|n| / 3 bits), where a multiplication costs ~15 % less than mod n, multiplies both powers in
    that form and recombines once per ciphertext. The exponents need no reduction: m < p and
    |r| is far below either group order. Lives in the key owner's workers only."""

    def __init__(self, g: int, p2: mpz, q: mpz, fixed: int, starts: tuple[int, ...],
                 window: int = G_WINDOW) -> None:
        self.fixed, self.mask = fixed, (1 << window) - 1
        self.rows = []
        for i, start in enumerate(starts):  # p^2 and q entries in lockstep (FixedBaseTable.crt_pair)
            bp, bq = gmpy2.powmod(g, 1 << start, p2), gmpy2.powmod(g, 1 << start, q)
            xp, xq = (gmpy2.powmod(g, fixed, p2), gmpy2.powmod(g, fixed, q)) if i == 0 else (1, 1)
            row_p, row_q = [mpz(xp)], [mpz(xq)]
            for _ in range(self.mask):
                xp, xq = xp * bp % p2, xq * bq % q
                row_p.append(xp)
                row_q.append(xq)
            self.rows.append((start, row_p, row_q))


def encrypt_owner(plaintexts: Sequence[int], tables: OwnerTables,
                  obf: obfuscation.Obfuscator, width: int) -> bytes:
    """``g^m h^r mod n`` for each plaintext, mod p^2 and mod q with one recombination each: h^r
    from the obfuscator's CRT tables with a fresh ``r`` of ``obf.exp_bits`` bits (or a value it
    drew ahead), exactly as ``obf.draw()`` would. One tight loop: Python's per-operation overhead
    is a visible share of a ciphertext's ~25 multiplications."""
    p2, q, p2_inv = obf.p2, obf.q2, obf.p2_inv
    (start0, first_p, first_q), *g_rows = tables.rows
    fixed, g_mask = tables.fixed, tables.mask
    h_rows = tuple(zip(obf.tp.rows, obf.tq.rows))
    h_window, h_mask = obf.tp.window, obf.tp.mask
    bits, randbits, reserved = obf.exp_bits, secrets.randbits, obf.pop_reserved
    out = []
    for m in plaintexts:
        m ^= fixed  # its bits are in the first row already
        d = m >> start0 & g_mask
        xp, xq = first_p[d], first_q[d]
        for start, row_p, row_q in g_rows:  # digit 0 multiplies by 1: cheaper than a branch
            d = m >> start & g_mask
            xp = xp * row_p[d] % p2
            xq = xq * row_q[d] % q
        ahead = reserved()
        if ahead is None:
            a = randbits(bits)
            for row_p, row_q in h_rows:
                d = a & h_mask
                a >>= h_window
                xp = xp * row_p[d] % p2
                xq = xq * row_q[d] % q
        else:
            xp = xp * ahead % p2
            xq = xq * ahead % q
        out.append((xp + p2 * ((xq - xp) * p2_inv % q)).to_bytes(width, "big"))
    return b"".join(out)


# ---------------------------------------------------------------- worker tasks

_G_TABLES_MAX = 2


def _kept(state: WorkerState, store: str, key: tuple, build):
    """This worker's table for ``key`` (built on first use; the oldest of the store dropped)."""
    tables = state.store(store)
    found = tables.get(key)
    if found is None:
        found = build()
        with state.lock:
            while len(tables) >= _G_TABLES_MAX:
                tables.pop(next(iter(tables)))
            found = tables.setdefault(key, found)
    return found


def _g_table(state: WorkerState, n: int, g: int, m_bits: int) -> obfuscation.FixedBaseTable:
    return _kept(state, obfuscation.OU_G_TABLES, (int(n), int(g), int(m_bits)),
                 lambda: obfuscation.FixedBaseTable(g, n, m_bits, 12 if m_bits <= 128 else 8))


def _owner_tables(state: WorkerState, obf: obfuscation.Obfuscator, n: int, g: int,
                  layout: tuple[int, tuple[int, ...]]) -> OwnerTables:
    """n fixes p and q, so (n, g, layout) names the table."""
    return _kept(state, obfuscation.OU_OWNER_TABLES, (int(n), int(g), layout),
                 lambda: OwnerTables(g, obf.p2, obf.q2, *layout))


@state_task
def task_encrypt(state: WorkerState, plaintexts: list[int], n: int, g: int, h_s: int,
                 exp_bits: int, p: int, q: int, m_bits: int,
                 layout: tuple[int, tuple[int, ...]] | None = None) -> bytes:
    obf = obfuscation.get_obfuscator(state, n, h_s, exp_bits, p, q, NAME)
    mn, width = mpz(n), (int(mpz(n).bit_length()) + 7) // 8
    if layout is not None and obf.crt:
        return encrypt_owner(plaintexts, _owner_tables(state, obf, n, g, layout), obf, width)
    table = _g_table(state, n, g, m_bits)
    return b"".join((table.power_short(m) * obf.draw() % mn).to_bytes(width, "big")
                    for m in plaintexts)


@state_task
def task_precompute(state: WorkerState, n: int, h_s: int, exp_bits: int, p: int, q: int,
                    count: int, limit: int) -> int:
    return obfuscation.get_obfuscator(state, n, h_s, exp_bits, p, q, NAME).precompute(count, limit)


@task
def task_fold(chunk: tuple[bytes, list[int]], n: int, shift_bits: int) -> bytes:
    return paillier.fold_chunk(chunk, mpz(n), (int(mpz(n).bit_length()) + 7) // 8, shift_bits)


@state_task
def task_rerandomise(state: WorkerState, blob: bytes, n: int, h_s: int, exp_bits: int,
                     width: int) -> bytes:
    obf = obfuscation.get_obfuscator(state, n, h_s, exp_bits, scheme=NAME)
    mn = mpz(n)
    return b"".join((ct * obf.draw() % mn).to_bytes(width, "big")
                    for ct in paillier.from_trusted_blob(blob, width))


@task
def task_decrypt(blob: bytes, p: int, gp_inv: int, width: int) -> list[int]:
    mp, inv = mpz(p), mpz(gp_inv)
    psq, exponent = mp * mp, mp - 1
    return [int((gmpy2.powmod(ct % psq, exponent, psq) - 1) // mp * inv % mp)
            for ct in paillier.from_trusted_blob(blob, width)]
