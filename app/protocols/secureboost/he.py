"""The homomorphic operations each role needs, on top of app.crypto (one place to adapt the kernel).

Either scheme of the approved parameters (Paillier or OU, app.crypto.schemes) runs the same calls.

Also counts every homomorphic primitive it performs, so benchmarks can state a lower bound from
primitive costs measured on the same machine (estimate.py) next to the measured wall time.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager

import numpy as np

from app.crypto import histogram, schemes
from app.executor import Executor
from app.crypto.packing import GHPacker
from app.errors import RemoteProtocolError
from app.protocols.secureboost.gradients import G_BOUND, H_BOUND
from app.protocols.secureboost.tree import Hist

PRECOMPUTE_STEP = 256               # obfuscators per worker per call: ~30 ms, then the workers are free
PRECOMPUTE_MAX_PER_WORKER = 250_000  # 128 MiB of reserve per worker at 2048 bits


def make_packer(n_rows_max: int, scale_bits: int) -> GHPacker:
    # count_slot: per-bin counts come out of the decrypted sums, no separate plaintext count field
    return GHPacker(max(1, n_rows_max), scale_bits=scale_bits, g_bound=G_BOUND, h_bound=H_BOUND,
                    count_slot=True)


class Counted:
    """Operation counts and the seconds spent inside the kernel, per primitive."""

    def __init__(self) -> None:
        self.ops: Counter = Counter()
        self.seconds: Counter = Counter()

    @contextmanager
    def timed(self, op: str, count: int | None = None):
        """Time ``op``; with ``count``, also count that many of its operations."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[op] += time.perf_counter() - t0
            if count is not None:
                self.ops[op] += count


class LabelCrypto(Counted):
    """Key owner: encrypts packed (g, h), decrypts returned histograms. Keys live in memory only."""

    def __init__(self, ex: Executor, key_bits: int, n_rows_max: int, scale_bits: int,
                 scheme: str = schemes.DEFAULT) -> None:
        super().__init__()
        self.ex = ex
        self.scheme = schemes.get(scheme)
        self.pub, self.priv = self.scheme.generate_keypair(key_bits)
        self.packer = make_packer(n_rows_max, scale_bits)

    @property
    def n_bytes(self) -> bytes:
        return int(self.pub.n).to_bytes((int(self.pub.n).bit_length() + 7) // 8, "big")

    def encrypt_gradients(self, g_int: np.ndarray, h_int: np.ndarray) -> list[bytes]:
        """The tree's packed (g, h) encrypted, in wire form as the workers' blobs (in order)."""
        scale = self.packer.scale
        plains = self.packer.pack(g_int / scale, h_int / scale)
        with self.timed("encrypt"):
            parts = self.scheme.encrypt_to_parts(self.ex, self.pub, plains, priv=self.priv)
        self.ops["encrypt"] += len(plains)
        return parts

    def precompute_step(self) -> bool:
        """Draw a few of the next tree's obfuscators ahead (call while waiting for the partner);
        False once every worker holds its share of a tree's worth."""
        share = min(-(-self.packer.n_rows_max // self.ex.size), PRECOMPUTE_MAX_PER_WORKER)
        have = self.scheme.precompute_obfuscators(self.ex, self.pub, PRECOMPUTE_STEP, share,
                                               priv=self.priv)
        return have < share

    def forget_precomputed(self) -> None:
        self.scheme.drop_precomputed_obfuscators(self.ex)

    def n_packed(self, n_sums: int) -> int:
        return -(-n_sums // self.packer.bins_per_ciphertext(self.pub))

    def decrypt_histograms(self, blob: bytes, n_nodes: int, used: np.ndarray, n_slots: int) -> list[Hist]:
        """Packed ciphertexts of a level's nodes -> integer sums (g, h, count) per (feature, slot).

        One decryption batch per level keeps every worker busy. The partner sends only its
        ``used[f]`` bins plus the missing slot per feature; unused bins come back as zeros.
        Every decrypted value is range-checked (packing.tampered): nothing decrypted here is
        ever shown to the partner, and an impossible value stops the job.
        """
        total = int(np.sum(used)) + len(used)
        per_node = self.n_packed(total)
        width = self.scheme.ct_width(self.pub)
        if len(blob) != per_node * n_nodes * width:
            raise RemoteProtocolError.coded("protocol.field_size", field="cts", message="histograms")
        cts = self.scheme.cts_from_bytes(self.pub, blob)
        with self.timed("decrypt"):
            plains = self.scheme.decrypt_batch(self.ex, self.priv, cts) if len(cts) else []
        self.ops["decrypt"] += len(cts)
        return [self._unpack(plains[i * per_node:(i + 1) * per_node], total, used, n_slots)
                for i in range(n_nodes)]

    def _unpack(self, plains: list[int], total: int, used: np.ndarray, n_slots: int) -> Hist:
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


class FeatureCrypto(Counted):
    """Feature party: holds the label party's public key and this tree's encrypted gradients."""

    def __init__(self, ex: Executor, n: int, min_bits: int, n_rows_max: int,
                 scale_bits: int, scheme: str = schemes.DEFAULT) -> None:
        super().__init__()
        self.ex = ex
        self.scheme = schemes.get(scheme)
        self.pub = self.scheme.validate_public_key(n, min_bits=min_bits)
        self.packer = make_packer(n_rows_max, scale_bits)
        self._bins: np.ndarray | None = None
        self._session = None

    def load_gradients(self, blob: bytes, n_rows: int, bins: np.ndarray) -> None:
        """Parse (and range-check) one ciphertext per tree row; ``bins`` are those rows' bins."""
        width = self.scheme.ct_width(self.pub)
        if len(blob) != n_rows * width:
            raise RemoteProtocolError.coded("protocol.field_size", field="gradients", message="tree_start")
        self.scheme.check_bytes(self.pub, blob)  # checked, not kept as integers: shards are cut
        self.ops["ship"] += n_rows                 # from the bytes themselves
        self._bins = np.ascontiguousarray(bins, dtype=np.uint8)
        with self.timed("ship"):  # the shards go to the workers once per tree
            self._session = histogram.HistogramSession(self.ex, self.pub, None, self._bins,
                                                       blob=blob)

    def node_histograms(self, nodes: list[np.ndarray], n_slots: int, used: np.ndarray) -> bytes:
        """Encrypted per-(feature, slot) sums for each node's rows: folded, re-randomised (one
        batch for the whole level), serialised.

        Only each feature's ``used`` bins and its missing slot are sent (always-empty bins would
        cost a fold, a re-randomisation and a share of a decryption each).
        """
        groups = []
        for sums in self._histograms(nodes, n_slots):
            parts = [part for feature, k in zip(sums, np.asarray(used).tolist())
                     for part in (feature[:k], feature[-1:])]
            flat = self.scheme.concat(self.pub, parts)
            node_groups = self.packer.fold_groups(self.pub, flat)  # never across two nodes
            self.ops["fold"] += len(flat) - len(node_groups)
            groups.extend(node_groups)
        if not groups:
            return b""
        with self.timed("fold"):
            packed = self.scheme.fold_batch(self.ex, self.pub, groups, self.packer.pair_bits)
        with self.timed("rerandomise"):
            packed = self.scheme.rerandomise_batch(self.ex, self.pub, packed)
        self.ops["rerandomise"] += len(packed)
        return self.scheme.cts_to_bytes(self.pub, packed)

    def _histograms(self, nodes: list[np.ndarray], n_slots: int) -> list:
        """All of a level's nodes in one call: the workers' shards are scheduled per level."""
        session = self._session
        with self.timed("add"):
            before, carried = session.multiplications, session.carried_rows
            sums = session.histograms(nodes, n_slots)
        self.ops["add"] += session.multiplications - before  # performed, not nominal
        if session.carried_rows > carried:  # shard rows run by a worker other than their own
            self.ops["carried_rows"] += session.carried_rows - carried
        return sums

    def drop_tree(self) -> None:
        if self._session is not None:
            self._session.close()
        self._bins, self._session = None, None

