"""Private alignment (ECDH-PSI over Ristretto255) as a sans-IO role object.

Each party: dedupes and shuffles its own IDs, sends H(x)^a in chunks, returns each peer chunk as
H(y)^ab in the order received, and keeps those H(y)^ab itself. When every own chunk has come
back as H(x)^ab, the intersection is the set of own values that also occur among the peer values
it computed, so each party does own x (hash + mul) + peer x mul and nothing else: the lower bound.
Both sides sort the common values, which gives the same row order without exchanging IDs.
See docs/alignment.md for leakage, the duplicate policy and the security argument.

The object never touches sockets or pools (h11 style). A runner:
  ``start()`` -> hello to send; ``receive(msg)`` for every peer message; ``take_work()`` -> Work
  to run anywhere (``work.run()`` or a process pool) and hand back with ``work_done(work, out)``;
  ``take_outgoing()`` -> messages to send, in order. ``result()`` once ``state is State.DONE``.
RemoteProtocolError = the peer misbehaved (message names the field); LocalProtocolError = we
misused the object. Both leave the party FAILED.
"""

from __future__ import annotations

import enum
import os
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from app.crypto import ristretto
from app.errors import LocalProtocolError, RemoteProtocolError
from app.protocols import alignment_messages as m
from app.protocols.alignment_result import Alignment, intersect

P = m.POINT_BYTES


class State(enum.Enum):
    START = "start"              # created; call start()
    AWAIT_HELLO = "await_hello"  # our hello sent, waiting for the peer's
    EXCHANGE = "exchange"        # chunks flowing both ways
    FINISHING = "finishing"      # our result computed and announced, waiting for the peer's
    DONE = "done"                # both sides announced the same alignment
    ABORTED = "aborted"          # we cancelled or the peer sent abort
    FAILED = "failed"            # a protocol error; the job must restart or resume
    CLOSED = "closed"            # state handed to a checkpoint


_LIVE = (State.START, State.AWAIT_HELLO, State.EXCHANGE, State.FINISHING)

# Every transition in one place: (state, event) -> next state. Events named like message types
# come from the peer; the others are ours.
TRANSITIONS: dict[tuple[State, str], State] = {
    (State.START, "start"): State.AWAIT_HELLO,
    (State.AWAIT_HELLO, "hello"): State.EXCHANGE,
    (State.EXCHANGE, "blinded"): State.EXCHANGE,
    (State.EXCHANGE, "reblinded"): State.EXCHANGE,
    (State.EXCHANGE, "complete"): State.FINISHING,
    (State.FINISHING, "finished"): State.DONE,
    **{(s, "abort"): State.ABORTED for s in _LIVE},
    **{(s, "cancel"): State.ABORTED for s in _LIVE},
    **{(s, "fail"): State.FAILED for s in _LIVE},
    **{(s, "checkpoint"): State.CLOSED for s in _LIVE},
}


@dataclass(frozen=True, eq=False)
class Work:
    """One chunk of CPU work: ``func(*args)`` is picklable and may run in a pool worker."""
    kind: str                     # "blind" (own chunk) or "reblind" (peer chunk)
    chunk: int
    func: Callable[..., Any]
    args: tuple

    def run(self) -> Any:
        return self.func(*self.args)


@dataclass(eq=False)
class AlignmentCheckpoint:
    """Everything a party needs to continue after a dropped link: in memory only.

    It holds the secret scalar, which is never written anywhere, so a checkpoint survives a
    reconnect but not a restart of the app (a restart begins the job again with fresh scalars).
    """
    role: str
    job_id: str
    id_type: str
    canon_version: str
    chunk_size: int
    window: int
    max_peer_items: int
    items: Sequence[bytes]
    order: np.ndarray                  # input index of each distinct item, in sending order
    n_duplicates: int
    scalar: ristretto.SecretScalar
    run_id: bytes
    own_points: bytearray              # H(x)^ab in sending order, valid for chunks < own_done
    own_done: int = 0                  # own chunks whose reply arrived and was checked
    own_sent: int = 0                  # own chunks ever queued for sending (high-water mark)
    peer_run_id: bytes | None = None
    n_peer: int | None = None
    peer_points: bytearray | None = None  # H(y)^ab, peer's order, valid for chunks < peer_done
    peer_done: int = 0                 # peer chunks reblinded and queued back


def _n_chunks(n: int, size: int) -> int:
    return -(-n // size)


def _chunk_len(n: int, size: int, index: int) -> int:
    return min(size, n - index * size)


def _distinct_shuffled(items: Sequence[bytes]) -> tuple[np.ndarray, int]:
    """Input index of the first occurrence of each distinct item, in a uniformly random order.

    Duplicate policy: repeats are dropped before blinding, so the peer never sees how many we had.
    The shuffle (OS CSPRNG keys) hides our input order from the peer.
    """
    first: dict[bytes, int] = {}
    setdefault = first.setdefault
    for index, item in enumerate(items):
        if type(item) is not bytes:
            raise LocalProtocolError("Alignment items must be canonical IDs as bytes.")
        setdefault(item, index)
    distinct = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    keys = np.frombuffer(os.urandom(8 * len(distinct)), dtype=np.uint64)
    return distinct[np.argsort(keys, kind="stable")], len(items) - len(distinct)


def _refuse(msg_type: str, field: str, why: str) -> RemoteProtocolError:
    return RemoteProtocolError(f"The peer sent an unacceptable alignment '{msg_type}' message: "
                               f"field '{field}' {why}.")


def _first_identity(points: bytes) -> int:
    rows = np.frombuffer(points, dtype=np.uint64).reshape(-1, P // 8)
    zero = np.flatnonzero(~rows.any(axis=1))
    return int(zero[0]) if len(zero) else -1


class AlignmentParty:
    """One side of a private alignment; see the module docstring for how a runner drives it."""

    def __init__(self, role: str, items: Sequence[bytes], job_id: str, id_type: str,
                 canon_version: str, chunk_size: int = 4096, window: int = 8,
                 max_peer_items: int = m.MAX_ITEMS) -> None:
        if role not in m.ROLES:
            raise LocalProtocolError(f"The alignment role must be one of {', '.join(m.ROLES)}.")
        if not 1 <= chunk_size <= m.MAX_CHUNK_SIZE or not 1 <= window <= m.MAX_WINDOW:
            raise LocalProtocolError("The alignment chunk size or window is out of range.")
        if not 0 <= max_peer_items <= m.MAX_ITEMS:
            raise LocalProtocolError("The limit on the peer's items is out of range.")
        for name, value in (("job_id", job_id), ("id_type", id_type),
                            ("canon_version", canon_version)):
            rule = m.SCHEMAS["hello"][name]
            if not isinstance(value, str) or not rule.min_len <= len(value) <= rule.max_len:
                raise LocalProtocolError(f"The alignment {name} must be text of {rule.min_len} "
                                         f"to {rule.max_len} characters.")
        order, n_duplicates = _distinct_shuffled(items)
        if len(order) > m.MAX_ITEMS:
            raise LocalProtocolError("Too many IDs for one alignment job.")
        self._init(AlignmentCheckpoint(
            role=role, job_id=job_id, id_type=id_type, canon_version=canon_version,
            chunk_size=chunk_size, window=window, max_peer_items=max_peer_items, items=items,
            order=order, n_duplicates=n_duplicates, scalar=ristretto.SecretScalar(),
            run_id=os.urandom(m.RUN_ID_BYTES), own_points=bytearray(P * len(order))))

    @classmethod
    def resume(cls, checkpoint: AlignmentCheckpoint) -> "AlignmentParty":
        """A party that continues from ``checkpoint`` in a new session (call start() again)."""
        party = cls.__new__(cls)
        party._init(checkpoint)
        return party

    def _init(self, st: AlignmentCheckpoint) -> None:
        self._st = st
        self._tag = ristretto.domain_tag(st.id_type, st.canon_version, st.job_id)
        self.state = State.START
        self.peer_abort_reason: str | None = None
        self._n_own = len(st.order)
        self._own_chunks = _n_chunks(self._n_own, st.chunk_size)
        self._peer_chunks = 0
        self._outbox: deque[dict] = deque()
        self._queued_work: deque[Work] = deque()
        self._pending: dict[tuple[str, int], Work] = {}
        self._next_blind = 0        # next own chunk to hand out as work
        self._next_send = 0         # next own chunk to queue for sending
        self._blinded_ready: dict[int, bytes] = {}
        self._reblinded_ready: dict[int, bytes] = {}
        self._peer_received = st.peer_done  # next peer chunk we expect
        self._result: Alignment | None = None
        self.hello_accepted = False  # the peer's hello matched this run (or the run we resume)

    # --- transitions ----------------------------------------------------------------------------

    def _advance(self, event: str, remote: bool) -> State:
        """The next state for ``event``, or the error the table implies."""
        nxt = TRANSITIONS.get((self.state, event))
        if nxt is not None:
            return nxt
        if remote and self.state in (State.AWAIT_HELLO, State.EXCHANGE, State.FINISHING,
                                     State.DONE):
            raise RemoteProtocolError.coded("protocol.alignment_not_now", event=event,
                                            state=self.state.value)
        raise LocalProtocolError(f"Alignment step '{event}' is not allowed in state "
                                 f"{self.state.value}.")

    def _guard(self, action: Callable[[], Any]) -> Any:
        """Run ``action``; any protocol error leaves the party FAILED."""
        try:
            return action()
        except (RemoteProtocolError, LocalProtocolError):
            self.state = TRANSITIONS.get((self.state, "fail"), self.state)
            raise

    # --- the runner's API ---------------------------------------------------------------------

    def start(self) -> dict:
        """Our hello: job parameters, our distinct item count and what we already hold."""
        self.state = self._advance("start", remote=False)
        st = self._st
        return m.hello(role=st.role, job_id=st.job_id, id_type=st.id_type,
                       canon_version=st.canon_version, n_items=self._n_own,
                       chunk_size=st.chunk_size, window=st.window, run_id=st.run_id,
                       resume_chunks=st.peer_done, resume_replies=st.own_done)

    def receive(self, message: Any) -> None:
        """Apply one message from the peer (validated first)."""
        def apply() -> None:
            msg = m.validate(message)
            event = msg["type"]
            nxt = self._advance(event, remote=True)
            getattr(self, f"_on_{event}")(msg)
            self.state = nxt
            self._maybe_complete()
        self._guard(apply)

    def take_work(self) -> list[Work]:
        """CPU work that may start now (own chunks up to the window, then peer chunks)."""
        if self.state is not State.EXCHANGE:
            return []
        st, out = self._st, []
        while self._next_blind < self._own_chunks and self._next_blind - st.own_done < st.window:
            i = self._next_blind
            index = st.order[i * st.chunk_size:(i + 1) * st.chunk_size].tolist()
            out.append(Work("blind", i, ristretto.hash_and_blind,
                            (self._tag, st.scalar.raw(), [st.items[k] for k in index])))
            self._next_blind += 1
        out.extend(self._queued_work)
        self._queued_work.clear()
        for work in out:
            self._pending[(work.kind, work.chunk)] = work
        return out

    def work_done(self, work: Work, result: Any) -> None:
        """Hand back ``work.run()``'s output; may raise RemoteProtocolError (a bad peer point)."""
        if self._pending.get((work.kind, work.chunk)) is not work:
            raise LocalProtocolError("A work result came back that this party did not hand out.")
        del self._pending[(work.kind, work.chunk)]
        if self.state is not State.EXCHANGE:
            return  # cancelled or failed meanwhile: the result is no longer needed
        self._guard(lambda: self._apply_work(work, result))

    def take_outgoing(self) -> list[dict]:
        """Messages to send to the peer, in order."""
        out = list(self._outbox)
        self._outbox.clear()
        return out

    def cancel(self) -> dict:
        """Stop now; returns the abort message to send to the peer."""
        self.state = self._advance("cancel", remote=False)
        return m.abort("cancelled")

    def checkpoint(self) -> AlignmentCheckpoint:
        """End this session and hand over what is done; resume() continues from it.

        Work in flight and unsent messages are dropped: they are recomputed or resent after the
        hellos of the next session say what each side already holds.
        """
        self.state = self._advance("checkpoint", remote=False)
        self._pending.clear()
        self._outbox.clear()
        return self._st

    def resume_point(self) -> AlignmentCheckpoint:
        """What a resume needs, as it stands now (read it, do not change it): the runner stores
        it before sending, so a stored resume point never lags what the peer received."""
        return self._st

    def progress(self) -> tuple[int, int]:
        """(items done, items in total) over both directions, for a progress bar."""
        st = self._st
        own = min(self._n_own, st.own_done * st.chunk_size)
        peer = min(st.n_peer or 0, st.peer_done * st.chunk_size)
        return own + peer, self._n_own + (st.n_peer or 0)

    def result(self) -> Alignment:
        if self.state is not State.DONE or self._result is None:
            raise LocalProtocolError("The alignment is not finished yet.")
        return self._result

    # --- handlers -----------------------------------------------------------------------------

    def _on_hello(self, msg: dict) -> None:
        st = self._st
        for field in ("job_id", "id_type", "canon_version", "chunk_size", "window"):
            if msg[field] != getattr(st, field):
                raise _refuse("hello", field, "does not match this job's setting")
        if msg["role"] == st.role:
            raise _refuse("hello", "role", "is the same as ours")
        if st.peer_run_id is None:
            if msg["resume_chunks"] or msg["resume_replies"]:
                raise _refuse("hello", "resume_chunks", "asks to resume a run we never had")
            if msg["n_items"] > st.max_peer_items:
                raise _refuse("hello", "n_items", "is over this job's limit")
            st.peer_run_id, st.n_peer = msg["run_id"], msg["n_items"]
            st.peer_points = bytearray(P * st.n_peer)
        elif msg["run_id"] != st.peer_run_id:
            raise _refuse("hello", "run_id", "belongs to another run; the alignment must restart")
        elif msg["n_items"] != st.n_peer:
            raise _refuse("hello", "n_items", "changed since the interrupted session")
        if not st.own_done <= msg["resume_chunks"] <= st.own_sent:
            raise _refuse("hello", "resume_chunks", "does not match the chunks we sent")
        if msg["resume_replies"] > st.peer_done:
            raise _refuse("hello", "resume_replies", "counts replies we never sent")
        self._peer_chunks = _n_chunks(st.n_peer, st.chunk_size)
        self.hello_accepted = True
        self._next_blind = self._next_send = msg["resume_chunks"]
        for j in range(msg["resume_replies"], st.peer_done):   # replies lost with the old link
            lo = j * st.chunk_size * P
            hi = lo + _chunk_len(st.n_peer, st.chunk_size, j) * P
            self._outbox.append(m.reblinded(j, bytes(st.peer_points[lo:hi])))

    def _on_blinded(self, msg: dict) -> None:
        st, j, points = self._st, msg["chunk"], msg["points"]
        if j != self._peer_received:
            raise _refuse("blinded", "chunk", "was replayed" if j < self._peer_received
                          else "arrived out of order")
        if j >= self._peer_chunks:
            raise _refuse("blinded", "chunk", "is beyond the announced number of items")
        if len(points) // P != _chunk_len(st.n_peer, st.chunk_size, j):
            raise _refuse("blinded", "points", "holds the wrong number of points")
        if j + 1 - st.peer_done > st.window:
            raise _refuse("blinded", "chunk", "exceeds the agreed window of unanswered chunks")
        if _first_identity(points) >= 0:
            raise _refuse("blinded", "points", "contains the identity element")
        self._peer_received += 1
        self._queued_work.append(Work("reblind", j, ristretto.reblind, (st.scalar.raw(), points)))

    def _on_reblinded(self, msg: dict) -> None:
        st, i, points = self._st, msg["chunk"], msg["points"]
        if i != st.own_done:
            raise _refuse("reblinded", "chunk", "was replayed" if i < st.own_done
                          else "arrived out of order")
        if i >= self._next_send:
            raise _refuse("reblinded", "chunk", "answers a chunk we have not sent")
        if len(points) // P != _chunk_len(self._n_own, st.chunk_size, i):
            raise _refuse("reblinded", "points", "holds the wrong number of points")
        if ristretto.first_invalid_point(points) >= 0:
            raise _refuse("reblinded", "points", "contains an invalid or identity point")
        lo = i * st.chunk_size * P
        st.own_points[lo:lo + len(points)] = points
        st.own_done += 1

    def _on_finished(self, msg: dict) -> None:
        if msg["intersection_size"] != self._result.size:
            raise _refuse("finished", "intersection_size", "differs from ours")
        if msg["digest"] != self._result.digest:
            raise _refuse("finished", "digest", "differs from ours")

    def _on_abort(self, msg: dict) -> None:
        self.peer_abort_reason = msg["reason"]

    def _apply_work(self, work: Work, result: Any) -> None:
        st = self._st
        if work.kind == "blind":
            self._blinded_ready[work.chunk] = result
            while self._next_send in self._blinded_ready:
                points = self._blinded_ready.pop(self._next_send)
                self._outbox.append(m.blinded(self._next_send, points))
                self._next_send += 1
            st.own_sent = max(st.own_sent, self._next_send)
            return
        points, bad = result
        if bad >= 0:
            raise _refuse("blinded", "points", f"holds an invalid point (chunk {work.chunk}, "
                          f"position {bad})")
        self._reblinded_ready[work.chunk] = points
        while st.peer_done in self._reblinded_ready:
            points = self._reblinded_ready.pop(st.peer_done)
            lo = st.peer_done * st.chunk_size * P
            st.peer_points[lo:lo + len(points)] = points
            self._outbox.append(m.reblinded(st.peer_done, points))
            st.peer_done += 1
        self._maybe_complete()

    def _maybe_complete(self) -> None:
        st = self._st
        if (self.state is State.EXCHANGE and st.own_done == self._own_chunks
                and st.peer_done == self._peer_chunks):
            self._result = intersect(st.own_points, st.peer_points, st.order, st.n_duplicates)
            self._outbox.append(m.finished(self._result.size, self._result.digest))
            self.state = self._advance("complete", remote=False)
