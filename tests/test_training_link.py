"""SecureBoost messages over the link: large messages stream in chunks without being joined or
copied (at 4M rows a tree's encrypted gradients are 1 GiB), and arrive as the very same message."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.net.peer_session import ChannelOptions, memory_channel_pair, session_codec
from app.protocols.secureboost import messages as sbm
from app.workflows.training import link


@settings(max_examples=300, deadline=None, database=None)
@given(lengths=st.lists(st.integers(0, 40), max_size=8), size=st.integers(1, 17))
def test_chunks_cut_the_concatenation_of_the_buffers(lengths, size):
    buffers = [bytes([i]) * n for i, n in enumerate(lengths)]
    whole = b"".join(buffers)
    chunks = list(link._chunks(buffers, size))
    assert b"".join(c for c, _ in chunks) == whole
    assert [more for _, more in chunks] == [True] * (len(chunks) - 1) + [False]
    if whole:
        assert all(len(c) == size for c, _ in chunks[:-1]) and 0 < len(chunks[-1][0]) <= size
    else:  # an empty message is one empty chunk
        assert chunks == [(b"", False)]


def test_encoded_parts_are_msgpacks_bytes_and_arrive_as_views(monkeypatch):
    pieces = [b"a" * 600_000, b"", b"b" * 700_001]  # as the workers' blobs: never joined to send
    msg = sbm.make("tree_start", tree=3, gradients=pieces)
    encoded = sbm.encode_parts(msg)
    reference = msgpack.packb({"type": "tree_start", "tree": 3, "gradients": b"".join(pieces)},
                              use_bin_type=True)
    assert bytes(encoded) == reference == sbm.encode(msg)
    assert any(part is pieces[2] for part in encoded.parts)  # the very buffer, not a copy
    for size in (0, 255, 256, 65_535, 65_536):  # msgpack's header changes at these lengths
        level = sbm.make("level", tree=1, depth=0, kinds=np.zeros(1, np.uint8),
                         split_ids=np.zeros(1, np.uint32), missing_left=np.zeros(1, np.uint8),
                         left_bits=[b"x" * (size // 2), b"y" * (size - size // 2)])
        assert sbm.encode(level) == msgpack.packb(
            {"type": "level", "tree": 1, "depth": 0, "kinds": b"\0", "split_ids": b"\0" * 4,
             "missing_left": b"\0", "left_bits": b"x" * (size // 2) + b"y" * (size - size // 2)},
            use_bin_type=True)

    monkeypatch.setattr(link, "CHUNK", 100_000)  # 13 frames, chunk edges inside the pieces
    ours, theirs = memory_channel_pair(options=ChannelOptions(
        codec=session_codec(link.MESSAGES), heartbeat_interval=None))
    link.send_sb(ours, encoded)
    link.send_sb(ours, sbm.encode(sbm.make("ack", tree=3)))
    got = sbm.decode(link.recv_sb(theirs, timeout=5), {"tree_start"})
    assert isinstance(got.gradients, memoryview) and got.gradients.readonly
    assert got.gradients == b"".join(pieces) and got.tree == 3
    assert sbm.decode(link.recv_sb(theirs, timeout=5), {"ack"}).tree == 3
    with pytest.raises(TypeError):
        got.gradients[0] = 0  # nobody downstream can change what the peer sent
