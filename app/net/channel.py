"""A blocking message channel: frames + schema-checked messages + heartbeats over a byte transport.

The transport is either TLS (:class:`app.net.tls.TlsTransport`) or in memory
(:func:`memory_transport_pair`, for protocol unit tests); the channel cannot tell them apart.

Liveness: a background thread sends a heartbeat when we have sent nothing for
``heartbeat_interval`` seconds, so a peer busy computing for an hour still looks alive, and
``recv`` declares the peer dead when *no byte at all* arrived for ``dead_after`` seconds (a crashed
machine or a half-open TCP connection never says goodbye). ``recv(timeout)`` additionally bounds
the wait for the next real message. Heartbeats never reach the caller.

Any malformed input from the peer closes the channel: a stream that lost framing or sent an
invalid message is not trusted again; the caller reconnects.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Protocol

from app.errors import LianmoError, PeerError, RemoteProtocolError
from app.net.framing import DEFAULT_MAX_FRAME, FrameDecoder, encode_frame
from app.schema import Codec, Message

log = logging.getLogger(__name__)

HEARTBEAT = "lianmo.heartbeat"
MESSAGES = (Message(HEARTBEAT, 1, {}, max_bytes=64),)


class ReceiveTimeout(PeerError):
    """No message arrived within the time the caller allowed (the peer is still connected)."""


class PeerClosed(PeerError):
    """The peer closed the connection cleanly between messages."""


class Transport(Protocol):
    def send(self, data: bytes) -> None: ...
    def recv_some(self, timeout: float | None) -> bytes: ...  # b"" at EOF; TimeoutError
    def close(self) -> None: ...


class Channel:
    """Send and receive typed messages; ``recv`` from one thread, ``send`` from any."""

    def __init__(self, transport: Transport, *, codec: Codec, max_frame: int = DEFAULT_MAX_FRAME,
                 heartbeat_interval: float | None = 5.0,
                 dead_after: float | None = None, peer_fingerprint: bytes = b"",
                 local_fingerprint: bytes = b"") -> None:
        self.transport = transport
        self.codec = codec
        # No frame may be larger than the largest message this channel's codec declares.
        self.max_frame = min(max_frame, codec.max_bytes)
        self.peer_fingerprint = peer_fingerprint
        self.local_fingerprint = local_fingerprint
        self.session_id: bytes | None = None  # set by app.net.peer_session after its handshake
        self.version: int | None = None
        self.peer_name: str | None = None
        self.heartbeat_interval = heartbeat_interval
        self.dead_after = dead_after or 4 * (heartbeat_interval or 15.0)
        self._decoder = FrameDecoder(self.max_frame, limit_of=codec.limit_of)
        self._failure: LianmoError | None = None
        self._closed = threading.Event()
        self._last_heard = self._last_sent = time.monotonic()
        self._heartbeat: threading.Thread | None = None
        if heartbeat_interval:
            self._heartbeat = threading.Thread(target=self._beat, name="lianmo-heartbeat",
                                               daemon=True)
            self._heartbeat.start()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def send(self, msg_type: str, body: dict, version: int | None = None) -> None:
        """Validate, frame and send one message (LocalProtocolError if it breaks its schema)."""
        frame = encode_frame(self.codec.encode(msg_type, body, version), self.max_frame)
        if self._failure is not None:
            raise self._failure
        if self.closed:
            raise PeerError.coded("net.connection_closed")
        try:
            self.transport.send(frame)
        except PeerError as exc:
            self._fail(exc)
            raise
        self._last_sent = time.monotonic()

    def cap_frames(self, max_frame: int | None) -> None:
        """Refuse frames over ``max_frame`` from now on (None: back to the channel's own cap);
        an unauthenticated peer is held to a few KiB."""
        self._decoder.max_frame = min(max_frame or self.max_frame, self.max_frame)

    def recv(self, timeout: float | None = None) -> tuple[str, dict]:
        """The next message (heartbeats skipped); ReceiveTimeout after ``timeout`` seconds."""
        started = time.monotonic()
        deadline = None if timeout is None else started + timeout
        while True:
            if self._failure is not None:
                raise self._failure
            try:
                frame = self._decoder.next_frame()
            except RemoteProtocolError as exc:
                self._fail(exc)
                raise
            if frame is not None:
                msg_type, body = self._decode(frame)
                if msg_type != HEARTBEAT:
                    return msg_type, body
                continue
            self._receive_bytes(deadline, started)

    def close(self) -> None:
        """Stop heartbeats and close the transport (TLS close_notify when possible)."""
        if self.closed:
            return
        self._closed.set()
        self.transport.close()
        if self._heartbeat is not None and self._heartbeat is not threading.current_thread():
            self._heartbeat.join(timeout=2.0)

    def __enter__(self) -> Channel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _receive_bytes(self, deadline: float | None, started: float) -> None:
        # Silence counts only while we listen: bytes that waited in the kernel while we were busy
        # elsewhere are read at once, so a long computation on our side is not a dead peer.
        now = time.monotonic()
        silent = now - max(self._last_heard, started)
        if silent >= self.dead_after:
            self._fail(PeerError(f"The peer has sent nothing for {silent:.0f} seconds; the "
                                 "connection is considered lost."))
            raise self._failure
        wait = self.dead_after - silent
        if deadline is not None:
            if now >= deadline:
                raise ReceiveTimeout.coded("net.no_answer")
            wait = min(wait, deadline - now)
        try:
            data = self.transport.recv_some(wait)
        except TimeoutError:
            return
        except LianmoError as exc:
            self._fail(exc)
            raise
        try:
            if not data:
                self._decoder.close()  # RemoteProtocolError when a frame was cut in half
                self._fail(PeerClosed("The peer closed the connection."))
                raise self._failure
            self._last_heard = time.monotonic()
            self._decoder.append(data)
        except RemoteProtocolError as exc:
            self._fail(exc)
            raise

    def _decode(self, frame: bytes) -> tuple[str, dict]:
        try:
            return self.codec.decode(frame)
        except RemoteProtocolError as exc:
            self._fail(exc)
            raise

    def _fail(self, exc: LianmoError) -> None:
        if self._failure is None:
            self._failure = exc
            # A clean close is the normal end of a conversation; anything else is worth a warning.
            log.log(logging.INFO if isinstance(exc, PeerClosed) else logging.WARNING,
                    "peer channel closed: %s", exc)
        self.close()

    def _beat(self) -> None:
        interval = self.heartbeat_interval or 0
        while not self._closed.wait(interval / 4):
            if time.monotonic() - self._last_sent < interval:
                continue
            try:
                self.send(HEARTBEAT, {})
            except LianmoError:
                return  # recv() reports the failure to the caller


class MemoryTransport:
    """One end of an in-memory byte pipe with the TLS transport's interface."""

    def __init__(self, inbox: queue.Queue, outbox: queue.Queue) -> None:
        self._inbox, self._outbox = inbox, outbox
        self._closed = False
        self._eof = False

    def send(self, data: bytes) -> None:
        if self._closed:
            raise PeerError.coded("net.connection_closed")
        self._outbox.put(bytes(data))

    def recv_some(self, timeout: float | None) -> bytes:
        if self._eof:
            return b""
        try:
            item = self._inbox.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("no data from the peer in time") from None
        if item is None:
            self._eof = True
            return b""
        return item

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._outbox.put(None)


def memory_transport_pair() -> tuple[MemoryTransport, MemoryTransport]:
    a_to_b: queue.Queue = queue.Queue()
    b_to_a: queue.Queue = queue.Queue()
    return MemoryTransport(b_to_a, a_to_b), MemoryTransport(a_to_b, b_to_a)
