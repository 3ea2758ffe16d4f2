"""Fixed-point numbers as additive shares over Z_2^64 (numpy uint64, arithmetic wraps).

Why this shape:
- The ring is Z_2^64 because numpy's uint64 arithmetic *is* arithmetic mod 2^64: add, subtract
  and multiply of share vectors are single vectorised operations with no reduction step.
- ``FRAC_BITS`` = 16 fractional bits: a resolution of 2^-16 ≈ 1.5e-5, far below what moves a
  logistic regression's AUC, and leaves 63 - 2·16 = 31 integer bits for a product before it is
  truncated (see the failure bound below). A real x is encoded as round(x·2^F) in two's
  complement; the encoding is the same width for every value (no value-dependent metadata).
- Shares: x = x0 + x1 mod 2^64 with x0 uniform, so either share alone is uniform and says nothing.
- Truncation after a product is SecureML's local rule (Mohassel–Zhang 2017, Thm. 1): party 0
  shifts its share, party 1 shifts the negation of its share and negates back. No message is
  exchanged. For a shared value |x| < 2^ℓ (ring units, i.e. |real| < 2^(ℓ-2F) before the
  truncation of a product) the result is x/2^F rounded off by at most 1 unit in the last place
  (2^-F), except with probability at most 2^(ℓ+1-64), when it is wildly wrong. With F = 16 and a
  product of magnitude below 2^6 (ℓ = 38), that is 2^-25 per truncated element
  (``truncation_failure_bound``). Keep products bounded and truncate once per product.

Randomness comes from ``draw(rng, nbytes)``: ``rng=None`` is the operating system's CSPRNG (what
jobs use); a callable ``rng(nbytes) -> bytes`` or a numpy ``Generator`` (its ``bytes``) makes a
test reproducible and must never be used for a real job.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from app.errors import LocalProtocolError

RING_BITS = 64
FRAC_BITS = 16
DTYPE = np.uint64


def draw(rng: Any, nbytes: int) -> bytes:
    """``nbytes`` random bytes from ``rng`` (None: os.urandom; callable; or numpy Generator)."""
    if rng is None:
        return os.urandom(nbytes)
    if callable(rng):
        data = rng(nbytes)
    else:
        data = rng.bytes(nbytes)
    if len(data) != nbytes:
        raise LocalProtocolError("The random source returned the wrong number of bytes.")
    return data


def random_ring(n: int, rng: Any = None) -> np.ndarray:
    """``n`` uniform ring elements."""
    return np.frombuffer(draw(rng, 8 * n), dtype=DTYPE).copy()


def encode(values: Any, frac_bits: int = FRAC_BITS) -> np.ndarray:
    """Reals -> ring elements round(x·2^F) (two's complement); refuses NaN or out-of-range values."""
    x = np.asarray(values, dtype=np.float64)
    limit = 2.0 ** (RING_BITS - 1 - frac_bits)
    if not np.all(np.isfinite(x)) or np.any(np.abs(x) >= limit):
        raise LocalProtocolError("A value to encode is not finite or too large for the ring.")
    return np.rint(x * 2.0 ** frac_bits).astype(np.int64).view(DTYPE)


def decode(ring: Any, frac_bits: int = FRAC_BITS) -> np.ndarray:
    """Ring elements -> reals (two's complement, F fractional bits)."""
    return np.asarray(ring, dtype=DTYPE).view(np.int64) / 2.0 ** frac_bits


def share(ring: Any, rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Split ring elements into two additive shares; the first is uniform."""
    x = np.asarray(ring, dtype=DTYPE)
    x0 = random_ring(x.size, rng).reshape(x.shape)
    return x0, x - x0


def reconstruct(share0: Any, share1: Any) -> np.ndarray:
    """x = x0 + x1 mod 2^64."""
    return np.asarray(share0, dtype=DTYPE) + np.asarray(share1, dtype=DTYPE)


def add(x: Any, y: Any) -> np.ndarray:
    """Shares of x + y from shares of x and y (or a share and a public ring value on one side)."""
    return np.asarray(x, dtype=DTYPE) + np.asarray(y, dtype=DTYPE)


def sub(x: Any, y: Any) -> np.ndarray:
    return np.asarray(x, dtype=DTYPE) - np.asarray(y, dtype=DTYPE)


def add_public(party: int, x_share: Any, public_ring: Any) -> np.ndarray:
    """Shares of x + c for a public ring value c: party 0 adds it, party 1 keeps its share."""
    x = np.asarray(x_share, dtype=DTYPE)
    return x + np.asarray(public_ring, dtype=DTYPE) if party == 0 else x.copy()


def mul_public(x_share: Any, scalar: int | np.ndarray) -> np.ndarray:
    """Shares of k·x for a public integer k (not fixed point: no truncation needed)."""
    k = np.asarray(scalar)
    k = k if k.dtype == DTYPE else k.astype(np.int64).view(DTYPE)
    return np.asarray(x_share, dtype=DTYPE) * k


def mul_public_fixed(party: int, x_share: Any, scalar: Any,
                     frac_bits: int = FRAC_BITS) -> np.ndarray:
    """Shares of x·r for a public real r: multiply by encode(r), then truncate."""
    return truncate(party, mul_public(x_share, encode(scalar, frac_bits)), frac_bits)


def truncate(party: int, x_share: Any, frac_bits: int = FRAC_BITS) -> np.ndarray:
    """SecureML local truncation: shares of x / 2^F (±1 unit, failure bound in the docstring)."""
    x = np.asarray(x_share, dtype=DTYPE)
    shift = DTYPE(frac_bits)
    if party == 0:
        return x >> shift
    if party == 1:
        return -((-x) >> shift)
    raise LocalProtocolError("A party is 0 or 1.")


def truncation_failure_bound(magnitude_bits: int) -> float:
    """Probability that one truncation of a value |x| < 2^magnitude_bits (ring units) fails."""
    return 2.0 ** (magnitude_bits + 1 - RING_BITS)
