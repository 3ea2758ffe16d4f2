"""Length-prefixed framing: hostile lengths, truncation, slow drip, fuzzing."""

import struct
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import LocalProtocolError, RemoteProtocolError
from app.net.framing import HEADER, FrameDecoder, encode_frame

CAP = 1024


def test_round_trip_of_several_frames_in_one_feed():
    payloads = [b"a", b"hello", bytes(range(256)) * 4]
    stream = b"".join(encode_frame(p, CAP) for p in payloads)
    decoder = FrameDecoder(CAP)
    assert decoder.feed(stream) == payloads
    assert decoder.pending == 0
    decoder.close()  # clean end between frames


def test_slow_drip_one_byte_at_a_time():
    payloads = [b"x" * 300, b"y", b"z" * CAP]
    stream = b"".join(encode_frame(p, CAP) for p in payloads)
    decoder = FrameDecoder(CAP)
    received = []
    for i in range(len(stream)):
        received += decoder.feed(stream[i:i + 1])
    assert received == payloads


def test_length_zero_is_refused():
    with pytest.raises(RemoteProtocolError, match="empty frame"):
        FrameDecoder(CAP).feed(struct.pack(">I", 0))


@pytest.mark.parametrize("length", [CAP + 1, 2 ** 31, 2 ** 32 - 1])
def test_over_the_cap_is_refused_from_the_header_alone(length):
    decoder = FrameDecoder(CAP)
    tracemalloc.start()
    try:
        with pytest.raises(RemoteProtocolError, match="over the limit"):
            decoder.feed(struct.pack(">I", length))  # no payload bytes at all: refused at once
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024  # nothing sized by the announced length was allocated


def test_length_exactly_at_the_cap_is_accepted():
    assert FrameDecoder(CAP).feed(encode_frame(b"q" * CAP, CAP)) == [b"q" * CAP]


@pytest.mark.parametrize("cut", [1, 3, 4, 5, 10])
def test_truncated_frame_then_eof(cut):
    stream = encode_frame(b"0123456789", CAP)[:cut]
    decoder = FrameDecoder(CAP)
    assert decoder.feed(stream) == []
    with pytest.raises(RemoteProtocolError, match="truncated"):
        decoder.close()


def test_trailing_bytes_after_a_frame_then_eof():
    decoder = FrameDecoder(CAP)
    assert decoder.feed(encode_frame(b"ok", CAP) + b"\x00\x00") == [b"ok"]
    with pytest.raises(RemoteProtocolError):
        decoder.close()


def test_decoder_stays_broken_after_an_error():
    decoder = FrameDecoder(CAP)
    with pytest.raises(RemoteProtocolError):
        decoder.feed(struct.pack(">I", 0))
    with pytest.raises(RemoteProtocolError):
        decoder.feed(encode_frame(b"fine", CAP))


def test_sender_refuses_what_the_receiver_would():
    with pytest.raises(LocalProtocolError):
        encode_frame(b"", CAP)
    with pytest.raises(LocalProtocolError):
        encode_frame(b"x" * (CAP + 1), CAP)


@settings(max_examples=1000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(chunks=st.lists(st.binary(max_size=64), max_size=40))
def test_fuzz_arbitrary_bytes_only_raise_remote_protocol_error(chunks):
    decoder = FrameDecoder(max_frame=256)
    try:
        for chunk in chunks:
            frames = decoder.feed(chunk)
            assert all(0 < len(f) <= 256 for f in frames)
            assert decoder.pending < HEADER.size + 256  # bounded memory
        decoder.close()
    except RemoteProtocolError:
        pass


@settings(max_examples=400, deadline=None, database=None)
@given(payloads=st.lists(st.binary(min_size=1, max_size=300), max_size=10),
       cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=20))
def test_fuzz_any_split_of_a_valid_stream_gives_back_the_frames(payloads, cuts):
    stream = b"".join(encode_frame(p, 300) for p in payloads)
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    decoder = FrameDecoder(300)
    received = []
    for start, end in zip(points, points[1:]):
        received += decoder.feed(stream[start:end])
    decoder.close()
    assert received == payloads


def test_a_large_frame_arriving_in_many_chunks_is_checked_against_its_type_once():
    """The type cap is read from the first bytes of each frame; re-reading it on every arriving
    chunk of a 32 MiB frame would cost a call per TLS record."""
    seen = []

    def limit_of(head: bytes) -> int:
        seen.append(head[:1])
        return 1 << 20
    decoder = FrameDecoder(limit_of=limit_of)
    stream = encode_frame(b"a" * 300_000) + encode_frame(b"b" * 1_000)
    frames = []
    for at in range(0, len(stream), 4096):
        frames += decoder.feed(stream[at:at + 4096])
    assert [len(f) for f in frames] == [300_000, 1_000]
    assert seen == [b"a", b"b"]
    with pytest.raises(RemoteProtocolError):
        FrameDecoder(limit_of=lambda head: 10).feed(encode_frame(b"c" * 11))
