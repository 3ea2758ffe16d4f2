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
from app.crypto.mpc.ring import draw

KAPPA = 128
BLOCK = 16
POINT_BYTES = 32
_LABEL = b"lianmo/mpc/co-ot/ristretto255-sha256/v1"
# The fixed public AES key of the correlation-robust hash (any public constant will do).
_FIXED_KEY = hashlib.sha256(b"lianmo/mpc/iknp/fixed-key-aes/v1").digest()[:16]
_IDENTITY = bytes(POINT_BYTES)
_TILE = 2048   # columns (bytes) of the bit matrix transposed at a time: 256 KiB, in cache
_BYTE_SWAPS = tuple((np.uint64(step), np.uint64(mask), np.uint64(~mask & (2**64 - 1)))
                    for step, mask in
                    ((32, 0x00000000FFFFFFFF), (16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF)))
_DELTA_SWAPS = tuple((np.uint64(shift), np.uint64(mask)) for shift, mask in
                     ((7, 0x00AA00AA00AA00AA), (14, 0x0000CCCC0000CCCC), (28, 0x00000000F0F0F0F0)))


# --- base OT ---------------------------------------------------------------------------------------

def _valid_point(point: bytes) -> bool:
    return point != _IDENTITY and rbcl.crypto_core_ristretto255_is_valid_point(point)


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
            raise RemoteProtocolError("The peer sent the wrong number of base-OT points.")
        k0, k1 = bytearray(), bytearray()
        for i in range(self.n):
            b_point = points[POINT_BYTES * i:POINT_BYTES * (i + 1)]
            if not _valid_point(b_point):
                raise RemoteProtocolError("The peer sent an invalid base-OT point.")
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
        if len(a_point) != POINT_BYTES or not _valid_point(a_point):
            raise RemoteProtocolError("The peer sent an invalid base-OT point.")
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

def prg(seeds: np.ndarray, chunk: int, nbytes: int) -> np.ndarray:
    """(len(seeds), nbytes) uint8: AES-128-CTR of each seed, the chunk index in the nonce."""
    out = np.empty((len(seeds), nbytes), dtype=np.uint8)
    zeros = bytes(nbytes)
    nonce = chunk.to_bytes(8, "big") + bytes(8)
    for j, seed in enumerate(seeds):
        enc = Cipher(algorithms.AES(seed.tobytes()), modes.CTR(nonce)).encryptor()
        out[j] = np.frombuffer(enc.update(zeros), dtype=np.uint8)
    return out


def _byte_transpose8(words: list[np.ndarray]) -> list[np.ndarray]:
    """Eight uint64 arrays seen as 8×8 byte matrices (word r, byte c) -> their transposes."""
    w = list(words)
    for step, mask, keep in _BYTE_SWAPS:
        span = int(step) // 8
        for r in range(8):
            if r & span:
                continue
            lo, hi = w[r], w[r + span]
            top = hi & mask
            top <<= step
            top |= lo & mask
            lo >>= step
            lo &= mask
            hi &= keep
            hi |= lo
            w[r], w[r + span] = top, hi
    return w


def _transpose_tile(bits: np.ndarray, out: np.ndarray) -> None:
    kappa, cols = bits.shape
    groups, rows8 = cols // 8, kappa // 8
    words = np.ascontiguousarray(bits).view(np.uint64).reshape(rows8, 8, groups)
    # word [d, r, g] holds bytes c' = 0..7 of row 8d + r; afterwards [d, c', g] holds bytes r.
    blocks = np.stack(_byte_transpose8([words[:, r].copy() for r in range(8)]), axis=1)
    t = np.empty_like(blocks)
    for shift, mask in _DELTA_SWAPS:
        np.right_shift(blocks, shift, out=t)
        t ^= blocks
        t &= mask
        blocks ^= t
        t <<= shift
        blocks ^= t
    # [d, c', g] now holds byte b' = output row 8(8g + c') + b', column byte d.
    split = blocks.reshape(rows8 // 8, 8, 8, groups)                        # [dh, dl, c', g]
    rows = np.stack(_byte_transpose8([split[:, dl] for dl in range(8)]), axis=1)  # [dh, b', c', g]
    out.view(np.uint64).reshape(groups, 8, 8, rows8 // 8)[...] = rows.transpose(3, 2, 1, 0)


def transpose(bits: np.ndarray) -> np.ndarray:
    """A κ×M bit matrix (κ rows of M/8 bytes, little-endian bits) -> M rows of κ/8 bytes.

    All in uint64 words, tile by tile so each tile stays in cache: bytes are moved into 8×8 bit
    blocks by byte transposes between words, each block (a uint64, byte r = row r) is transposed
    with three delta swaps (Hacker's Delight §7-3), and the bytes are moved back the same way.
    """
    kappa, cols = bits.shape
    if kappa % 64 or cols % 8:
        raise LocalProtocolError("The bit matrix must be 64·k rows by a multiple of 64 columns.")
    out = np.empty((cols * 8, kappa // 8), dtype=np.uint8)
    for start in range(0, cols, _TILE):
        stop = min(cols, start + _TILE)
        _transpose_tile(bits[:, start:stop], out[8 * start:8 * stop])
    return out


def transpose_reference(bits: np.ndarray) -> np.ndarray:
    """The same transpose bit by bit (unpack, transpose, pack): the tests' oracle."""
    unpacked = np.unpackbits(bits, axis=1, bitorder="little")
    return np.ascontiguousarray(np.packbits(unpacked.T, axis=1, bitorder="little"))


def crhash(rows: np.ndarray, tweaks: np.ndarray) -> np.ndarray:
    """H(i, x) = π(π(x) ⊕ i) ⊕ π(x) row by row; rows (N, 16) uint8, tweaks (N, 2) uint64."""
    aes = Cipher(algorithms.AES(_FIXED_KEY), modes.ECB()).encryptor()
    first = np.frombuffer(aes.update(np.ascontiguousarray(rows).tobytes()), dtype=np.uint64)
    first = first.reshape(-1, 2)
    second = np.frombuffer(aes.update((first ^ tweaks).tobytes()), dtype=np.uint64).reshape(-1, 2)
    return second ^ first


def tweaks(instance: int, start: int, count: int) -> np.ndarray:
    """(count, 2) uint64: the OT index in the low word, the instance in the high word."""
    out = np.empty((count, 2), dtype=np.uint64)
    out[:, 0] = np.arange(start, start + count, dtype=np.uint64)
    out[:, 1] = np.uint64(instance)
    return out


def hash64(rows: np.ndarray, instance: int, start: int) -> np.ndarray:
    """The first 64 bits of H(i, row) as ring elements."""
    return crhash(rows, tweaks(instance, start, len(rows)))[:, 0].copy()


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
            raise RemoteProtocolError("The peer's OT-extension matrix has the wrong size.")
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
                self.result = crhash(self._t, tweaks(self.instance, 0, len(self._t))).view(np.uint8)
                self.done = True
            return messages.encode("ext_u", {"chunk": 0, "n_ots": len(self.choices), "u": u})
        if kind == "cot_y" and self._expect == "cot_y":
            y = np.frombuffer(body["y"], dtype=np.uint64)
            if body["chunk"] != 0 or len(y) != len(self.choices):
                raise RemoteProtocolError("The peer's correlated-OT corrections do not match.")
            self._step("cot_y", "end")
            self.result = cot_receive(self._t, self.choices, y, self.instance, 0)
            self._t, self.done = None, True
            return None
        raise RemoteProtocolError(f"The peer sent an OT '{kind}' message out of order.")

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
                raise RemoteProtocolError("The peer's OT extension is not the one agreed.")
            q = self._ext.extend(body["u"], self.n, 0)
            self.done = True
            if self.delta is None:
                x0 = crhash(q, tweaks(self.instance, 0, self.n))
                x1 = crhash((q.view(np.uint64) ^ self._ext.s).view(np.uint8),
                            tweaks(self.instance, 0, self.n))
                self.result = (x0.view(np.uint8), x1.view(np.uint8))
                return None
            x0, y = cot_send(q, self._ext.s, self.delta, self.instance, 0)
            self.result = x0
            return messages.encode("cot_y", {"chunk": 0, "y": y.tobytes()})
        raise RemoteProtocolError(f"The peer sent an OT '{kind}' message out of order.")
