"""A channel wrapper that hashes what each side sent, so both parties derive the same transcript hash.

Messages are hashed per direction (initiator's stream, responder's stream) because the two sides
see sends and receives interleaved differently; the transcript hash combines both streams and is
what both audit chains record for the job.
"""

from __future__ import annotations

import hashlib


class TranscriptChannel:
    def __init__(self, channel, initiator: bool):
        self.channel = channel
        self._initiator = initiator
        self._streams = {True: hashlib.sha256(b"initiator"), False: hashlib.sha256(b"responder")}
        self.bytes_sent = 0
        self.bytes_received = 0

    def _absorb(self, from_initiator: bool, msg_type: str, body: dict) -> int:
        data = self.channel.codec.canonical(msg_type, body)
        stream = self._streams[from_initiator]
        stream.update(len(data).to_bytes(8, "big"))
        stream.update(data)
        return len(data)

    def send(self, msg_type: str, body: dict) -> None:
        self.channel.send(msg_type, body)
        self.bytes_sent += self._absorb(self._initiator, msg_type, body)

    def recv(self, timeout: float | None = None) -> tuple[str, dict]:
        msg_type, body = self.channel.recv(timeout)
        self.bytes_received += self._absorb(not self._initiator, msg_type, body)
        return msg_type, body

    @property
    def codec(self):
        return self.channel.codec

    def transcript_hash(self) -> str:
        combined = hashlib.sha256(b"lianmo-transcript/1")
        combined.update(self._streams[True].digest())
        combined.update(self._streams[False].digest())
        return combined.hexdigest()
