"""The label party draws obfuscators ahead only while it waits for the partner, and drops them."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np

from app.crypto import paillier
from app.protocols.secureboost.he import LabelCrypto
from app.workflows import training
from app.workflows.training_link import SB


class SlowChannel:
    """Isolates timing only: the reply arrives after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def recv(self, timeout: float):
        time.sleep(self.delay)
        return SB, {"data": b"reply", "more": False}


def reserve(crypto: LabelCrypto) -> int:
    """Obfuscators the workers hold for this key (asks for none)."""
    return paillier.precompute_obfuscators(crypto.pub, 0, 10**9, priv=crypto.priv)


def test_waiting_fills_the_reserve_and_the_next_encryption_uses_it():
    crypto = LabelCrypto(1024, n_rows_max=600, scale_bits=24)
    label = SimpleNamespace(crypto=crypto)
    assert reserve(crypto) == 0
    assert training._reply_while_precomputing(label, SlowChannel(1.0)) == b"reply"
    ahead = reserve(crypto)
    assert ahead > 0                      # the wait was used
    assert ahead <= 600                   # never more than a tree's worth (split over workers)
    crypto.encrypt_gradients(np.zeros(400, dtype=np.int64), np.zeros(400, dtype=np.int64))
    assert reserve(crypto) < ahead        # handed out, not kept
    crypto.forget_precomputed()
    assert reserve(crypto) == 0


def test_precompute_stops_when_the_reply_arrives():
    crypto = LabelCrypto(1024, n_rows_max=10**6, scale_bits=24)
    label = SimpleNamespace(crypto=crypto)
    t0 = time.perf_counter()
    training._reply_while_precomputing(label, SlowChannel(0.2))
    assert time.perf_counter() - t0 < 5   # one step at most after the reply, not a million draws
    assert threading.active_count() < 50
    crypto.forget_precomputed()
