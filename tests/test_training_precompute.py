"""The label party draws obfuscators ahead only while it waits for the partner, and drops them."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np

from app.crypto import paillier
from app.protocols.secureboost import messages as sbm
from app.protocols.secureboost.he import LabelCrypto
from app.workflows.training import train as training
from app.workflows.training.link import SB


REPLY = sbm.encode(sbm.make("ack", tree=0))  # any well-formed partner message


class SlowChannel:
    """Isolates timing only: the reply arrives after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def recv(self, timeout: float):
        time.sleep(self.delay)
        return SB, {"data": REPLY, "more": False}


def reserve(crypto: LabelCrypto) -> int:
    """Obfuscators the workers hold for this key (asks for none)."""
    return paillier.precompute_obfuscators(crypto.ex, crypto.pub, 0, 10**9, priv=crypto.priv)


def test_waiting_fills_the_reserve_and_the_next_encryption_uses_it(executor):
    crypto = LabelCrypto(executor, 1024, n_rows_max=600, scale_bits=24)
    label = SimpleNamespace(crypto=crypto)
    assert reserve(crypto) == 0
    assert training._reply_while_precomputing(label, SlowChannel(1.0)) == REPLY
    ahead = reserve(crypto)
    assert ahead > 0                      # the wait was used
    assert ahead <= 600                   # never more than a tree's worth (split over workers)
    crypto.encrypt_gradients(np.zeros(400, dtype=np.int64), np.zeros(400, dtype=np.int64))
    assert reserve(crypto) < ahead        # handed out, not kept
    crypto.forget_precomputed()
    assert reserve(crypto) == 0


def test_precompute_stops_when_the_reply_arrives(executor):
    crypto = LabelCrypto(executor, 1024, n_rows_max=10**6, scale_bits=24)  # a share far beyond 0.2 s
    label = SimpleNamespace(crypto=crypto)
    training._reply_while_precomputing(label, SlowChannel(0.2))
    ahead = reserve(crypto)
    assert 0 < ahead < 10_000             # stopped with the reply, long before its share
    assert not any(t.name == "lianmo-precompute" for t in threading.enumerate())
    assert reserve(crypto) == ahead       # and nothing keeps drawing afterwards
    crypto.forget_precomputed()
    assert reserve(crypto) == 0


def test_one_core_machine_precomputes_and_drops_in_this_process():
    from app.executor import LocalExecutor
    with LocalExecutor(1) as one_core:  # one worker: everything runs in this process
        crypto = LabelCrypto(one_core, 1024, n_rows_max=64, scale_bits=24)
        assert crypto.precompute_step() is False  # a whole tree's worth (64 < one step of 256)
        tables = one_core.local.store("obfuscators").values()
        assert sum(len(o._reserve) for o in tables) == 64
        crypto.forget_precomputed()
        assert all(not o._reserve for o in tables)
        assert not one_core._workers  # no process was started
