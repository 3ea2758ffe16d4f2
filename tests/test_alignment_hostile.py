"""A hostile or broken peer: every deviation is a RemoteProtocolError that names the field."""

import pytest
import rbcl

from app.errors import RemoteProtocolError
from app.protocols import alignment_messages as m
from app.protocols.alignment import AlignmentParty, State
from app.protocols.alignment_runner import pump

JOB = dict(job_id="job-9", id_type="mobile", canon_version="canon-v1")
IDENTITY = bytes(32)
NOT_CANONICAL = b"\xff" * 32          # above the field prime
NEGATIVE = b"\x01" + bytes(31)        # odd field element: never a Ristretto255 encoding


def ids(n, offset=0):
    return [b"1%010d" % (50_000_000 + i) for i in range(offset, offset + n)]


def pair(n=100, chunk_size=32, window=3):
    a = AlignmentParty("label", ids(n), chunk_size=chunk_size, window=window, **JOB)
    b = AlignmentParty("feature", ids(n, 40), chunk_size=chunk_size, window=window, **JOB)
    return a, b


def refused_by_a(edit, msg_type, nth=0, **kw):
    """Run a honest exchange where b's ``nth`` message of ``msg_type`` passes through ``edit``."""
    a, b = pair(**kw)
    seen = {"count": 0}

    def intercept(sender, message):
        if sender is b and message["type"] == msg_type:
            seen["count"] += 1
            if seen["count"] == nth + 1:
                return edit(message)
        return message

    with pytest.raises(RemoteProtocolError) as info:
        pump(a, b, intercept=intercept)
    assert a.state is State.FAILED
    return str(info.value)


def replace_point(points, index, value):
    return points[:32 * index] + value + points[32 * (index + 1):]


@pytest.mark.parametrize("bad", [IDENTITY, NOT_CANONICAL, NEGATIVE])
@pytest.mark.parametrize("msg_type", ["blinded", "reblinded"])
def test_invalid_and_identity_points_are_refused(bad, msg_type):
    text = refused_by_a(lambda msg: {**msg, "points": replace_point(msg["points"], 5, bad)},
                        msg_type)
    assert "'points'" in text and f"'{msg_type}'" in text


@pytest.mark.parametrize("msg_type", ["blinded", "reblinded"])
@pytest.mark.parametrize("change", ["one more", "one fewer", "not a multiple of 32"])
def test_wrong_number_of_points_is_refused(msg_type, change):
    extra = rbcl.crypto_core_ristretto255_random()
    edit = {"one more": lambda p: p + extra, "one fewer": lambda p: p[:-32],
            "not a multiple of 32": lambda p: p[:-1]}[change]
    text = refused_by_a(lambda msg: {**msg, "points": edit(msg["points"])}, msg_type)
    assert "'points'" in text


@pytest.mark.parametrize("msg_type", ["blinded", "reblinded"])
def test_chunk_out_of_order_is_refused(msg_type):
    text = refused_by_a(lambda msg: {**msg, "chunk": msg["chunk"] + 1}, msg_type)
    assert "'chunk'" in text and "out of order" in text


@pytest.mark.parametrize("msg_type", ["blinded", "reblinded"])
def test_replayed_chunk_is_refused(msg_type):
    a, b = pair()
    kept = []

    def replay(sender, message):
        if sender is b and message["type"] == msg_type:
            kept.append(message)
            if len(kept) == 2:
                return kept[0]                      # chunk 0 again instead of chunk 1
        return message

    with pytest.raises(RemoteProtocolError, match="'chunk' was replayed"):
        pump(a, b, intercept=replay)


def test_chunk_beyond_the_announced_count_is_refused():
    def understate(msg):
        return {**msg, "n_items": 32}               # announces one chunk, sends four
    a, b = pair()

    def intercept(sender, message):
        return understate(message) if sender is b and message["type"] == "hello" else message

    with pytest.raises(RemoteProtocolError, match="'chunk' is beyond"):
        pump(a, b, intercept=intercept)


def test_more_unanswered_chunks_than_the_window_are_refused():
    a, b = pair(n=200, window=2)
    hello_a, hello_b = a.start(), b.start()
    a.receive(hello_b)
    b.receive(hello_a)
    for work in b.take_work():                       # b blinds as far as the window allows (2)
        b.work_done(work, work.run())
    sent = b.take_outgoing()
    assert [msg["chunk"] for msg in sent] == [0, 1]
    for message in sent:
        a.receive(message)                           # a holds them without answering yet
    with pytest.raises(RemoteProtocolError, match="'chunk' exceeds the agreed window"):
        a.receive(m.blinded(2, sent[0]["points"]))   # a third chunk before any answer


def test_repeated_item_from_the_peer_is_refused():
    a = AlignmentParty("label", [], chunk_size=4, window=2, **JOB)
    b = AlignmentParty("feature", ids(4), chunk_size=4, window=2, **JOB)
    hello_a, hello_b = a.start(), b.start()
    a.receive(hello_b)
    b.receive(hello_a)
    [work] = b.take_work()
    b.work_done(work, work.run())
    [chunk] = b.take_outgoing()
    points = chunk["points"]
    a.receive({**chunk, "points": replace_point(points, 2, points[:32])})   # item 0 twice
    [work] = a.take_work()
    with pytest.raises(RemoteProtocolError, match="'points' repeats an item"):
        a.work_done(work, work.run())     # a's last piece of work: the final check runs here
    assert a.state is State.FAILED


@pytest.mark.parametrize("field,value", [("digest", bytes(32)), ("intersection_size", 1)])
def test_disagreeing_final_announcement_is_refused(field, value):
    text = refused_by_a(lambda msg: {**msg, field: value}, "finished")
    assert f"'{field}'" in text


@pytest.mark.parametrize("field,value,match", [
    ("version", 0, "'version'"),                     # downgrade
    ("protocol", "other.protocol", "'protocol'"),
    ("n_items", 10**12, "'n_items'"),
    ("chunk_size", True, "'chunk_size'"),            # a bool is not an integer
    ("job_id", b"job-9", "'job_id'"),
    ("run_id", b"short", "'run_id'"),
    ("resume_chunks", 1, "'resume_chunks'"),         # resuming a run we never had
])
def test_bad_hello_fields_are_refused(field, value, match):
    text = refused_by_a(lambda msg: {**msg, field: value}, "hello")
    assert match in text


def test_schema_violations_name_the_field():
    a, b = pair()
    a.start()
    a.receive(b.start())
    good = {"type": "blinded", "chunk": 0, "points": rbcl.crypto_core_ristretto255_random() * 32}
    cases = [({**good, "extra": 1}, "'extra' is not expected"),
             ({"type": "blinded", "points": good["points"]}, "'chunk' is missing"),
             ({**good, "chunk": "0"}, "'chunk' must be an integer"),
             ({**good, "chunk": -1}, "'chunk' must be between"),
             ({**good, "points": "text"}, "'points' must be bytes"),
             ({"type": "gossip"}, "unknown 'type'"),
             (["blinded", 0], "not a map"),
             ({"type": "abort", "reason": "because I said so"}, "'reason'")]
    for message, match in cases:
        fresh_a, fresh_b = pair()
        fresh_a.start()
        fresh_a.receive(fresh_b.start())
        with pytest.raises(RemoteProtocolError, match=match):
            fresh_a.receive(message)


def test_messages_in_the_wrong_state_are_refused():
    a, b = pair()
    a.start()
    with pytest.raises(RemoteProtocolError, match="'type'"):
        a.receive(m.blinded(0, rbcl.crypto_core_ristretto255_random()))   # before hello
    a, b = pair(n=10)
    pump(a, b)
    assert a.state is State.DONE
    with pytest.raises(RemoteProtocolError, match="'type'"):
        a.receive(m.blinded(1, rbcl.crypto_core_ristretto255_random()))   # after the end


def test_declarations_build_a_channel_codec():
    import msgpack
    from app.schema import Codec
    codec = Codec(m.MESSAGES)
    a, _ = pair(n=10)
    hello = a.start()
    body = {k: v for k, v in hello.items() if k != "type"}
    assert codec.decode(codec.encode("lianmo.alignment.hello", body)) == \
        ("lianmo.alignment.hello", body)
    short = msgpack.packb(["lianmo.alignment.blinded", 1, {"chunk": 0, "points": bytes(63)}],
                          use_bin_type=True)
    with pytest.raises(RemoteProtocolError, match="points"):
        codec.decode(short)


def test_peer_giving_two_of_our_items_the_same_value_is_refused():
    a = AlignmentParty("label", ids(4), chunk_size=4, window=2, **JOB)
    b = AlignmentParty("feature", [], chunk_size=4, window=2, **JOB)
    hello_a, hello_b = a.start(), b.start()
    a.receive(hello_b)
    b.receive(hello_a)
    [work] = a.take_work()
    a.work_done(work, work.run())
    [chunk] = a.take_outgoing()
    b.receive(chunk)
    [work] = b.take_work()
    b.work_done(work, work.run())
    reply = [msg for msg in b.take_outgoing() if msg["type"] == "reblinded"][0]
    points = reply["points"]
    with pytest.raises(RemoteProtocolError, match="'points' gives two of our items the same"):
        a.receive({**reply, "points": replace_point(points, 3, points[32:64])})
