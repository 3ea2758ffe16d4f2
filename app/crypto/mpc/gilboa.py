"""Per-part kernels of triple generation: Gilboa products on IKNP correlated OT.

Why a module of its own: these are the heavy steps (PRG, bit transpose, hashes, the weighted
sums), written as worker tasks so ``TripleGen`` can spread a chunk over the crypto executor, or
call them in-process. A chunk of m triples has 64·m OTs per direction, OT k·m + t being bit k of
triple t; a *part* is the bit positions [k_lo, k_hi) of a chunk, i.e. a run of u-matrix columns,
so parts are independent: the PRG starts at the part's byte offset, the transpose works column
by column, the hash tweak is the OT index, and the parties' shares are sums over k (the order of
the parts does not change them). Every task takes arrays this process built (peer bytes are
parsed and checked before they get here) and returns arrays or bytes.

On an executor the receiver's PRG output t is not kept between its two steps: the finishing task
makes it again (one AES block per OT, ~6% of the cost), so nothing of 8 MiB travels back from a
worker and any worker can take any part. In-process, t is kept and handed back.
"""

from __future__ import annotations

import numpy as np

from app.crypto.mpc.ot import hash64, prg, transpose
from app.executor import split_evenly, task

# Correction widths for OT k (bit k of b): (first k, last k + 1, numpy type). Only the low
# 64 − k bits of OT k's correction matter (it is weighted by 2^k).
GROUPS = ((0, 32, np.uint64), (32, 48, np.uint32), (48, 56, np.uint16), (56, 64, np.uint8))
# Parts are whole multiples of 8 bit positions: 8·m OTs, a multiple of the transpose's 64 columns
# for any chunk width m (a multiple of 8).
PART_BITS = 8


def parts(count: int) -> list[tuple[int, int]]:
    """The bit-position ranges a chunk is cut into: ``count`` (1 to 8) runs of about equal size.

    Few parts on purpose: every part of every kernel keys 128 to 256 AES contexts (~25 µs each),
    so eight parts a chunk cost about 40% more than one; one part per worker is enough.
    """
    units = [(k, k + PART_BITS) for k in range(0, 64, PART_BITS)]
    return [(run[0][0], run[-1][1]) for run in split_evenly(units, max(1, min(count, 8)))]


def pack_y(y: np.ndarray, k_lo: int) -> bytes:
    """(K, m) corrections of bit positions k_lo .. k_lo + K − 1 -> bytes, each to its width."""
    k_hi = k_lo + len(y)
    return b"".join(y[max(lo, k_lo) - k_lo:min(hi, k_hi) - k_lo].astype(kind).tobytes()
                    for lo, hi, kind in GROUPS if max(lo, k_lo) < min(hi, k_hi))


def unpack_y(data: bytes, m: int, k_lo: int = 0, k_hi: int = 64) -> np.ndarray:
    """The inverse of ``pack_y``: (k_hi − k_lo, m) uint64 from the part's bytes."""
    out = np.empty((k_hi - k_lo, m), dtype=np.uint64)
    offset = 0
    for lo, hi, kind in GROUPS:
        lo, hi = max(lo, k_lo), min(hi, k_hi)
        if lo >= hi:
            continue
        count = (hi - lo) * m
        out[lo - k_lo:hi - k_lo] = np.frombuffer(data, dtype=kind, count=count,
                                                 offset=offset).reshape(hi - lo, m)
        offset += count * np.dtype(kind).itemsize
    return out


def choice_rows(values: np.ndarray, k_lo: int, k_hi: int) -> np.ndarray:
    """(k_hi − k_lo, m/8) uint8: row k packs bit k of every value (the OTs' choice bits)."""
    as_bytes = np.ascontiguousarray(values, dtype="<u8").view(np.uint8).reshape(len(values), 8)
    bits = np.unpackbits(as_bytes, axis=1, bitorder="little")[:, k_lo:k_hi]
    return np.packbits(bits.T, axis=1, bitorder="little")


def _weighted_sum(rows: np.ndarray, k_lo: int) -> np.ndarray:
    """Σ_k 2^k · rows[k − k_lo] mod 2^64 (rows is consumed)."""
    rows <<= np.arange(k_lo, k_lo + len(rows), dtype=np.uint64)[:, None]
    return np.add.reduce(rows, axis=0, dtype=np.uint64)


@task
def receiver_u(k0: np.ndarray, k1: np.ndarray, b: np.ndarray, chunk: int, k_lo: int,
               k_hi: int, keep_t: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Our IKNP receiver's u columns for bits [k_lo, k_hi) of b: G(k0) ⊕ G(k1) ⊕ r, (κ, K·m/8);
    with ``keep_t`` also t = G(k0), for a caller that keeps it until the corrections come."""
    m = len(b)
    nbytes, offset = (k_hi - k_lo) * m // 8, k_lo * m // 8
    t = prg(k0, chunk, nbytes, offset)
    u = prg(k1, chunk, nbytes, offset)
    u ^= t
    u ^= choice_rows(b, k_lo, k_hi).reshape(1, -1)
    return (u, t) if keep_t else u


@task
def receiver_share(k0: np.ndarray, b: np.ndarray, y: np.ndarray, chunk: int, k_lo: int,
                   instance: int, start: int, t: np.ndarray | None = None) -> np.ndarray:
    """Our share of a_peer·b over bits [k_lo, k_lo + len(y)): Σ_k 2^k (H(t) + b[k]·y_k).
    t = G(k0) for those columns, made again unless given (a worker is handed none)."""
    k_hi, m = k_lo + len(y), len(b)
    if t is None:
        t = prg(k0, chunk, (k_hi - k_lo) * m // 8, k_lo * m // 8)
    v = hash64(transpose(t), instance, start + k_lo * m).reshape(k_hi - k_lo, m)
    choice = b[None, :] >> np.arange(k_lo, k_hi, dtype=np.uint64)[:, None]
    choice &= np.uint64(1)
    v += choice * y
    return _weighted_sum(v, k_lo)


@task
def sender_answer(keys: np.ndarray, s_bits: np.ndarray, u: np.ndarray, a: np.ndarray,
                  chunk: int, k_lo: int, k_hi: int, instance: int,
                  start: int) -> tuple[np.ndarray, bytes]:
    """Our IKNP sender's part for the peer's u columns: (our share of a·b_peer, corrections).

    q = G(k_s) ⊕ s·u, rows q_i = t_i ⊕ r_i·s; x0 = H(q_i), y = x0 + a − H(q_i ⊕ s); the share is
    −Σ_k 2^k x0_k and y travels at the width its 2^k leaves.
    """
    m = len(a)
    q = prg(keys, chunk, (k_hi - k_lo) * m // 8, k_lo * m // 8)
    q ^= u & (np.asarray(s_bits, dtype=np.uint8) * np.uint8(0xFF))[:, None]
    rows = transpose(q)
    s = np.packbits(np.asarray(s_bits, dtype=np.uint8), bitorder="little").view(np.uint64)
    x0 = hash64(rows, instance, start + k_lo * m).reshape(k_hi - k_lo, m)
    flipped = rows.view(np.uint64)
    flipped ^= s
    y = x0 + a[None, :]
    y -= hash64(flipped.view(np.uint8), instance, start + k_lo * m).reshape(k_hi - k_lo, m)
    return -_weighted_sum(x0, k_lo), pack_y(y, k_lo)

