"""Two parties on one machine: workspaces, users, pinned peers and listeners over loopback TLS.

This is the same set-up two institutions do by hand (create a workspace, pin the other's
fingerprint, serve), done in one process so users can try their own files before going live.
Workspaces use passphrase mode with random passphrases and passwords held in memory (the demo
writes its own to ``workspaces.json`` so that they can be opened in the app: ``access.py``).
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app import messages
from app.errors import JobRefused
from app.workflows import jobs, users
from app.workflows.job_types import standard
from app.workflows.peering import peers
from app.workflows.peering.link import PeerService
from app.workflows.session import Session, login
from app.workflows.workspace_admin import init_workspace

ANALYST = "analyst"


@dataclass
class Party:
    key: str
    admin: Session
    analyst: Session
    service: PeerService
    passphrase: str = ""          # the workspace's, random per run
    password: str = ""            # the analyst's, random per run

    @property
    def workspace(self):
        return self.analyst.workspace


def create_party(folder: Path, key: str, name: str, role: str) -> Party:
    path = folder / key
    if path.exists():
        shutil.rmtree(path)
    passphrase = secrets.token_urlsafe(24)
    admin = init_workspace(path, name, role, "admin", secrets.token_urlsafe(16),
                           passphrase=passphrase)
    password = secrets.token_urlsafe(16)
    users.add_user(admin, ANALYST, "analyst", password)
    analyst = login(admin.workspace, ANALYST, password)
    return Party(key, admin, analyst, PeerService(analyst, decision_timeout=120),
                 passphrase=passphrase, password=password)


def link_parties(bank: Party, partner: Party) -> None:
    """Listen, pin each other's fingerprint, then hand each other the certificates.

    Both workspaces are on this machine, so the certificates are exchanged as ``peer add
    --certificate FILE`` would; fetching them over TLS first would make each listener log a
    refused, not-yet-pinned client — right for real pairings, noise in a rehearsal.
    """
    ports = {p.key: p.service.start() for p in (bank, partner)}
    for me, other in ((bank, partner), (partner, bank)):
        fingerprint = peers.describe_identity(other.workspace)["fingerprint"]
        peers.add_peer(me.admin, other.key, f"127.0.0.1:{ports[other.key]}", fingerprint)
    for me, other in ((bank, partner), (partner, bank)):
        me.service.accept_certificate(other.key, peers.identity(other.workspace).cert_pem)


def close_parties(*parties: Party) -> None:
    for party in parties:
        party.service.stop()
        party.workspace.close()


def approve_when_proposed(approver: Session, job_type: str, timeout: float = 60.0) -> threading.Thread:
    """The partner's analyst approving the proposal in their own workspace, as a person would."""
    def watch():
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = [j for j in jobs.list_jobs(approver, ("proposed",)) if j.type == job_type
                       and j.proposer == "remote"]
            if pending:
                jobs.decide(approver, pending[0].id, approve=True, job_types=standard())
                return
            time.sleep(0.05)
    thread = threading.Thread(target=watch, name="rehearsal-approver", daemon=True)
    thread.start()
    return thread


def require_approved(job) -> None:
    if job.state != "approved":
        if not job.reason:
            raise JobRefused.coded("rehearsal.not_approved_silent", type=messages.Term(job.type),
                                   state=messages.Term(job.state))
        raise JobRefused.coded("rehearsal.not_approved", type=messages.Term(job.type),
                               state=messages.Term(job.state),
                               reason=messages.parse_stored(job.reason) or job.reason)
