"""Drive an AlignmentParty over a message channel, with an optional crypto executor.

``drive`` is transport-agnostic: incoming messages arrive in a queue (a TLS reader thread or the
other in-memory party puts them there) and ``send`` ships ours. Completed worker tasks land in the
same queue, so one loop waits on "a message or a result" without polling sockets. Memory stays
bounded because the protocol's window caps the chunks in flight in each direction.

``pump`` is a single-threaded deterministic driver for tests (hostile peers, dropped links).
``run_pair`` is the in-memory channel for tests and the benchmark (both parties in one process):
two threads, two queues, every message packed and unpacked with msgpack so that only wire-safe
values cross, as over the peer link.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from concurrent.futures import Future
from typing import Callable

import msgpack

from app.executor import Executor
from app.errors import PeerError, RemoteProtocolError, UserCancelled
from app.protocols import alignment_messages as m
from app.protocols.alignment import Alignment, AlignmentParty, State, Work

Progress = Callable[[int, int], None]


def _send_quietly(send: Callable[[dict], None], message: dict) -> None:
    try:
        send(message)
    except Exception:  # the link may already be gone; the local error is what matters
        pass


def drive(party: AlignmentParty, inbox: "queue.Queue[tuple[str, object]]",
          send: Callable[[dict], None], executor: Executor | None = None,
          progress: Progress | None = None, check_cancelled: Callable[[], None] | None = None,
          poll_seconds: float = 0.2,
          store: Callable[[AlignmentParty], None] | None = None) -> Alignment:
    """Run ``party`` to the end. Inbox entries: ("message", dict) or ("closed", None).

    ``executor=None`` runs the crypto inline (small jobs, tests). ``check_cancelled`` raises
    UserCancelled to stop (the peer gets an abort). On PeerError the party is left as it was,
    so the caller may ``checkpoint()`` it and resume over a new link. ``store(party)`` runs
    before every batch of messages leaves, so a resume point it keeps never lags the peer.
    """
    futures: set[Future] = set()

    def submit(work: Work) -> None:
        if executor is None:
            party.work_done(work, work.run())
            return
        future = executor.submit(work.func, *work.args)
        futures.add(future)
        future.add_done_callback(lambda f, w=work: inbox.put(("work", (w, f))))

    try:
        send(party.start())
        last = None
        while True:
            if check_cancelled is not None:
                check_cancelled()
            while True:                       # inline work can unlock more work
                batch = party.take_work()
                if not batch:
                    break
                for work in batch:
                    submit(work)
            if store is not None:
                store(party)
            for message in party.take_outgoing():
                send(message)
            if party.state is State.DONE:
                if progress is not None:
                    progress(*party.progress())
                return party.result()
            if party.state is State.ABORTED:
                if party.peer_abort_reason == "cancelled":
                    raise UserCancelled.coded("cross.alignment_cancelled")
                raise PeerError.coded("cross.alignment_stopped")
            if progress is not None and party.progress() != last:
                last = party.progress()
                progress(*last)
            try:
                kind, payload = inbox.get(timeout=poll_seconds)
            except queue.Empty:
                continue
            if kind == "message":
                party.receive(payload)
            elif kind == "work":
                work, future = payload
                futures.discard(future)
                party.work_done(work, future.result())
            else:
                raise PeerError.coded("cross.alignment_cut_off")
    except UserCancelled:
        if party.state in (State.AWAIT_HELLO, State.EXCHANGE, State.FINISHING):
            _send_quietly(send, party.cancel())
        raise
    except RemoteProtocolError:
        _send_quietly(send, m.abort("protocol_error"))
        raise
    except PeerError:
        raise
    except Exception:  # our bug or a dead worker: tell the peer, keep the original error
        _send_quietly(send, m.abort("internal_error"))
        raise
    finally:
        for future in futures:
            future.cancel()


def pump(a: AlignmentParty, b: AlignmentParty,
         intercept: Callable[[AlignmentParty, dict], dict | None] | None = None,
         max_messages: int | None = None) -> dict[str, int]:
    """Single-threaded, deterministic in-memory driver: work runs inline, one message per turn.

    ``intercept(sender, message)`` may alter or drop (return None) a message in transit, which is
    how tests play a hostile peer or a broken link. Stops when nothing moves any more (both done,
    or stuck) or after ``max_messages``. Returns counts of messages and blind chunks computed.
    """
    wires: dict[int, deque[dict]] = {id(a): deque(), id(b): deque()}
    stats = {"messages": 0, "blind_chunks": 0}
    for party in (a, b):
        if party.state is State.START:
            wires[id(party)].append(party.start())
    while True:
        moved = False
        for party in (a, b):
            for work in party.take_work():
                stats["blind_chunks"] += work.kind == "blind"
                party.work_done(work, work.run())
                moved = True
            wires[id(party)].extend(party.take_outgoing())
        for src, dst in ((a, b), (b, a)):
            if wires[id(src)]:
                message = wires[id(src)].popleft()
                if intercept is not None:
                    message = intercept(src, message)
                if message is not None:
                    dst.receive(message)
                stats["messages"] += 1
                moved = True
                if max_messages is not None and stats["messages"] >= max_messages:
                    return stats
        if not moved:
            return stats


def run_pair(a: AlignmentParty, b: AlignmentParty, executor: Executor | None = None,
             progress: Progress | None = None,
             check_cancelled: Callable[[], None] | None = None) -> tuple[Alignment, Alignment]:
    """Both parties in this process, over msgpack-encoded in-memory queues."""
    inbox_a: queue.Queue = queue.Queue()
    inbox_b: queue.Queue = queue.Queue()
    results: dict[str, Alignment] = {}
    errors: dict[str, BaseException] = {}

    def to(inbox: queue.Queue) -> Callable[[dict], None]:
        def send(message: dict) -> None:
            wire = msgpack.packb(message, use_bin_type=True)
            inbox.put(("message", msgpack.unpackb(wire, raw=False)))
        return send

    def both_progress(_done: int, _total: int) -> None:
        (da, ta), (db, tb) = a.progress(), b.progress()
        progress(da + db, ta + tb)

    def run(name: str, party: AlignmentParty, inbox: queue.Queue, other: queue.Queue) -> None:
        try:
            results[name] = drive(party, inbox, to(other), executor,
                                  both_progress if progress and name == "a" else None,
                                  check_cancelled)
        except BaseException as exc:  # reported to the caller below
            errors[name] = exc
            other.put(("closed", None))

    threads = [threading.Thread(target=run, args=("a", a, inbox_a, inbox_b), daemon=True),
               threading.Thread(target=run, args=("b", b, inbox_b, inbox_a), daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        # The first cause, not the "connection closed" it triggered on the other side.
        primary = [e for e in errors.values() if not isinstance(e, PeerError)]
        raise (primary or list(errors.values()))[0]
    return results["a"], results["b"]
