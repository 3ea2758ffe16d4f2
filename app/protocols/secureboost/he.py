"""The Paillier operations each role needs, on top of app.crypto (one place to adapt the kernel).

Also counts every homomorphic primitive it performs, so benchmarks can state a lower bound from
primitive costs measured on the same machine (estimate.py) next to the measured wall time.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from app.crypto import paillier
from app.errors import RemoteProtocolError
from app.protocols.secureboost.gradients import G_BOUND, H_BOUND
from app.protocols.secureboost.tree import Hist

try:  # the fast batch kernel (worker-resident ciphertext shards)
    from app.crypto import histogram as _hist_kernel
except ImportError:  # pragma: no cover - only while the kernel is being written
    _hist_kernel = None


def make_packer(n_rows_max: int, scale_bits: int) -> paillier.GHPacker:
    # count_slot: per-bin counts come out of the decrypted sums, no separate plaintext count field
    return paillier.GHPacker(max(1, n_rows_max), scale_bits=scale_bits, g_bound=G_BOUND,
                             h_bound=H_BOUND, count_slot=True)


class LabelCrypto:
    """Key owner: encrypts packed (g, h), decrypts returned histograms. Keys live in memory only."""

    def __init__(self, key_bits: int, n_rows_max: int, scale_bits: int) -> None:
        self.pub, self.priv = paillier.generate_keypair(key_bits)
        self.packer = make_packer(n_rows_max, scale_bits)
        self.ops: Counter = Counter()

    @property
    def n_bytes(self) -> bytes:
        return int(self.pub.n).to_bytes((self.pub.n.bit_length() + 7) // 8, "big")

    def encrypt_gradients(self, g_int: np.ndarray, h_int: np.ndarray) -> bytes:
        scale = self.packer.scale
        plains = self.packer.pack(g_int / scale, h_int / scale)
        cts = paillier.encrypt_batch(self.pub, plains, priv=self.priv)
        self.ops["encrypt"] += len(cts)
        return paillier.cts_to_bytes(self.pub, cts)

    def n_packed(self, n_sums: int) -> int:
        return -(-n_sums // self.packer.bins_per_ciphertext(self.pub))

    def decrypt_histogram(self, blob: bytes, used: np.ndarray, n_slots: int) -> Hist:
        """Packed ciphertexts of one node -> integer sums (g, h, count) per (feature, slot).

        The partner sends only its ``used[f]`` bins plus the missing slot per feature; the
        unused bins are empty by construction and come back as zeros.
        """
        total = int(np.sum(used)) + len(used)
        cts = paillier.cts_from_bytes(self.pub, blob)
        if len(cts) != self.n_packed(total):
            raise RemoteProtocolError("The peer's histogram has the wrong number of ciphertexts.")
        plains = paillier.decrypt_batch(self.priv, cts)
        self.ops["decrypt"] += len(cts)
        values = self.packer.unpack_plaintexts(self.pub, plains, total)
        out = np.empty((3, total), dtype=np.int64)
        scale = self.packer.scale
        for i, v in enumerate(values):
            g, h, c = self.packer.unpack(v)
            out[0, i], out[1, i], out[2, i] = round(g * scale), round(h * scale), c
        full = np.zeros((3, len(used), n_slots), dtype=np.int64)
        off = 0
        for f, k in enumerate(np.asarray(used).tolist()):
            full[:, f, :k] = out[:, off:off + k]
            full[:, f, -1] = out[:, off + k]
            off += k + 1
        return Hist(full[0], full[1], full[2])


class FeatureCrypto:
    """Feature party: holds the label party's public key and this tree's encrypted gradients."""

    def __init__(self, n: int, min_bits: int, n_rows_max: int, scale_bits: int) -> None:
        self.pub = paillier.validate_public_key(n, min_bits=min_bits)
        self.packer = make_packer(n_rows_max, scale_bits)
        self.ops: Counter = Counter()
        self._cts: list | None = None
        self._bins: np.ndarray | None = None
        self._session = None

    def load_gradients(self, blob: bytes, n_rows: int, bins: np.ndarray) -> None:
        """Parse (and range-check) one ciphertext per tree row; ``bins`` are those rows' bins."""
        width = 2 * ((self.pub.n.bit_length() + 7) // 8)
        if len(blob) != n_rows * width:
            raise RemoteProtocolError("The field 'gradients' of the peer's tree_start message has the wrong size.")
        self._cts = paillier.cts_from_bytes(self.pub, blob)
        self.ops["ship"] += n_rows
        self._bins = np.ascontiguousarray(bins, dtype=np.uint8)
        if _hist_kernel is not None:  # ships the shards to the workers once per tree
            self._session = _hist_kernel.HistogramSession(self.pub, self._cts, self._bins)

    def node_histogram(self, rows: np.ndarray, n_slots: int, used: np.ndarray) -> bytes:
        """Encrypted per-(feature, slot) sums over ``rows``, folded, re-randomised, serialised.

        Only each feature's ``used`` bins and its missing slot are sent (always-empty bins would
        cost a fold, a re-randomisation and a share of a decryption each).
        """
        sums = self._histogram(rows, n_slots)
        flat = [ct for feature, k in zip(sums, np.asarray(used).tolist())
                for ct in (*feature[:k], feature[-1])]
        packed = self.packer.pack_ciphertexts(self.pub, flat)
        self.ops["fold"] += len(flat) - len(packed)
        packed = paillier.rerandomise_batch(self.pub, packed)
        self.ops["rerandomise"] += len(packed)
        return paillier.cts_to_bytes(self.pub, packed)

    def _histogram(self, rows: np.ndarray, n_slots: int) -> list:
        self.ops["add"] += len(rows) * self._bins.shape[1]
        if self._session is not None:
            return self._session.histogram(rows, n_slots)
        return _histogram_reference(self.pub, self._cts, self._bins, rows, n_slots)

    def drop_tree(self) -> None:
        if self._session is not None:
            self._session.close()
        self._cts, self._bins, self._session = None, None, None


def _histogram_reference(pub, cts, bins, rows, n_slots):  # pragma: no cover - kernel fallback
    from gmpy2 import mpz
    nsq = mpz(pub.n) ** 2
    out = []
    for f in range(bins.shape[1]):
        acc = [mpz(1)] * n_slots
        col = bins[:, f]
        for r in rows.tolist():
            b = col[r]
            acc[b] = acc[b] * cts[r] % nsq
        out.append(acc)
    return out
