"""Job state machine in one workspace pair, without the network: propose, approve, run, reject,
cancel, kill switch, auto-approve policy; every step audited."""

from __future__ import annotations

import argparse
import re
from contextlib import contextmanager

import pytest

from app.commands import jobs as jobs_command
from app.data.ids import CANON_VERSION
from app.errors import JobRefused, LocalProtocolError, PermissionDenied, UserFacingError
from app.workflows import jobs, users
from app.workflows.job_types import standard
from app.workflows.peering import peers
from app.workflows.jobs import TRANSITIONS
from app.workflows.session import login
from app.workflows.workspace_admin import init_workspace

JOB_TYPES = standard()


@pytest.fixture
def pair(tmp_path):
    bank = init_workspace(tmp_path / "bank", "Bank", "label", "admin", "bank-admin-pw")
    partner = init_workspace(tmp_path / "partner", "Platform", "feature", "admin", "partner-admin-pw")
    peers.add_peer(bank, "platform", "127.0.0.1:9001",
                   peers.describe_identity(partner.workspace)["fingerprint"])
    peers.add_peer(partner, "bank", "127.0.0.1:9000",
                   peers.describe_identity(bank.workspace)["fingerprint"])
    for s in (bank, partner):
        users.add_user(s, "ana", "analyst", "analyst-pass")
    yield login(bank.workspace, "ana", "analyst-pass"), login(partner.workspace, "ana", "analyst-pass"), bank, partner
    bank.workspace.close()
    partner.workspace.close()


def _send(proposal, to_ws):
    """What the peer link carries: id, type and parameters."""
    return jobs.receive_proposal(to_ws, "bank", proposal.id, proposal.type, proposal.params,
                                 JOB_TYPES)


def test_propose_approve_run_finish(pair):
    bank, partner, _, _ = pair
    job = jobs.propose(bank, "training", "platform", {"trees": 5})
    theirs = _send(job, partner.workspace)
    assert theirs.state == "proposed" and theirs.local_decision is None
    with pytest.raises(JobRefused):
        jobs.require_runnable(partner.workspace, job.id)
    jobs.decide(partner, job.id, approve=True, job_types=JOB_TYPES)
    jobs.record_remote_decision(bank.workspace, job.id, approved=True)
    jobs.require_runnable(bank.workspace, job.id)          # the proposer starts it ...
    jobs.accept_start(partner.workspace, "bank", job.id)   # ... the approver accepts the start
    for ws in (bank.workspace, partner.workspace):
        jobs.transition(ws, job.id, "running")
        done = jobs.transition(ws, job.id, "finished", transcript_hash="ab" * 32, result={"n": 3})
        assert done.state == "finished" and done.result == {"n": 3}
        actions = [e["action"] for e in ws.audit.entries()]
        assert {"job.running", "job.finished"} <= set(actions)
    assert "job.peer_approved" in [e["action"] for e in bank.workspace.audit.entries()]


def test_reject_and_illegal_transitions(pair):
    bank, partner, _, _ = pair
    job = jobs.propose(bank, "training", "platform", {"trees": 5})
    _send(job, partner.workspace)
    jobs.decide(partner, job.id, approve=False, reason="not this quarter", job_types=JOB_TYPES)
    jobs.record_remote_decision(bank.workspace, job.id, approved=False, reason="not this quarter")
    assert jobs.get(bank.workspace, job.id).state == "rejected"
    with pytest.raises(LocalProtocolError):
        jobs.transition(bank.workspace, job.id, "running")
    with pytest.raises(UserFacingError):
        jobs.decide(partner, job.id, approve=True, job_types=JOB_TYPES)
    assert all(TRANSITIONS[s] == frozenset() for s in jobs.TERMINAL)


def test_cancel(pair):
    bank, partner, _, _ = pair
    job = jobs.propose(bank, "scoring", "platform", {})
    assert jobs.cancel(bank, job.id, "changed my mind").state == "cancelled"


def test_kill_switch_refuses_and_resumes(pair):
    bank, partner, bank_admin, partner_admin = pair
    job = jobs.propose(bank, "scoring", "platform", {})
    _send(job, partner.workspace)
    jobs.set_paused(partner_admin, True)
    with pytest.raises(JobRefused, match="kill switch"):
        jobs.decide(partner, job.id, approve=True, job_types=JOB_TYPES)
    with pytest.raises(JobRefused, match="kill switch"):
        _send(jobs.propose(bank, "training", "platform", {}), partner.workspace)
    with pytest.raises(PermissionDenied):
        jobs.set_paused(partner, False)  # analysts cannot lift it
    jobs.set_paused(partner_admin, False)
    assert jobs.decide(partner, job.id, approve=True, job_types=JOB_TYPES).state == "approved"
    actions = [e["action"] for e in partner.workspace.audit.entries()]
    assert "killswitch.pause" in actions and "killswitch.resume" in actions


def test_running_job_stops_when_paused(pair):
    bank, partner, bank_admin, _ = pair
    job = jobs.propose(bank, "alignment", "platform", {})
    jobs.record_remote_decision(bank.workspace, job.id, approved=True)
    jobs.transition(bank.workspace, job.id, "running")
    jobs.set_paused(bank_admin, True)
    with pytest.raises(JobRefused):
        jobs.require_runnable(bank.workspace, job.id)


def test_alignment_with_problems_is_neither_approved_nor_auto_approved(pair):
    bank, partner, _, partner_admin = pair
    jobs.set_policy(partner_admin, "alignment", True)
    theirs = _send(jobs.propose(bank, "alignment", "platform",
                                {"dataset": "x", "id_type": "mobile", "canon_version": 1,
                                 "result_exposure": "both", "chunk_size": 4096}), partner.workspace)
    assert theirs.state == "proposed"  # the policy does not override a named problem
    with pytest.raises(JobRefused, match="cannot run here") as info:
        jobs.decide(partner, theirs.id, approve=True, job_types=JOB_TYPES)
    # the problems are sentences said in the reader's language, one after another
    assert "The proposal asks for a result exposure this version does not support. " \
        in str(info.value)
    chinese = info.value.text("zh_CN")
    assert "提议要求的结果披露方式本版本不支持" in chinese
    assert not re.search(r"[A-Za-z]{3,}", chinese) and ", " not in chinese, chinese


def test_jobs_show_prints_a_proposal_s_problems_in_the_reader_s_language(pair, monkeypatch,
                                                                         capsys):
    bank, partner, _, _ = pair
    theirs = _send(jobs.propose(bank, "alignment", "platform",
                                {"id_type": "mobile", "canon_version": CANON_VERSION,
                                 "chunk_size": 0, "max_items_proposer": 10,
                                 "max_items_approver": 10}), partner.workspace)

    @contextmanager
    def signed_in(args):
        yield partner
    monkeypatch.setattr(jobs_command, "signed_in", signed_in)
    for lang, expected in (("zh_CN", "PROBLEM: 提议中的分块大小超出范围"),
                           ("en", "PROBLEM: The proposal's chunk size is out of range.")):
        jobs_command._show(argparse.Namespace(id=theirs.id, lang=lang))
        out = capsys.readouterr().out
        assert expected in out, out
        problems = [line for line in out.splitlines() if line.startswith("PROBLEM: ")]
        assert problems and (lang == "en" or not any(
            re.search(r"[A-Za-z]{3,}", line[len("PROBLEM: "):]) for line in problems)), problems


def test_auto_approve_policy_is_audited(pair):
    bank, partner, _, partner_admin = pair
    with pytest.raises(PermissionDenied):
        jobs.set_policy(partner, "scoring", True)
    jobs.set_policy(partner_admin, "scoring", True)
    theirs = _send(jobs.propose(bank, "scoring", "platform", {}), partner.workspace)
    assert theirs.state == "approved" and theirs.decided_by == "policy"
    actions = [e["action"] for e in partner.workspace.audit.entries()]
    assert "job.policy" in actions and "job.auto_approve" in actions
    other = _send(jobs.propose(bank, "training", "platform", {}), partner.workspace)
    assert other.state == "proposed"


def test_branch_manager_cannot_propose_or_approve(pair):
    bank, _, bank_admin, _ = pair
    users.add_user(bank_admin, "bob", "branch_manager", "branch-pass", branch="B01")
    bob = login(bank.workspace, "bob", "branch-pass")
    with pytest.raises(PermissionDenied):
        jobs.propose(bob, "alignment", "platform", {})
    with pytest.raises(PermissionDenied):
        jobs.list_jobs(bob)


def test_peer_pinning_rules(pair):
    _, _, bank_admin, partner_admin = pair
    own = peers.describe_identity(bank_admin.workspace)["fingerprint"]
    with pytest.raises(UserFacingError, match="own fingerprint"):
        peers.add_peer(bank_admin, "me", "127.0.0.1:1", own)
    with pytest.raises(UserFacingError, match="HOST:PORT"):
        peers.add_peer(bank_admin, "x", "nowhere", peers.describe_identity(partner_admin.workspace)["fingerprint"])
    with pytest.raises(UserFacingError, match="already exists"):
        peers.add_peer(bank_admin, "platform", "127.0.0.1:9001",
                       peers.describe_identity(partner_admin.workspace)["fingerprint"])


def _approved(pair, job_type="training", params=None):
    bank, partner, _, _ = pair
    job = jobs.propose(bank, job_type, "platform", params or {"trees": 5})
    _send(job, partner.workspace)
    jobs.decide(partner, job.id, approve=True, job_types=JOB_TYPES)
    jobs.record_remote_decision(bank.workspace, job.id, approved=True)
    return job


def _run_both(pair, job_id, end="finished", **fields):
    bank, partner, _, _ = pair
    jobs.require_runnable(bank.workspace, job_id)
    jobs.accept_start(partner.workspace, "bank", job_id)
    for ws in (bank.workspace, partner.workspace):
        jobs.transition(ws, job_id, "running")
        jobs.transition(ws, job_id, end, **fields)


def test_one_approval_allows_one_run_started_by_the_proposer(pair):
    bank, partner, _, _ = pair
    job = _approved(pair)
    with pytest.raises(JobRefused, match="proposing party starts"):   # the approver cannot start it
        jobs.require_runnable(partner.workspace, job.id)
    _run_both(pair, job.id, transcript_hash="ab" * 32, result={})
    with pytest.raises(JobRefused, match="finished"):
        jobs.require_runnable(bank.workspace, job.id)
    with pytest.raises(JobRefused, match="finished"):           # a peer replaying job_start
        jobs.accept_start(partner.workspace, "bank", job.id)
    refused = [e for e in partner.workspace.audit.entries() if e["action"] == "job.start_refused"]
    assert refused and refused[-1]["actor"] == "peer:bank"
    with pytest.raises(JobRefused, match="not a job with this peer"):
        jobs.accept_start(partner.workspace, "someone-else", job.id)
    # a re-sent proposal of a finished job does not re-open it
    assert _send(job, partner.workspace).state == "finished"


def test_a_stopped_run_resumes_only_after_a_new_decision(pair):
    bank, partner, _, _ = pair
    job = _approved(pair)
    _run_both(pair, job.id, end="failed", error="link lost")
    with pytest.raises(JobRefused, match="resum"):
        jobs.require_runnable(bank.workspace, job.id)
    with pytest.raises(JobRefused, match="one run"):
        jobs.accept_start(partner.workspace, "bank", job.id)
    with pytest.raises(UserFacingError, match="proposed by the peer"):
        jobs.request_resume(partner, job.id)
    asked = jobs.request_resume(bank, job.id)
    assert asked.state == "proposed" and asked.remote_decision is None
    theirs = _send(job, partner.workspace)
    assert theirs.state == "proposed" and theirs.local_decision is None
    assert "job.resume_requested" in [e["action"] for e in partner.workspace.audit.entries()]
    jobs.decide(partner, job.id, approve=True, job_types=JOB_TYPES)
    jobs.record_remote_decision(bank.workspace, job.id, approved=True)
    _run_both(pair, job.id, transcript_hash="cd" * 32, result={})
    assert jobs.get(partner.workspace, job.id).state == "finished"
    with pytest.raises(JobRefused):
        _send(type(job)(**{**job.__dict__, "params": {"trees": 500}}), partner.workspace)


def test_jobs_left_running_by_a_process_that_is_gone_become_interrupted(pair):
    bank, partner, _, _ = pair
    job = _approved(pair)
    jobs.transition(bank.workspace, job.id, "running")
    assert jobs.mark_interrupted(bank.workspace) == []          # this process still runs it
    bank.workspace.db.transaction(lambda conn: conn.execute(
        "UPDATE jobs SET runner = ? WHERE id = ?", ("999999999@" + __import__("socket").gethostname(),
                                                     job.id)))
    assert jobs.mark_interrupted(bank.workspace) == [job.id]
    got = jobs.get(bank.workspace, job.id)
    assert got.state == "interrupted" and got.state in jobs.RESUMABLE
    assert "job.interrupted" in [e["action"] for e in bank.workspace.audit.entries()]
    assert jobs.request_resume(bank, job.id).state == "proposed"


def test_proposals_are_size_and_count_limited_per_peer(pair):
    bank, partner, _, _ = pair
    with pytest.raises(JobRefused, match="larger"):
        jobs.receive_proposal(partner.workspace, "bank", "x" * 36, "training",
                              {"pad": "x" * (jobs.MAX_PARAMS_BYTES + 1)}, JOB_TYPES)
    for i in range(jobs.MAX_PENDING_PER_PEER):
        jobs.receive_proposal(partner.workspace, "bank", f"{i:036d}", "scoring", {}, JOB_TYPES)
    with pytest.raises(JobRefused, match="already"):
        jobs.receive_proposal(partner.workspace, "bank", "f" * 36, "scoring", {}, JOB_TYPES)


def test_jobs_show_says_a_refused_jobs_reason_in_the_readers_language(tmp_path):
    """The platform's kill switch refuses the bank's proposal; the bank keeps the refusal's
    code, so ``jobs show`` says it in Chinese under ``--lang zh_CN`` and in English otherwise."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from app.protocols import jobs as talk
    secret = "a workspace passphrase"
    bank = init_workspace(tmp_path / "bank", "Bank", "label", "admin", "bank-admin-pw",
                          passphrase=secret)
    partner = init_workspace(tmp_path / "partner", "Platform", "feature", "admin",
                             "partner-admin-pw", passphrase=secret)
    peers.add_peer(bank, "platform", "127.0.0.1:9001",
                   peers.describe_identity(partner.workspace)["fingerprint"])
    users.add_user(bank, "ana", "analyst", "analyst-pass")
    job = jobs.propose(login(bank.workspace, "ana", "analyst-pass"), "training", "platform",
                       {"trees": 5})
    jobs.set_paused(partner, True)
    facts = partner.workspace.db.run(
        lambda conn: jobs.facts_in(conn, job.id, "bank", JOB_TYPES, (), "training"))
    answer = talk.Conversation("bank", "peer:bank").receive(
        talk.JOB_PROPOSE, {"job_id": job.id, "type": "training",
                           "params": json.dumps(job.params, sort_keys=True)}, facts)
    decision = answer[0].body   # what the link sends back: a refusing job_decision
    assert decision["approved"] is False
    assert jobs.record_remote_decision(bank.workspace, job.id, False,
                                       decision["reason"]).state == "rejected"
    bank.workspace.close()
    partner.workspace.close()

    root = Path(__file__).resolve().parents[1]

    def show(*lang):
        return subprocess.run(
            [sys.executable, "-m", "app", *lang, "jobs", "show", "--workspace",
             str(tmp_path / "bank"), "--passphrase-env", "WS", "--user", "ana", job.id],
            cwd=root, capture_output=True, text=True, timeout=120,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "LANG": "C.UTF-8",
                 "WS": secret, "LIANMO_PASSWORD": "analyst-pass"})
    chinese = show("--lang", "zh_CN")
    assert chinese.returncode == 0, chinese.stderr
    shown = json.loads(chinese.stdout[:chinese.stdout.rindex("}") + 1])
    assert shown["state"] == "rejected"
    assert shown["reason"] == "管理员已暂停跨机构协作（紧急停止开关）；请联系管理员恢复。"
    english = json.loads((out := show().stdout)[:out.rindex("}") + 1])
    assert english["reason"].startswith("Cross-party work is paused by an administrator")
