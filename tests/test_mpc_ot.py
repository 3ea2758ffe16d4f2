"""Oblivious transfer: base OT and IKNP extension give the receiver its chosen messages only."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.crypto.mpc import messages, ot, run_pair
from app.crypto.mpc.ot import OTReceiver, OTSender
from app.errors import RemoteProtocolError

N = 2048


def _choices(seed: int, n: int = N) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2, n).astype(np.uint8)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(1, 40), st.integers(0, 2**32))
def test_the_fast_transpose_is_the_bitwise_transpose(kappa64, cols8, seed):
    bits = np.random.default_rng(seed).integers(0, 256, (64 * kappa64, 8 * cols8), dtype=np.uint8)
    assert np.array_equal(ot.transpose(bits), ot.transpose_reference(bits))


def test_transpose_across_tiles():
    bits = np.random.default_rng(1).integers(0, 256, (128, 3 * 2048 + 8), dtype=np.uint8)
    assert np.array_equal(ot.transpose(bits), ot.transpose_reference(bits))


def test_base_ot_gives_the_chosen_key_only():
    choices = _choices(2, ot.KAPPA)
    sender, receiver = ot.BaseSender(), ot.BaseReceiver(choices)
    points = receiver.respond(sender.point)
    k0, k1 = sender.keys(points)
    chosen = np.where(choices[:, None] == 1, k1, k0)
    other = np.where(choices[:, None] == 1, k0, k1)
    assert np.array_equal(receiver.keys, chosen)
    assert not np.any(np.all(receiver.keys == other, axis=1))
    # A receiver that would flip a choice after the fact holds H(b·A) only: no key of the other.
    assert not (set(map(bytes, receiver.keys)) & set(map(bytes, other)))


@pytest.mark.parametrize("point", [bytes(32), b"\xff" * 32, b"\x01" * 31])
def test_base_ot_refuses_bad_points(point):
    with pytest.raises(RemoteProtocolError):
        ot.BaseReceiver(_choices(3, 4)).respond(point)
    with pytest.raises(RemoteProtocolError):
        ot.BaseSender(1).keys(point)


def test_random_ot_extension_known_answer():
    choices = _choices(4)
    sender, receiver = OTSender(N), OTReceiver(choices)
    run_pair(receiver, sender)
    x0, x1 = sender.result
    chosen = np.where(choices[:, None] == 1, x1, x0)
    unchosen = np.where(choices[:, None] == 1, x0, x1)
    assert np.array_equal(receiver.result, chosen)
    assert not np.any(np.all(receiver.result == unchosen, axis=1))


def test_the_unchosen_message_is_a_hash_at_a_point_the_receiver_never_holds():
    choices = _choices(5)
    sender, receiver = OTSender(N), OTReceiver(choices)
    transcript = run_pair(receiver, sender, record=True)
    x0, x1 = sender.result
    unchosen = np.where(choices[:, None] == 1, x0, x1)
    s = sender._ext.s                          # test-only: the sender's secret (κ bits)
    t = receiver._t                            # test-only: the receiver's rows, its whole view
    tweak = ot.tweaks(0, 0, N)
    # What the receiver holds hashes to its chosen messages; the others are H(i, t_i ⊕ s) ...
    assert np.array_equal(ot.crhash(t, tweak).view(np.uint8), receiver.result)
    assert np.array_equal(ot.crhash((t.view(np.uint64) ^ s).view(np.uint8), tweak).view(np.uint8),
                          unchosen)
    # ... and s never reaches the receiver: not in any message it was sent.
    received = b"".join(data for who, data in transcript.recorded if who == 1)
    assert s.tobytes() not in received
    # Guessing s wrong by a single bit gives garbage, not the unchosen messages.
    wrong = s.copy()
    wrong[0] ^= np.uint64(1)
    guess = ot.crhash((t.view(np.uint64) ^ wrong).view(np.uint8), tweak).view(np.uint8)
    assert not np.any(np.all(guess == unchosen, axis=1))


def test_a_receiver_flipping_its_choices_gets_garbage():
    choices = _choices(9)
    delta = np.random.default_rng(10).integers(0, 2**64, N, dtype=np.uint64)
    sender, receiver = OTSender(N, delta=delta), OTReceiver(choices, correlated=True)
    transcript = run_pair(receiver, sender, record=True)
    y = np.frombuffer(msgpack.unpackb(transcript.recorded[-1][1])[2]["y"], dtype=np.uint64)
    keys = receiver._base.keys(msgpack.unpackb(transcript.recorded[1][1])[2]["points"])
    _u, t = ot.ExtReceiver(*keys).extend(choices, 0)   # the receiver's rows, recomputed
    flipped = 1 - choices
    cheat = ot.cot_receive(t, flipped, y, 0, 0)
    wanted = sender.result + flipped.astype(np.uint64) * delta
    assert not np.any(cheat == wanted)
    assert np.array_equal(ot.cot_receive(t, choices, y, 0, 0), receiver.result)


def test_correlated_ot_extension_known_answer():
    choices = _choices(6)
    delta = np.random.default_rng(7).integers(0, 2**64, N, dtype=np.uint64)
    sender, receiver = OTSender(N, delta=delta), OTReceiver(choices, correlated=True)
    transcript = run_pair(receiver, sender)
    assert transcript.messages == 4
    assert np.array_equal(receiver.result, sender.result + choices.astype(np.uint64) * delta)


def test_the_hash_depends_on_the_tweak():
    rows = np.zeros((4, 16), dtype=np.uint8)
    a = ot.crhash(rows, ot.tweaks(0, 0, 4))
    b = ot.crhash(rows, ot.tweaks(1, 0, 4))
    assert len({bytes(r) for r in a}) == 4 and not np.any(np.all(a == b, axis=1))
    assert np.array_equal(ot.crhash(rows, (1, 0)), b)


def _started():
    sender, receiver = OTSender(64), OTReceiver(_choices(8, 64))
    base_a = receiver.start()
    base_b = sender.receive(base_a)
    return sender, receiver, base_a, base_b


def test_out_of_order_messages_are_refused():
    sender, receiver, base_a, base_b = _started()
    with pytest.raises(RemoteProtocolError, match="out of order"):
        sender.receive(base_a)                 # a replayed base_a
    ext_u = receiver.receive(base_b)
    with pytest.raises(RemoteProtocolError, match="out of order"):
        receiver.receive(base_b)               # the receiver is done
    fresh = OTSender(64)
    with pytest.raises(RemoteProtocolError, match="out of order"):
        fresh.receive(ext_u)                   # u before the base OTs


def test_malformed_and_oversized_messages_are_refused():
    sender, receiver, _base_a, _base_b = _started()
    with pytest.raises(RemoteProtocolError):
        sender.receive(b"\x93\xa3abc")
    with pytest.raises(RemoteProtocolError):
        sender.receive(msgpack.packb(["lianmo.mpc.ext_u", 1, {"chunk": 0, "n_ots": 64}]))
    too_long = bytes(messages.KAPPA * messages.MAX_OTS // 8 + 128)
    huge = msgpack.packb(["lianmo.mpc.ext_u", 1, {"chunk": 0, "n_ots": 64, "u": too_long}])
    with pytest.raises(RemoteProtocolError):
        sender.receive(huge)
    wrong_size = messages.encode("ext_u", {"chunk": 0, "n_ots": 128, "u": bytes(128 * 16)})
    with pytest.raises(RemoteProtocolError, match="not the one agreed"):
        sender.receive(wrong_size)
