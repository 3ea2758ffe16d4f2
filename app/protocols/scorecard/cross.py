"""Paillier cross terms of SS-LR: one party's plaintext features x the other party's shares.

Two products need a party's plaintext WOE columns and the *other* party's ring shares:
- forward, ``X · s`` (s: the peer's share of this party's weights): the share owner encrypts
  ``s_j · 2^(t·slot)`` for every feature j and slot t; the column holder raises each to the
  (offset, non-negative) fixed-point value of each bin and, per packed ciphertext of ``S`` rows,
  multiplies one table entry per feature group and row (app.crypto.combine, on the workers):
  a row costs one ciphertext multiplication per group of features, never an exponentiation;
- gradient, ``X^T · e`` (e: the peer's share of the residuals): the owner encrypts one
  ciphertext per row, the holder sums them per (feature, bin) with the SecureBoost histogram
  kernel, raises each bin sum to that bin's value and folds several features per ciphertext.
Every slot holds an exact non-negative integer; the holder adds a fresh uniform mask with
``MASK_BITS`` of statistical headroom to each slot and re-randomises before sending, so the owner
decrypts masked values only and cannot tell which of its ciphertexts were combined. Both sides
then reduce mod 2^64: the owner keeps ``value + mask``, the holder ``-mask``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import gmpy2
import numpy as np
from gmpy2 import mpz

from app import messages
from app.crypto import combine, histogram, paillier
from app.crypto.mpc import ring
from app.errors import LocalProtocolError, RemoteProtocolError
from app.executor import Executor
from app.protocols.secureboost.he import Counted  # ops and seconds per primitive, for benchmarks

MASK_BITS = 40      # statistical hiding of a slot value by its mask
X_BITS = 24         # offset feature values (bin value - smallest bin value) stay below 2^24
RING_BITS = 64
RING_MASK = (1 << RING_BITS) - 1
MAX_BINS = 256


@dataclass(frozen=True)
class Columns:
    """A party's WOE features as bin codes (rows x features, uint8) and each bin's ring value.

    WOE features take one value per bin, so every product with them is a per-bin table lookup.
    """

    codes: np.ndarray
    values: tuple[np.ndarray, ...]   # per feature: int64 fixed-point value of each bin

    @classmethod
    def from_matrix(cls, x: np.ndarray, intercept: bool = False) -> "Columns":
        """Factorise each column of a float matrix into bins (at most 256 distinct values each);
        ``intercept`` prepends a constant column of ones."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2:
            raise LocalProtocolError("Features must be a rows x columns matrix.")
        if intercept:
            x = np.hstack([np.ones((x.shape[0], 1)), x])
        codes = np.zeros(x.shape, dtype=np.uint8)
        values = []
        for j in range(x.shape[1]):
            distinct, inverse = np.unique(x[:, j], return_inverse=True)
            if len(distinct) > MAX_BINS:
                raise LocalProtocolError("A scorecard feature has more than 256 distinct values; "
                                         "encode it by bins first.")
            codes[:, j] = inverse.reshape(-1)
            values.append(ring.encode(distinct).view(np.int64))
        cols = cls(codes, tuple(values))
        cols.offsets()  # refuses columns whose range is too wide
        return cols

    @property
    def n_rows(self) -> int:
        return self.codes.shape[0]

    @property
    def n_features(self) -> int:
        return self.codes.shape[1]

    def ring_matrix(self, rows: np.ndarray) -> np.ndarray:
        """The rows' fixed-point values as a uint64 matrix (for local products with own shares)."""
        out = np.empty((len(rows), self.n_features), dtype=np.int64)
        for j, vals in enumerate(self.values):
            out[:, j] = vals[self.codes[rows, j]]
        return out.view(ring.DTYPE)

    def offsets(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """Smallest bin value per feature and the (non-negative, < 2^X_BITS) values above it."""
        lows = np.array([int(v.min()) for v in self.values], dtype=np.int64)
        ups = [v - lo for v, lo in zip(self.values, lows)]
        if any(int(u.max()) >= 1 << X_BITS for u in ups):
            raise LocalProtocolError("A scorecard feature's values span too wide a range.")
        return lows, ups


def product_slot_bits(n_features: int) -> int:
    """Width of one row's slot: value < n_features · 2^X_BITS · 2^64, plus the mask headroom."""
    return RING_BITS + X_BITS + max(1, n_features).bit_length() + MASK_BITS + 1


def gradient_slot_bits(n_rows: int) -> int:
    """Width of one feature's gradient slot: value < n_rows · 2^64 · 2^64, plus the mask."""
    return 2 * RING_BITS + max(1, n_rows).bit_length() + MASK_BITS + 1


def slots_per_ciphertext(key_bits: int, slot_bits: int) -> int:
    """Slots below 2^(key_bits - 1) < n."""
    k = (key_bits - 1) // slot_bits
    if k < 1:
        raise LocalProtocolError("The Paillier key is too short for this packing.")
    return k


def _mask_values(count: int, value_bits: int) -> list[int]:
    return [secrets.randbits(value_bits + MASK_BITS) for _ in range(count)]


def _neg_ring(values: list[int]) -> np.ndarray:
    return np.array([(-v) & RING_MASK for v in values], dtype=np.uint64)


def _unpack(plain: int, width: int, slot_bits: int, count: int) -> list[int]:
    """``count`` slots (slot t at bit t·slot_bits); bits above them must be clear."""
    if plain >> (count * slot_bits):
        raise RemoteProtocolError.coded("protocol.packed_range")
    mask = (1 << slot_bits) - 1
    return [(plain >> (t * slot_bits)) & mask for t in range(count)][:width]


IN_PROCESS_BELOW = 256   # plaintexts: fewer are encrypted in this process, no worker round trips


class OwnKey(Counted):
    """This party's Paillier key: encrypts its shares for the peer, decrypts masked results."""

    def __init__(self, ex: Executor, key_bits: int) -> None:
        super().__init__()
        self.ex = ex
        self.pub, self.priv = paillier.generate_keypair(key_bits)
        self.key_bits = int(self.pub.n).bit_length()

    @property
    def n_bytes(self) -> bytes:
        return int(self.pub.n).to_bytes((self.pub.n.bit_length() + 7) // 8, "big")

    def _encrypt(self, plains: list[int]) -> bytes:
        # A batch of weight shares (tens of plaintexts) is encrypted here: cut into worker tasks
        # it took ~15x the per-item cost of a row batch in round trips (benchmarks scorecard).
        small = len(plains) < IN_PROCESS_BELOW
        with self.timed("encrypt", len(plains)):
            cts = paillier.encrypt_batch(self.ex, self.pub, plains, priv=self.priv,
                                         min_parallel=len(plains) + 1 if small else 8)
        return paillier.cts_to_bytes(self.pub, cts)

    def encrypt_slotted(self, shares: np.ndarray, peer_features: int) -> bytes:
        """``share_j · 2^(t·slot)`` for each feature j (rows) and slot t (columns)."""
        bits = product_slot_bits(peer_features)
        slots = slots_per_ciphertext(self.key_bits, bits)
        return self._encrypt([int(s) << (t * bits) for s in np.asarray(shares, np.uint64).tolist()
                              for t in range(slots)])

    def encrypt_rows(self, shares: np.ndarray) -> bytes:
        """One ciphertext per row share (the gradient's residual shares)."""
        return self._encrypt([int(s) for s in np.asarray(shares, np.uint64).tolist()])

    def _decrypt(self, blob: bytes, count: int, what: str) -> list[int]:
        if len(blob) != count * paillier.ct_width(self.pub):
            raise RemoteProtocolError.coded("protocol.values_size", what=messages.Term(what))
        cts = paillier.cts_from_bytes(self.pub, blob)
        with self.timed("decrypt", len(cts)):
            return paillier.decrypt_batch(self.ex, self.priv, cts) if len(cts) else []

    def decrypt_products(self, blob: bytes, n_rows: int, n_features: int) -> np.ndarray:
        """Our share of ``X_peer · s`` for ``n_rows`` rows (peer's columns, our share s)."""
        bits = product_slot_bits(n_features)
        slots = slots_per_ciphertext(self.key_bits, bits)
        n_cts = -(-n_rows // slots)
        plains = self._decrypt(blob, n_cts + 1, "products")
        values = [v for i, p in enumerate(plains[:-1])
                  for v in _unpack(p, min(slots, n_rows - i * slots), bits, slots)]
        constant = _unpack(plains[-1], 1, 2 * RING_BITS + bits, 1)[0]
        return np.array([(v + constant) & RING_MASK for v in values], dtype=np.uint64)

    def decrypt_gradient(self, blob: bytes, n_features: int, n_rows: int) -> np.ndarray:
        """Our share of ``X_peer^T · e`` (one value per peer feature)."""
        bits = gradient_slot_bits(n_rows)
        slots = slots_per_ciphertext(self.key_bits, bits)
        plains = self._decrypt(blob, -(-n_features // slots), "gradients")
        values = [v for i, p in enumerate(plains)
                  for v in _unpack(p, min(slots, n_features - i * slots), bits, slots)]
        return np.array([v & RING_MASK for v in values], dtype=np.uint64)


class PeerKey(Counted):
    """The peer's public key: computes on its encrypted shares with our plaintext columns."""

    def __init__(self, ex: Executor, n: int, min_bits: int) -> None:
        super().__init__()
        self.ex = ex
        self.pub = paillier.validate_public_key(n, min_bits=min_bits)
        self.key_bits = int(self.pub.n).bit_length()
        self.nsq = mpz(self.pub.nsquare)
        self.n = mpz(self.pub.n)

    def _parse(self, blob: bytes, count: int, what: str) -> list[mpz]:
        if len(blob) != count * paillier.ct_width(self.pub):
            raise RemoteProtocolError.coded("protocol.values_size", what=messages.Term(what))
        return paillier.cts_from_bytes(self.pub, blob).items

    def _finish(self, cts: list[mpz], masks: list[int]) -> bytes:
        """Add each plaintext mask, re-randomise, serialise."""
        n, nsq = self.n, self.nsq
        with self.timed("mask", len(cts)):
            masked = [c * (1 + n * m) % nsq for c, m in zip(cts, masks)]
        with self.timed("rerandomise", len(cts)):
            out = paillier.rerandomise_batch(self.ex, self.pub, paillier.CipherArray(self.pub.n, masked))
        return paillier.cts_to_bytes(self.pub, out)

    def products(self, blob: bytes, cols: Columns, rows: np.ndarray) -> tuple[bytes, np.ndarray]:
        """Masked, packed encryptions of ``X[rows] · s`` and our shares of it (-masks)."""
        d, nsq = cols.n_features, self.nsq
        bits = product_slot_bits(d)
        slots = slots_per_ciphertext(self.key_bits, bits)
        enc = self._parse(blob, d * slots, "encrypted weight shares")
        lows, ups = cols.offsets()
        which = [j * slots + t for j in range(d) for _ in range(len(ups[j])) for t in range(slots)]
        exponents = [u for j in range(d) for u in ups[j].tolist() for _ in range(slots)]
        with self.timed("table", len(which)):
            tables = combine.powers(self.ex, self.pub.n, enc, which, exponents)
        bases = np.cumsum([0] + [len(u) * slots for u in ups[:-1]]).tolist()
        n_rows = len(rows)
        n_cts = -(-n_rows // slots)
        with self.timed("combine"):
            packed, mults = combine.combine_batch(self.ex, self.pub.n, tables, bases,
                                                  cols.codes[rows], slots)
            self.ops["combine"] += mults
        # The constant part: sum_j low_j · s_j (low_j mod 2^64 as exponent), one more ciphertext.
        with self.timed("constant", d):
            const = mpz(1)
            for j in range(d):
                const = const * gmpy2.powmod(enc[j * slots], int(lows[j]) & RING_MASK, nsq) % nsq
        row_masks = _mask_values(n_cts * slots, bits - MASK_BITS - 1)
        const_mask = _mask_values(1, 2 * RING_BITS + bits - MASK_BITS - 1)
        masks = [sum(m << (t * bits) for t, m in enumerate(row_masks[i * slots:(i + 1) * slots]))
                 for i in range(n_cts)] + const_mask
        ours = _neg_ring([m + const_mask[0] for m in row_masks[:n_rows]])
        return self._finish(packed + [const], masks), ours

    def gradient(self, blob: bytes, cols: Columns, rows: np.ndarray) -> tuple[bytes, np.ndarray]:
        """Masked, packed encryptions of ``X[rows]^T · e`` and our shares of it (-masks)."""
        n_rows, d = len(rows), cols.n_features
        cts = paillier.CipherArray(self.pub.n, self._parse(blob, n_rows, "encrypted residual shares"))
        n_bins = max(len(v) for v in cols.values)
        with self.timed("histogram"):
            with histogram.HistogramSession(self.ex, self.pub, cts, cols.codes[rows]) as session:
                sums = session.histogram(np.arange(n_rows), n_bins)
                self.ops["histogram"] += session.multiplications
        nsq = self.nsq
        bin_sums = [ct for j, vals in enumerate(cols.values) for ct in sums[j].items[:len(vals)]]
        exponents = [v & RING_MASK for vals in cols.values for v in vals.tolist()]
        with self.timed("power", len(exponents)):
            powered = iter(combine.powers(self.ex, self.pub.n, bin_sums, range(len(bin_sums)),
                                          exponents))
            per_feature = []
            for vals in cols.values:
                acc = mpz(1)
                for _ in vals:
                    acc = acc * next(powered) % nsq
                per_feature.append(acc)
        bits = gradient_slot_bits(n_rows)
        slots = slots_per_ciphertext(self.key_bits, bits)
        # Slot t holds feature start + t: Horner from the highest slot, so each group reversed.
        groups = [paillier.CipherArray(self.pub.n, per_feature[start:start + slots][::-1])
                  for start in range(0, d, slots)]
        with self.timed("fold", d):
            packed = paillier.fold_batch(self.ex, self.pub, groups, bits).items if groups else []
        masks = _mask_values(d, bits - MASK_BITS - 1)
        folded = [sum(m << (t * bits) for t, m in enumerate(masks[s:s + slots]))
                  for s in range(0, d, slots)]
        return self._finish(packed, folded), _neg_ring(masks)
