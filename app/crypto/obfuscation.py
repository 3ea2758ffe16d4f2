"""Fast Paillier obfuscators: r = h_s^a mod n^2 (Damgård–Jurik–Nielsen short-exponent variant).

Stock Paillier pays a full ``r^n mod n^2`` (2048-bit exponent) per encryption. DJN 2010 instead
publishes ``h_s = h^n mod n^2`` for ``h = -x^2 mod n`` and draws the obfuscator as ``h_s^a`` with a
short random ``a``. Because the base is fixed we precompute ``h_s^(d * 256^i)`` for every byte
position ``i`` and byte value ``d`` (a fixed-base window table, window 8), so one obfuscator costs
one modular multiplication per exponent byte and no squarings at all.

Security (see docs/paillier.md): ``|a|`` defaults to ``n_bits / 2`` as in Intel's IPCL; every
ciphertext draws a fresh ``a`` from the OS CSPRNG (``secrets``); an obfuscator is never reused.
``h_s`` is generated locally by whoever encrypts or re-randomises: a peer never supplies it.

The key owner may pass ``p, q``: the same value ``h_s^a mod n^2`` is then computed modulo ``p^2``
and ``q^2`` and recombined (CRT), which is cheaper because the moduli are half as long.
"""

from __future__ import annotations

import secrets
import threading

import gmpy2
from gmpy2 import mpz

WINDOW_BITS = 8  # one table row per exponent byte: digits are just the exponent's bytes
_ONE = mpz(1)


def default_exponent_bits(n_bits: int) -> int:
    """IPCL's choice: half the modulus length (1024 bits for a 2048-bit n)."""
    return n_bits // 2


def make_base(n: int) -> int:
    """A fresh ``h_s = (-x^2)^n mod n^2`` with x uniform in Z_n^* (x drawn with 128 extra bits)."""
    n = mpz(n)
    while True:
        x = mpz(secrets.randbits(int(n.bit_length()) + 128)) % n
        if x > 1 and gmpy2.gcd(x, n) == 1:
            break
    h = (-x * x) % n
    return int(gmpy2.powmod(h, n, n * n))


class FixedBaseTable:
    """``rows[i][d] = base^(d * 256^i) mod modulus`` for an exponent of ``exp_bits`` bits."""

    def __init__(self, base: int, modulus: int, exp_bits: int) -> None:
        self.modulus = m = mpz(modulus)
        self.n_bytes = (exp_bits + WINDOW_BITS - 1) // WINDOW_BITS
        rows = []
        b = mpz(base) % m
        for _ in range(self.n_bytes):
            row = [_ONE] * 256
            acc = _ONE
            for d in range(1, 256):
                acc = acc * b % m
                row[d] = acc
            rows.append(row)
            b = acc * b % m  # base^(256^(i+1))
        self.rows = rows

    def power(self, exponent_le: bytes) -> mpz:
        """``base^a mod modulus`` with ``a`` given as little-endian bytes (at most n_bytes)."""
        m = self.modulus
        acc = None
        for row, digit in zip(self.rows, exponent_le):
            if digit:
                acc = row[digit] if acc is None else acc * row[digit] % m
        return _ONE if acc is None else acc


class Obfuscator:
    """Draws fresh obfuscators ``h_s^a mod n^2`` for one key; build once per process and key."""

    def __init__(self, n: int, h_s: int, exp_bits: int, p: int = 0, q: int = 0) -> None:
        if exp_bits < 128 or exp_bits > 2 * int(mpz(n).bit_length()):
            raise ValueError("obfuscation exponent length out of range")
        self.exp_bits = exp_bits
        self.n_bytes = (exp_bits + 7) // 8
        n = mpz(n)
        self.nsq = n * n
        self.crt = bool(p and q)
        if self.crt:
            p2, q2 = mpz(p) ** 2, mpz(q) ** 2
            self.p2, self.q2 = p2, q2
            self.p2_inv = gmpy2.invert(p2, q2)
            self.tp = FixedBaseTable(h_s, p2, exp_bits)
            self.tq = FixedBaseTable(h_s, q2, exp_bits)
        else:
            self.table = FixedBaseTable(h_s, self.nsq, exp_bits)

    def power(self, a: int) -> mpz:
        """``h_s^a mod n^2`` for a given exponent (known-answer tests use this directly)."""
        a_bytes = int(a).to_bytes(self.n_bytes, "little")
        if not self.crt:
            return self.table.power(a_bytes)
        xp = self.tp.power(a_bytes)
        xq = self.tq.power(a_bytes)
        return xp + self.p2 * ((xq - xp) * self.p2_inv % self.q2)

    def draw(self) -> mpz:
        """A fresh obfuscator: new CSPRNG exponent every call, never cached or reused."""
        return self.power(secrets.randbits(self.exp_bits))


_CACHE: dict[tuple, Obfuscator] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 2  # tables are ~16 MiB each; a process rarely needs more than the current key


def get_obfuscator(n: int, h_s: int, exp_bits: int, p: int = 0, q: int = 0) -> Obfuscator:
    """The table for this key in this process (built on first use, kept while the key is current)."""
    key = (int(n), int(h_s), int(exp_bits), int(p), int(q))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
    if found is not None:
        return found
    built = Obfuscator(n, h_s, exp_bits, p, q)
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = built
    return built


_BASES: dict[int, int] = {}


def base_for(n: int) -> int:
    """This process's ``h_s`` for modulus n, generated once (never received from a peer)."""
    with _CACHE_LOCK:
        h_s = _BASES.get(int(n))
    if h_s is None:
        h_s = make_base(n)
        with _CACHE_LOCK:
            if len(_BASES) >= 8:
                _BASES.pop(next(iter(_BASES)))
            h_s = _BASES.setdefault(int(n), h_s)
    return h_s


def clear_tables() -> None:
    """Drop tables and bases (end of a job: the key is gone, so are its tables)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _BASES.clear()


def task_clear_tables() -> None:
    """Pool task: drop this worker's tables."""
    clear_tables()
