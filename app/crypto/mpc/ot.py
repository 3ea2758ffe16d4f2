"""Oblivious transfer: Chou–Orlandi base OTs on Ristretto255 and IKNP extension, vectorised.

Why this shape:
- Base OT ("simplest OT", Chou–Orlandi 2015), κ = 128 at once. The base sender picks a and sends
  A = a·G; for choice c the base receiver sends B = b·G + c·A and keeps H(b·A); the sender derives
  k0 = H(a·B) and k1 = H(a·B − a·A). H is SHA-256 over a label, the index, A, B and the point, so
  each key is bound to its own transcript. Points are checked (canonical, on the group, not the
  identity) before use. Scalars come from libsodium's CSPRNG.
- IKNP extension (Ishai–Kilian–Nissim–Petrank 2003): roles swap. The extension receiver (choice
  bits r of M OTs) is the base *sender* holding seed pairs (k0_j, k1_j); it sends the κ×M bit
  matrix u_j = G(k0_j) ⊕ G(k1_j) ⊕ r. The extension sender (base *receiver*, secret s ∈ {0,1}^κ
  holding k_{s_j}) computes q_j = G(k_{s_j}) ⊕ s_j·u_j = t_j ⊕ s_j·r. After a bit-matrix transpose,
  row i satisfies q_i = t_i ⊕ r_i·s: the sender's two messages are H(i, q_i) and H(i, q_i ⊕ s),
  the receiver knows H(i, t_i), the one it chose. The other is H at a point that differs from
  anything the receiver holds by s, which it never sees (semi-honest security, κ = 128).
- G is AES-128-CTR keyed by the seed (a chunk index in the nonce, so chunks never reuse a
  stream). H is the tweakable correlation-robust hash of Guo–Katz–Wang–Yu (2020) from fixed-key
  AES: H(i, x) = π(π(x) ⊕ i) ⊕ π(x), two AES blocks per call, run by OpenSSL over whole buffers
  (no per-OT Python). The tweak i is the OT's index with the instance in its high word, never
  reused within one set of base OTs.
- Array-level classes (``BaseSender``, ``BaseReceiver``, ``ExtSender``, ``ExtReceiver``) are the
  kernels; ``OTSender``/``OTReceiver`` wrap them as sans-IO message steps (random OT, or correlated
  OT over Z_2^64 when the sender gives a correlation Δ).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import rbcl
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.errors import LocalProtocolError, RemoteProtocolError
from app.crypto.mpc import messages
from app.crypto.mpc.messages import KAPPA, POINT_BYTES
from app.crypto.mpc.ring import draw
from app.crypto.ristretto import first_invalid_point

BLOCK = 16
_LABEL = b"lianmo/mpc/co-ot/ristretto255-sha256/v1"
# The fixed public AES key of the correlation-robust hash (any public constant will do).
_FIXED_KEY = hashlib.sha256(b"lianmo/mpc/iknp/fixed-key-aes/v1").digest()[:16]
_TILE = 1024   # 64-bit words per row transposed at a time: 128 rows x 8 KiB = 1 MiB, in L2
# Delta swaps of a 64x64 bit transpose: (j, mask of the bit positions p with bit j of p clear).
_SWAPS = tuple((np.uint64(j), np.uint64(sum(1 << p for p in range(64) if not p & j)))
               for j in (32, 16, 8, 4, 2, 1))


# --- base OT ---------------------------------------------------------------------------------------

def _key(index: int, a_point: bytes, b_point: bytes, shared: bytes) -> bytes:
    data = _LABEL + index.to_bytes(4, "big") + a_point + b_point + shared
    return hashlib.sha256(data).digest()[:BLOCK]


class BaseSender:
    """The base-OT sender of ``n`` OTs: ``point`` (A) out, the receiver's points in, key pairs out."""

    def __init__(self, n: int = KAPPA) -> None:
        self.n = n
        self._a = rbcl.crypto_core_ristretto255_scalar_random()
        self.point = rbcl.crypto_scalarmult_ristretto255_base(self._a)
        self._aa = rbcl.crypto_scalarmult_ristretto255(self._a, self.point)

    def keys(self, points: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(k0, k1), each (n, 16) uint8, from the receiver's n concatenated points."""
        if len(points) != POINT_BYTES * self.n:
            raise RemoteProtocolError.coded("protocol.ot_point_count")
        if first_invalid_point(points) >= 0:
            raise RemoteProtocolError.coded("protocol.ot_bad_point")
        k0, k1 = bytearray(), bytearray()
        for i in range(self.n):
            b_point = points[POINT_BYTES * i:POINT_BYTES * (i + 1)]
            ab = rbcl.crypto_scalarmult_ristretto255(self._a, b_point)
            k0 += _key(i, self.point, b_point, ab)
            k1 += _key(i, self.point, b_point, rbcl.crypto_core_ristretto255_sub(ab, self._aa))
        return (np.frombuffer(bytes(k0), np.uint8).reshape(self.n, BLOCK),
                np.frombuffer(bytes(k1), np.uint8).reshape(self.n, BLOCK))


class BaseReceiver:
    """The base-OT receiver with choice bits ``choices``: the sender's A in, its points out."""

    def __init__(self, choices: np.ndarray) -> None:
        self.choices = np.asarray(choices, dtype=np.uint8)
        self.keys: np.ndarray | None = None

    def respond(self, a_point: bytes) -> bytes:
        if len(a_point) != POINT_BYTES or first_invalid_point(a_point) >= 0:
            raise RemoteProtocolError.coded("protocol.ot_bad_point")
        points, keys = bytearray(), bytearray()
        for i, c in enumerate(self.choices):
            b = rbcl.crypto_core_ristretto255_scalar_random()
            b_point = rbcl.crypto_scalarmult_ristretto255_base(b)
            if c:
                b_point = rbcl.crypto_core_ristretto255_add(b_point, a_point)
            points += b_point
            keys += _key(i, a_point, b_point, rbcl.crypto_scalarmult_ristretto255(b, a_point))
        self.keys = np.frombuffer(bytes(keys), np.uint8).reshape(len(self.choices), BLOCK)
        return bytes(points)


# --- symmetric kernels -----------------------------------------------------------------------------

def _aes_into(encryptor: Any, data: np.ndarray) -> np.ndarray:
    """Encrypt a contiguous uint8 array straight into a fresh one (no bytes copies)."""
    out = np.empty(data.size + BLOCK - 1, dtype=np.uint8)   # update_into wants block − 1 spare
    written = encryptor.update_into(data.reshape(-1), out)
    return out[:written]


def prg(seeds: np.ndarray, chunk: int, nbytes: int, offset: int = 0) -> np.ndarray:
    """(len(seeds), nbytes) uint8, C-contiguous: AES-128-CTR of each seed, the chunk index in the
    nonce, from byte ``offset`` of each stream on (so a chunk's columns can be made in parts).

    Rows are written in order into one flat buffer: ``update_into`` asks for block − 1 spare
    bytes, which fall on the next row (written afterwards) or on the buffer's tail.
    """
    flat = np.empty(len(seeds) * nbytes + BLOCK - 1, dtype=np.uint8)
    zeros = np.zeros(nbytes, dtype=np.uint8)
    skip = bytes(offset % BLOCK)
    nonce = chunk.to_bytes(8, "big") + (offset // BLOCK).to_bytes(8, "big")
    for j, seed in enumerate(seeds):
        stream = Cipher(algorithms.AES(seed.tobytes()), modes.CTR(nonce)).encryptor()
        stream.update(skip)                        # the part of the first block before offset
        stream.update_into(zeros, flat[j * nbytes:])
    return flat[:len(seeds) * nbytes].reshape(len(seeds), nbytes)


def _transpose_tile(words: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
    """words (64h, w) uint64 -> out (w, 64, h) uint64: each 64x64 bit block transposed in place.

    Stage j swaps, in every pair of word rows (k, k + j) with bit j of k clear, the bits p + j of
    row k with the bits p of row k + j (p with bit j clear): six stages transpose a 64x64 block.
    """
    h, w = words.shape[0] // 64, words.shape[1]
    a = scratch[:h * 64 * w].reshape(h, 64, w)
    a[...] = words.reshape(h, 64, w)
    tmp = scratch[h * 64 * w:h * 96 * w]
    for j, mask in _SWAPS:
        pairs = a.reshape(h, 32 // int(j), 2, int(j), w)
        lo, hi = pairs[:, :, 0], pairs[:, :, 1]
        t = tmp.reshape(h, 32 // int(j), int(j), w)
        np.right_shift(lo, j, out=t)
        t ^= hi
        t &= mask
        hi ^= t
        t <<= j
        lo ^= t
    out[...] = a.transpose(2, 1, 0)


def transpose(bits: np.ndarray) -> np.ndarray:
    """A κ×M bit matrix (κ rows of M/8 bytes, little-endian bits) -> M rows of κ/8 bytes.

    In uint64 words (word w, bit p = column 64w + p), tile by tile so each tile stays in cache:
    every 64×64 bit block is transposed with six vectorised delta-swap stages (Hacker's Delight
    §7-3) and the blocks are put in place by one word-level numpy transpose.
    """
    kappa, cols = bits.shape
    if kappa % 64 or cols % 8:
        raise LocalProtocolError("The bit matrix must be 64·k rows by a multiple of 64 columns.")
    words = np.ascontiguousarray(bits, dtype=np.uint8).view(np.uint64)
    n_words, h = cols // 8, kappa // 64
    out = np.empty((cols * 8, kappa // 8), dtype=np.uint8)
    blocks = out.view(np.uint64).reshape(n_words, 64, h)
    scratch = np.empty(h * 96 * min(_TILE, n_words), dtype=np.uint64)
    for start in range(0, n_words, _TILE):
        stop = min(n_words, start + _TILE)
        _transpose_tile(words[:, start:stop], blocks[start:stop], scratch)
    return out


def transpose_reference(bits: np.ndarray) -> np.ndarray:
    """The same transpose bit by bit (unpack, transpose, pack): the tests' oracle."""
    unpacked = np.unpackbits(bits, axis=1, bitorder="little")
    return np.ascontiguousarray(np.packbits(unpacked.T, axis=1, bitorder="little"))


def crhash(rows: np.ndarray, tweaks: np.ndarray | tuple[int, int]) -> np.ndarray:
    """H(i, x) = π(π(x) ⊕ i) ⊕ π(x) row by row: rows (N, 16) uint8 -> (N, 2) uint64.

    ``tweaks`` is an (N, 2) uint64 array, or (instance, start): indices start .. start + N − 1.
    """
    aes = Cipher(algorithms.AES(_FIXED_KEY), modes.ECB()).encryptor()
    first = _aes_into(aes, np.ascontiguousarray(rows, dtype=np.uint8)).view(np.uint64)
    first = first.reshape(-1, 2)
    mixed = np.empty_like(first)
    if isinstance(tweaks, tuple):
        instance, start = tweaks
        np.bitwise_xor(first[:, 0], np.arange(start, start + len(first), dtype=np.uint64),
                       out=mixed[:, 0])
        np.bitwise_xor(first[:, 1], np.uint64(instance), out=mixed[:, 1])
    else:
        np.bitwise_xor(first, tweaks, out=mixed)
    second = _aes_into(aes, mixed.view(np.uint8)).view(np.uint64).reshape(-1, 2)
    second ^= first
    return second


def tweaks(instance: int, start: int, count: int) -> np.ndarray:
    """(count, 2) uint64: the OT index in the low word, the instance in the high word."""
    out = np.empty((count, 2), dtype=np.uint64)
    out[:, 0] = np.arange(start, start + count, dtype=np.uint64)
    out[:, 1] = np.uint64(instance)
    return out


def hash64(rows: np.ndarray, instance: int, start: int) -> np.ndarray:
    """The first 64 bits of H(i, row) as ring elements."""
    return crhash(rows, (instance, start))[:, 0].copy()


# --- IKNP extension --------------------------------------------------------------------------------

class ExtReceiver:
    """IKNP receiver: holds the base *sender*'s seed pairs; turns choice bits into the u matrix."""

    def __init__(self, k0: np.ndarray, k1: np.ndarray) -> None:
        self._k0, self._k1 = k0, k1

    def extend(self, choices: np.ndarray, chunk: int) -> tuple[bytes, np.ndarray]:
        """(u as bytes, t rows (M, 16)) for M choice bits (M a multiple of 8)."""
        choices = np.asarray(choices, dtype=np.uint8)
        if len(choices) % 8:
            raise LocalProtocolError("OT extension runs on a multiple of 8 OTs.")
        nbytes = len(choices) // 8
        t = prg(self._k0, chunk, nbytes)
        u = t ^ prg(self._k1, chunk, nbytes) ^ np.packbits(choices, bitorder="little")[None, :]
        return u.tobytes(), transpose(t)


class ExtSender:
    """IKNP sender: holds the base *receiver*'s secret s and keys k_{s_j}; turns u into q rows."""

    def __init__(self, s_bits: np.ndarray, keys: np.ndarray) -> None:
        self._s_bits = np.asarray(s_bits, dtype=np.uint8)
        self._keys = keys
        self.s = np.packbits(self._s_bits, bitorder="little").view(np.uint64)  # (2,) as rows

    def extend(self, u: bytes, n_ots: int, chunk: int) -> np.ndarray:
        """q rows (M, 16) with q_i = t_i ⊕ r_i·s, from the receiver's u matrix."""
        nbytes = n_ots // 8
        if n_ots % 8 or len(u) != KAPPA * nbytes:
            raise RemoteProtocolError.coded("protocol.ot_matrix_size")
        q = prg(self._keys, chunk, nbytes)
        q ^= np.frombuffer(u, dtype=np.uint8).reshape(KAPPA, nbytes) * self._s_bits[:, None]
        return transpose(q)


def cot_send(q: np.ndarray, s: np.ndarray, delta: np.ndarray, instance: int,
             start: int) -> tuple[np.ndarray, np.ndarray]:
    """Correlated OT over Z_2^64, sender side: (x0, y). The receiver ends with x0 + r·Δ.

    x0 = H(q_i), y = x0 + Δ − H(q_i ⊕ s); a receiver with r_i = 1 adds y to H(t_i) = H(q_i ⊕ s).
    """
    rows = q.view(np.uint64)
    x0 = hash64(q, instance, start)
    x1 = hash64((rows ^ s).view(np.uint8), instance, start)
    return x0, x0 + np.asarray(delta, dtype=np.uint64) - x1


def cot_receive(t: np.ndarray, choices: np.ndarray, y: np.ndarray, instance: int,
                start: int) -> np.ndarray:
    """Correlated OT, receiver side: H(t_i) + r_i·y_i = x0_i + r_i·Δ_i."""
    return hash64(t, instance, start) + np.asarray(choices, dtype=np.uint64) * y


def random_bits(n: int, rng: Any = None) -> np.ndarray:
    """n uniform bits (uint8 0/1)."""
    return np.unpackbits(np.frombuffer(draw(rng, (n + 7) // 8), np.uint8),
                         bitorder="little")[:n].copy()


# --- sans-IO message steps -------------------------------------------------------------------------

class OTReceiver:
    """Extension receiver of ``len(choices)`` OTs as message steps.

    start() -> base_a; receive(base_b) -> ext_u; for correlated OT also receive(cot_y) -> None.
    ``result``: random OT: (M, 16) uint8 rows, the chosen messages; correlated OT: uint64 x0 + r·Δ.
    """

    def __init__(self, choices: Any, correlated: bool = False, instance: int = 0) -> None:
        self.choices = np.asarray(choices, dtype=np.uint8)
        if not 0 < len(self.choices) <= messages.MAX_OTS or len(self.choices) % 8:
            raise LocalProtocolError("OT extension runs 8 to the limit of OTs, a multiple of 8.")
        self.correlated, self.instance = correlated, instance
        self._base = BaseSender(KAPPA)
        self._t: np.ndarray | None = None
        self._expect = "start"
        self.done, self.result = False, None

    def start(self) -> bytes:
        self._step("start", "base_b")
        return messages.encode("base_a", {"point": self._base.point})

    def receive(self, data: bytes) -> bytes | None:
        kind, body = messages.decode(data)
        if kind == "base_b" and self._expect == "base_b":
            self._step("base_b", "cot_y" if self.correlated else "end")
            ext = ExtReceiver(*self._base.keys(body["points"]))
            u, self._t = ext.extend(self.choices, 0)
            if not self.correlated:
                self.result = crhash(self._t, (self.instance, 0)).view(np.uint8)
                self.done = True
            return messages.encode("ext_u", {"chunk": 0, "n_ots": len(self.choices), "u": u})
        if kind == "cot_y" and self._expect == "cot_y":
            y = np.frombuffer(body["y"], dtype=np.uint64)
            if body["chunk"] != 0 or len(y) != len(self.choices):
                raise RemoteProtocolError.coded("protocol.ot_corrections_differ")
            self._step("cot_y", "end")
            self.result = cot_receive(self._t, self.choices, y, self.instance, 0)
            self._t, self.done = None, True
            return None
        raise RemoteProtocolError.coded("protocol.ot_out_of_order", kind=kind)

    def _step(self, now: str, then: str) -> None:
        if self._expect != now:
            raise LocalProtocolError("This OT receiver has already started.")
        self._expect = then


class OTSender:
    """Extension sender of ``n`` OTs as message steps: receive(base_a) -> base_b;
    receive(ext_u) -> None (random OT) or cot_y (correlated OT, ``delta`` given).

    ``result``: random OT: (x0, x1), each (n, 16) uint8 rows; correlated OT: x0 (uint64), the
    receiver holding x0 + r·Δ.
    """

    def __init__(self, n: int, delta: Any = None, instance: int = 0, rng: Any = None) -> None:
        if not 0 < n <= messages.MAX_OTS or n % 8:
            raise LocalProtocolError("OT extension runs 8 to the limit of OTs, a multiple of 8.")
        self.n, self.instance = n, instance
        self.delta = None if delta is None else np.asarray(delta, dtype=np.uint64)
        if self.delta is not None and self.delta.shape != (n,):
            raise LocalProtocolError("A correlated OT needs one correlation per OT.")
        self._base = BaseReceiver(random_bits(KAPPA, rng))
        self._ext: ExtSender | None = None
        self.done, self.result = False, None

    def start(self) -> None:
        return None

    def receive(self, data: bytes) -> bytes | None:
        kind, body = messages.decode(data)
        if kind == "base_a" and self._base.keys is None:
            points = self._base.respond(body["point"])
            self._ext = ExtSender(self._base.choices, self._base.keys)
            return messages.encode("base_b", {"points": points})
        if kind == "ext_u" and self._ext is not None and not self.done:
            if body["chunk"] != 0 or body["n_ots"] != self.n:
                raise RemoteProtocolError.coded("protocol.ot_not_agreed")
            q = self._ext.extend(body["u"], self.n, 0)
            self.done = True
            if self.delta is None:
                x0 = crhash(q, (self.instance, 0))
                x1 = crhash((q.view(np.uint64) ^ self._ext.s).view(np.uint8), (self.instance, 0))
                self.result = (x0.view(np.uint8), x1.view(np.uint8))
                return None
            x0, y = cot_send(q, self._ext.s, self.delta, self.instance, 0)
            self.result = x0
            return messages.encode("cot_y", {"chunk": 0, "y": y.tobytes()})
        raise RemoteProtocolError.coded("protocol.ot_out_of_order", kind=kind)
