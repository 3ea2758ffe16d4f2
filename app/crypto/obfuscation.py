"""Fast Paillier obfuscators: r = h_s^a mod n^2 (Damgård–Jurik–Nielsen short-exponent variant).

Stock Paillier pays a full ``r^n mod n^2`` (2048-bit exponent) per encryption. DJN 2010 instead
publishes ``h_s = h^n mod n^2`` for ``h = -x^2 mod n`` and draws the obfuscator as ``h_s^a`` with a
short random ``a``. Because the base is fixed we precompute ``h_s^(d * 2^(w*i))`` for every digit
position ``i`` and digit ``d`` of a w-bit window (a fixed-base table), so one obfuscator costs one
modular multiplication per exponent digit and no squarings at all.

Exponent length depends on who the obfuscator hides from (docs/he-schemes.md):
- the key owner's own encryptions hide gradients from the feature party, who cannot factor n:
  ``|a| = 2 x`` the modulus's security strength, at least 256 bits (``encryption_exponent_bits``);
- re-randomisation by the feature party hides bin membership from the *key owner*, who can work
  modulo p and q: there we keep IPCL's conservative ``|a| = n_bits / 2``
  (``rerandomisation_exponent_bits``).
Every ciphertext draws a fresh ``a`` from the OS CSPRNG (``secrets``); an obfuscator is never
reused. Obfuscators do not depend on the data, so the key owner may draw them ahead of time while
it waits for the peer (``precompute``); each precomputed one is handed out once and dropped.
Tables and reserves belong to a WorkerState (a worker's, or the executor's own): they live as long
as the job's executor.
``h_s`` is generated locally by whoever encrypts or re-randomises: a peer never supplies it.

The key owner may pass ``p, q``: the same value ``h_s^a mod n^2`` is then computed modulo ``p^2``
and ``q^2`` and recombined (CRT), which is cheaper because the moduli are half as long.

Okamoto–Uchiyama (``scheme="ou"``, app.crypto.ou) uses the very same construction one level down:
ciphertexts live mod n = p^2 q, an encryption of zero is any n-th power, so ``h = (-x^2)^n mod n``
and the obfuscator is ``h^a mod n`` (CRT: mod p^2 and mod q). Exponent lengths follow the same
rules (docs/he-schemes.md).
"""

from __future__ import annotations

import secrets

import gmpy2
from gmpy2 import mpz

from app.executor import WorkerState, state_task

_ONE = mpz(1)
# NIST SP 800-57 Part 1 Rev. 5, Table 2: security strength of an RSA-type modulus (bits).
_STRENGTH = ((15360, 256), (7680, 192), (3072, 128), (2048, 112), (0, 80))
MIN_ENCRYPTION_EXPONENT_BITS = 256


def security_strength(n_bits: int) -> int:
    return next(s for bits, s in _STRENGTH if n_bits >= bits)


def encryption_exponent_bits(n_bits: int) -> int:
    """``|a|`` for the key owner's encryptions: 2 x strength, at least 256 (256 for 2048/3072).

    Same rule as NIST SP 800-56A Rev. 3 (5.6.1.1) for Diffie-Hellman private exponents in a
    group of that size; generic short-exponent attacks cost ~2^(|a|/2) >= 2^128 operations.
    """
    return max(MIN_ENCRYPTION_EXPONENT_BITS, 2 * security_strength(n_bits))


def rerandomisation_exponent_bits(n_bits: int) -> int:
    """``|a|`` when hiding from the key owner: IPCL's n_bits / 2 (1024 for a 2048-bit n)."""
    return n_bits // 2


def window_bits(exp_bits: int) -> int:
    """Table window: 12 bits for short exponents (fewer multiplications per draw, a ~23 MiB
    table per CRT half at 2048 bits), 8 bits for long ones (table size and build time)."""
    return 12 if exp_bits <= 320 else 8


def make_base(n: int, scheme: str = "paillier") -> int:
    """A fresh ``h_s = (-x^2)^n`` with x uniform in Z_n^* (x drawn with 128 extra bits), mod n^2
    for Paillier and mod n for OU (where every n-th power encrypts zero)."""
    n = mpz(n)
    while True:
        x = mpz(secrets.randbits(int(n.bit_length()) + 128)) % n
        if x > 1 and gmpy2.gcd(x, n) == 1:
            break
    h = (-x * x) % n
    return int(gmpy2.powmod(h, n, n if scheme == "ou" else n * n))


def _lockstep_rows(base: int, moduli: tuple[mpz, ...], n_rows: int,
                   window: int) -> list[list[list[mpz]]]:
    """Per modulus, ``rows[i][d] = base^(d * 2^(w*i))``; the moduli's entries are allocated in
    lockstep, so entry d of every modulus sits on neighbouring memory (see ``crt_pair``)."""
    out: list[list[list[mpz]]] = [[] for _ in moduli]
    bases = [mpz(base) % m for m in moduli]
    for _ in range(n_rows):
        rows = [[_ONE] * (1 << window) for _ in moduli]
        accs = [_ONE] * len(moduli)
        for d in range(1, 1 << window):
            for k, m in enumerate(moduli):
                accs[k] = accs[k] * bases[k] % m
                rows[k][d] = accs[k]
        for k, m in enumerate(moduli):
            out[k].append(rows[k])
            bases[k] = accs[k] * bases[k] % m  # base^(2^(w*(i+1)))
    return out


class FixedBaseTable:
    """``rows[i][d] = base^(d * 2^(w*i)) mod modulus`` for exponents of ``exp_bits`` bits."""

    def __init__(self, base: int, modulus: int, exp_bits: int, window: int = 8,
                 rows: list[list[mpz]] | None = None) -> None:
        if not 1 <= window <= 16:
            raise ValueError("table window out of range")
        self.modulus = m = mpz(modulus)
        self.window, self.mask = window, (1 << window) - 1
        self.n_rows = (exp_bits + window - 1) // window
        self.rows = rows if rows is not None else _lockstep_rows(base, (m,), self.n_rows, window)[0]

    @classmethod
    def crt_pair(cls, base: int, m1: int, m2: int, exp_bits: int,
                 window: int = 8) -> tuple["FixedBaseTable", "FixedBaseTable"]:
        """The tables of one base for both CRT moduli, their entries allocated in lockstep: a CRT
        draw reads entry d of both, and neighbouring allocations keep those reads on the same
        memory pages (tables are tens of MiB; ~10 % faster draws measured at 2048 bits)."""
        n_rows = (exp_bits + window - 1) // window
        rows1, rows2 = _lockstep_rows(base, (mpz(m1), mpz(m2)), n_rows, window)
        return (cls(base, m1, exp_bits, window, rows=rows1),
                cls(base, m2, exp_bits, window, rows=rows2))

    def power_short(self, exponent: int) -> mpz:
        """``base^a`` for an ``a`` usually far shorter than the table (OU's g^m: packed plaintexts
        fill a few of its rows); stops at the exponent's last digit."""
        m, w, mask = self.modulus, self.window, self.mask
        acc = _ONE
        for row in self.rows:
            if not exponent:
                break
            digit = exponent & mask
            exponent >>= w
            if digit:
                acc = acc * row[digit] % m
        if exponent:
            raise ValueError("exponent longer than the table")
        return acc

    def power(self, exponent: int) -> mpz:
        """``base^a mod modulus`` for ``0 <= a < 2^(w * n_rows)``."""
        m, w, mask = self.modulus, self.window, self.mask
        acc = None
        for row in self.rows:
            digit = exponent & mask
            exponent >>= w
            if digit:
                acc = row[digit] if acc is None else acc * row[digit] % m
        return _ONE if acc is None else acc


class Obfuscator:
    """Draws fresh obfuscators ``h_s^a mod n^2`` (OU: ``mod n``) for one key; build once per
    process and key."""

    def __init__(self, n: int, h_s: int, exp_bits: int, p: int = 0, q: int = 0,
                 scheme: str = "paillier") -> None:
        if exp_bits < 128 or exp_bits > 2 * int(mpz(n).bit_length()):
            raise ValueError("obfuscation exponent length out of range")
        self.exp_bits = exp_bits
        self._reserve: list[mpz] = []  # precomputed, not yet used (never leaves this process)
        window = window_bits(exp_bits)
        n = mpz(n)
        ou = scheme == "ou"
        self.nsq = n if ou else n * n  # the ciphertext modulus
        self.crt = bool(p and q)
        if self.crt:
            # the two coprime factors of the ciphertext modulus: p^2, q^2 (Paillier); p^2, q (OU)
            p2, q2 = mpz(p) ** 2, mpz(q) if ou else mpz(q) ** 2
            self.p2, self.q2 = p2, q2
            self.p2_inv = gmpy2.invert(p2, q2)
            self.tp, self.tq = FixedBaseTable.crt_pair(h_s, p2, q2, exp_bits, window)
        else:
            self.table = FixedBaseTable(h_s, self.nsq, exp_bits, window)

    def power(self, a: int) -> mpz:
        """``h_s^a mod n^2`` for a given exponent (known-answer tests use this directly)."""
        a = int(a)
        if not 0 <= a < 1 << self.exp_bits:
            raise ValueError("obfuscation exponent out of range")
        if not self.crt:
            return self.table.power(a)
        xp = self.tp.power(a)
        xq = self.tq.power(a)
        return xp + self.p2 * ((xq - xp) * self.p2_inv % self.q2)

    def draw(self) -> mpz:
        """A fresh obfuscator: a precomputed one (handed out once, then gone) or a new draw."""
        ahead = self.pop_reserved()
        return self.power(secrets.randbits(self.exp_bits)) if ahead is None else ahead

    def pop_reserved(self) -> mpz | None:
        """A precomputed obfuscator (handed out once, then gone), or None: for kernels that draw
        their own exponent from the same tables when the reserve is empty (OU's key owner)."""
        return self._reserve.pop() if self._reserve else None

    def precompute(self, count: int, limit: int) -> int:
        """Draw up to ``count`` obfuscators ahead (while the peer computes), keeping at most
        ``limit`` in reserve; returns the reserve size. Each is used by exactly one later draw."""
        for _ in range(max(0, min(count, limit - len(self._reserve)))):
            self._reserve.append(self.power(secrets.randbits(self.exp_bits)))
        return len(self._reserve)


_CACHE_MAX = 4  # tables are 16-46 MiB; the current key's two (encrypt, re-randomise) and one spare key's


def get_obfuscator(state: WorkerState, n: int, h_s: int, exp_bits: int, p: int = 0,
                   q: int = 0, scheme: str = "paillier") -> Obfuscator:
    """The table for this key in this worker (built on first use, kept while the key is current)."""
    key = (int(n), int(h_s), int(exp_bits), int(p), int(q), scheme)
    tables = state.store("obfuscators")
    found = tables.get(key)
    if found is not None:
        return found
    built = Obfuscator(n, h_s, exp_bits, p, q, scheme)
    with state.lock:
        while len(tables) >= _CACHE_MAX:
            tables.pop(next(iter(tables)))
        return tables.setdefault(key, built)


def base_for(state: WorkerState, n: int, scheme: str = "paillier") -> int:
    """This process's ``h_s`` for modulus n, generated once (never received from a peer)."""
    bases = state.store("obfuscation bases")
    key = int(n) if scheme == "paillier" else (int(n), scheme)
    h_s = bases.get(key)
    if h_s is None:
        h_s = make_base(n, scheme)
        with state.lock:
            if len(bases) >= 8:
                bases.pop(next(iter(bases)))
            h_s = bases.setdefault(key, h_s)
    return h_s


@state_task
def task_drop_reserves(state: WorkerState) -> None:
    """Forget obfuscators drawn ahead (end of a job: nobody will encrypt under that key again)."""
    for obfuscator in list(state.store("obfuscators").values()):
        obfuscator._reserve.clear()


OU_G_TABLES, OU_OWNER_TABLES = "ou g tables", "ou owner tables"  # ou.py's worker stores


@state_task
def task_clear_tables(state: WorkerState) -> None:
    """Drop this worker's tables and bases (the key is gone, so are its tables), OU's g tables
    included."""
    for name in ("obfuscators", "obfuscation bases", OU_G_TABLES, OU_OWNER_TABLES):
        state.store(name).clear()
