"""Hostile messages are refused at a bounded cost: peak memory within a small multiple of the
frame cap, whatever the shape (nested, wide, deep, a huge frame before hello), in the decoder and
through a real loopback TLS listener; a peer cannot open unbounded concurrent sessions."""

from __future__ import annotations

import queue
import socket
import struct
import threading
import time
import tracemalloc

import msgpack
import pytest

from app.errors import LianmoError, PeerError, RemoteProtocolError
from app.net.framing import encode_frame
from app.net.identity import generate_identity
from app.net.peer_session import (
    MAX_SESSIONS_PER_PEER, PRE_AUTH_MAX_FRAME, ChannelOptions, connect, memory_channel_pair, serve,
    session_codec,
)
from app.net.tls import TlsTransport, client_context
from app.protocols.secureboost import messages as sbm
from app.workflows.job_types import standard
from app.workflows.peering import link
from app.workflows.training import link as training_link
from app.workflows.training.link import KEEP

HOST = "127.0.0.1"
BANK = generate_identity("Bank")
PLATFORM = generate_identity("Platform")
# What a PeerService's channels carry: the link's messages and every job type's.
CODEC = session_codec(link.MESSAGES, standard().messages())
OPTIONS = ChannelOptions(codec=CODEC, heartbeat_interval=None)
MiB = 1 << 20


def _envelope(msg_type: str, body: bytes) -> bytes:
    return b"\x93" + msgpack.packb(msg_type) + b"\x01" + body


def nested(size: int) -> bytes:
    """Trees of arrays of 15 down to empty arrays (1 byte each): every array is small."""
    tree = b"\x90"
    while len(tree) * 15 < size // 16:
        tree = b"\x9f" + tree * 15
    count = size // len(tree)
    return b"\xdd" + struct.pack(">I", count) + tree * count


def wide(size: int) -> bytes:
    """One array of ``size`` nils."""
    return b"\xdd" + struct.pack(">I", size) + b"\xc0" * size


def deep(size: int) -> bytes:
    """Arrays of one array, ``size`` levels down."""
    return b"\x91" * size + b"\xc0"


SHAPES = {"nested": nested, "wide": wide, "deep": deep}


def send_raw(channel, frame: bytes) -> None:
    """Past our own codec, straight onto the wire, in pieces (as a socket would take them), so
    the attacker's side of this process holds little beyond the frame it built."""
    view = memoryview(frame)
    try:
        for start in range(0, len(frame), 64 * 1024):
            channel.transport.send(view[start:start + 64 * 1024])
    except PeerError:
        pass  # the listener hung up before we finished: that is the point


def peak_while(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", SHAPES)
def test_hostile_shapes_are_refused_by_the_decoder_without_materialising(shape):
    # As the largest message a link carries (the keep-mask), so the size check alone passes.
    data = _envelope(KEEP, b"\x82\xacalignment_id\xa1x\xa4mask" + SHAPES[shape](30 * MiB))
    assert len(data) <= CODEC.max_bytes

    def refuse():
        with pytest.raises(RemoteProtocolError, match="limit"):
            CODEC.decode(data)
    assert peak_while(refuse) < MiB  # 30 MiB in, nothing built


def test_a_small_type_is_refused_by_its_size_before_parsing():
    data = _envelope(link.PING, nested(MiB))
    with pytest.raises(RemoteProtocolError, match="over its limit of 64"):
        CODEC.decode(data)


class Recorder:
    """Session handler: waits for a message and records how the session ended."""

    def __init__(self, hold: threading.Event | None = None) -> None:
        self.ended: queue.Queue = queue.Queue()
        self.hold = hold

    def __call__(self, channel) -> None:
        try:
            if self.hold is not None:
                self.hold.wait(10)
            else:
                channel.recv(timeout=30)
            self.ended.put(None)
        except LianmoError as exc:
            self.ended.put(exc)
        finally:
            channel.close()


@pytest.fixture
def listener():
    recorder = Recorder()
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], recorder, party_name="Bank",
               options=OPTIONS) as lst:
        yield lst, recorder


def attack_over_tls(listener, frame: bytes) -> tuple[LianmoError | None, int]:
    """Handshake properly, send ``frame`` raw; how the listener's session ended, and the peak."""
    lst, recorder = listener
    channel = connect(HOST, lst.port, PLATFORM, BANK.fingerprint, party_name="Platform",
                      options=OPTIONS)
    ended: list = []

    def attack():
        send_raw(channel, frame)
        ended.append(recorder.ended.get(timeout=60))
    try:
        peak = peak_while(attack)
    finally:
        channel.close()
    return ended[0], peak


@pytest.mark.parametrize("shape", SHAPES)
def test_hostile_shapes_over_tls_cost_a_small_multiple_of_the_frame(listener, shape):
    frame = encode_frame(_envelope(KEEP, b"\x82\xacalignment_id\xa1x\xa4mask"
                                   + SHAPES[shape](30 * MiB)), max_frame=CODEC.max_bytes)
    error, peak = attack_over_tls(listener, frame)
    assert isinstance(error, RemoteProtocolError) and "limit" in str(error)
    print(f"{shape}: peak {peak / MiB:.1f} MiB for a {len(frame) / MiB:.1f} MiB frame")
    assert peak < 3 * len(frame)


def test_a_frame_over_its_types_limit_is_refused_before_it_is_buffered(listener):
    frame = encode_frame(_envelope(link.PING, nested(30 * MiB)), max_frame=CODEC.max_bytes)
    error, peak = attack_over_tls(listener, frame)
    assert isinstance(error, RemoteProtocolError) and "limit of 64 bytes" in str(error)
    print(f"typed ping: peak {peak / MiB:.2f} MiB for a {len(frame) / MiB:.1f} MiB frame")
    assert peak < MiB


def test_a_huge_frame_before_hello_is_refused_at_its_header(listener):
    lst, _recorder = listener
    sock = socket.create_connection((HOST, lst.port), timeout=5)
    transport = TlsTransport(sock, client_context(PLATFORM.cert_pem, PLATFORM.key_pem),
                             server_side=False)
    transport.handshake(5)
    start = struct.pack(">I", 60 * MiB) + bytes(64 * 1024)

    def attack():
        transport.send(start)
        deadline = time.monotonic() + 10
        while not lst.errors and time.monotonic() < deadline:
            time.sleep(0.02)
    try:
        peak = peak_while(attack)
    finally:
        transport.close()
    assert lst.errors and f"over the limit of {PRE_AUTH_MAX_FRAME}" in str(lst.errors[-1])
    print(f"before hello: peak {peak / MiB:.2f} MiB for a 60 MiB announcement")
    assert peak < MiB  # nothing near the 60 MiB announced


def test_concurrent_sessions_per_peer_are_capped():
    release = threading.Event()
    recorder = Recorder(hold=release)
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], recorder, party_name="Bank",
               options=OPTIONS) as lst:
        held = [connect(HOST, lst.port, PLATFORM, BANK.fingerprint, party_name="Platform",
                        options=OPTIONS) for _ in range(MAX_SESSIONS_PER_PEER)]
        extra = connect(HOST, lst.port, PLATFORM, BANK.fingerprint, party_name="Platform",
                        options=OPTIONS)
        with pytest.raises(PeerError):
            extra.recv(timeout=5)  # dropped by the listener
        assert any("more than" in str(e) for e in lst.errors)
        release.set()
        for channel in held + [extra]:
            channel.close()
        for _ in held:
            assert recorder.ended.get(timeout=5) is None
        refused = len(lst.errors)
        # once those ended, the peer is served again
        with connect(HOST, lst.port, PLATFORM, BANK.fingerprint, party_name="Platform",
                     options=OPTIONS):
            assert recorder.ended.get(timeout=5) is None
        assert len(lst.errors) == refused


def test_training_messages_are_capped_by_their_type_while_reassembling():
    ack = sbm.encode(sbm.make("ack", tree=1))
    assert sbm.decode(ack, {"ack"}).tree == 1 and sbm.limit_of(ack) == sbm.SMALL
    with pytest.raises(RemoteProtocolError, match="start with its type"):
        sbm.decode(msgpack.packb({"tree": 1, "type": "ack"}), {"ack"})
    ours, theirs = memory_channel_pair(options=ChannelOptions(
        codec=session_codec(training_link.MESSAGES), heartbeat_interval=None))
    ours.send(training_link.SB, {"data": ack, "more": True})  # "an ack", then 8 MiB more
    for _ in range(2):
        ours.send(training_link.SB, {"data": bytes(4 * MiB), "more": True})
    with pytest.raises(RemoteProtocolError, match="over its type's limit"):
        training_link.recv_sb(theirs, timeout=5)
