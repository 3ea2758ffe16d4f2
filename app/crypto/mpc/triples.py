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

from concurrent.futures import Future
from typing import Any, NamedTuple

import numpy as np

from app.errors import LocalProtocolError, RemoteProtocolError
from app.crypto.mpc import gilboa, messages, ring
from app.crypto.mpc.messages import TRIPLE_CHUNK, Y_BYTES
from app.crypto.mpc.ot import KAPPA, BaseReceiver, BaseSender, random_bits


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


def _value(item: Any) -> Any:
    """A kernel's result, waiting for it if it runs on the executor."""
    return item.result() if isinstance(item, Future) else item


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
    ``executor`` (optional, an app.executor Executor): the per-chunk kernels (``gilboa``) run on
    its workers, a chunk cut into one part per worker; the shares and messages are the same
    bit for bit as in-process.
    """

    def __init__(self, role: int, n: int, rng: Any = None, executor: Any = None) -> None:
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
        self._executor = executor
        self._parts = gilboa.parts(1 if executor is None else executor.size)
        self._recv_keys: tuple | None = None       # (k0, k1): our IKNP receiver's seed pairs
        self._send_keys: tuple | None = None       # (k_s, s bits): our IKNP sender's keys
        self._in_flight: list = []                 # our receiver's shares still being computed
        self._t: dict[int, list] = {}              # in-process: our receiver's G(k0) per part
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
            raise RemoteProtocolError.coded("protocol.triples_unexpected")
        kind, body = messages.decode(data)
        if kind != "triples" or body["seq"] != self._seq or body["n"] != self.n:
            raise RemoteProtocolError.coded("protocol.triples_out_of_order")
        self._seq += 1
        seq = body["seq"]
        if seq == 0:
            self._need(body, point=True)
            points = self._base_recv.respond(body["point"])
            self._send_keys = (self._base_recv.keys, self._base_recv.choices)
            return self._send({"point": self._base_send.point, "points": points})
        if seq == 1:
            self._need(body, point=True, points=True)
            self._recv_keys = self._base_send.keys(body["points"])
            points = self._base_recv.respond(body["point"])
            self._send_keys = (self._base_recv.keys, self._base_recv.choices)
            return self._send({"points": points, "u": self._gather_u(self._next_u(0))})
        if seq == 2:
            self._need(body, points=True, u=True)
            self._recv_keys = self._base_send.keys(body["points"])
            return self._send(self._reply(body["u"], 0, 0))
        chunk = (seq - 3) // 2
        if self.role == 0:                         # seq 3+2c: u1[c], y1[c]
            self._need(body, u=True, y=True)
            last = chunk + 1 == self.chunks
            reply = self._send(self._reply(body["u"], chunk, None if last else chunk + 1,
                                           (body["y"], chunk)))
            if last:
                self._settle()
            self.done = last
            return reply
        chunk = (seq - 4) // 2                     # seq 4+2c: y0[c], u0[c+1]
        last = chunk + 1 == self.chunks
        self._need(body, y=True, u=not last)
        if last:
            self._finish(body["y"], chunk)
            self._settle()
            self.done = True
            return None
        return self._send(self._reply(body["u"], chunk + 1, chunk + 1, (body["y"], chunk)))

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
                raise RemoteProtocolError.coded("protocol.triples_fields", seq=body["seq"],
                                                field=name)

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

    def _run(self, kernel: Any, *args: Any) -> Any:
        """A kernel call: on the executor (a Future) when one was given, else here and now."""
        if self._executor is None:
            return kernel(*args)
        return self._executor.submit(kernel, *args)

    def _reply(self, u: bytes, answer_chunk: int, next_chunk: int | None,
               corrections: tuple[bytes, int] | None = None) -> dict:
        """Answer the peer's u for one chunk, make our next u (unless that was the last) and
        take the peer's corrections for an earlier chunk.

        All are started before any is waited for, the reply's own work first, so on an executor
        they share the workers; the corrections' shares are added at the next step.
        """
        answers = self._answer(u, answer_chunk)
        pending_u = None if next_chunk is None else self._next_u(next_chunk)
        if corrections is not None:
            self._finish(*corrections)
        y = self._gather_answer(answers, answer_chunk)
        return {"y": y, "u": None if pending_u is None else self._gather_u(pending_u)}

    def _next_u(self, chunk: int) -> list:
        """Our IKNP receiver's u matrix for a chunk, part by part: the choice bits are b's bits."""
        b = self._padded(self.b, chunk)
        if self._executor is None:                 # keep t for the corrections
            parts = [gilboa.receiver_u(*self._recv_keys, b, chunk, lo, hi, True)
                     for lo, hi in self._parts]
            self._t[chunk] = [t for _, t in parts]
            return [u for u, _ in parts]
        return [self._run(gilboa.receiver_u, *self._recv_keys, b, chunk, lo, hi)
                for lo, hi in self._parts]

    @staticmethod
    def _gather_u(parts: list) -> bytes:
        columns = [_value(part) for part in parts]
        return (columns[0] if len(columns) == 1 else np.concatenate(columns, axis=1)).tobytes()

    def _answer(self, u: bytes, chunk: int) -> list:
        """Our IKNP sender's corrections for the peer's u, and our share of a·b_peer, started."""
        m = self._width(chunk)
        if len(u) != KAPPA * 8 * m:
            raise RemoteProtocolError.coded("protocol.ot_matrix_size")
        matrix = np.frombuffer(u, dtype=np.uint8).reshape(KAPPA, 8 * m)
        a = self._padded(self.a, chunk)
        instance, start = self._instance(self.role), chunk * 64 * TRIPLE_CHUNK
        return [self._run(gilboa.sender_answer, *self._send_keys,
                          matrix if hi - lo == 64 else
                          np.ascontiguousarray(matrix[:, lo * m // 8:hi * m // 8]),
                          a, chunk, lo, hi, instance, start)
                for lo, hi in self._parts]

    def _gather_answer(self, parts: list, chunk: int) -> bytes:
        results = [_value(part) for part in parts]
        for share, _ in results:
            self._add_cross(chunk, share)
        return b"".join(y for _, y in results)

    def _finish(self, data: bytes, chunk: int) -> None:
        """Our IKNP receiver's share of a_peer·b from the peer's corrections (started; added
        when ready, so on an executor it overlaps the next steps)."""
        m = self._width(chunk)
        if len(data) != Y_BYTES * m:
            raise RemoteProtocolError.coded("protocol.ot_corrections_size")
        y = gilboa.unpack_y(data, m)
        b = self._padded(self.b, chunk)
        instance, start = self._instance(1 - self.role), chunk * 64 * TRIPLE_CHUNK
        self._settle()
        if self._executor is None:
            for (lo, hi), t in zip(self._parts, self._t.pop(chunk)):
                self._add_cross(chunk, gilboa.receiver_share(self._recv_keys[0], b, y[lo:hi],
                                                             chunk, lo, instance, start, t))
            return
        self._in_flight = [(chunk, self._run(gilboa.receiver_share, self._recv_keys[0], b,
                                             y[lo:hi], chunk, lo, instance, start))
                           for lo, hi in self._parts]

    def _settle(self) -> None:
        """Add the receiver shares still in flight."""
        in_flight, self._in_flight = self._in_flight, []
        for chunk, part in in_flight:
            self._add_cross(chunk, _value(part))

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
        if (self.y.shape != self.x.shape or len(triples) != self.n
                or not 0 < self.n <= messages.MAX_OPEN // 2):
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
            raise RemoteProtocolError.coded("protocol.opening_out_of_order")
        if body["n"] != self.n or len(body["values"]) != 16 * self.n:
            raise RemoteProtocolError.coded("protocol.opening_length")
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
