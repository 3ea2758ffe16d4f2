"""Private alignment end to end (in memory): results equal a plain set intersection."""

import pickle
import random

import numpy as np
import pytest

from app.errors import LocalProtocolError, RemoteProtocolError
from app.protocols.alignment import AlignmentParty, State
from app.protocols.alignment_runner import pump

JOB = dict(job_id="job-7", id_type="mobile", canon_version="canon-v1")


def ids(start, stop):
    return [b"1%010d" % (38_000_000 + 7919 * i) for i in range(start, stop)]


def parties(items_a, items_b, chunk_size=64, window=3, **overrides):
    a = AlignmentParty("label", items_a, chunk_size=chunk_size, window=window, **JOB)
    b = AlignmentParty("feature", items_b, chunk_size=chunk_size, window=window,
                       **{**JOB, **overrides})
    return a, b


def align(items_a, items_b, **kw):
    a, b = parties(items_a, items_b, **kw)
    pump(a, b)
    assert a.state is State.DONE and b.state is State.DONE
    return a.result(), b.result()


def check_against_sets(items_a, items_b, ra, rb):
    expected = set(items_a) & set(items_b)
    aligned_a = [items_a[i] for i in ra.rows]
    aligned_b = [items_b[i] for i in rb.rows]
    assert aligned_a == aligned_b                  # same rows, same order on both sides
    assert set(aligned_a) == expected and len(aligned_a) == len(expected)
    assert ra.digest == rb.digest and ra.size == rb.size == len(expected)
    assert ra.rows.dtype == np.int64


@pytest.mark.parametrize("overlap", [0.0, 0.5, 1.0])
def test_overlap_matches_set_intersection(overlap):
    n = 300
    items_a = ids(0, n)
    start = int(n * (1 - overlap))
    items_b = ids(start, start + n)
    random.Random(1).shuffle(items_b)
    ra, rb = align(items_a, items_b)
    check_against_sets(items_a, items_b, ra, rb)
    assert ra.size == int(n * overlap)
    assert (ra.n_own, ra.n_peer) == (n, n)


@pytest.mark.parametrize("sizes", [(0, 50), (50, 0), (0, 0)])
def test_empty_sides(sizes):
    items_a, items_b = ids(0, sizes[0]), ids(0, sizes[1])
    ra, rb = align(items_a, items_b)
    check_against_sets(items_a, items_b, ra, rb)
    assert ra.size == 0 and ra.rows.shape == (0,)


def test_uneven_sizes_and_chunks_not_dividing_evenly():
    items_a, items_b = ids(0, 101), ids(40, 1000)
    ra, rb = align(items_a, items_b, chunk_size=7, window=2)
    check_against_sets(items_a, items_b, ra, rb)


def test_duplicates_are_dropped_before_blinding_and_rows_point_to_first_occurrence():
    base_a, base_b = ids(0, 80), ids(40, 120)
    items_a = base_a + base_a[:10] + base_a[50:55]          # 15 repeats, 5 of them shared
    items_b = base_b[:3] + base_b + base_b[::2]
    a, b = parties(items_a, items_b)
    announced = {}

    def record(sender, message):
        if message["type"] == "hello":
            announced[message["role"]] = message["n_items"]
        return message

    pump(a, b, intercept=record)
    assert announced == {"label": 80, "feature": 80}        # the peer never sees the repeats
    ra, rb = a.result(), b.result()
    check_against_sets(items_a, items_b, ra, rb)
    assert ra.n_duplicates == 15 and rb.n_duplicates == 3 + 40
    for items, result in ((items_a, ra), (items_b, rb)):
        first = {}
        for i, x in enumerate(items):
            first.setdefault(x, i)
        assert all(first[items[i]] == i for i in result.rows)


def test_lying_about_parameters_still_gives_no_false_matches():
    """Even if a peer claims our ID type in its hello, its values come from another domain."""
    items = ids(0, 200)
    a, b = parties(items, items, id_type="idcard")

    def lie(sender, message):          # each hello claims the receiver's ID type
        if message["type"] == "hello":
            return {**message, "id_type": "mobile" if sender is b else "idcard"}
        return message

    pump(a, b, intercept=lie)
    assert a.state is State.DONE and b.state is State.DONE
    assert a.result().size == 0 and b.result().size == 0


@pytest.mark.parametrize("field,value", [("id_type", "idcard"), ("canon_version", "canon-v2"),
                                         ("job_id", "job-8")])
def test_parameter_mismatch_in_hello_is_refused(field, value):
    a, b = parties(ids(0, 10), ids(0, 10), **{field: value})
    with pytest.raises(RemoteProtocolError, match=f"'{field}'"):
        pump(a, b)
    assert b.state is State.FAILED          # the first to read a mismatching hello


def test_chunk_size_mismatch_and_same_role_are_refused():
    a = AlignmentParty("label", ids(0, 10), chunk_size=64, **JOB)
    b = AlignmentParty("feature", ids(0, 10), chunk_size=32, **JOB)
    with pytest.raises(RemoteProtocolError, match="'chunk_size'"):
        pump(a, b)
    a = AlignmentParty("label", ids(0, 10), **JOB)
    b = AlignmentParty("label", ids(0, 10), **JOB)
    with pytest.raises(RemoteProtocolError, match="'role'"):
        pump(a, b)


def test_order_is_the_unsigned_byte_order_of_the_shared_values():
    """Both sides sort by H(x)^ab: recompute it from the two scalars and compare."""
    from app.crypto import ristretto as r
    items_a, items_b = ids(0, 60), ids(30, 90)
    a, b = parties(items_a, items_b)
    pump(a, b)
    tag = r.domain_tag(JOB["id_type"], JOB["canon_version"], JOB["job_id"])
    rows = a.result().rows
    values = [r.reblind(b._st.scalar.raw(), r.hash_and_blind(tag, a._st.scalar.raw(),
                                                             [items_a[i]]))[0] for i in rows]
    assert values == sorted(values)


def test_misuse_is_a_local_protocol_error():
    a, b = parties(ids(0, 10), ids(0, 10))
    with pytest.raises(LocalProtocolError):
        a.result()
    with pytest.raises(LocalProtocolError):
        a.receive(b.start())                      # before our own start()
    a2, _ = parties(ids(0, 10), ids(0, 10))
    a2.start()
    with pytest.raises(LocalProtocolError):
        a2.start()
    with pytest.raises(LocalProtocolError):
        AlignmentParty("label", ["13800138000"], **JOB)   # text, not canonical bytes
    with pytest.raises(LocalProtocolError):
        AlignmentParty("observer", [], **JOB)


def test_cancel_sends_abort_and_the_peer_stops():
    a, b = parties(ids(0, 100), ids(0, 100))
    pump(a, b, max_messages=4)
    abort = a.cancel()
    assert a.state is State.ABORTED and abort == {"type": "abort", "reason": "cancelled"}
    b.receive(abort)
    assert b.state is State.ABORTED and b.peer_abort_reason == "cancelled"
    assert a.take_work() == [] and b.take_work() == []


@pytest.mark.parametrize("cut", [1, 7, 11, 26, 60])
def test_resume_from_checkpoint_after_a_dropped_link(cut):
    """The link drops after ``cut`` messages (in-flight messages and work are lost)."""
    items_a, items_b = ids(0, 700), ids(350, 1100)
    a, b = parties(items_a, items_b, chunk_size=50, window=3)
    first = pump(a, b, max_messages=cut)
    assert a.state is not State.DONE or b.state is not State.DONE
    done_before = a.progress()[0] + b.progress()[0]
    cp_a, cp_b = a.checkpoint(), b.checkpoint()
    assert a.state is State.CLOSED
    with pytest.raises(LocalProtocolError):
        a.receive({"type": "abort", "reason": "cancelled"})
    with pytest.raises(TypeError):
        pickle.dumps(cp_a)                         # holds the secret scalar: memory only
    a2, b2 = AlignmentParty.resume(cp_a), AlignmentParty.resume(cp_b)
    assert a2.progress()[0] + b2.progress()[0] == done_before
    second = pump(a2, b2)
    ra, rb = a2.result(), b2.result()
    check_against_sets(items_a, items_b, ra, rb)
    total_chunks = 14 + 15
    # Completed chunks are not redone: at most a window per side was lost in flight.
    assert first["blind_chunks"] + second["blind_chunks"] <= total_chunks + 2 * 3
    if done_before:
        assert second["blind_chunks"] < total_chunks


def test_resume_against_a_peer_that_restarted_is_refused():
    items = ids(0, 300)
    a, b = parties(items, items, chunk_size=50)
    pump(a, b, max_messages=8)
    a2 = AlignmentParty.resume(a.checkpoint())
    b_fresh = AlignmentParty("feature", items, chunk_size=50, window=3, **JOB)
    with pytest.raises(RemoteProtocolError, match="'run_id'|'resume_chunks'"):
        pump(a2, b_fresh)
