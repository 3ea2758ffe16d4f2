"""TLS 1.3 with mutual certificates and SPKI pinning, on a socket we drive ourselves.

How a link is verified (there is no CA; peers pin each other's SHA-256 SPKI fingerprint):

* **Server side** (the listener): ``CERT_REQUIRED`` with the *pinned peers' certificates* loaded as
  the only trust anchors (in memory, ``cadata``), plus ``VERIFY_X509_STRICT``. OpenSSL itself
  therefore refuses a client with no certificate, an unknown certificate or an expired one, during
  the handshake. We considered ``CERT_OPTIONAL`` + checking afterwards, but OpenSSL aborts on *any*
  verification failure once it asks for a certificate, and Python offers no verify callback, so a
  self-signed client cert can only be accepted by trusting it. Hence the listener needs the peers'
  certificates (public "identity cards" exchanged at pairing), not just their fingerprints. After the
  handshake the client's fingerprint must also be in the pinned set (defence in depth).
* **Client side** (``connect``): we pin only a fingerprint, so OpenSSL chain checks are off
  (``CERT_NONE``, no hostname check) and *we* check after the handshake, before sending anything:
  the certificate exists, is structurally sound and within its validity period, and its SPKI
  SHA-256 equals the pin. This is sound because TLS 1.3 always verifies the server's
  CertificateVerify signature over the handshake transcript, whatever the verify mode: the server
  proved it holds the pinned key.
* Session tickets are off (``num_tickets = 0``): a resumed TLS 1.3 session would skip certificates.
* The private key never touches disk in plaintext. Python's ``load_cert_chain`` only reads files,
  so the key is re-encrypted under a random one-time password and written to an anonymous memory
  file (``memfd_create``, Linux); elsewhere to a 0600 file in a private temporary directory deleted
  right after loading. Either way only ciphertext under a key that exists for milliseconds is
  ever in a file.

TLS runs on an ``SSLObject`` over memory BIOs: one lock around OpenSSL, socket reads and writes
done here with explicit deadlines, so a heartbeat thread may send while another thread receives.
"""

from __future__ import annotations

import os
import secrets
import selectors
import shutil
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Iterable

from cryptography.hazmat.primitives import serialization

from app.errors import PeerError
from app.messages import Term
from app.net.identity import (
    certificate_fingerprint, check_certificate, check_structure, format_fingerprint,
)

READ_SIZE = 256 * 1024


class PinMismatch(PeerError):
    """The peer's key is not the one we pinned: possibly someone else is answering."""


class TlsRefused(PeerError):
    """The TLS handshake failed or the peer refused us; the message says which side and why."""


class CertificateRefused(TlsRefused):
    """The peer's listener does not accept our certificate (not pinned there, or expired)."""


def server_context(cert_pem: bytes, key_pem: bytes, trusted_certs: Iterable[bytes]) -> ssl.SSLContext:
    """Listener context: TLS 1.3, client certificate required and trusted only if pinned."""
    ctx = _base_context(ssl.PROTOCOL_TLS_SERVER, cert_pem, key_pem)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    ctx.num_tickets = 0
    anchors = [check_structure(cert) for cert in trusted_certs]
    if anchors:
        pem = b"".join(a.public_bytes(serialization.Encoding.PEM) for a in anchors)
        ctx.load_verify_locations(cadata=pem.decode("ascii"))
    return ctx


def client_context(cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    """Connector context: TLS 1.3, presents our certificate; the server is checked by pin."""
    ctx = _base_context(ssl.PROTOCOL_TLS_CLIENT, cert_pem, key_pem)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # replaced by verify_pinned() right after the handshake
    return ctx


def _base_context(protocol: int, cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    ctx = ssl.SSLContext(protocol)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF  # a cut connection must not look like a clean end
    _load_identity(ctx, cert_pem, key_pem)
    return ctx


def _load_identity(ctx: ssl.SSLContext, cert_pem: bytes, key_pem: bytes) -> None:
    password = secrets.token_hex(32).encode()
    key = serialization.load_pem_private_key(key_pem, password=None)
    sealed = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.BestAvailableEncryption(password))
    blob = cert_pem.rstrip() + b"\n" + sealed
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("lianmo-identity", os.MFD_CLOEXEC)
        try:
            os.write(fd, blob)
            ctx.load_cert_chain(f"/proc/self/fd/{fd}", password=password)
        finally:
            os.close(fd)
        return
    folder = tempfile.mkdtemp(prefix="lianmo-")  # 0700
    path = os.path.join(folder, "identity.pem")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        ctx.load_cert_chain(path, password=password)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def verify_pinned(cert_der: bytes | None, pinned: Iterable[bytes]) -> bytes:
    """Check the peer's certificate and return its fingerprint if it is one of the pins."""
    if not cert_der:
        raise TlsRefused.coded("net.no_certificate")
    fingerprint = certificate_fingerprint(check_certificate(cert_der))
    pins = set(pinned)
    if fingerprint in pins:
        return fingerprint
    if len(pins) == 1:
        raise PinMismatch.coded("net.pin_mismatch", presented=format_fingerprint(fingerprint),
                                pinned=format_fingerprint(next(iter(pins))))
    raise PinMismatch.coded("net.not_pinned", presented=format_fingerprint(fingerprint))


class TlsTransport:
    """A byte pipe over TLS: ``send`` from any thread, ``recv_some`` from one reader thread."""

    def __init__(self, sock: socket.socket, ctx: ssl.SSLContext, server_side: bool,
                 io_timeout: float = 30.0) -> None:
        self._sock = sock
        self._sock.settimeout(io_timeout)  # bounds sendall() when the peer stops reading
        self._incoming, self._outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._tls = ctx.wrap_bio(self._incoming, self._outgoing, server_side=server_side)
        self._server_side = server_side
        self._tls_lock = threading.Lock()   # OpenSSL state
        self._send_lock = threading.Lock()  # keeps TLS records in order on the socket
        self._selector = selectors.DefaultSelector()
        self._selector.register(sock, selectors.EVENT_READ)
        self._closed = False
        self.peer_fingerprint = b""

    def handshake(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self._tls_lock:
                    try:
                        self._tls.do_handshake()
                        done = True
                    except ssl.SSLWantReadError:
                        done = False
            except ssl.SSLError as exc:
                self._flush()  # send our alert so the other side learns why
                raise _explain(exc, self._server_side) from exc
            self._flush()
            if done:
                return
            self._feed(self._read_socket(deadline))

    def peer_certificate(self) -> bytes | None:
        return self._tls.getpeercert(binary_form=True)

    def send(self, data: bytes) -> None:
        with self._send_lock:
            with self._tls_lock:
                self._tls.write(data)
            self._flush_locked()

    def recv_some(self, timeout: float | None) -> bytes:
        """Plaintext bytes; ``b""`` when the peer closed cleanly; TimeoutError when nothing came."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            data = self._read_plaintext()
            if data is not None:
                return data
            self._feed(self._read_socket(deadline))

    def _read_plaintext(self) -> bytes | None:
        """Whatever plaintext is decryptable now (several records at once), or None."""
        chunks: list[bytes] = []
        size = 0
        try:
            with self._tls_lock:
                while size < READ_SIZE:
                    chunk = self._tls.read(READ_SIZE - size)
                    if not chunk:  # close_notify received: the clean end
                        return b"".join(chunks)
                    chunks.append(chunk)
                    size += len(chunk)
        except ssl.SSLWantReadError:
            pass
        except ssl.SSLZeroReturnError:
            return b"".join(chunks)  # the clean end shows again on the next call
        except ssl.SSLEOFError as exc:
            if chunks:
                return b"".join(chunks)
            raise PeerError.coded("net.cut_off") from exc
        except ssl.SSLError as exc:
            if chunks:
                return b"".join(chunks)
            raise _explain(exc, self._server_side) from exc
        return b"".join(chunks) if chunks else None

    def close(self) -> None:
        """Send close_notify (best effort, briefly) and close the socket; idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            # A sender stuck on a peer that stopped reading holds the send lock: then skip the
            # goodbye rather than wait for it.
            if self._send_lock.acquire(timeout=0.5):
                try:
                    self._sock.settimeout(0.5)
                    with self._tls_lock:
                        try:
                            self._tls.unwrap()
                        except ssl.SSLError:
                            pass
                    self._flush_locked()
                finally:
                    self._send_lock.release()
        except (OSError, PeerError):
            pass
        finally:
            try:  # wakes a reader blocked in select() on this socket (close alone does not)
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._selector.close()
            self._sock.close()

    def _feed(self, data: bytes) -> None:
        with self._tls_lock:
            if data:
                self._incoming.write(data)
            else:
                self._incoming.write_eof()

    def _read_socket(self, deadline: float | None) -> bytes:
        if self._closed:
            raise PeerError.coded("net.connection_closed")
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            if not self._selector.select(remaining):
                raise TimeoutError("no data from the peer in time")
            return self._sock.recv(READ_SIZE)
        except (OSError, ValueError) as exc:  # ValueError: closed by another thread meanwhile
            if isinstance(exc, TimeoutError):
                raise
            raise PeerError.coded("net.cut_off") from exc

    def _flush(self) -> None:
        with self._send_lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        with self._tls_lock:
            data = self._outgoing.read()
        if not data:
            return
        try:
            self._sock.sendall(data)
        except socket.timeout as exc:
            raise PeerError.coded("net.stopped_reading") from exc
        except OSError as exc:
            raise PeerError.coded("net.cut_off") from exc


def _explain(exc: ssl.SSLError, server_side: bool) -> PeerError:
    """One sentence for a person, from OpenSSL's reason code."""
    if isinstance(exc, ssl.SSLEOFError):
        return TlsRefused.coded("net.tls_closed_in_handshake")
    reason = (exc.reason or "").upper()
    verify = getattr(exc, "verify_message", "") or ""
    if reason == "PEER_DID_NOT_RETURN_A_CERTIFICATE":
        return TlsRefused.coded("net.tls_no_client_certificate")
    if reason == "CERTIFICATE_VERIFY_FAILED":
        if "expired" in verify:
            return TlsRefused.coded("net.tls_client_expired")
        return TlsRefused.coded("net.tls_client_not_pinned")
    if "CERTIFICATE_EXPIRED" in reason:
        return CertificateRefused.coded("net.tls_our_certificate_expired")
    if "ALERT" in reason and ("CERTIFICATE" in reason or "UNKNOWN_CA" in reason):
        return CertificateRefused.coded("net.tls_our_certificate_refused")
    if "PROTOCOL_VERSION" in reason or "UNSUPPORTED_PROTOCOL" in reason:
        return TlsRefused.coded("net.tls_client_old_tls" if server_side else "net.tls_peer_old_tls")
    if reason in {"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST",
                  "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE", "UNEXPECTED_MESSAGE"}:
        return TlsRefused.coded("net.tls_not_tls")
    return TlsRefused.coded("net.tls_failed", reason=reason.lower() or Term("TLS error"))
