"""One sample's fixed-point (g, h) in one plaintext, and several sums per ciphertext back.

Why a layout of its own: nothing on the wire may depend on values, so the slots have constant
widths (no per-value exponent as in phe's float encoding; the fixed-point grid is
secureboost.gradients.FixedPoint), sized so that sums over the most rows a job can have never
carry into a neighbour. How many sums share a ciphertext on the way back follows the scheme's
plaintext space (``plaintext_bits``: n_bits - 1 for Paillier, n_bits // 3 - 1 for OU).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from app.crypto import schemes
from app.executor import Executor
from app.crypto.paillier import CipherArray, PublicKey
from app.errors import LocalProtocolError, RemoteProtocolError


# Why every decrypted value is range-checked, and the job stops on the first violation: under OU a
# ciphertext of a value >= p decrypts to that value mod p, so a partner who could see how the key
# owner reacts to a tampered ciphertext would learn about p. Honest sums never leave their slots.
def tampered(detail: str) -> RemoteProtocolError:
    """The error that stops the job when a decrypted histogram value is impossible."""
    return RemoteProtocolError(f"The partner's histograms decrypt to values no honest computation "
                               f"gives ({detail}); training stops, since a tampered ciphertext "
                               f"could reveal the key.")

# ---------------------------------------------------------------- (g, h) packing


class GHPacker:
    """One sample's (g, h) in one plaintext; slot widths so sums over ``n_rows_max`` never carry.

    Layout of a packed value (most significant first): ``[g + g_off | h (| count)]`` where each
    slot is an unsigned integer of ``g_bits`` / ``h_bits`` (/ ``count_bits``). ``g`` is shifted by
    ``g_off = ceil(g_bound * 2^s)`` so it is non-negative; a sum over ``count`` samples is corrected
    by ``count * g_off`` at unpack. ``h`` must lie in [0, h_bound] (true for the usual losses).
    With ``count_slot=True`` every sample also adds 1 to a count slot, so the label party learns
    per-bin counts from the decrypted sums instead of a separate plaintext message.
    """

    def __init__(self, n_rows_max: int, scale_bits: int = 32, g_bound: float = 1.0,
                 h_bound: float = 1.0, count_slot: bool = False) -> None:
        if n_rows_max < 1 or not 1 <= scale_bits <= 52 or g_bound <= 0 or h_bound <= 0:
            raise LocalProtocolError("Packing parameters are out of range.")
        self.n_rows_max, self.scale_bits = int(n_rows_max), int(scale_bits)
        self.g_bound, self.h_bound = float(g_bound), float(h_bound)
        self.scale = float(2**scale_bits)
        self.g_off = math.ceil(self.g_bound * self.scale)
        self.h_max = math.ceil(self.h_bound * self.scale)
        if 2 * self.g_off >= 2**62 or self.h_max >= 2**62:
            raise LocalProtocolError("Packing bounds do not fit in 62 bits at this scale.")
        self.g_bits = (2 * self.g_off * self.n_rows_max).bit_length()
        self.h_bits = (self.h_max * self.n_rows_max).bit_length()
        self.count_bits = self.n_rows_max.bit_length() if count_slot else 0
        self.pair_bits = self.g_bits + self.h_bits + self.count_bits

    @property
    def count_slot(self) -> bool:
        return self.count_bits > 0

    def pack(self, g: np.ndarray, h: np.ndarray) -> list[int]:
        g = np.asarray(g, dtype=np.float64)
        h = np.asarray(h, dtype=np.float64)
        if g.ndim != 1 or g.shape != h.shape:
            raise LocalProtocolError("Gradients and hessians must be 1-D arrays of equal length.")
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
            raise LocalProtocolError("Gradients or hessians contain NaN or infinity.")
        if np.any(np.abs(g) > self.g_bound) or np.any(h < 0) or np.any(h > self.h_bound):
            raise LocalProtocolError("A gradient or hessian lies outside the packing bounds.")
        gi = (np.rint(g * self.scale).astype(np.int64) + self.g_off).tolist()
        hi = np.rint(h * self.scale).astype(np.int64).tolist()
        shift_g = self.h_bits + self.count_bits
        if self.count_bits:
            shift_h = self.count_bits
            return [(a << shift_g) | (b << shift_h) | 1 for a, b in zip(gi, hi)]
        return [(a << shift_g) | b for a, b in zip(gi, hi)]

    def _slots(self, plain: int) -> tuple[int, int, int]:
        plain = int(plain)
        if plain < 0 or plain >> self.pair_bits:
            raise tampered("a slot is out of range")
        c = plain & ((1 << self.count_bits) - 1)
        h = (plain >> self.count_bits) & ((1 << self.h_bits) - 1)
        g = plain >> (self.count_bits + self.h_bits)
        return g, h, c

    def _decode(self, g: int, h: int, count: int) -> tuple[float, float]:
        if not (0 <= count <= self.n_rows_max and g <= 2 * self.g_off * count
                and h <= self.h_max * count):
            raise tampered("a sum exceeds what its row count allows")
        return (g - count * self.g_off) / self.scale, h / self.scale

    def unpack_sums(self, plain: int, count: int | None = None) -> tuple[float, float]:
        """(G, H) from a decrypted sum of ``count`` packed samples (count read from its slot if None)."""
        g, h, c = self._slots(plain)
        if count is None:
            if not self.count_bits:
                raise LocalProtocolError("This packer has no count slot; pass the sample count.")
            count = c
        return self._decode(g, h, int(count))

    def unpack(self, plain: int) -> tuple[float, float, int]:
        """(G, H, count) from a decrypted sum; needs ``count_slot=True``."""
        if not self.count_bits:
            raise LocalProtocolError("This packer has no count slot.")
        g, h, c = self._slots(plain)
        return (*self._decode(g, h, c), c)

    # ---- return trip: several (G, H) sums per ciphertext

    def bins_per_ciphertext(self, pub: PublicKey) -> int:
        """How many packed sums fit in the scheme's plaintext space (below 2^plaintext_bits)."""
        k = schemes.of(pub).plaintext_bits(pub) // self.pair_bits
        if k < 1:
            raise LocalProtocolError("The key is too short for this packing.")
        return k

    def fold_groups(self, pub: PublicKey, cts: CipherArray) -> list[CipherArray]:
        """``cts`` cut into the groups ``pack_ciphertexts`` folds (``bins_per_ciphertext`` each)."""
        k = self.bins_per_ciphertext(pub)
        return [cts[start:start + k] for start in range(0, len(cts), k)]

    def pack_ciphertexts(self, ex: Executor, pub: PublicKey, cts: CipherArray) -> CipherArray:
        """Fold groups of ``bins_per_ciphertext`` sums into one ciphertext: ``acc^(2^pair_bits) * ct``.

        The first ciphertext of a group lands in the most significant slot. Re-randomise the
        result before it leaves the process.
        """
        return schemes.of(pub).fold_batch(ex, pub, self.fold_groups(pub, cts), self.pair_bits)

    def unpack_plaintexts(self, pub: PublicKey, plains: Sequence[int], total: int) -> list[int]:
        """The ``total`` slot values (still packed (G, H) sums) from decrypted folded plaintexts."""
        k = self.bins_per_ciphertext(pub)
        if len(plains) != -(-total // k):
            raise RemoteProtocolError.coded("protocol.packed_count")
        mask = (1 << self.pair_bits) - 1
        values: list[int] = []
        for i, plain in enumerate(plains):
            width = min(k, total - i * k)
            plain = int(plain)
            if plain >> (width * self.pair_bits):
                raise tampered("a packed value is out of range")
            values.extend((plain >> (self.pair_bits * (width - 1 - j))) & mask for j in range(width))
        return values
