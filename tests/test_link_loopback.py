"""Two workspaces linked over real loopback TLS: pinning, checks, a job proposed, approved on the
other side, run and recorded with the same transcript hash in both audit chains."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import ExitStack

import pytest

from app import messages
from app.errors import PeerError
from app.workflows import jobs
from app.workflows.job_types import standard
from app.workflows.peering import link
from app.workflows.peering import peers, status
from app.workflows.workspace_admin import init_workspace
from app.schema import Int, Message
from linked import linked_services

JOB_TYPES = standard()


def counting_runner(workspace, job, channel, initiator, task):
    """Exchanges a few numbers: enough to exercise the transcript on both sides."""
    total = 0
    for i in range(3):
        if initiator:
            channel.send("test.count", {"n": i})
            total += channel.recv(timeout=5)[1]["n"]
        else:
            total += channel.recv(timeout=5)[1]["n"]
            channel.send("test.count", {"n": i * 10})
    return {"total": total}


@pytest.fixture
def linked(tmp_path, monkeypatch):
    counting = JOB_TYPES.replace("scoring", runner=counting_runner,
                                 messages=(Message("test.count", 1, {"n": Int(0, 1000)}, 64),))
    with linked_services(tmp_path, counting) as (admins, analysts, services):
        yield analysts, services, admins


def test_peer_check_reports_version_rtt_and_party(linked):
    _, services, _ = linked
    result = services[0].check("platform")
    assert result["party_name"] == "Platform" and result["protocol_version"] == 1
    assert result["rtt_ms"] >= 0 and not result["warnings"] and result["coded_warnings"] == []


def test_job_proposed_approved_and_run_with_matching_transcripts(linked):
    (bank, platform), (bank_link, _), _ = linked
    approver = threading.Thread(target=approve_first_proposal, args=(platform,))
    approver.start()
    job = bank_link.propose("scoring", "platform", {"model": "m1"}, wait=10)
    approver.join()
    assert job.state == "approved"
    done = bank_link.run(job.id)
    assert done.state == "finished" and done.result == {"total": 30}
    theirs = jobs.get(platform.workspace, job.id)
    for _ in range(50):
        if theirs.state == "finished":
            break
        time.sleep(0.05)
        theirs = jobs.get(platform.workspace, job.id)
    assert theirs.state == "finished" and theirs.result == {"total": 3}
    assert theirs.transcript_hash == done.transcript_hash
    for ws in (bank.workspace, platform.workspace):
        finished = [e for e in ws.audit.entries() if e["action"] == "job.finished"]
        assert done.transcript_hash in finished[-1]["objects"]
        assert any(e["action"] == "peer.head" for e in ws.audit.entries())


def test_job_runs_while_64_strangers_hold_the_peers_port(linked):
    """Only the pinned peers' hosts get handshake slots; 127.0.0.1 is the pinned host here, the
    strangers connect from 127.0.0.2 and up and send nothing."""
    (_, platform), (bank_link, platform_link), _ = linked
    approver = threading.Thread(target=approve_first_proposal, args=(platform,))
    assert admitted(platform_link, "127.0.0.1") == {"127.0.0.1"}
    with ExitStack() as held:
        for i in range(2, 66):
            stranger = held.enter_context(socket.socket())
            stranger.bind((f"127.0.0.{i}", 0))
            stranger.connect(("127.0.0.1", platform_link.port))
        approver.start()
        job = bank_link.propose("scoring", "platform", {"model": "m1"}, wait=10)
        approver.join()
        assert bank_link.run(job.id).state == "finished"


def test_pinned_hosts_and_the_allow_list_get_the_handshake_slots(linked):
    (bank, _), (bank_link, _), (bank_admin, _) = linked
    assert admitted(bank_link, "127.0.0.1") == {"127.0.0.1"}  # the pinned peer's host
    peers.add_peer(bank_admin, "branch", "127.0.0.7:9", "ab" * 32)  # as if by another process
    assert admitted(bank_link, "127.0.0.7") == {"127.0.0.1", "127.0.0.7"}
    extra = link.PeerService(bank, allow_from=["127.0.0.9"])
    extra.start()
    try:
        assert extra.listener._allowed == {"127.0.0.1", "127.0.0.7", "127.0.0.9"}
    finally:
        extra.stop()


def admitted(service, host: str) -> set[str]:
    """The listener's allowed sources once ``host`` is among them (its watcher polls each second)."""
    for _ in range(60):
        if host in service.listener._allowed:
            break
        time.sleep(0.1)
    return set(service.listener._allowed)


def approve_first_proposal(session):
    for _ in range(100):
        pending = [j for j in jobs.list_jobs(session) if j.state == "proposed"]
        if pending:
            jobs.decide(session, pending[0].id, approve=True, job_types=JOB_TYPES)
            return
        time.sleep(0.05)


def test_rejection_travels_back(linked):
    (bank, platform), (bank_link, _), _ = linked

    def reject():
        for _ in range(100):
            pending = [j for j in jobs.list_jobs(platform) if j.state == "proposed"]
            if pending:
                jobs.decide(platform, pending[0].id, approve=False, reason="not now",
                            job_types=JOB_TYPES)
                return
            time.sleep(0.05)
    t = threading.Thread(target=reject)
    t.start()
    job = bank_link.propose("scoring", "platform", {}, wait=10)
    t.join()
    assert job.state == "rejected" and job.reason == "not now"


def test_kill_switch_on_the_peer_refuses_proposals(linked):
    _, (bank_link, _), (bank_admin, platform_admin) = linked
    jobs.set_paused(platform_admin, True)
    job = bank_link.propose("scoring", "platform", {}, wait=10)
    assert job.state == "rejected" and "kill switch" in job.reason


def test_wrong_pin_is_refused_with_both_fingerprints(linked, tmp_path):
    (bank, _), (bank_link, _), (bank_admin, _) = linked
    stranger = init_workspace(tmp_path / "stranger", "Stranger", "feature", "admin", "admin-password")
    try:
        fp = peers.describe_identity(stranger.workspace)["fingerprint"]
        peers.add_peer(bank_admin, "fake", f"127.0.0.1:{bank_link.port}", fp)  # our own listener
        with pytest.raises(PeerError) as info:
            bank_link.check("fake")
        assert fp in str(info.value)
    finally:
        stranger.workspace.close()


def test_rollback_of_a_peer_is_flagged(linked):
    (bank, platform), (bank_link, platform_link), _ = linked
    bank_link.check("platform")  # platform records bank's head
    # Restore an "older copy": cut the newest entries, below the head the platform saw.
    bank.workspace.db.execute("DELETE FROM audit WHERE seq > (SELECT max(seq) - 3 FROM audit)")
    bank_link.check("platform")
    actions = [e["action"] for e in platform.workspace.audit.entries()]
    assert "peer.head_rollback" in actions
    # the rolled-back side learns it too, from its own signature handed back by the peer
    assert any("was rolled back" in w for w in bank_link.warnings)
    assert "audit.rollback_detected" in [e["action"] for e in bank.workspace.audit.entries()]
    # both warnings are coded: a Chinese reader reads them in Chinese
    said = {code: messages.render(code, params, "zh_CN")
            for code, params in bank_link.coded_warnings + platform_link.coded_warnings}
    assert set(said) == {"peering.we_rolled_back", "peering.peer_rolled_back"}
    for text in said.values():
        assert "回滚" in text and not {"rolled", "back", "audit", "chain"} & set(
            re.findall(r"[a-z]+", text.lower())), text
    assert any("was rolled back or replaced" in w for w in platform_link.warnings)
    state = status.PeerState("ok", "now", coded_warnings=tuple(bank_link.coded_warnings))
    assert state.said_warnings("zh_CN") == [said["peering.we_rolled_back"]]


def test_a_peer_cannot_raise_a_false_rollback_alarm(linked, monkeypatch):
    """A bare claim of having seen more of our chain, without our signature over it, is ignored."""
    from app.workflows.peering import audit_heads
    (bank, platform), (bank_link, _), _ = linked
    bank_link.check("platform")
    real = audit_heads.echo_for

    def lying(workspace, peer):
        echo = real(workspace, peer)
        if workspace is platform.workspace:
            echo = {**echo, "seen_your_seq": echo["seen_your_seq"] + 1000}
        return echo
    monkeypatch.setattr(audit_heads, "echo_for", lying)
    bank_link.check("platform")
    assert not any("rolled back" in w for w in bank_link.warnings)
    assert "audit.rollback_detected" not in [e["action"] for e in bank.workspace.audit.entries()]
