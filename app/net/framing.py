"""Sans-IO length-prefixed frames: a 4-byte big-endian length, then that many payload bytes.

The length is checked against the cap as soon as its 4 bytes arrive, *before* any buffer for the
payload is reserved, so a peer announcing 2**32-1 bytes costs us nothing (frame parsers without a
cap are a classic remote memory exhaustion). The decoder never touches sockets (the h11 model):
feed it bytes, get whole payloads back; tell it about EOF with :meth:`FrameDecoder.close`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from app.errors import LocalProtocolError, RemoteProtocolError

HEADER = struct.Struct(">I")
DEFAULT_MAX_FRAME = 64 * 1024 * 1024
PEEK = 258  # enough of a payload to read its message type (see ``limit_of``)


def encode_frame(payload: bytes, max_frame: int = DEFAULT_MAX_FRAME) -> bytes:
    """Header + payload; refusing what the peer's decoder would refuse anyway."""
    if not payload:
        raise LocalProtocolError("Refusing to send an empty frame.")
    if len(payload) > max_frame:
        raise LocalProtocolError(
            f"Refusing to send a frame of {len(payload)} bytes (limit {max_frame}).")
    return HEADER.pack(len(payload)) + payload


class FrameDecoder:
    """Turns a byte stream into frames; one instance per connection direction.

    After any error the decoder stays broken: a stream that lost framing cannot be trusted again.
    """

    def __init__(self, max_frame: int = DEFAULT_MAX_FRAME,
                 limit_of: Callable[[bytes], int] | None = None) -> None:
        if not 0 < max_frame < 2 ** 32:
            raise LocalProtocolError("The frame size limit must be between 1 and 2**32-1.")
        self.max_frame = max_frame
        # limit_of(first bytes of a payload) -> that payload's own cap (its message type's),
        # applied as soon as those bytes arrive, before the rest is buffered.
        self.limit_of = limit_of
        self._buffer = bytearray()
        self._type_checked = False  # the buffered frame's type cap was checked (once per frame)
        self._error: RemoteProtocolError | None = None
        self._closed = False

    @property
    def pending(self) -> int:
        """Bytes buffered towards an incomplete frame (0 between frames)."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; return every frame they completed, in order."""
        self.append(data)
        frames: list[bytes] = []
        while True:
            frame = self.next_frame()
            if frame is None:
                return frames
            frames.append(frame)

    def append(self, data: bytes) -> None:
        """Add received bytes without looking at them: each frame's length is checked when
        :meth:`next_frame` reaches it, against the cap in force *then* (the cap tightens and
        loosens with the session's state)."""
        self._check_usable()
        if self._closed:
            raise LocalProtocolError("Bytes fed to a frame decoder after end of stream.")
        self._buffer += data

    def close(self) -> None:
        """End of stream: fine between frames, RemoteProtocolError inside one."""
        self._check_usable()
        self._closed = True
        if self._buffer:
            self._fail(RemoteProtocolError.coded("net.truncated_frame"))

    def next_frame(self) -> bytes | None:
        """The next whole frame, or None until its bytes have arrived."""
        self._check_usable()
        if len(self._buffer) < HEADER.size:
            return None
        (length,) = HEADER.unpack_from(self._buffer)
        if length == 0:
            self._fail(RemoteProtocolError.coded("net.empty_frame"))
        if length > self.max_frame:
            self._fail(RemoteProtocolError.coded("net.frame_too_big", size=length,
                                                 limit=self.max_frame))
        end = HEADER.size + length
        if self.limit_of is not None and not self._type_checked \
                and len(self._buffer) >= HEADER.size + min(length, PEEK):
            try:
                limit = self.limit_of(bytes(self._buffer[HEADER.size:HEADER.size
                                                         + min(length, PEEK)]))
            except RemoteProtocolError as exc:
                self._fail(exc)
            if length > limit:
                self._fail(RemoteProtocolError.coded("net.message_too_big", size=length,
                                                     limit=limit))
            self._type_checked = True
        if len(self._buffer) < end:
            return None
        with memoryview(self._buffer) as view:
            frame = bytes(view[HEADER.size:end])
        del self._buffer[:end]
        self._type_checked = False
        return frame

    def _fail(self, error: RemoteProtocolError) -> None:
        self._error = error
        self._buffer.clear()
        raise error

    def _check_usable(self) -> None:
        if self._error is not None:   # the same sentence again, in a fresh error
            error = self._error
            raise RemoteProtocolError(str(error), code=error.code, params=error.params)
