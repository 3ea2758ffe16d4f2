"""The peer link of one open workspace: our listener, sessions to pinned peers, and the job talk.

Every session starts with both sides exchanging signed audit-chain heads (rollback detection),
then carries one conversation: a proposal and its decision, a job run, or a ping. A job runs only
after both parties approved it in their own workspace; each job type (its runner, its proposal
check, its messages) comes from the registry the service is given (app/workflows/job_types.py),
and the service builds its one channel codec from the link's own messages and those job types'.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Iterable

from app.errors import JobRefused, LianmoError, PeerError, RemoteProtocolError, UserFacingError
from app.net.channel import ReceiveTimeout
from app.net.identity import certificate_fingerprint
from app.net.peer_session import (ChannelOptions, connect, serve, session_codec,
                                   source_addresses, unreachable)
from app.net.tls import TlsTransport, client_context, verify_pinned
from app.schema import Bool, Bytes, Int, Message, Str
from app.store import peers as peer_store
from app.workflows import jobs
from app.workflows.job_types import JobTypes, standard
from app.workflows.peering import audit_heads
from app.workflows.peering import peers
from app.workflows.session import Session
from app.workflows.tasks import NullTask, Task
from app.workflows.peering.transcript import TranscriptChannel

log = logging.getLogger(__name__)
PROPOSALS_PER_MINUTE = 10

AUDIT_HEAD, PING, PONG = "lianmo.audit_head", "lianmo.ping", "lianmo.pong"
JOB_PROPOSE, JOB_DECISION = "lianmo.job_propose", "lianmo.job_decision"
JOB_START, JOB_END = "lianmo.job_start", "lianmo.job_end"
_JOB_ID = Str(max_len=36, min_len=36)
_REASON = Str(max_len=500)
MESSAGES = (
    Message(AUDIT_HEAD, 1, {"workspace": Str(max_len=36, min_len=36), "seq": Int(0, 2 ** 62),
                            "head": Str(max_len=64, min_len=64), "signature": Bytes(max_len=160),
                            "seen_your_seq": Int(-1, 2 ** 62),
                            "seen_your_head": Str(max_len=64), "seen_your_signature": Bytes(max_len=160),
                            "seen_your_session": Bytes(max_len=32)}, max_bytes=1024),
    Message(PING, 1, {"nonce": Bytes(size=16)}, max_bytes=64),
    Message(PONG, 1, {"nonce": Bytes(size=16)}, max_bytes=64),
    # parameters are JSON text (ASCII: json.dumps escapes the rest), at most 64 KiB
    Message(JOB_PROPOSE, 1, {"job_id": _JOB_ID, "type": Str(max_len=32, min_len=1),
                             "params": Str(max_len=65536)}, max_bytes=65536 + 256),
    Message(JOB_DECISION, 1, {"job_id": _JOB_ID, "approved": Bool(), "reason": _REASON},
            max_bytes=4 * 500 + 256),
    Message(JOB_START, 1, {"job_id": _JOB_ID}, max_bytes=128),
    Message(JOB_END, 1, {"job_id": _JOB_ID, "ok": Bool(), "transcript_hash": Str(max_len=64),
                         "error": _REASON}, max_bytes=4 * 500 + 256),
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
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._proposals: dict[str, list[float]] = {}

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
                raise RemoteProtocolError("The peer answered the ping with something else.")
            rtt = time.perf_counter() - t0
            return {"peer": peer_name, "party_name": channel.peer_name,
                    "protocol_version": channel.version, "rtt_ms": round(rtt * 1000, 2),
                    "connect_ms": round(connected * 1000, 1), "session_id": channel.session_id.hex(),
                    "warnings": list(self.warnings)}

    def propose(self, job_type: str, peer_name: str, params: dict,
                wait: float | None = None) -> jobs.Job:
        """Propose a job and wait for the peer's decision (its users decide in their own app)."""
        return self._send_proposal(jobs.propose(self.session, job_type, peer_name, params), wait)

    def _send_proposal(self, job: jobs.Job, wait: float | None) -> jobs.Job:
        with self.connect(job.peer) as channel:
            channel.send(JOB_PROPOSE, {"job_id": job.id, "type": job.type,
                                       "params": json.dumps(job.params, sort_keys=True)})
            try:
                msg_type, body = channel.recv(timeout=wait or self.decision_timeout)
            except ReceiveTimeout:
                return jobs.get(self.workspace, job.id)  # still proposed; decision comes later
            _expect(msg_type, JOB_DECISION, body, job.id)
        return jobs.record_remote_decision(self.workspace, job.id, body["approved"], body["reason"])

    def run(self, job_id: str, task: Task | None = None) -> jobs.Job:
        """Run an approved job we proposed, once, across the link."""
        task = task or NullTask()
        job = jobs.require_runnable(self.workspace, job_id)
        with self.connect(job.peer) as channel:
            channel.send(JOB_START, {"job_id": job.id})
            return self._run_job(job, channel, initiator=True, task=task,
                                 actor=self.session.user.name)

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

    # -- the job run, both sides -------------------------------------------------------------------
    def _run_job(self, job: jobs.Job, channel, initiator: bool, task: Task, actor: str) -> jobs.Job:
        """One run; the closing handshake is part of it, so a peer that hangs up instead of
        ending the job leaves it failed (resumable by a new decision), never running."""
        jobs.transition(self.workspace, job.id, "running", actor=actor)
        transcript = TranscriptChannel(channel, initiator)
        try:
            result = self.job_types.get(job.type).runner(self.workspace, job, transcript,
                                                         initiator, task)
            digest = transcript.transcript_hash()
            channel.send(JOB_END, {"job_id": job.id, "ok": True, "transcript_hash": digest,
                                   "error": ""})
            msg_type, body = channel.recv(timeout=60)
            _expect(msg_type, JOB_END, body, job.id)
            if body["transcript_hash"] != digest:
                raise RemoteProtocolError("job_end.transcript_hash: the two parties saw different "
                                          "transcripts; the result was discarded.")
        except LianmoError as exc:
            jobs.transition(self.workspace, job.id, "failed", error=str(exc)[:500])
            raise
        except BaseException as exc:
            log.exception("job %s failed", job.id)
            jobs.transition(self.workspace, job.id, "failed", error=type(exc).__name__)
            raise
        return jobs.transition(self.workspace, job.id, "finished", actor=actor,
                               transcript_hash=digest, result=result)

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
        while True:
            try:
                msg_type, body = channel.recv(timeout=None)
            except PeerError:
                return  # the peer hung up
            if msg_type == PING:
                channel.send(PONG, body)
            elif msg_type == JOB_PROPOSE:
                self._answer_proposal(channel, peer_name, body)
            elif msg_type == JOB_START:
                job = jobs.accept_start(self.workspace, peer_name, body["job_id"])
                self._run_job(job, channel, initiator=False, task=NullTask(),
                              actor=f"peer:{peer_name}")
            else:
                raise RemoteProtocolError(f"{msg_type}: not expected here")

    def _answer_proposal(self, channel, peer_name: str, body: dict) -> None:
        params = _parse_params(body["params"])
        if not self._proposal_allowed(peer_name):
            channel.send(JOB_DECISION, {"job_id": body["job_id"], "approved": False,
                                        "reason": "Too many proposals in the last minute; "
                                                  "try again later."})
            return
        try:
            job = jobs.receive_proposal(self.workspace, peer_name, body["job_id"], body["type"],
                                        params, self.job_types)
        except JobRefused as exc:
            channel.send(JOB_DECISION, {"job_id": body["job_id"], "approved": False,
                                        "reason": str(exc)[:500]})
            return
        deadline = time.monotonic() + self.decision_timeout
        while job.state == "proposed" and time.monotonic() < deadline and not channel.closed:
            time.sleep(0.2)
            job = jobs.get(self.workspace, job.id)
        if job.state != "proposed":
            channel.send(JOB_DECISION, {"job_id": job.id, "approved": job.state == "approved",
                                        "reason": (job.reason or "")[:500]})

    def _proposal_allowed(self, peer_name: str) -> bool:
        """At most PROPOSALS_PER_MINUTE proposals per peer: each holds a thread while it waits."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._proposals.get(peer_name, []) if now - t < 60.0]
            allowed = len(recent) < PROPOSALS_PER_MINUTE
            self._proposals[peer_name] = recent + ([now] if allowed else [])
        return allowed

    # -- audit heads -----------------------------------------------------------------------------
    def _exchange_heads(self, channel, peer_name: str) -> None:
        mine = audit_heads.sign_head(self.workspace, self.identity.key_pem, channel.session_id)
        channel.send(AUDIT_HEAD, {**mine, **audit_heads.echo_for(self.workspace, peer_name)})
        msg_type, body = channel.recv(timeout=30)
        if msg_type != AUDIT_HEAD:
            raise RemoteProtocolError(f"{msg_type}: expected the peer's audit head first")
        cert = self.workspace.db.run(peer_store.certificate, peer_name)
        if cert:
            audit_heads.verify_head(body, cert, channel.session_id)
        warning = audit_heads.record_peer_head(self.workspace, peer_name, body, channel.session_id)
        proven = audit_heads.rolled_back(self.workspace, self.identity.cert_pem, body)
        if proven is not None:
            warning = (f"The peer '{peer_name}' holds our signature over {proven} entries of our "
                       f"audit chain, but it now has {self.workspace.audit.head()[0]}: this "
                       "workspace was rolled back.")
            self.workspace.audit.append(self.session.user.name, "audit.rollback_detected",
                                        {"peer": peer_name}, {})
        if warning:
            log.warning("%s", warning)
            self.warnings.append(warning)
        peers.mark_seen(self.workspace, peer_name, channel.peer_name or "")


def _expect(msg_type: str, wanted: str, body: dict, job_id: str) -> None:
    if msg_type != wanted:
        raise RemoteProtocolError(f"{msg_type}: expected {wanted}")
    if body.get("job_id") != job_id:
        raise RemoteProtocolError(f"{wanted}.job_id: answers a different job")


def _parse_params(text: str) -> dict:
    """Job parameters travel as JSON text: a flat object of scalars (shown to the approver)."""
    try:
        params = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RemoteProtocolError("job_propose.params: not valid JSON") from exc
    if not isinstance(params, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, (str, int, float, bool)))
            for k, v in params.items()):
        raise RemoteProtocolError("job_propose.params: must be an object of plain values")
    return params


__all__ = ["MESSAGES", "PeerService", "fetch_certificate", "UserFacingError"]
