"""Channel and session handshake over the in-memory transport (no sockets)."""

import struct
import threading
import time

import msgpack
import pytest

from app.errors import LocalProtocolError, PeerError, RemoteProtocolError
from app.net.channel import Channel, PeerClosed, ReceiveTimeout, memory_transport_pair
from app.net import peer_session
from app.net.framing import FrameDecoder, encode_frame
from app.net.peer_session import (
    CONFIRM, HELLO, ChannelOptions, derive_session_id, negotiate, run_handshake, session_codec,
)
from app.schema import Float, Int, Message, Str

CODEC = session_codec([Message("test.echo", 1, {"n": Int(0, 1000), "text": Str(max_len=50)},
                               max_bytes=256),
                       Message("test.gain", 1, {"gain": Float()}, max_bytes=64)])


def raw_pair(**kwargs):
    """A channel and the raw transport of its peer, to send hostile bytes."""
    ours, theirs = memory_transport_pair()
    return Channel(ours, codec=CODEC, heartbeat_interval=None, **kwargs), theirs


def memory_channel_pair(options=None, **kwargs):
    return peer_session.memory_channel_pair(
        options=options or ChannelOptions(codec=CODEC, heartbeat_interval=None), **kwargs)


def test_memory_pair_round_trip_and_shared_session():
    a, b = memory_channel_pair(party_names=("Bank", "Platform"))
    assert a.session_id == b.session_id and len(a.session_id) == 32
    assert (a.peer_name, b.peer_name) == ("Platform", "Bank")
    assert a.version == b.version == 1
    a.send("test.echo", {"n": 7, "text": "你好"})
    assert b.recv(timeout=2) == ("test.echo", {"n": 7, "text": "你好"})
    b.send("test.echo", {"n": 8, "text": ""})
    assert a.recv(timeout=2) == ("test.echo", {"n": 8, "text": ""})
    c, d = memory_channel_pair()
    assert c.session_id != a.session_id  # fresh nonces every session


def test_highest_common_version_is_chosen():
    a, b = memory_channel_pair(versions=((1, 2, 3), (3, 2, 4)))
    assert a.version == b.version == 3
    assert negotiate([1, 2], [2]) == 2


def test_no_common_version_is_refused_on_both_sides():
    with pytest.raises(PeerError, match="No common protocol version"):
        memory_channel_pair(versions=((1, 2), (3,)))


def test_session_id_depends_on_every_input():
    base = derive_session_id(b"c" * 32, b"s" * 32, b"hello-c", b"hello-s")
    assert base != derive_session_id(b"s" * 32, b"c" * 32, b"hello-c", b"hello-s")
    assert base != derive_session_id(b"c" * 32, b"s" * 32, b"hello-s", b"hello-c")
    assert base != derive_session_id(b"c" * 32, b"s" * 32, b"hello-c", b"hello-t")
    # length prefixes: moving bytes across the boundary changes the id
    assert base != derive_session_id(b"c" * 32, b"s" * 32, b"hello-ch", b"ello-s")


def test_a_downgrade_in_transit_is_detected():
    """A relay strips version 2 from the client's hello: both sides would agree on 1 by
    themselves, but their transcripts differ, so the confirms do not match."""
    client_end, relay_a = memory_transport_pair()
    relay_b, server_end = memory_transport_pair()

    def relay(src, dst, tamper):
        decoder = FrameDecoder()
        while True:
            try:
                data = src.recv_some(5)
            except TimeoutError:
                return
            if not data:
                dst.close()
                return
            for frame in decoder.feed(data):
                msg_type, version, body = msgpack.unpackb(frame)
                if tamper and msg_type == HELLO:
                    body["versions"] = [1]
                dst.send(encode_frame(msgpack.packb([msg_type, version, body])))

    threads = [threading.Thread(target=relay, args=(relay_a, relay_b, True), daemon=True),
               threading.Thread(target=relay, args=(relay_b, relay_a, False), daemon=True)]
    for t in threads:
        t.start()
    client = Channel(client_end, codec=CODEC, heartbeat_interval=None)
    server = Channel(server_end, codec=CODEC, heartbeat_interval=None)
    errors = {}

    def run(name, channel, is_client):
        try:
            run_handshake(channel, is_client=is_client, party_name=name, versions=(1, 2),
                          timeout=3)
        except (PeerError, RemoteProtocolError) as exc:
            errors[name] = exc

    workers = [threading.Thread(target=run, args=("client", client, True)),
               threading.Thread(target=run, args=("server", server, False))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(5)
    assert isinstance(errors.get("client"), RemoteProtocolError)
    assert "downgraded" in str(errors["client"])
    assert isinstance(errors.get("server"), (RemoteProtocolError, PeerError))
    assert client.session_id is None and server.session_id is None


def test_handshake_refuses_an_unexpected_first_message():
    channel, peer = raw_pair()
    peer.send(encode_frame(CODEC.encode("test.echo", {"n": 1, "text": "x"})))
    with pytest.raises(RemoteProtocolError, match="where 'lianmo.hello' was expected"):
        run_handshake(channel, is_client=True, party_name="A", timeout=2)


def test_invalid_message_names_the_field_and_closes_the_channel():
    channel, peer = raw_pair()
    bad = msgpack.packb(["test.gain", 1, {"gain": float("nan")}])
    peer.send(encode_frame(bad))
    with pytest.raises(RemoteProtocolError, match="field 'gain' must be finite"):
        channel.recv(timeout=2)
    assert channel.closed
    with pytest.raises(RemoteProtocolError):
        channel.send("test.echo", {"n": 1, "text": "x"})


def test_we_never_send_a_message_that_breaks_its_schema():
    a, b = memory_channel_pair()
    with pytest.raises(LocalProtocolError, match="gain"):
        a.send("test.gain", {"gain": float("inf")})
    with pytest.raises(LocalProtocolError):
        a.send("test.echo", {"n": 1, "text": "x", "leaf_weights": [0.1]})


def test_slow_drip_one_byte_at_a_time():
    channel, peer = raw_pair()
    frame = encode_frame(CODEC.encode("test.echo", {"n": 5, "text": "drip"}))
    for i in range(len(frame)):
        peer.send(frame[i:i + 1])
    assert channel.recv(timeout=2) == ("test.echo", {"n": 5, "text": "drip"})


@pytest.mark.parametrize("length, match", [(0, "empty frame"), (2 ** 32 - 1, "over the limit"),
                                           (1025, "over the limit")])
def test_hostile_frame_lengths(length, match):
    channel, peer = raw_pair(max_frame=1024)
    peer.send(struct.pack(">I", length))
    with pytest.raises(RemoteProtocolError, match=match):
        channel.recv(timeout=2)
    assert channel.closed


def test_truncated_frame_then_eof():
    channel, peer = raw_pair()
    frame = encode_frame(CODEC.encode("test.echo", {"n": 5, "text": "cut"}))
    peer.send(frame[: len(frame) // 2])
    peer.close()
    with pytest.raises(RemoteProtocolError, match="truncated"):
        channel.recv(timeout=2)


def test_clean_close_between_messages():
    channel, peer = raw_pair()
    peer.close()
    with pytest.raises(PeerClosed):
        channel.recv(timeout=2)


def test_read_timeout_leaves_the_channel_usable():
    a, b = memory_channel_pair()
    started = time.monotonic()
    with pytest.raises(ReceiveTimeout):
        b.recv(timeout=0.3)
    assert 0.25 < time.monotonic() - started < 2
    a.send("test.echo", {"n": 1, "text": "late"})
    assert b.recv(timeout=2)[1]["text"] == "late"


def test_a_silent_peer_is_declared_dead_even_mid_frame():
    channel, peer = raw_pair(dead_after=0.4)
    frame = encode_frame(CODEC.encode("test.echo", {"n": 5, "text": "stuck"}))
    peer.send(frame[:6])  # then it stops sending, forever
    started = time.monotonic()
    with pytest.raises(PeerError, match="sent nothing"):
        channel.recv()
    assert time.monotonic() - started < 2
    assert channel.closed


def test_heartbeats_keep_a_quiet_peer_alive_and_never_reach_the_caller():
    options = ChannelOptions(codec=CODEC, heartbeat_interval=0.1, dead_after=0.5)
    a, b = memory_channel_pair(options=options)
    with pytest.raises(ReceiveTimeout):  # 1.2 s of silence from the app, but heartbeats flow
        b.recv(timeout=1.2)
    a.send("test.echo", {"n": 2, "text": "still here"})
    assert b.recv(timeout=2) == ("test.echo", {"n": 2, "text": "still here"})
    a.close()
    b.close()


def test_busy_receiver_does_not_mistake_a_live_peer_for_dead():
    options = ChannelOptions(codec=CODEC, heartbeat_interval=0.1, dead_after=0.3)
    a, b = memory_channel_pair(options=options)
    time.sleep(0.8)  # b is "computing" and not reading
    a.send("test.echo", {"n": 3, "text": "x"})
    assert b.recv(timeout=2)[1]["n"] == 3
    a.close()
    b.close()


def test_confirm_message_schema_is_strict():
    channel, peer = raw_pair()
    peer.send(encode_frame(msgpack.packb([CONFIRM, 1, {"session_id": b"x" * 31, "version": 1}])))
    with pytest.raises(RemoteProtocolError, match="session_id"):
        channel.recv(timeout=2)
