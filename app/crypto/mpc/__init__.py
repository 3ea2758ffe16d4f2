"""Secret sharing and oblivious transfer for two parties, no dealer: the public face.

What is here (details in docs/mpc.md and each module's docstring):
- ``ring``: fixed point over Z_2^64 (uint64 arrays, F = ``FRAC_BITS`` = 16 fractional bits):
  ``encode``/``decode``, ``share``/``reconstruct``, ``add``/``sub``/``add_public``,
  ``mul_public``/``mul_public_fixed``, SecureML local ``truncate`` (±1 ulp; fails with
  probability ≤ ``truncation_failure_bound(ℓ)`` for |x| < 2^ℓ ring units).
- ``TripleGen(role, n, rng=None)``: the two parties make n Beaver triples by Gilboa
  multiplication on IKNP correlated OT (Chou–Orlandi base OTs on Ristretto255). ``result`` is a
  ``Triples(a, b, c)`` of uint64 shares; ``Triples.take(n)`` splits off what one product uses.
- ``BeaverMul(role, x, y, triples, frac_bits=0, seq=0)``: one round, shares of x·y (truncated by
  ``frac_bits`` for fixed point).
- ``OTSender``/``OTReceiver``: standalone random or correlated OT extension, as message steps.
- ``run_pair(side0, side1, record=False)``: runs two sans-IO sides in one process.

Every stateful object is sans-IO: ``start() -> bytes | None``, ``receive(bytes) -> bytes | None``,
``done``, ``result``. Bytes are complete messages of this package's codec (``MESSAGES``,
``lianmo.mpc.*``, schema-checked and bounded); a runner moves them in order over a channel, e.g.
inside a ``Bytes`` field of its own message, and never looks inside.

Message flow of triple generation (C = ceil(n / TRIPLE_CHUNK) chunks; u = IKNP matrix, y = OT
corrections; party 0 speaks first, then they alternate):

    P0.start()                -> seq 0   A0
    P1.receive(seq 0)         -> seq 1   A1, B1
    P0.receive(seq 1)         -> seq 2   B0, u0[0]
    P1.receive(seq 2+2c)      -> seq 3+2c  u1[c], y1[c]      (after seq 2: answers u0[c])
    P0.receive(seq 3+2c)      -> seq 4+2c  y0[c], u0[c+1]    (P0 done after the last one)
    P1.receive(seq 2C+2)      -> None                         (P1 done)

Beaver multiplication: both ``start()`` (their shares of e = x − a and f = y − b), both
``receive`` the other's; no order between the two messages.
"""

from app.crypto.mpc import ring
from app.crypto.mpc.messages import MESSAGES, TRIPLE_CHUNK
from app.crypto.mpc.ot import OTReceiver, OTSender
from app.crypto.mpc.pair import Transcript, run_pair
from app.crypto.mpc.ring import (FRAC_BITS, RING_BITS, add, add_public, decode, encode,
                                 mul_public, mul_public_fixed, reconstruct, share, sub,
                                 truncate, truncation_failure_bound)
from app.crypto.mpc.triples import BeaverMul, TripleGen, Triples

__all__ = ["BeaverMul", "FRAC_BITS", "MESSAGES", "OTReceiver", "OTSender", "RING_BITS",
           "TRIPLE_CHUNK", "Transcript", "TripleGen", "Triples", "add", "add_public", "decode",
           "encode", "mul_public", "mul_public_fixed", "reconstruct", "ring", "run_pair",
           "share", "sub", "truncate", "truncation_failure_bound"]
