"""Run two sans-IO parties against each other in one process (tests, benchmarks, rehearsals).

Each side has ``start() -> bytes | None`` and ``receive(bytes) -> bytes | None`` and ``done``.
Messages are delivered in order, one queue per direction, exactly as a channel would; nothing is
shared between the sides but those bytes. ``record=True`` keeps every message for transcript
tests.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from app.errors import LocalProtocolError


@dataclass
class Transcript:
    """What crossed the wire: message counts and bytes per direction (and the messages)."""
    messages: int = 0
    bytes_0to1: int = 0
    bytes_1to0: int = 0
    recorded: list[tuple[int, bytes]] = field(default_factory=list)


def run_pair(side0: Any, side1: Any, record: bool = False,
             max_messages: int = 1 << 24) -> Transcript:
    """Deliver messages between the sides until both are done; returns the transcript."""
    sides = (side0, side1)
    queues: tuple[deque, deque] = (deque(), deque())   # queues[i]: messages to side i
    transcript = Transcript()

    def post(sender: int, data: bytes | None) -> None:
        if data is None:
            return
        transcript.messages += 1
        if sender == 0:
            transcript.bytes_0to1 += len(data)
        else:
            transcript.bytes_1to0 += len(data)
        if record:
            transcript.recorded.append((sender, data))
        queues[1 - sender].append(data)

    for index, side in enumerate(sides):
        post(index, side.start())
    while queues[0] or queues[1]:
        for index in (1, 0):
            if queues[index]:
                post(index, sides[index].receive(queues[index].popleft()))
        if transcript.messages > max_messages:
            raise LocalProtocolError("The two parties exchanged more messages than allowed.")
    if not (side0.done and side1.done):
        raise LocalProtocolError("The two parties stopped talking before both were done.")
    return transcript
