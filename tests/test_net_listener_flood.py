"""A listener strangers cannot lock out, over real loopback TLS.

Strangers connect from their own loopback addresses (127.0.0.2 and up, bound before connecting);
the pinned peer connects from 127.0.0.1, the only allowed source. Idle strangers on 127.0.0.1
itself stand for a stranger sharing the peer's address: they wait without a thread and are
crowded out by newer ones, so they cannot block the peer either.
"""

import socket
import threading
import time
from contextlib import ExitStack

import pytest

from app.net.identity import generate_identity
from app.net.peer_session import Listener, connect, serve, source_addresses

HOST = "127.0.0.1"
BANK = generate_identity("Bank")
PLATFORM = generate_identity("Platform")
STRANGERS = [f"127.0.0.{i}" for i in range(2, 66)]  # 64 distinct source addresses


def echo_session(channel):
    with channel:
        while True:
            msg_type, body = channel.recv(timeout=5)
            channel.send(msg_type, body)


def raw_connection(port, source=HOST, first=b""):
    sock = socket.socket()
    sock.settimeout(5)
    sock.bind((source, 0))
    sock.connect((HOST, port))
    if first:
        sock.sendall(first)
    return sock


def dial(port):
    return connect(HOST, port, PLATFORM, BANK.fingerprint, party_name="Platform", timeout=5.0)


def hung_up(sock, within):
    """Whether the listener closed the connection within ``within`` seconds."""
    sock.settimeout(within)
    try:
        return sock.recv(10) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


@pytest.fixture()
def listener():
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], echo_session, party_name="Bank",
               allowed_sources={HOST}) as lst:
        yield lst


def test_pinned_peer_connects_while_128_idle_connections_are_held(listener):
    threads_before = threading.active_count()
    with ExitStack() as held:
        for source in STRANGERS + [HOST] * 64:
            held.enter_context(raw_connection(listener.port, source))
        assert threading.active_count() <= threads_before + 1  # silent ones have no thread
        started = time.monotonic()
        with dial(listener.port) as channel:
            channel.send("lianmo.confirm", {"session_id": b"\0" * 32, "version": 1})
            assert channel.recv(timeout=5)[1]["version"] == 1
        assert time.monotonic() - started < 3


def test_stalled_strangers_take_only_the_stranger_slots(listener):
    with ExitStack() as held:
        stalled = [held.enter_context(raw_connection(listener.port, source, b"\x16"))
                   for source in STRANGERS[:Listener.STRANGER_SLOTS]]
        time.sleep(0.3)  # both are in their handshake now
        late = held.enter_context(raw_connection(listener.port, STRANGERS[-1], b"\x16"))
        assert hung_up(late, within=1.0)  # no stranger slot left: dropped at once
        assert not any(hung_up(sock, within=0.05) for sock in stalled)
        with dial(listener.port):  # the pinned peer's slots are untouched
            pass
    assert listener.dropped >= 1
    assert "Too many connections" in str(listener.errors[0])


def test_reconnecting_strangers_do_not_keep_the_peer_out(listener):
    stop = threading.Event()
    opened = []

    def hammer(sources):
        for n in range(400):  # bounded: at most 400 connections per thread, or until stopped
            if stop.is_set():
                return
            try:
                sock = raw_connection(listener.port, sources[n % len(sources)],
                                      b"\x16" if n % 2 else b"")
            except OSError:
                continue
            opened.append(sock)
            if len(opened) > 200:
                opened.pop(0).close()

    hammers = [threading.Thread(target=hammer, args=(STRANGERS[i::2],)) for i in range(2)]
    for thread in hammers:
        thread.start()
    try:
        for _ in range(3):
            with dial(listener.port):
                pass
    finally:
        stop.set()
        for thread in hammers:
            thread.join(10)
        for sock in opened:
            sock.close()


def test_a_silent_connection_is_dropped_quickly(monkeypatch):
    monkeypatch.setattr(Listener, "FIRST_BYTE_TIMEOUT", 0.3)
    with serve(HOST, 0, BANK, [PLATFORM.cert_pem], echo_session, party_name="Bank",
               handshake_timeout=5.0) as lst:
        with raw_connection(lst.port) as silent:
            assert hung_up(silent, within=2.0)
        assert not lst.errors  # nothing happened worth reporting


def test_source_addresses_resolve_names_and_normalise():
    assert source_addresses(["10.1.2.3", "[::1]"]) == {"10.1.2.3", "::1"}
    assert "127.0.0.1" in source_addresses(["localhost"])
    assert source_addresses(["no-such-host.invalid"]) == set()
    with serve(HOST, 0, BANK, [], echo_session, party_name="Bank",
               allowed_sources=["::ffff:127.0.0.1"]) as lst:
        assert lst._allowed == {"127.0.0.1"}


def test_connections_that_hang_up_silently_are_not_reported(listener):
    for _ in range(50):
        raw_connection(listener.port).close()
    with dial(listener.port):
        pass
    assert not listener.errors
