"""The alignment runner: threads, the crypto executor, progress, cancel, abort and resume."""

import queue
import threading

import msgpack
import pytest

from app.errors import PeerError, RemoteProtocolError, UserCancelled
from app.protocols.alignment import AlignmentParty, State
from app.protocols.alignment_runner import drive, run_pair

JOB = dict(job_id="job-3", id_type="mobile", canon_version="canon-v1")


def ids(start, stop):
    return [b"1%010d" % (60_000_000 + 31 * i) for i in range(start, stop)]


def make(items_a, items_b, chunk_size=64, window=4):
    return (AlignmentParty("label", items_a, chunk_size=chunk_size, window=window, **JOB),
            AlignmentParty("feature", items_b, chunk_size=chunk_size, window=window, **JOB))


def check(items_a, items_b, ra, rb):
    assert [items_a[i] for i in ra.rows] == [items_b[i] for i in rb.rows]
    assert {items_a[i] for i in ra.rows} == set(items_a) & set(items_b)


def test_threads_with_progress():
    items_a, items_b = ids(0, 600), ids(300, 900)
    seen = []
    ra, rb = run_pair(*make(items_a, items_b), progress=lambda d, t: seen.append((d, t)))
    check(items_a, items_b, ra, rb)
    done = [d for d, _ in seen]                   # both sides together: 2 x (600 + 600)
    assert seen[-1][1] == 2400 and done == sorted(done) and 1200 <= done[-1] <= 2400


def test_executor_gives_the_same_alignment(executor):
    items_a, items_b = ids(0, 1500), ids(700, 2300)
    ra, rb = run_pair(*make(items_a, items_b, chunk_size=256), executor=executor)
    check(items_a, items_b, ra, rb)
    assert ra.size == 800


def test_cancel_stops_both_sides():
    a, b = make(ids(0, 2000), ids(0, 2000), chunk_size=32, window=2)
    state = {"done": 0}

    def progress(done, _total):
        state["done"] = done

    def check_cancelled():
        if state["done"] > 200:
            raise UserCancelled()

    with pytest.raises(UserCancelled):
        run_pair(a, b, progress=progress, check_cancelled=check_cancelled)
    assert a.state is State.ABORTED and b.state is State.ABORTED


class CorruptingParty(AlignmentParty):
    """Sends an identity point in its third chunk."""

    def take_outgoing(self):
        out = super().take_outgoing()
        return [{**msg, "points": bytes(32) + msg["points"][32:]}
                if msg["type"] == "blinded" and msg["chunk"] == 2 else msg for msg in out]


def test_protocol_error_aborts_the_peer_and_reports_the_cause():
    items = ids(0, 500)
    a = AlignmentParty("label", items, chunk_size=64, window=4, **JOB)
    b = CorruptingParty("feature", items, chunk_size=64, window=4, **JOB)
    with pytest.raises(RemoteProtocolError, match="'points'"):
        run_pair(a, b)
    assert a.state is State.FAILED and b.state is State.ABORTED
    assert b.peer_abort_reason == "protocol_error"


def test_link_drop_then_resume_over_a_new_link():
    items_a, items_b = ids(0, 1200), ids(500, 1700)
    a, b = make(items_a, items_b, chunk_size=50, window=3)
    inbox_a, inbox_b = queue.Queue(), queue.Queue()
    sent = {"n": 0}
    lock = threading.Lock()

    def link(inbox):
        def send(message):
            with lock:
                sent["n"] += 1
                if sent["n"] > 30:               # the link dies: both sides see it closed
                    inbox_a.put(("closed", None))
                    inbox_b.put(("closed", None))
                    return
            inbox.put(("message", msgpack.unpackb(msgpack.packb(message), raw=False)))
        return send

    errors = []

    def run(party, inbox, send):
        try:
            drive(party, inbox, send)
        except PeerError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a, inbox_a, link(inbox_b))),
               threading.Thread(target=run, args=(b, inbox_b, link(inbox_a)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(errors) == 2
    done_before = a.progress()[0] + b.progress()[0]
    assert done_before > 0
    a2, b2 = AlignmentParty.resume(a.checkpoint()), AlignmentParty.resume(b.checkpoint())
    ra, rb = run_pair(a2, b2)
    check(items_a, items_b, ra, rb)
