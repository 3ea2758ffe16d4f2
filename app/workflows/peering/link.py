"""The peer link of one open workspace: our listener, sessions to pinned peers, and the job talk.

Every session starts with both sides exchanging signed audit-chain heads (rollback detection),
then carries one conversation: a proposal and its decision, a job run, or a ping. A job runs only
after both parties approved it in their own workspace; each job type (its runner, its proposal
check, its messages) comes from the registry the service is given (app/workflows/job_types.py),
and the service builds its one channel codec from the link's own messages and those job types'.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Iterable

from app import messages
from app.errors import LianmoError, PeerError, RemoteProtocolError, UserFacingError
from app.net.channel import ReceiveTimeout
from app.net.identity import certificate_fingerprint
from app.net.peer_session import (ChannelOptions, connect, serve, session_codec,
                                   source_addresses, unreachable)
from app.net.tls import TlsTransport, client_context, verify_pinned
from app.protocols import jobs as talk
from app.schema import Bytes, Int, Message, Str
from app.store import peers as peer_store
from app.workflows import jobs
from app.workflows.job_types import JobTypes, standard
from app.workflows.peering import audit_heads
from app.workflows.peering import peers
from app.workflows.session import Session
from app.workflows.tasks import NullTask, Task
from app.workflows.peering.transcript import TranscriptChannel

log = logging.getLogger(__name__)
PROPOSALS_PER_MINUTE = talk.PROPOSALS_PER_MINUTE

AUDIT_HEAD, PING, PONG = "lianmo.audit_head", "lianmo.ping", "lianmo.pong"
# the job conversation's messages (app/protocols/jobs.py), named here for the link's callers
JOB_PROPOSE, JOB_DECISION = talk.JOB_PROPOSE, talk.JOB_DECISION
JOB_START, JOB_STARTED, JOB_END = talk.JOB_START, talk.JOB_STARTED, talk.JOB_END
MESSAGES = (
    Message(AUDIT_HEAD, 1, {"workspace": Str(max_len=36, min_len=36), "seq": Int(0, 2 ** 62),
                            "head": Str(max_len=64, min_len=64), "signature": Bytes(max_len=160),
                            "seen_your_seq": Int(-1, 2 ** 62),
                            "seen_your_head": Str(max_len=64), "seen_your_signature": Bytes(max_len=160),
                            "seen_your_session": Bytes(max_len=32)}, max_bytes=1024),
    Message(PING, 1, {"nonce": Bytes(size=16)}, max_bytes=64),
    Message(PONG, 1, {"nonce": Bytes(size=16)}, max_bytes=64),
    *talk.MESSAGES,
)


def fetch_certificate(host: str, port: int, identity, pinned: bytes, timeout: float = 10.0) -> bytes:
    """The peer's certificate, checked against the pin. Works before the peer trusts us: a TLS 1.3
    server shows its certificate before it judges ours."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise unreachable(host, port, exc) from exc
    transport = TlsTransport(sock, client_context(identity.cert_pem, identity.key_pem),
                             server_side=False)
    try:
        transport.handshake(timeout)
        der = transport.peer_certificate()
        verify_pinned(der, [pinned])
        return ssl.DER_cert_to_PEM_cert(der).encode("ascii")
    finally:
        transport.close()


def store_certificate(workspace, peer_name: str, cert_pem: bytes) -> None:
    """Keep the pinned peer's certificate; it must match the pinned fingerprint."""
    peer = peers.get_peer(workspace, peer_name)
    if certificate_fingerprint(cert_pem) != peer["fingerprint_bytes"]:
        raise UserFacingError.coded("net.certificate_not_stored", peer=peer_name)
    workspace.db.transaction(peer_store.set_certificate, peer_name, cert_pem)


class PeerService:
    """Listener plus outgoing sessions for one workspace, acting as the signed-in user."""

    def __init__(self, session: Session, host: str = "127.0.0.1", port: int = 0,
                 decision_timeout: float = 600.0, options: ChannelOptions = ChannelOptions(),
                 allow_from: Iterable[str] = (), job_types: JobTypes | None = None):
        self.session = session
        self.allow_from = tuple(allow_from)  # more source addresses than the pinned peers' hosts
        self.job_types = job_types or standard()
        options = dataclasses.replace(
            options, codec=session_codec(MESSAGES, self.job_types.messages()))
        self.workspace = session.workspace
        self.identity = peers.identity(self.workspace)
        self.host, self.port = host, port
        self.decision_timeout = decision_timeout
        self.options = options
        self.listener = None
        self.coded_warnings: list[tuple[str, dict]] = []   # said in the reader's language
        self._lock = threading.Lock()
        self._limit = talk.ProposalLimit(PROPOSALS_PER_MINUTE)

    @property
    def warnings(self) -> list[str]:
        """This service's warnings (an audit chain rolled back) in English; ``coded_warnings``
        says them in the reader's language (``messages.render_all``)."""
        return messages.render_all(self.coded_warnings)

    # -- listener --------------------------------------------------------------------------------
    def start(self) -> int:
        certs = self._trusted_certs()
        self._trusted = set(certs)
        self._sources = self._allowed_sources()
        self.listener = serve(self.host, self.port, self.identity, certs,
                              self._on_session, party_name=self.workspace.party_name,
                              options=self.options, allowed_sources=self._sources[1])
        self.port = self.listener.port
        self._stopping = threading.Event()
        threading.Thread(target=self._watch_pins, name="lianmo-pins", daemon=True).start()
        return self.port

    def stop(self) -> None:
        if self.listener is not None:
            self._stopping.set()
            self.listener.stop()
            self.listener = None

    def _watch_pins(self) -> None:
        """Trust certificates and addresses learned by other processes (e.g. ``peer add`` while
        we serve); names are resolved again every minute."""
        resolved_at = time.monotonic()
        while not self._stopping.wait(1.0):
            try:
                for cert in set(self._trusted_certs()) - self._trusted:
                    self.listener.trust(cert)
                    self._trusted.add(cert)
                stale = time.monotonic() - resolved_at > 60
                if stale or set(peers.pinned_hosts(self.workspace)) != self._sources[0]:
                    self._sources, resolved_at = self._allowed_sources(), time.monotonic()
                    self.listener.allow(self._sources[1])
            except Exception:  # a closed workspace or listener ends the watch
                return

    def _allowed_sources(self) -> tuple[set[str], frozenset[str]]:
        """(pinned hosts, their addresses plus ``allow_from``'s): connections from these get the
        listener's own handshake slots, strangers share a few others (see ``Listener``)."""
        hosts = set(peers.pinned_hosts(self.workspace))
        return hosts, source_addresses(hosts | set(self.allow_from))

    def _trusted_certs(self) -> list[bytes]:
        return list(self.workspace.db.run(peer_store.certificates).values())

    # -- outgoing --------------------------------------------------------------------------------
    def learn_certificate(self, peer_name: str) -> bytes:
        """Fetch and store the pinned peer's certificate (needed for it to connect to us)."""
        peer = peers.get_peer(self.workspace, peer_name)
        host, port = peers.parse_address(peer["address"])
        cert = fetch_certificate(host, port, self.identity, peer["fingerprint_bytes"])
        self.accept_certificate(peer_name, cert)
        return cert

    def accept_certificate(self, peer_name: str, cert_pem: bytes) -> None:
        """Store a pinned peer's certificate (fetched, or handed over as a file) and trust it now."""
        store_certificate(self.workspace, peer_name, cert_pem)
        if self.listener is not None:
            self.listener.trust(cert_pem)
            self._trusted.add(cert_pem)

    def connect(self, peer_name: str, timeout: float = 10.0):
        """A verified session to a pinned peer with audit heads exchanged."""
        peer = peers.get_peer(self.workspace, peer_name)
        if self.workspace.db.run(peer_store.certificate, peer_name) is None:
            self.learn_certificate(peer_name)
        host, port = peers.parse_address(peer["address"])
        channel = connect(host, port, self.identity, peer["fingerprint_bytes"],
                          party_name=self.workspace.party_name, timeout=timeout, options=self.options)
        try:
            self._exchange_heads(channel, peer_name)
        except BaseException:
            channel.close()
            raise
        return channel

    def check(self, peer_name: str) -> dict:
        """Connect, ping, and report what a person needs to trust the link."""
        started = time.perf_counter()
        with self.connect(peer_name) as channel:
            connected = time.perf_counter() - started
            nonce = secrets.token_bytes(16)
            t0 = time.perf_counter()
            channel.send(PING, {"nonce": nonce})
            msg_type, body = channel.recv(timeout=10)
            if msg_type != PONG or body["nonce"] != nonce:
                raise RemoteProtocolError.coded("protocol.unexpected", message=msg_type)
            rtt = time.perf_counter() - t0
            return {"peer": peer_name, "party_name": channel.peer_name,
                    "protocol_version": channel.version, "rtt_ms": round(rtt * 1000, 2),
                    "connect_ms": round(connected * 1000, 1), "session_id": channel.session_id.hex(),
                    "warnings": self.warnings, "coded_warnings": list(self.coded_warnings)}

    def propose(self, job_type: str, peer_name: str, params: dict,
                wait: float | None = None) -> jobs.Job:
        """Propose a job and wait for the peer's decision (its users decide in their own app)."""
        return self._send_proposal(jobs.propose(self.session, job_type, peer_name, params), wait)

    def _send_proposal(self, job: jobs.Job, wait: float | None) -> jobs.Job:
        talk_ = talk.Conversation(job.peer, self.session.user.name)
        with self.connect(job.peer) as channel:
            self._carry_out(channel, talk_.propose(job))
            try:
                msg_type, body = channel.recv(timeout=wait or self.decision_timeout)
            except ReceiveTimeout:
                talk_.timed_out()
                return jobs.get(self.workspace, job.id)  # still proposed; decision comes later
            self._receive(channel, talk_, msg_type, body)
        return jobs.get(self.workspace, job.id)

    def run(self, job_id: str, task: Task | None = None) -> jobs.Job:
        """Run an approved job we proposed, once, across the link."""
        task = task or NullTask()
        job = jobs.require_runnable(self.workspace, job_id)
        talk_ = talk.Conversation(job.peer, self.session.user.name)
        with self.connect(job.peer) as channel:
            self._carry_out(channel, talk_.start(job, jobs.paused(self.workspace)))
            try:
                msg_type, body = channel.recv(timeout=60)
                return self._receive(channel, talk_, msg_type, body, task=task)
            except BaseException as exc:
                if talk_.phase != "closed":
                    self._carry_out(channel, talk_.fail(_error_text(exc)))
                raise

    def run_or_resume(self, job_id: str, task: Task | None = None,
                      wait: float | None = None) -> jobs.Job:
        """Run an approved job, or ask again for one that stopped (the CLI's retry)."""
        if jobs.get(self.workspace, job_id).state in jobs.RESUMABLE:
            return self.resume(job_id, task, wait)
        return self.run(job_id, task)

    def resume(self, job_id: str, task: Task | None = None, wait: float | None = None) -> jobs.Job:
        """Ask the peer to approve one more run of a job that stopped; run it when approved
        (returns the job still ``proposed`` when its users did not decide within ``wait``)."""
        job = jobs.request_resume(self.session, job_id)
        decided = self._send_proposal(job, wait)
        return self.run(job_id, task) if decided.state == "approved" else decided

    # -- driving the conversation ----------------------------------------------------------------
    def _receive(self, channel, talk_: talk.Conversation, msg_type: str, body: dict,
                 task: Task | None = None) -> jobs.Job | None:
        """Feed one peer message to the conversation (judged on the stored job, read in the
        transaction that stores the answer) and carry out what it asks."""
        job_id = body.get("job_id", "")
        proposal = msg_type == JOB_PROPOSE
        problems, within_rate = (), True
        if proposal:
            within_rate = self._proposal_allowed(talk_.peer)
            problems = jobs.proposal_problems(self.workspace, talk_.peer, job_id, body["type"],
                                              talk.parse_params(body["params"]), self.job_types)

        def judge(conn):
            facts = jobs.facts_in(conn, job_id, talk_.peer, self.job_types, problems,
                                  body["type"] if proposal else "", within_rate)
            return jobs.apply_in(self.workspace, conn, talk_.receive(
                msg_type, body, facts, now=time.monotonic(), decision_seconds=self.decision_timeout))
        return self._carry_out(channel, self.workspace.db.transaction(judge), talk_, task)

    def _carry_out(self, channel, events: list, talk_: talk.Conversation | None = None,
                   task: Task | None = None) -> jobs.Job | None:
        """Store, audit, send, run or refuse, in the order the conversation asked."""
        if any(isinstance(e, (talk.Insert, talk.Move, talk.Audit)) for e in events):
            events = self.workspace.db.transaction(
                lambda conn: jobs.apply_in(self.workspace, conn, events))
        for event in events:
            if isinstance(event, talk.Send):
                channel.send(event.type, event.body)
            elif isinstance(event, talk.Refused):
                raise jobs.refusal(event)
            elif isinstance(event, talk.Run):
                return self._run_job(talk_, channel, event.initiator, task or NullTask())
        return None

    def _run_job(self, talk_: talk.Conversation, channel, initiator: bool,
                 task: Task) -> jobs.Job:
        """One run; the closing handshake is part of it, so a peer that hangs up instead of
        ending the job leaves it failed (resumable by a new decision), never running."""
        job = jobs.get(self.workspace, talk_.job.id)
        transcript = TranscriptChannel(channel, initiator)
        try:
            result = self.job_types.get(job.type).runner(self.workspace, job, transcript,
                                                         initiator, task)
            self._carry_out(channel, talk_.run_done(transcript.transcript_hash()))
            msg_type, body = channel.recv(timeout=60)
            self._receive(channel, talk_, msg_type, body)
        except BaseException as exc:
            if not isinstance(exc, LianmoError):
                log.exception("job %s failed", job.id)
            if talk_.phase != "closed":
                self._carry_out(channel, talk_.fail(_error_text(exc)))
            raise
        self._carry_out(channel, talk_.finish(result))
        return jobs.get(self.workspace, job.id)

    # -- incoming --------------------------------------------------------------------------------
    def _on_session(self, channel) -> None:
        peer = peers.find_peer_by_fingerprint(self.workspace, channel.peer_fingerprint)
        if peer is None:  # trusted at the TLS layer but unpinned since: refuse
            channel.close()
            return
        try:
            self._exchange_heads(channel, peer["name"])
            self._serve_conversation(channel, peer["name"])
        except LianmoError as exc:
            log.warning("session with %s ended: %s", peer["name"], exc)
        finally:
            channel.close()

    def _serve_conversation(self, channel, peer_name: str) -> None:
        talk_ = talk.Conversation(peer_name, f"peer:{peer_name}")
        while talk_.phase != "closed":
            try:
                msg_type, body = channel.recv(timeout=None)
            except PeerError:
                return  # the peer hung up
            if msg_type == PING:
                channel.send(PONG, body)
                continue
            self._receive(channel, talk_, msg_type, body)
            while talk_.phase == "deciding" and not channel.closed:
                job = jobs.get(self.workspace, body["job_id"])
                self._carry_out(channel, talk_.decision_due(job, time.monotonic()))
                if talk_.phase == "deciding":
                    time.sleep(0.2)

    def _proposal_allowed(self, peer_name: str) -> bool:
        """At most PROPOSALS_PER_MINUTE proposals per peer: each holds a thread while it waits."""
        with self._lock:
            return self._limit.allow(peer_name, time.monotonic())

    # -- audit heads -----------------------------------------------------------------------------
    def _exchange_heads(self, channel, peer_name: str) -> None:
        mine = audit_heads.sign_head(self.workspace, self.identity.key_pem, channel.session_id)
        channel.send(AUDIT_HEAD, {**mine, **audit_heads.echo_for(self.workspace, peer_name)})
        msg_type, body = channel.recv(timeout=30)
        if msg_type != AUDIT_HEAD:
            raise RemoteProtocolError.coded("protocol.unexpected", message=msg_type)
        cert = self.workspace.db.run(peer_store.certificate, peer_name)
        if cert:
            audit_heads.verify_head(body, cert, channel.session_id)
        warning = audit_heads.record_peer_head(self.workspace, peer_name, body, channel.session_id)
        proven = audit_heads.rolled_back(self.workspace, self.identity.cert_pem, body)
        if proven is not None:
            warning = ("peering.we_rolled_back", {"peer": peer_name, "proven": proven,
                                                   "seq": self.workspace.audit.head()[0]})
            self.workspace.audit.append(self.session.user.name, "audit.rollback_detected",
                                        {"peer": peer_name}, {})
        if warning:
            log.warning("%s", messages.render(*warning))
            self.coded_warnings.append(warning)
        peers.mark_seen(self.workspace, peer_name, channel.peer_name or "")


def _error_text(exc: BaseException) -> str:
    """What a failed job records: our own errors' code and parameters (said later in the
    reader's language) or sentence, else only the exception's kind (an unexpected error's text
    may hold values)."""
    return exc.kept() if isinstance(exc, LianmoError) else type(exc).__name__


__all__ = ["MESSAGES", "PeerService", "fetch_certificate", "UserFacingError"]
