"""Real TLS 1.3 on 127.0.0.1 (port 0): who gets in, who is refused, and how links fail and recover."""

import datetime as dt
import os
import queue
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.errors import LianmoError, PeerError, RemoteProtocolError
from app.net.channel import PeerClosed, ReceiveTimeout
from app.net import peer_session
from app.net.framing import encode_frame
from app.net.identity import format_fingerprint, generate_identity
from app.net.peer_session import Backoff, ChannelOptions, session_codec
from app.net.tls import CertificateRefused, PinMismatch, TlsRefused
from app.schema import Bytes, Int, Message, Str

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
CODEC = session_codec([Message("test.echo", 1, {"n": Int(0, 1000), "text": Str(max_len=50)},
                               max_bytes=256),
                       Message("test.blob", 1, {"data": Bytes(max_len=4 << 20)},
                               max_bytes=(4 << 20) + 64)])


def Options(**kwargs):
    """Channel options whose codec knows this module's test messages."""
    return ChannelOptions(codec=CODEC, **kwargs)


def serve(*args, options=None, **kwargs):
    return peer_session.serve(*args, options=options or Options(), **kwargs)


def connect(*args, options=None, **kwargs):
    return peer_session.connect(*args, options=options or Options(), **kwargs)


def connect_with_retry(*args, options=None, **kwargs):
    return peer_session.connect_with_retry(*args, options=options or Options(), **kwargs)

PAST = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
BANK = generate_identity("Bank")
PLATFORM = generate_identity("Platform")
STRANGER = generate_identity("Stranger")
EXPIRED = generate_identity("Expired", not_before=PAST, valid_days=10)


class Echo:
    """Server-side session handler: echoes n+1, records messages and the error that ended it."""

    def __init__(self, recv_timeout=5.0):
        self.events = queue.Queue()
        self.recv_timeout = recv_timeout

    def __call__(self, channel):
        self.events.put(("session", channel))
        try:
            while True:
                msg_type, body = channel.recv(timeout=self.recv_timeout)
                channel.send("test.echo", {"n": body["n"] + 1, "text": body["text"]})
        except LianmoError as exc:
            self.events.put(("error", exc))
            channel.close()

    def next(self, kind, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got_kind, value = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if got_kind == kind:
                return value
        raise AssertionError(f"no {kind} event")


def wait_for_error(listener, timeout=5.0, seen=0):
    """The newest refusal once more than ``seen`` were recorded (refusals land asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(listener.errors) > seen:
            return listener.errors[-1]
        time.sleep(0.02)
    raise AssertionError("the listener recorded no refusal")


def wait_for_error_list(listener, settle=0.3):
    """The refusals so far, after letting any in flight land."""
    time.sleep(settle)
    return list(listener.errors)


@pytest.fixture()
def echo():
    return Echo()


@pytest.fixture()
def listener(echo):
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem, EXPIRED.cert_pem], echo, party_name="Bank",
               handshake_timeout=2.0) as lst:
        yield lst


def dial(port, identity=PLATFORM, pin=BANK.fingerprint, **kwargs):
    return connect(HOST, port, identity, pin, party_name="Platform", timeout=3.0, **kwargs)


def test_pinned_peer_is_accepted(listener, echo):
    assert listener.port > 0
    with dial(listener.port) as channel:
        channel.send("test.echo", {"n": 41, "text": "你好"})
        assert channel.recv(timeout=3) == ("test.echo", {"n": 42, "text": "你好"})
        server_side = echo.next("session")
        assert channel.session_id == server_side.session_id
        assert channel.peer_name == "Bank" and server_side.peer_name == "Platform"
        assert channel.peer_fingerprint == BANK.fingerprint
        assert server_side.peer_fingerprint == PLATFORM.fingerprint
    assert listener.errors == []


def test_wrong_server_fingerprint_is_refused_showing_both(listener):
    with pytest.raises(PinMismatch) as caught:
        dial(listener.port, pin=STRANGER.fingerprint)
    message = str(caught.value)
    assert format_fingerprint(BANK.fingerprint) in message
    assert format_fingerprint(STRANGER.fingerprint) in message


def test_client_not_pinned_by_the_server_is_refused(listener):
    with pytest.raises(CertificateRefused, match="refused our certificate") as caught:
        dial(listener.port, identity=STRANGER)
    assert format_fingerprint(STRANGER.fingerprint) in str(caught.value)
    assert "not pinned" in str(wait_for_error(listener))


def _bare_client_context(with_cert=None, max_version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if max_version:
        ctx.maximum_version = max_version
    if with_cert:
        ctx.load_cert_chain(*with_cert)
    return ctx


def test_client_without_certificate_is_refused(listener):
    with socket.create_connection((HOST, listener.port), timeout=3) as raw:
        with _bare_client_context().wrap_socket(raw) as tls:
            assert tls.version() == "TLSv1.3"  # TLS 1.3: the client finishes first ...
            with pytest.raises(ssl.SSLError, match="CERTIFICATE_REQUIRED"):
                tls.recv(100)  # ... and then reads the server's refusal
    assert "without a client certificate" in str(wait_for_error(listener))


def test_plain_tcp_client_is_refused(listener):
    with socket.create_connection((HOST, listener.port), timeout=3) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = b""
        try:
            while chunk := raw.recv(1024):
                reply += chunk
        except ConnectionResetError:
            pass
    assert b"HTTP" not in reply  # at most a TLS alert, never an answer
    assert "did not speak TLS" in str(wait_for_error(listener))


def test_stalled_tcp_client_is_dropped_after_the_handshake_timeout(echo):
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], echo, party_name="Bank",
               handshake_timeout=0.5) as lst:
        with socket.create_connection((HOST, lst.port), timeout=3) as raw:
            raw.sendall(b"\x16")  # the first byte of a TLS record, then nothing
            assert raw.recv(10) == b""  # the server hung up on us
        assert "in time" in str(wait_for_error(lst))


def test_tls12_only_client_is_refused(listener, tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_bytes(PLATFORM.cert_pem)
    key.write_bytes(PLATFORM.key_pem)
    ctx = _bare_client_context((cert, key), max_version=ssl.TLSVersion.TLSv1_2)
    with socket.create_connection((HOST, listener.port), timeout=3) as raw:
        with pytest.raises(ssl.SSLError, match="(?i)protocol.version"):
            ctx.wrap_socket(raw)
    assert "does not support TLS 1.3" in str(wait_for_error(listener))


def test_expired_client_certificate_is_refused_even_if_pinned(listener):
    with pytest.raises(CertificateRefused, match="expired"):
        dial(listener.port, identity=EXPIRED)
    assert "expired" in str(wait_for_error(listener))


def test_expired_server_certificate_is_refused(echo):
    with serve(HOST, 0, EXPIRED, [PLATFORM.cert_pem], echo, party_name="Old") as lst:
        with pytest.raises(PeerError, match="expired"):
            dial(lst.port, pin=EXPIRED.fingerprint)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary on this machine")
def test_openssl_s_client_without_certificate_is_refused(listener, tmp_path):
    # -ign_eof: keep reading after stdin ends, until the server closes the connection
    args = ["openssl", "s_client", "-connect", f"{HOST}:{listener.port}", "-tls1_3", "-ign_eof"]
    done = subprocess.run(args, input=b"hello\n", capture_output=True, timeout=15)
    output = (done.stdout + done.stderr).decode(errors="replace")
    assert "TLSv1.3" in output  # it did reach us and speak TLS 1.3 ...
    assert "alert certificate required" in output  # ... and was told why it was refused
    assert "without a client certificate" in str(wait_for_error(listener))
    # Control: the same tool with a pinned certificate passes TLS (then fails our framing).
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_bytes(PLATFORM.cert_pem)
    key.write_bytes(PLATFORM.key_pem)
    count = len(listener.errors)
    subprocess.run(args + ["-cert", str(cert), "-key", str(key)], input=b"hello\n",
                   capture_output=True, timeout=15)
    deadline = time.monotonic() + 5
    while len(listener.errors) == count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "client certificate" not in str(listener.errors[-1])
    assert "not pinned" not in str(listener.errors[-1])


def test_oversize_frame_over_real_tls(listener, echo):
    channel = dial(listener.port)
    channel.transport.send(struct.pack(">I", 2 ** 32 - 1))
    assert "over the limit" in str(echo.next("error"))
    channel.close()


def test_read_timeout_and_dead_peer_over_tls():
    echo = Echo(recv_timeout=0.5)
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], echo, party_name="Bank") as lst:
        channel = dial(lst.port)  # sends nothing after the handshake
        assert isinstance(echo.next("error"), ReceiveTimeout)
        channel.close()
    quiet = Options(heartbeat_interval=None)
    echo = Echo(recv_timeout=None)
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], echo, party_name="Bank",
               options=Options(heartbeat_interval=None, dead_after=0.5)) as lst:
        channel = dial(lst.port, options=quiet)  # no heartbeats either: looks dead
        started = time.monotonic()
        assert "sent nothing" in str(echo.next("error"))
        assert time.monotonic() - started < 3
        channel.close()


def test_heartbeats_keep_an_idle_tls_link_alive():
    echo = Echo(recv_timeout=1.5)
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], echo, party_name="Bank",
               options=Options(heartbeat_interval=None, dead_after=0.6)) as lst:
        channel = dial(lst.port, options=Options(heartbeat_interval=0.1))
        assert isinstance(echo.next("error"), ReceiveTimeout)  # not "sent nothing"
        channel.close()


def test_send_to_a_peer_that_stopped_reading_times_out():
    release = threading.Event()

    def stalled(channel):  # accepts, then never reads
        release.wait(10)
        channel.close()

    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], stalled, party_name="Bank") as lst:
        channel = dial(lst.port, options=Options(io_timeout=0.5, heartbeat_interval=None))
        started = time.monotonic()
        with pytest.raises(PeerError, match="stopped reading"):
            for _ in range(64):  # far more than the socket buffers hold
                channel.send("test.blob", {"data": bytes(4 << 20)})
        assert time.monotonic() - started < 8
        release.set()


KILLED_CLIENT = """
import sys, time
from app.net.framing import encode_frame
from app.net.identity import Identity
from app.net.peer_session import ChannelOptions, connect, session_codec
from app.schema import Int, Message, Str
CODEC = session_codec([Message("test.echo", 1, {"n": Int(0, 1000), "text": Str(max_len=50)},
                               max_bytes=256)])
cert, key, port, pin = sys.argv[1:]
ident = Identity(open(cert, "rb").read(), open(key, "rb").read())
channel = connect("127.0.0.1", int(port), ident, bytes.fromhex(pin), party_name="Doomed", timeout=5,
                  options=ChannelOptions(codec=CODEC))
frame = encode_frame(CODEC.encode("test.echo", {"n": 1, "text": "x" * 50}))
channel.transport.send(frame[: len(frame) // 2])
print("half sent", flush=True)
time.sleep(60)
"""


def test_peer_killed_mid_message_then_reconnects(listener, echo, tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_bytes(PLATFORM.cert_pem)
    key.write_bytes(PLATFORM.key_pem)
    args = [sys.executable, "-c", KILLED_CLIENT, str(cert), str(key), str(listener.port),
            BANK.fingerprint.hex()]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout.readline().strip() == b"half sent"
        proc.kill()
        error = echo.next("error", timeout=5)
    finally:
        proc.kill()
        proc.wait(5)
        proc.stdout.close()
    assert isinstance(error, PeerError) and "cut off" in str(error)
    with dial(listener.port) as channel:  # the same peer reconnects
        channel.send("test.echo", {"n": 1, "text": "again"})
        assert channel.recv(timeout=3) == ("test.echo", {"n": 2, "text": "again"})


def test_peer_closing_cleanly_mid_message_is_a_truncated_frame(listener, echo):
    channel = dial(listener.port)
    frame = encode_frame(CODEC.encode("test.echo", {"n": 1, "text": "half"}))
    channel.transport.send(frame[:7])
    channel.close()  # close_notify after half a frame
    error = echo.next("error")
    assert isinstance(error, RemoteProtocolError) and "truncated" in str(error)


def test_stopping_the_listener_closes_its_sessions(echo):
    lst = serve(HOST, 0, BANK, [PLATFORM.cert_pem], echo, party_name="Bank")
    channel = dial(lst.port)
    echo.next("session")
    lst.stop()
    with pytest.raises(PeerError):
        channel.recv(timeout=3)
    with pytest.raises(PeerError, match="Could not reach"):
        dial(lst.port)


def test_trust_and_forget_while_listening(echo):
    with serve(HOST, 0, BANK, [], echo, party_name="Bank") as lst:
        with pytest.raises(CertificateRefused):
            dial(lst.port)
        lst.trust(PLATFORM.cert_pem)
        with dial(lst.port) as channel:
            channel.send("test.echo", {"n": 1, "text": "in"})
            assert channel.recv(timeout=3)[1]["n"] == 2
        lst.forget(PLATFORM.fingerprint)
        seen = len(wait_for_error_list(lst))
        with pytest.raises(PeerError):
            dial(lst.port)
        assert "not one of the pinned peers" in str(wait_for_error(lst, seen=seen))
        with pytest.raises(PeerError, match="authority|P-256|read"):
            lst.trust(b"not a certificate")


def _free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def test_connect_with_retry_waits_for_the_peer_to_come_up(echo):
    port = _free_port()
    started = []

    def sleep(delay):
        assert 0 < delay <= 1.0
        if not started:
            started.append(serve(HOST, port, BANK, [PLATFORM.cert_pem], echo, party_name="Bank"))

    try:
        channel = connect_with_retry(HOST, port, PLATFORM, BANK.fingerprint, party_name="P",
                                     attempts=3, backoff=Backoff(initial=0.5, maximum=1.0),
                                     sleep=sleep, timeout=3.0)
        channel.send("test.echo", {"n": 9, "text": ""})
        assert channel.recv(timeout=3)[1]["n"] == 10
        channel.close()
    finally:
        for lst in started:
            lst.stop()
    assert len(started) == 1


def test_connect_with_retry_does_not_retry_a_wrong_pin(listener):
    slept = []
    with pytest.raises(PinMismatch):
        connect_with_retry(HOST, listener.port, PLATFORM, STRANGER.fingerprint, party_name="P",
                           attempts=5, sleep=slept.append, timeout=3.0)
    assert slept == []


def test_backoff_grows_and_is_capped():
    delays = Backoff(initial=1, factor=2, maximum=5, jitter=0).delays()
    assert [next(delays) for _ in range(5)] == [1, 2, 4, 5, 5]


def test_tls_refusal_types():
    assert issubclass(CertificateRefused, TlsRefused) and issubclass(TlsRefused, PeerError)
    assert issubclass(PeerClosed, PeerError)
