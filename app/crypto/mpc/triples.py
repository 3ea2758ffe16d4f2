"""Beaver triples made by the two parties themselves (Gilboa over IKNP OT), and their use.

Why this shape:
- No dealer, no third party: each party i draws its shares a_i, b_i; c = (a0 + a1)(b0 + b1)
  needs the cross terms a0·b1 and a1·b0. Each is one Gilboa product: the party holding b_j
  uses the 64 bits of b_j as choice bits of 64 correlated OTs whose correlation (set by the
  holder of a_i) is a_i. OT k yields shares of 2^k·b_j[k]·a_i, and summed over k they are
  additive shares of a_i·b_j. Only the low 64 − k bits of OT k's correction matter (it is
  multiplied by 2^k), so corrections travel as 64, 32, 16 and 8-bit words (``Y_BYTES`` = 344
  bytes per triple and direction instead of 512).
- Each party is IKNP sender for its own a_i and IKNP receiver for its own b_i, so both
  directions run at once and every message carries both: the parties alternate one message
  each, chunk by chunk (``TRIPLE_CHUNK`` triples, a u matrix of 8 MiB), pipelined.
- What a party sees: the peer's base-OT points, u matrices (G(k0) ⊕ G(k1) ⊕ r: one-time-padded
  by a PRG the party cannot evaluate on both seeds) and corrections (masked by hashes of values
  it does not hold). Semi-honest security, the same as the OT's.
- Beaver multiplication of shared vectors x, y with a triple (a, b, c): each party opens its
  shares of e = x − a and f = y − b (uniform, since a and b are); then
  z_i = c_i + e·b_i + f·a_i, and party 0 adds e·f. One round, one message each way.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from app.errors import LocalProtocolError, RemoteProtocolError
from app.crypto.mpc import messages, ring
from app.crypto.mpc.messages import TRIPLE_CHUNK, Y_BYTES
from app.crypto.mpc.ot import (KAPPA, BaseReceiver, BaseSender, ExtReceiver, ExtSender,
                               cot_receive, cot_send, random_bits)

# Correction widths for OT k (bit k of b): (first k, last k + 1, numpy type).
_GROUPS = ((0, 32, np.uint64), (32, 48, np.uint32), (48, 56, np.uint16), (56, 64, np.uint8))
_SHIFTS = np.arange(64, dtype=np.uint64)
_POWERS = (np.uint64(1) << _SHIFTS)[:, None]


class Triples(NamedTuple):
    """One party's shares of n triples: c = a·b mod 2^64 once both parties' shares are added."""
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray

    def __len__(self) -> int:  # number of triples, not of fields
        return len(self.a)

    def take(self, n: int) -> tuple[Triples, Triples]:
        """(the first n triples, the rest): each triple is used once."""
        if n > len(self.a):
            raise LocalProtocolError("Not enough multiplication triples left.")
        return (Triples(self.a[:n], self.b[:n], self.c[:n]),
                Triples(self.a[n:], self.b[n:], self.c[n:]))


def _bits(values: np.ndarray) -> np.ndarray:
    """(64·m,) uint8 choice bits, bit-major: index k·m + t is bit k of values[t]."""
    return ((values[None, :] >> _SHIFTS[:, None]) & np.uint64(1)).astype(np.uint8).ravel()


def _pack_y(y: np.ndarray) -> bytes:
    """(64, m) corrections -> bytes, OT k kept to the width its 2^k factor leaves."""
    return b"".join(y[lo:hi].astype(kind).tobytes() for lo, hi, kind in _GROUPS)


def _unpack_y(data: bytes, m: int) -> np.ndarray:
    out = np.empty((64, m), dtype=np.uint64)
    offset = 0
    for lo, hi, kind in _GROUPS:
        size = (hi - lo) * m * np.dtype(kind).itemsize
        out[lo:hi] = np.frombuffer(data, dtype=kind, count=(hi - lo) * m,
                                   offset=offset).reshape(hi - lo, m)
        offset += size
    return out


class TripleGen:
    """Sans-IO generation of ``n`` triples by party ``role`` (0 or 1); party 0 speaks first.

    ``start()`` -> bytes (party 0) or None (party 1); ``receive(data)`` -> the next message or
    None; ``done``; ``result`` -> :class:`Triples` (a, b, c) uint64 shares. Message flow, with
    C = ceil(n / TRIPLE_CHUNK) chunks ("triples" messages, ``seq`` counting from 0):

        seq 0      P0 -> P1  point A0 (P0's base-OT sender, for P0's IKNP receiver)
        seq 1      P1 -> P0  point A1, points B1 (P1's base-OT choices answering A0)
        seq 2      P0 -> P1  points B0, u0[0]
        seq 3+2c   P1 -> P0  u1[c], y1[c]            (c = 0 .. C−1)
        seq 4+2c   P0 -> P1  y0[c], u0[c+1] (none after the last chunk)

    P0 is done when it sends seq 2C+2, P1 when it receives it. ``rng`` draws a_i and b_i
    (None: the OS CSPRNG; see ring.draw); base-OT scalars always come from libsodium.
    """

    def __init__(self, role: int, n: int, rng: Any = None) -> None:
        if role not in (0, 1):
            raise LocalProtocolError("A party is 0 or 1.")
        if not 0 < n <= messages.MAX_TRIPLES:
            raise LocalProtocolError("Ask for 1 to 2^26 triples at a time.")
        self.role, self.n = role, n
        self.chunks = -(-n // TRIPLE_CHUNK)
        self.a, self.b = ring.random_ring(n, rng), ring.random_ring(n, rng)
        self._c = self.a * self.b               # own product; cross terms are added per chunk
        self._base_send = BaseSender(KAPPA)       # for our IKNP receiver (choices: bits of b)
        self._base_recv = BaseReceiver(random_bits(KAPPA, rng))  # for our IKNP sender (Δ = a)
        self._ext_recv: ExtReceiver | None = None
        self._ext_send: ExtSender | None = None
        self._pending_t: np.ndarray | None = None  # our receiver's t rows for the chunk in flight
        self._seq = 0                              # the next seq on the wire (sent or received)
        self._started = False
        self.done = False

    # --- public steps -------------------------------------------------------------------------

    def start(self) -> bytes | None:
        if self._started:
            raise LocalProtocolError("Triple generation has already started.")
        self._started = True
        if self.role == 1:
            return None
        return self._send({"point": self._base_send.point})

    def receive(self, data: bytes) -> bytes | None:
        if not self._started or self.done:
            raise RemoteProtocolError("The peer sent a triples message we did not expect.")
        kind, body = messages.decode(data)
        if kind != "triples" or body["seq"] != self._seq or body["n"] != self.n:
            raise RemoteProtocolError("The peer sent a triples message out of order or for "
                                      "another number of triples.")
        self._seq += 1
        seq = body["seq"]
        if seq == 0:
            self._need(body, point=True)
            points = self._base_recv.respond(body["point"])
            self._ext_send = ExtSender(self._base_recv.choices, self._base_recv.keys)
            return self._send({"point": self._base_send.point, "points": points})
        if seq == 1:
            self._need(body, point=True, points=True)
            self._ext_recv = ExtReceiver(*self._base_send.keys(body["points"]))
            points = self._base_recv.respond(body["point"])
            self._ext_send = ExtSender(self._base_recv.choices, self._base_recv.keys)
            return self._send({"points": points, "u": self._next_u(0)})
        if seq == 2:
            self._need(body, points=True, u=True)
            self._ext_recv = ExtReceiver(*self._base_send.keys(body["points"]))
            y = self._answer(body["u"], 0)
            return self._send({"u": self._next_u(0), "y": y})
        chunk = (seq - 3) // 2
        if self.role == 0:                         # seq 3+2c: u1[c], y1[c]
            self._need(body, u=True, y=True)
            self._finish(body["y"], chunk)
            y = self._answer(body["u"], chunk)
            last = chunk + 1 == self.chunks
            reply = self._send({"y": y, "u": None if last else self._next_u(chunk + 1)})
            self.done = last
            return reply
        chunk = (seq - 4) // 2                     # seq 4+2c: y0[c], u0[c+1]
        last = chunk + 1 == self.chunks
        self._need(body, y=True, u=not last)
        self._finish(body["y"], chunk)
        if last:
            self.done = True
            return None
        y = self._answer(body["u"], chunk + 1)
        return self._send({"u": self._next_u(chunk + 1), "y": y})

    @property
    def result(self) -> Triples:
        if not self.done:
            raise LocalProtocolError("Triple generation has not finished.")
        return Triples(self.a, self.b, self._c)

    # --- internals ----------------------------------------------------------------------------

    def _send(self, fields: dict) -> bytes:
        body = {"seq": self._seq, "n": self.n, "point": None, "points": None, "u": None,
                "y": None, **fields}
        self._seq += 1
        return messages.encode("triples", body)

    def _need(self, body: dict, **present: bool) -> None:
        for name in ("point", "points", "u", "y"):
            if (body[name] is not None) != present.get(name, False):
                raise RemoteProtocolError(f"The peer's triples message {body['seq']} has the "
                                          f"wrong fields ('{name}').")

    def _span(self, chunk: int) -> slice:
        return slice(chunk * TRIPLE_CHUNK, min(self.n, (chunk + 1) * TRIPLE_CHUNK))

    def _width(self, chunk: int) -> int:
        """Triples in the chunk, rounded up to a multiple of 8 (whole bytes of choice bits)."""
        span = self._span(chunk)
        return -(-(span.stop - span.start) // 8) * 8

    def _padded(self, values: np.ndarray, chunk: int) -> np.ndarray:
        out = np.zeros(self._width(chunk), dtype=np.uint64)
        part = values[self._span(chunk)]
        out[:len(part)] = part
        return out

    def _instance(self, sender: int) -> int:
        return 0x6D70630000000000 | sender      # "mpc", then which party is the IKNP sender

    def _next_u(self, chunk: int) -> bytes:
        """Our IKNP receiver's u matrix for a chunk: the choice bits are the bits of b."""
        u, self._pending_t = self._ext_recv.extend(_bits(self._padded(self.b, chunk)), chunk)
        return u

    def _answer(self, u: bytes, chunk: int) -> bytes:
        """Our IKNP sender's corrections for the peer's u, and our share of a·b_peer."""
        m = self._width(chunk)
        if len(u) != KAPPA * 8 * m:
            raise RemoteProtocolError("The peer's OT-extension matrix has the wrong size.")
        q = self._ext_send.extend(u, 64 * m, chunk)
        delta = np.broadcast_to(self._padded(self.a, chunk), (64, m)).ravel()
        x0, y = cot_send(q, self._ext_send.s, delta, self._instance(self.role),
                         chunk * 64 * TRIPLE_CHUNK)
        self._add_cross(chunk, -(x0.reshape(64, m) * _POWERS).sum(axis=0, dtype=np.uint64))
        return _pack_y(y.reshape(64, m))

    def _finish(self, data: bytes, chunk: int) -> None:
        """Our IKNP receiver's share of a_peer·b from the peer's corrections."""
        m = self._width(chunk)
        if len(data) != Y_BYTES * m:
            raise RemoteProtocolError("The peer's OT corrections have the wrong size.")
        y = _unpack_y(data, m).ravel()
        choices = _bits(self._padded(self.b, chunk))
        v = cot_receive(self._pending_t, choices, y, self._instance(1 - self.role),
                        chunk * 64 * TRIPLE_CHUNK)
        self._pending_t = None
        self._add_cross(chunk, (v.reshape(64, m) * _POWERS).sum(axis=0, dtype=np.uint64))

    def _add_cross(self, chunk: int, share: np.ndarray) -> None:
        span = self._span(chunk)
        self._c[span] += share[:span.stop - span.start]


class BeaverMul:
    """Sans-IO elementwise product of shared vectors x·y with triples (one message each way).

    Both parties call ``start()`` (-> their shares of e and f) and ``receive(peer's message)``
    (-> None); then ``result`` is their share of z = x·y (mod 2^64), truncated by ``frac_bits``
    (0: integer product; ring.FRAC_BITS for fixed point) with SecureML's local rule. ``seq``
    numbers the multiplications of a session, so a message from another one is refused.
    """

    def __init__(self, role: int, x: Any, y: Any, triples: Triples, frac_bits: int = 0,
                 seq: int = 0) -> None:
        if role not in (0, 1):
            raise LocalProtocolError("A party is 0 or 1.")
        self.role, self.seq, self.frac_bits = role, seq, frac_bits
        self.x, self.y = np.asarray(x, dtype=np.uint64), np.asarray(y, dtype=np.uint64)
        self.n = self.x.size
        if self.y.shape != self.x.shape or len(triples) != self.n or not 0 < self.n <= messages.MAX_OPEN // 2:
            raise LocalProtocolError("A product needs x, y and triples of one length (1 to 2^20).")
        self.triples = triples
        self._e = self.x.ravel() - triples.a
        self._f = self.y.ravel() - triples.b
        self._sent = False
        self.done, self.result = False, None

    def start(self) -> bytes:
        if self._sent:
            raise LocalProtocolError("This product has already been started.")
        self._sent = True
        return messages.encode("open", {"seq": self.seq, "n": self.n,
                                        "values": self._e.tobytes() + self._f.tobytes()})

    def receive(self, data: bytes) -> None:
        kind, body = messages.decode(data)
        if kind != "open" or not self._sent or self.done or body["seq"] != self.seq:
            raise RemoteProtocolError("The peer sent an opening out of order.")
        if body["n"] != self.n or len(body["values"]) != 16 * self.n:
            raise RemoteProtocolError("The peer opened a product of another length.")
        peer = np.frombuffer(body["values"], dtype=np.uint64)
        e = self._e + peer[:self.n]
        f = self._f + peer[self.n:]
        a, b, c = self.triples
        z = c + e * b + f * a
        if self.role == 0:
            z += e * f
        if self.frac_bits:
            z = ring.truncate(self.role, z, self.frac_bits)
        self.result = z.reshape(self.x.shape)
        self.done = True
        return None
