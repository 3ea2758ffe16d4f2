"""Running SS-LR: both roles in memory, or one role over a message link (real jobs).

``run_in_memory`` passes every message as bytes between the roles, through the same decode and
validation a link uses, and can keep a transcript for the leakage tests. ``run_bank`` and
``run_partner`` bind one role to ``send(bytes)`` / ``recv() -> bytes`` callables (the workflow
wraps its channel in them, chunking large messages as SecureBoost's training link does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from app.protocols.scorecard.lr_bank import Bank, BankResult
from app.protocols.scorecard.lr_partner import Partner


@dataclass
class Transcript:
    to_partner: list[bytes] = field(default_factory=list)
    to_bank: list[bytes] = field(default_factory=list)


def run_in_memory(bank: Bank, partner: Partner, transcript: Transcript | None = None) -> BankResult:
    """Drive both roles to the end; the partner's outcome stays on ``partner`` (weights/shares)."""
    return run_bank(bank, *_pipe(partner, transcript))


def run_bank(bank: Bank, send: Callable[[bytes], None], recv: Callable[[], bytes]) -> BankResult:
    gen = bank.protocol()
    try:
        request = next(gen)
        while True:
            send(request)
            request = gen.send(recv())
    except StopIteration as done:
        return done.value


def run_partner(partner: Partner, send: Callable[[bytes], None], recv: Callable[[], bytes]) -> Partner:
    """Answer the bank until training ends; returns the partner (``weights`` or ``shares``)."""
    while not partner.done:
        send(partner.handle(recv()))
    return partner


def _pipe(partner: Partner, transcript: Transcript | None):
    pending: list[bytes] = []

    def send(data: bytes) -> None:
        if transcript is not None:
            transcript.to_partner.append(data)
        reply = partner.handle(data)
        if transcript is not None:
            transcript.to_bank.append(reply)
        pending.append(reply)

    def recv() -> bytes:
        return pending.pop(0)

    return send, recv
