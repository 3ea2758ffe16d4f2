"""Peer sessions: the hello handshake on top of TLS, the listener, connecting and reconnecting.

Session handshake (both sides at once, right after TLS and the pin check):

1. each side sends ``lianmo.hello`` {versions it supports, party name, 32-byte random nonce};
2. each side picks the highest version both support (none in common: refused, with both lists);
3. each side computes ``session_id = SHA-256(label, client fp, server fp, client hello, server
   hello)`` over length-prefixed *canonical* encodings of the two hellos (client's first: the roles
   give the canonical order; the nonces are inside the hellos) and sends ``lianmo.confirm``
   {session_id, version};
4. each side checks the peer's confirm equals its own; otherwise the session is refused.

Why the transcript is bound: if anything between the two programs (a tampered build, a buggy proxy,
a future relay; TLS already stops a network attacker) removed the newer versions from one hello,
both sides would still agree on an older version by themselves, but they would hash *different*
hellos, so the confirms differ and the downgrade is detected. The fresh nonces make every session
id unique, and the fingerprints tie it to the two pinned keys; protocols and audit records can cite
it (as the transcript hash of this session).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import random
import secrets
import selectors
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization

from app.errors import LianmoError, PeerError, RemoteProtocolError
from app.net import channel as channel_messages
from app.net.channel import Channel, PeerClosed, ReceiveTimeout, memory_transport_pair
from app.net.framing import DEFAULT_MAX_FRAME
from app.net.identity import (
    Identity, certificate_fingerprint, check_structure, format_fingerprint,
)
from app.net.tls import (
    CertificateRefused, PinMismatch, TlsRefused, TlsTransport, client_context, server_context,
)
from app.net.tls import verify_pinned
from app.schema import Bytes, Codec, Int, List, Message, Str

log = logging.getLogger(__name__)

PROTOCOL_VERSIONS = (1,)
HELLO, CONFIRM = "lianmo.hello", "lianmo.confirm"
_LABEL = b"lianmo/session/v1"
PRE_AUTH_MAX_FRAME = 4096  # hello and confirm are < 1 KiB; nothing bigger before they match
MAX_SESSIONS_PER_PEER = 4  # a job run, a proposal waiting for its decision, a check, one spare
MESSAGES = channel_messages.MESSAGES + (
    Message(HELLO, 1, {"versions": List(Int(1, 65535), max_len=32, min_len=1),
                       "party": Str(max_len=128, min_len=1), "nonce": Bytes(size=32)},
            max_bytes=1024),
    Message(CONFIRM, 1, {"session_id": Bytes(size=32), "version": Int(1, 65535)}, max_bytes=128),
)


def session_codec(*declarations: Iterable[Message]) -> Codec:
    """A codec for a channel that carries ``declarations`` after the session handshake."""
    return Codec(MESSAGES + tuple(m for group in declarations for m in group))


@dataclass(frozen=True)
class ChannelOptions:
    """How channels behave once connected (the same on both sides)."""
    codec: Codec = session_codec()
    max_frame: int = DEFAULT_MAX_FRAME
    heartbeat_interval: float | None = 5.0
    dead_after: float | None = None
    io_timeout: float = 30.0  # a send blocked this long (peer not reading) fails


def negotiate(mine: Iterable[int], theirs: Iterable[int]) -> int:
    common = set(mine) & set(theirs)
    if not common:
        raise PeerError.coded("net.no_common_version", ours=str(sorted(set(mine))),
                              theirs=str(sorted(set(theirs))))
    return max(common)


def derive_session_id(client_fp: bytes, server_fp: bytes, client_hello: bytes,
                      server_hello: bytes) -> bytes:
    digest = hashlib.sha256(_LABEL)
    for part in (client_fp, server_fp, client_hello, server_hello):
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return digest.digest()


def run_handshake(channel: Channel, *, is_client: bool, party_name: str,
                  versions: Iterable[int] = PROTOCOL_VERSIONS, timeout: float = 10.0) -> None:
    """Exchange hellos and confirms; sets channel.session_id, .version and .peer_name."""
    deadline = time.monotonic() + timeout
    codec = channel.codec
    channel.cap_frames(PRE_AUTH_MAX_FRAME)
    hello = {"versions": sorted(set(versions)), "party": party_name,
             "nonce": secrets.token_bytes(32)}
    channel.send(HELLO, hello)
    peer_hello = _expect(channel, HELLO, deadline)
    version = negotiate(hello["versions"], peer_hello["versions"])
    ours, theirs = codec.canonical(HELLO, hello), codec.canonical(HELLO, peer_hello)
    if is_client:
        session_id = derive_session_id(channel.local_fingerprint, channel.peer_fingerprint,
                                       ours, theirs)
    else:
        session_id = derive_session_id(channel.peer_fingerprint, channel.local_fingerprint,
                                       theirs, ours)
    channel.send(CONFIRM, {"session_id": session_id, "version": version})
    confirm = _expect(channel, CONFIRM, deadline)
    if not hmac.compare_digest(confirm["session_id"], session_id) or confirm["version"] != version:
        raise RemoteProtocolError.coded("net.handshake_mismatch")
    channel.session_id, channel.version, channel.peer_name = session_id, version, peer_hello["party"]
    channel.cap_frames(None)


def _expect(channel: Channel, msg_type: str, deadline: float) -> dict:
    try:
        got, body = channel.recv(timeout=max(0.0, deadline - time.monotonic()))
    except ReceiveTimeout as exc:
        raise PeerError.coded("net.session_timeout") from exc
    if got != msg_type:
        raise RemoteProtocolError.coded("net.wrong_message", got=got, expected=msg_type)
    return body


def address_text(host: str, port: int) -> str:
    """``host:port`` as people type it (``[v6]:port`` for an IPv6 address)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def unreachable(host: str, port: int, exc: OSError) -> PeerError:
    """A failed connection as a sentence naming the address tried and what to check there."""
    address = address_text(host, port)
    if isinstance(exc, ConnectionRefusedError):
        return PeerError.coded("net.refused", address=address)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return PeerError.coded("net.timed_out", address=address)
    if isinstance(exc, socket.gaierror):
        return PeerError.coded("net.unknown_host", address=address)
    return PeerError.coded("net.unreachable", address=address,
                           reason=exc.strerror or type(exc).__name__)


def connect(host: str, port: int, identity: Identity, pinned_fingerprint: bytes, *,
            party_name: str, versions: Iterable[int] = PROTOCOL_VERSIONS, timeout: float = 10.0,
            options: ChannelOptions = ChannelOptions()) -> Channel:
    """Open a verified session to a pinned peer; every failure is a PeerError sentence."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise unreachable(host, port, exc) from exc
    transport = TlsTransport(sock, client_context(identity.cert_pem, identity.key_pem),
                             server_side=False, io_timeout=options.io_timeout)
    try:
        transport.handshake(timeout)
        peer_fp = verify_pinned(transport.peer_certificate(), [pinned_fingerprint])
        channel = _channel(transport, options, peer_fp, identity.fingerprint)
        run_handshake(channel, is_client=True, party_name=party_name, versions=versions,
                      timeout=timeout)
        return channel
    except TimeoutError as exc:
        transport.close()
        raise PeerError.coded("net.handshake_timeout", address=address_text(host, port),
                              seconds=timeout) from exc
    except CertificateRefused as exc:
        transport.close()
        why = exc.as_param()
        ours = format_fingerprint(identity.fingerprint)
        raise CertificateRefused.coded("net.our_certificate_refused", why=why,
                                       fingerprint=ours) from exc
    except BaseException:
        transport.close()
        raise


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off with jitter: initial, initial*factor, ... capped at ``maximum``."""
    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    jitter: float = 0.25  # each delay is scaled by a random factor in [1 - jitter, 1]

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay * random.uniform(1 - self.jitter, 1)
            delay = min(delay * self.factor, self.maximum)


def connect_with_retry(host: str, port: int, identity: Identity, pinned_fingerprint: bytes, *,
                       attempts: int = 5, backoff: Backoff = Backoff(),
                       sleep: Callable[[float], None] = time.sleep, task: object = None,
                       **kwargs: object) -> Channel:
    """``connect`` again after transient failures (unreachable, cut off, timeout).

    A wrong fingerprint, a refused certificate or a protocol error is not transient and is raised
    at once: retrying would only hide it.
    """
    delays = backoff.delays()
    for attempt in range(1, attempts + 1):
        if task is not None:
            task.check_cancelled()
        try:
            return connect(host, port, identity, pinned_fingerprint, **kwargs)
        except (PinMismatch, TlsRefused, RemoteProtocolError):
            raise
        except PeerError as exc:
            if attempt == attempts:
                raise
            delay = next(delays)
            log.info("peer not reachable (attempt %d of %d): %s; retrying in %.1f s",
                     attempt, attempts, exc, delay)
            sleep(delay)
    raise PeerError.coded("net.not_reached")  # attempts < 1


class Listener:
    """Accepts pinned peers in background threads; ``on_session(channel)`` owns each channel.

    Strangers must not be able to lock a pinned peer out by holding connections open, so a
    connection earns a handshake thread step by step. It waits without a thread until it sends
    its first byte (a real client sends its TLS hello at once; a silent one is dropped after
    ``FIRST_BYTE_TIMEOUT``, or sooner when newer silent ones from its address crowd it out).
    Then it takes a handshake slot from its pool: connections from ``allowed_sources`` (the
    pinned peers' addresses) share ``MAX_PENDING`` slots, at most ``MAX_PER_ADDRESS`` per
    address; any other address shares the ``STRANGER_SLOTS`` (one each), enough for a peer that
    is pairing (it fetches our certificate before we pinned it) and never one of the pinned
    peers' slots. ``allowed_sources=None`` counts every address as pinned. Behind a shared
    address (NAT, or a stranger on the peer's own machine) only the limits and timeouts help.
    """

    MAX_PENDING = 16          # concurrent handshakes of pinned addresses: threads stay bounded
    MAX_PER_ADDRESS = 4       # of which one source address may hold
    STRANGER_SLOTS = 2        # concurrent handshakes of all other addresses, one per address
    MAX_SILENT = 256          # connections waiting for their first byte, from all addresses
    MAX_SILENT_PER_ADDRESS = 32
    FIRST_BYTE_TIMEOUT = 2.0  # seconds a connection may stay silent
    REPORT_EVERY = 10.0       # seconds between two reports of dropped connections (no log flood)

    def __init__(self, sock: socket.socket, identity: Identity, trusted_certs: Iterable[bytes],
                 on_session: Callable[[Channel], None], party_name: str, versions: Iterable[int],
                 handshake_timeout: float, options: ChannelOptions,
                 on_error: Callable[[LianmoError], None] | None,
                 allowed_sources: Iterable[str] | None = None) -> None:
        trusted = list(trusted_certs)
        self._ctx = server_context(identity.cert_pem, identity.key_pem, trusted)
        self._pins = {certificate_fingerprint(cert) for cert in trusted}
        self._sock, self._identity = sock, identity
        self._on_session, self._on_error = on_session, on_error
        self._party, self._versions = party_name, tuple(versions)
        self._timeout, self._options = handshake_timeout, options
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._allowed = None if allowed_sources is None else _normalised(allowed_sources)
        self._handshaking: Counter = Counter()  # per source address (str) and per pool (bool)
        self._silent: dict[socket.socket, tuple[str, bool, float]] = {}  # oldest first
        self._dropped, self._reported_at = 0, -self.REPORT_EVERY
        self._channels: set[Channel] = set()
        self._workers: set[threading.Thread] = set()
        self.errors: list[LianmoError] = []  # refused connections, newest last (for diagnostics)
        self.dropped = 0  # connections dropped for want of a slot, since the start
        self.host, self.port = sock.getsockname()[:2]
        self._thread = threading.Thread(target=self._accept_loop, name="lianmo-listener",
                                        daemon=True)
        self._thread.start()

    def allow(self, sources: Iterable[str] | None) -> None:
        """Replace the source addresses that may connect (``None``: any), from now on."""
        allowed = None if sources is None else _normalised(sources)
        with self._lock:
            self._allowed = allowed

    def trust(self, cert_pem: bytes) -> None:
        """Accept one more pinned peer, for connections from now on."""
        anchor = check_structure(cert_pem)
        pem = anchor.public_bytes(serialization.Encoding.PEM).decode("ascii")
        with self._lock:
            self._ctx.load_verify_locations(cadata=pem)
            self._pins = self._pins | {certificate_fingerprint(anchor)}

    def forget(self, fingerprint: bytes) -> None:
        """Refuse a peer from now on. OpenSSL cannot drop a trust anchor from a live context, but
        the pin check after every handshake uses this set, so the peer is refused there."""
        with self._lock:
            self._pins = self._pins - {fingerprint}

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, close every channel still open, wait for the threads."""
        self._stop.set()
        self._thread.join(timeout)
        self._sock.close()
        with self._lock:
            channels, workers = list(self._channels), list(self._workers)
        for channel in channels:
            channel.close()
        for worker in workers:
            worker.join(timeout)

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        self._sock.setblocking(False)
        with selectors.DefaultSelector() as selector:
            selector.register(self._sock, selectors.EVENT_READ)
            try:
                while not self._stop.is_set():
                    for key, _events in selector.select(self._next_wait()):
                        if key.fileobj is self._sock:
                            self._accept(selector)
                        else:
                            self._spoke(selector, key.fileobj)
                    self._drop_silent(selector, time.monotonic())
            except OSError:
                return  # the listening socket was closed
            finally:
                for conn in list(self._silent):
                    conn.close()
                self._silent.clear()

    def _next_wait(self) -> float:
        """Poll the stop flag, and wake for the oldest silent connection's deadline."""
        if not self._silent:
            return 0.2
        oldest_deadline = next(iter(self._silent.values()))[2]
        return min(0.2, max(0.0, oldest_deadline - time.monotonic()))

    def _accept(self, selector: selectors.BaseSelector) -> None:
        for _ in range(64):  # drain the backlog, but keep serving the silent ones too
            try:
                conn, addr = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            source = _source(addr)
            with self._lock:
                pinned = self._allowed is None or source in self._allowed
            same = [c for c, (s, _, _) in self._silent.items() if s == source]
            strangers = [c for c, (_, p, _) in self._silent.items() if not p]
            if len(same) >= self.MAX_SILENT_PER_ADDRESS:
                self._forget_silent(selector, same[0])
            elif len(self._silent) >= self.MAX_SILENT:
                if not (strangers or pinned):
                    conn.close()  # strangers never crowd out a pinned address's connection
                    self._dropped_one()
                    continue
                self._forget_silent(selector, (strangers or list(self._silent))[0])
            conn.setblocking(False)
            self._silent[conn] = (source, pinned, time.monotonic() + self.FIRST_BYTE_TIMEOUT)
            selector.register(conn, selectors.EVENT_READ)

    def _spoke(self, selector: selectors.BaseSelector, conn: socket.socket) -> None:
        """The connection sent its first bytes: give it a handshake thread if its pool has room."""
        source, pinned, _ = self._silent.pop(conn)
        selector.unregister(conn)
        try:
            spoke = conn.recv(1, socket.MSG_PEEK)
        except OSError:
            spoke = b""
        if not spoke:  # hung up without a word: nothing worth a thread or a report
            conn.close()
            return
        pool, per_address = ((self.MAX_PENDING, self.MAX_PER_ADDRESS) if pinned
                             else (self.STRANGER_SLOTS, 1))
        with self._lock:
            room = self._handshaking[pinned] < pool and self._handshaking[source] < per_address
            if room:
                self._handshaking.update((pinned, source))
        if not room:
            conn.close()
            self._dropped_one()
            return
        conn.setblocking(True)
        worker = threading.Thread(target=self._serve_one, args=(conn, source, pinned),
                                  daemon=True, name="lianmo-peer")
        with self._lock:
            self._workers = {w for w in self._workers if w.is_alive()} | {worker}
        worker.start()

    def _drop_silent(self, selector: selectors.BaseSelector, now: float) -> None:
        while self._silent:
            conn, (_, _, deadline) = next(iter(self._silent.items()))
            if deadline > now:
                return
            self._forget_silent(selector, conn)

    def _forget_silent(self, selector: selectors.BaseSelector, conn: socket.socket) -> None:
        del self._silent[conn]
        selector.unregister(conn)
        conn.close()

    def _dropped_one(self) -> None:
        """Count every drop, report them at most every ``REPORT_EVERY`` seconds."""
        self.dropped += 1
        self._dropped += 1
        now = time.monotonic()
        if now - self._reported_at >= self.REPORT_EVERY:
            self._report(PeerError(f"Too many connections at once; {self._dropped} were "
                                   "dropped."))
            self._dropped, self._reported_at = 0, now

    def _serve_one(self, conn: socket.socket, source: str, pinned: bool) -> None:
        channel = None
        try:
            channel = self._establish(conn)
        except LianmoError as exc:
            self._report(exc)
        finally:
            with self._lock:
                self._handshaking.subtract((pinned, source))
                if not self._handshaking[source]:
                    del self._handshaking[source]
        if channel is None:
            return
        with self._lock:
            self._channels = {c for c in self._channels if not c.closed}
            crowded = sum(c.peer_fingerprint == channel.peer_fingerprint
                          for c in self._channels) >= MAX_SESSIONS_PER_PEER
            if not crowded:
                self._channels.add(channel)
        if crowded:
            self._report(PeerError(f"A peer opened more than {MAX_SESSIONS_PER_PEER} sessions "
                                   "at once; the newest was dropped."))
            channel.close()
            return
        try:
            self._on_session(channel)
        except Exception:  # the handler's bug must not kill the listener
            log.exception("session handler failed")
            channel.close()

    def _establish(self, conn: socket.socket) -> Channel:
        transport = TlsTransport(conn, self._ctx, server_side=True,
                                 io_timeout=self._options.io_timeout)
        try:
            transport.handshake(self._timeout)
            peer_fp = verify_pinned(transport.peer_certificate(), self._pins)
            channel = _channel(transport, self._options, peer_fp, self._identity.fingerprint)
            run_handshake(channel, is_client=False, party_name=self._party,
                          versions=self._versions, timeout=self._timeout)
            return channel
        except TimeoutError as exc:
            transport.close()
            raise TlsRefused.coded("net.handshake_dropped") from exc
        except PeerClosed as exc:
            transport.close()
            raise PeerError.coded("net.hung_up") from exc
        except BaseException:
            transport.close()
            raise

    def _report(self, exc: LianmoError) -> None:
        log.warning("incoming peer connection refused: %s", exc)
        with self._lock:
            self.errors = (self.errors + [exc])[-100:]
        if self._on_error is not None:
            self._on_error(exc)


def serve(host: str, port: int, identity: Identity, trusted_certs: Iterable[bytes],
          on_session: Callable[[Channel], None], *, party_name: str,
          versions: Iterable[int] = PROTOCOL_VERSIONS, handshake_timeout: float = 5.0,
          options: ChannelOptions = ChannelOptions(),
          on_error: Callable[[LianmoError], None] | None = None,
          allowed_sources: Iterable[str] | None = None) -> Listener:
    """Listen on host:port (0 = any free port; read ``listener.port``) for pinned peers, from
    ``allowed_sources`` only (IP addresses, see ``source_addresses``; ``None``: any address)."""
    sock = socket.create_server((host, port), reuse_port=False)
    try:
        return Listener(sock, identity, trusted_certs, on_session, party_name, versions,
                        handshake_timeout, options, on_error, allowed_sources)
    except BaseException:
        sock.close()
        raise


def source_addresses(hosts: Iterable[str]) -> frozenset[str]:
    """The IP addresses of host names or literals (a name that does not resolve adds none)."""
    found: set[str] = set()
    for host in hosts:
        host = host.strip("[]")
        try:
            found.add(str(ipaddress.ip_address(host)))
            continue
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            continue
        found.update(info[4][0] for info in infos)
    return _normalised(found)


def _normalised(addresses: Iterable[str]) -> frozenset[str]:
    return frozenset(_source((a,)) for a in addresses)


def _source(addr: tuple) -> str:
    """One spelling per address: no IPv6 zone, IPv4-mapped IPv6 as plain IPv4."""
    text = str(addr[0]).split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text
    mapped = getattr(ip, "ipv4_mapped", None)
    return str(mapped or ip)


def memory_channel_pair(*, party_names: tuple[str, str] = ("A", "B"),
                        versions: tuple[Iterable[int], Iterable[int]] = (PROTOCOL_VERSIONS,
                                                                         PROTOCOL_VERSIONS),
                        options: ChannelOptions = ChannelOptions(heartbeat_interval=None),
                        handshake: bool = True) -> tuple[Channel, Channel]:
    """Two connected channels in memory (first = client role) for protocol unit tests."""
    ends = memory_transport_pair()
    fps = [hashlib.sha256(f"memory-peer-{name}".encode()).digest() for name in party_names]
    a = _channel(ends[0], options, fps[1], fps[0])
    b = _channel(ends[1], options, fps[0], fps[1])
    if handshake:
        errors: list[BaseException] = []

        def server_side() -> None:
            try:
                run_handshake(b, is_client=False, party_name=party_names[1], versions=versions[1])
            except BaseException as exc:  # re-raised below, in the caller's thread
                errors.append(exc)
        thread = threading.Thread(target=server_side, daemon=True)
        thread.start()
        try:
            run_handshake(a, is_client=True, party_name=party_names[0], versions=versions[0])
        finally:
            thread.join(timeout=15)
        if errors:
            raise errors[0]
    return a, b


def _channel(transport: object, options: ChannelOptions, peer_fp: bytes,
             local_fp: bytes) -> Channel:
    return Channel(transport, codec=options.codec, max_frame=options.max_frame,
                   heartbeat_interval=options.heartbeat_interval, dead_after=options.dead_after,
                   peer_fingerprint=peer_fp, local_fingerprint=local_fp)


__all__ = ["Backoff", "ChannelOptions", "Listener", "MESSAGES", "PROTOCOL_VERSIONS", "connect",
           "connect_with_retry", "derive_session_id", "memory_channel_pair",
           "negotiate", "run_handshake", "serve", "session_codec", "source_addresses"]
