"""The job conversation (app/protocols/jobs.py) between two parties in memory: every transition of
the one table, the refusals a hostile but pinned peer meets, and the audit records each side asks
its driver to append. Messages cross as encoded bytes through the link's schema codec; each side's
store is a dictionary, which is all a sans-IO protocol needs."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace

import pytest

from app.errors import LocalProtocolError, RemoteProtocolError
from app.protocols import jobs as talk
from app.schema import Codec

CODEC = Codec(talk.MESSAGES)
TYPES = ("alignment", "training", "scoring", "evaluation_share")


@dataclass(frozen=True)
class Row:
    """A stored job, as the conversation reads it."""
    id: str
    type: str
    peer: str
    proposer: str
    params: dict
    state: str = "proposed"
    local_decision: str | None = None
    remote_decision: str | None = None
    decided_by: str | None = None
    reason: str | None = None
    error: str | None = None
    progress_message: str = ""
    transcript_hash: str | None = None
    result: dict | None = None


class Side:
    """One party: its stored jobs, its audit records and the facts it hands in."""

    def __init__(self, peer: str) -> None:
        self.peer = peer
        self.jobs: dict[str, Row] = {}
        self.audit: list[talk.Audit] = []
        self.paused = False
        self.auto_approve = False
        self.problems: tuple[str, ...] = ()

    def facts(self, job_id: str) -> talk.Facts:
        pending = sum(j.proposer == "remote" and j.state == "proposed" for j in self.jobs.values())
        return talk.Facts(self.jobs.get(job_id), self.paused, pending, self.auto_approve,
                          self.problems, TYPES)

    def apply(self, events: list) -> list:
        """The driver's part: store and audit; the rest (sends, runs, refusals) is returned."""
        rest = []
        for event in events:
            if isinstance(event, talk.Insert):
                self.jobs[event.job_id] = Row(event.job_id, event.type, event.peer, "remote",
                                              event.params, remote_decision="approved")
            elif isinstance(event, talk.Move):
                job = self.jobs[event.job_id]
                talk.check_move(job, event.state)
                self.jobs[job.id] = replace(job, state=event.state, **event.fields)
            elif isinstance(event, talk.Audit):
                self.audit.append(event)
            else:
                rest.append(event)
        return rest

    def actions(self) -> list[tuple[str, str]]:
        return [(a.actor, a.action) for a in self.audit]


def wire(events: list) -> list[tuple[str, dict]]:
    """The messages among ``events``, as the peer decodes them from bytes."""
    return [CODEC.decode(CODEC.encode(e.type, e.body)) for e in events if isinstance(e, talk.Send)]


def feed(side: Side, conv: talk.Conversation, messages, now: float = 0.0) -> list:
    out = []
    for msg_type, body in messages:
        out += side.apply(conv.receive(msg_type, body, side.facts(body["job_id"]), now=now,
                                       decision_seconds=30))
    return out


@pytest.fixture
def bank_platform():
    return Side("platform"), Side("bank")


def propose(bank: Side, job_type="scoring", params=None) -> Row:
    """The bank's analyst proposes (its own approval implied)."""
    job = Row(str(uuid.uuid4()), job_type, "platform", "local", params or {"model": "m1"},
              local_decision="approved", decided_by="ana")
    bank.jobs[job.id] = job
    return job


def send_proposal(bank: Side, platform: Side, job: Row, decide=None):
    """One proposal session: the platform stores it, its users decide (``decide``), the
    decision travels back. Returns (bank's events, platform's conversation)."""
    dialer, listener = talk.Conversation("platform", "ana"), talk.Conversation("bank", "peer:bank")
    out = feed(platform, listener, wire(dialer.propose(bank.jobs[job.id])))
    if listener.phase == "deciding":
        if decide is not None:
            decide(platform, job.id)
        out += platform.apply(listener.decision_due(platform.jobs[job.id], now=1.0))
    if not wire(out):                      # nobody decided in time: the proposer stops waiting
        dialer.timed_out()
        return [], listener
    return feed(bank, dialer, wire(out)), listener


def approve(side: Side, job_id: str) -> None:
    job = side.jobs[job_id]
    side.jobs[job_id] = replace(job, state="approved", local_decision="approved",
                                decided_by="ana")


def approved(bank: Side, platform: Side, **kw) -> Row:
    job = propose(bank, **kw)
    send_proposal(bank, platform, job, approve)
    assert bank.jobs[job.id].state == platform.jobs[job.id].state == "approved"
    return job


def run(bank: Side, platform: Side, job_id: str, *, bank_hash="ab" * 32, platform_hash=None,
        hang_up=False):
    """One run session: start, both runners (here: nothing), both job_end messages."""
    dialer, listener = talk.Conversation("platform", "ana"), talk.Conversation("bank", "peer:bank")
    started = bank.apply(dialer.start(bank.jobs[job_id], bank.paused))
    if any(isinstance(e, talk.Refused) for e in started):   # refused on the proposer's side
        return dialer, listener, started
    answer = feed(platform, listener, wire(started))
    to_bank = feed(bank, dialer, wire(answer))
    if not any(isinstance(e, talk.Run) for e in answer):
        return dialer, listener, to_bank
    assert [e for e in to_bank if isinstance(e, talk.Run)] == [talk.Run(job_id, True)]
    if hang_up:   # the proposer's link drops after its runner: both sides fail the run
        bank.apply(dialer.fail("PeerError"))
        platform.apply(listener.fail("PeerError"))
        return dialer, listener, []
    ends_b = wire(dialer.run_done(bank_hash))
    ends_p = wire(listener.run_done(platform_hash or bank_hash))
    out_p = feed(platform, listener, ends_b)
    out_b = feed(bank, dialer, ends_p)
    for side, conv, out in ((bank, dialer, out_b), (platform, listener, out_p)):
        if not any(isinstance(e, talk.Refused) for e in out):
            side.apply(conv.finish({"n": 1}))
    return dialer, listener, out_b + out_p


# -- every transition -----------------------------------------------------------------------------
def test_propose_approve_start_run_finish_on_both_sides(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform)
    dialer, listener, out = run(bank, platform, job.id)
    assert dialer.phase == listener.phase == "closed" and not out
    for side in (bank, platform):
        assert side.jobs[job.id].state == "finished"
        assert side.jobs[job.id].transcript_hash == "ab" * 32
    assert platform.actions() == [("peer:bank", "job.proposal_received"),
                                  ("peer:bank", "job.running"), ("peer:bank", "job.finished")]
    assert bank.actions() == [("peer:platform", "job.peer_approved"), ("ana", "job.running"),
                              ("ana", "job.finished")]


def test_rejection_travels_back_and_a_late_decision_leaves_the_job_proposed(bank_platform):
    bank, platform = bank_platform
    job = propose(bank)
    send_proposal(bank, platform, job, lambda side, job_id: side.jobs.__setitem__(
        job_id, replace(side.jobs[job_id], state="rejected", reason="not now")))
    assert bank.jobs[job.id].state == "rejected" and bank.jobs[job.id].reason == "not now"
    assert ("peer:platform", "job.peer_rejected") in bank.actions()
    late = propose(bank)
    out, listener = send_proposal(bank, platform, late)
    assert not out and bank.jobs[late.id].state == "proposed"
    assert listener.decision_due(platform.jobs[late.id], now=31.0) == []   # past the deadline
    assert listener.phase == "closed"


def test_auto_approve_policy_decides_at_once_unless_the_check_finds_problems(bank_platform):
    bank, platform = bank_platform
    platform.auto_approve = True
    job = propose(bank)
    send_proposal(bank, platform, job)
    assert bank.jobs[job.id].state == "approved"
    assert ("policy", "job.auto_approve") in platform.actions()
    platform.problems = ("This workspace has no dataset with mobile IDs to align.",)
    other = propose(bank)
    send_proposal(bank, platform, other)
    assert bank.jobs[other.id].state == "proposed" == platform.jobs[other.id].state


def test_the_table_allows_no_other_moves():
    for state, allowed in talk.TRANSITIONS.items():
        for target in talk.TRANSITIONS:
            job = Row("j" * 36, "scoring", "p", "local", {}, state=state)
            if target in allowed:
                talk.check_move(job, target)
            else:
                with pytest.raises(LocalProtocolError):
                    talk.check_move(job, target)
    assert all(not talk.TRANSITIONS[s] for s in talk.TERMINAL)
    assert all("proposed" in talk.TRANSITIONS[s] for s in talk.RESUMABLE)


# -- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["running", "finished", "failed", "proposed", "rejected"])
def test_a_start_of_a_job_not_holding_an_unused_approval_is_refused_and_audited(
        bank_platform, state):
    bank, platform = bank_platform
    job = approved(bank, platform)
    platform.jobs[job.id] = replace(platform.jobs[job.id], state=state)
    bank_before = bank.jobs[job.id]
    _, listener, out = run(bank, platform, job.id)
    assert platform.jobs[job.id].state == state and listener.phase == "closed"
    assert platform.audit[-1] == talk.Audit("peer:bank", "job.start_refused", {"job": job.id},
                                            {"why": f"{state}; an approval allows one run"})
    # the proposer learns why and its run is over (failed: resumable by a new decision)
    assert any(isinstance(e, talk.Refused) and "one run" in e.reason for e in out)
    assert bank_before.state == "approved" and bank.jobs[job.id].state == "failed"


def test_a_finished_job_never_starts_again_and_a_hang_up_leaves_it_failed(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform)
    run(bank, platform, job.id, hang_up=True)
    assert bank.jobs[job.id].state == platform.jobs[job.id].state == "failed"
    conv = talk.Conversation("platform", "ana")      # the proposer's own side refuses too
    assert isinstance(conv.start(bank.jobs[job.id], False)[0], talk.Refused)
    # a replayed job_start: refused, audited as the peer, the job stays failed
    replay = talk.Conversation("bank", "peer:bank")
    out = feed(platform, replay, [(talk.JOB_START, {"job_id": job.id})])
    assert wire(out)[0][0] == talk.JOB_END and not wire(out)[0][1]["ok"]
    assert platform.jobs[job.id].state == "failed"
    assert platform.actions()[-1] == ("peer:bank", "job.start_refused")


def test_only_the_proposer_starts_and_only_jobs_with_this_peer(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform)
    # the approver cannot start a job it did not propose ...
    assert "proposing party starts" in talk.Conversation("bank", "ana").start(
        platform.jobs[job.id], False)[0].reason
    # ... and the bank refuses a job_start for a job the bank proposed
    reply = feed(bank, talk.Conversation("platform", "peer:platform"),
                 [(talk.JOB_START, {"job_id": job.id})])
    assert "only the proposer" in wire(reply)[0][1]["error"]
    assert bank.actions()[-1] == ("peer:platform", "job.start_refused")
    # another pinned peer cannot start the platform's job with the bank
    stranger = feed(platform, talk.Conversation("branch", "peer:branch"),
                    [(talk.JOB_START, {"job_id": job.id})])
    assert "not a job with this peer" in wire(stranger)[0][1]["error"]
    assert platform.jobs[job.id].state == "approved"


def test_a_resume_runs_only_after_a_new_decision_recorded_in_both_audits(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform)
    run(bank, platform, job.id, hang_up=True)
    # a resume request the approver has not decided: no start
    bank.jobs[job.id] = replace(bank.jobs[job.id], state="proposed", remote_decision=None)
    send_proposal(bank, platform, job)
    assert platform.jobs[job.id].state == "proposed"
    assert ("peer:bank", "job.resume_requested") in platform.actions()
    _, _, out = run(bank, platform, job.id)
    assert isinstance(out[0], talk.Refused) and "proposed" in out[0].reason
    # the approver's users approve the resume: one more run
    send_proposal(bank, platform, job, approve)
    run(bank, platform, job.id)
    assert bank.jobs[job.id].state == platform.jobs[job.id].state == "finished"


def test_a_resume_with_changed_parameters_or_type_is_refused(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform, params={"trees": 5})
    run(bank, platform, job.id, hang_up=True)
    for changed in ({"params": {"trees": 500}}, {"type": "training"}):
        bank.jobs[job.id] = replace(bank.jobs[job.id], state="proposed", **changed)
        send_proposal(bank, platform, job, approve)
        assert bank.jobs[job.id].state == "rejected" and "another job" in bank.jobs[job.id].reason
        assert platform.jobs[job.id].state == "failed"
        bank.jobs[job.id] = replace(bank.jobs[job.id], state="failed", **{
            k: getattr(job, k) for k in changed})


def test_different_transcripts_fail_both_sides(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform)
    _, _, out = run(bank, platform, job.id, platform_hash="cd" * 32)
    assert bank.jobs[job.id].state == platform.jobs[job.id].state == "failed"
    assert sum(isinstance(e, talk.Refused) and "different transcripts" in e.reason
               for e in out) == 2


def test_kill_switch_refuses_proposals_and_starts(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform)
    platform.paused = True
    _, _, out = run(bank, platform, job.id)
    assert "kill switch" in out[0].reason and platform.jobs[job.id].state == "approved"
    other = propose(bank)
    send_proposal(bank, platform, other)
    assert bank.jobs[other.id].state == "rejected" and "kill switch" in bank.jobs[other.id].reason
    assert other.id not in platform.jobs


def test_proposals_are_limited_in_size_count_and_rate(bank_platform):
    bank, platform = bank_platform
    big = propose(bank, params={"pad": "x" * (talk.MAX_PARAMS_BYTES + 1)})
    send_proposal(bank, platform, big)
    assert "larger" in bank.jobs[big.id].reason and big.id not in platform.jobs
    for _ in range(talk.MAX_PENDING_PER_PEER):
        send_proposal(bank, platform, propose(bank))
    flood = propose(bank)
    send_proposal(bank, platform, flood)
    assert "already waiting" in bank.jobs[flood.id].reason
    limit = talk.ProposalLimit(per_minute=2)
    assert [limit.allow("bank", t) for t in (0, 1, 2, 30, 60.5)] == [True, True, False, False, True]


def test_messages_out_of_turn_are_the_peers_protocol_error(bank_platform):
    bank, platform = bank_platform
    job = approved(bank, platform)
    listener = talk.Conversation("bank", "peer:bank")
    with pytest.raises(RemoteProtocolError, match="not expected"):
        listener.receive(talk.JOB_END, {"job_id": job.id, "ok": True, "transcript_hash": "",
                                        "error": ""}, platform.facts(job.id))
    with pytest.raises(RemoteProtocolError, match="params"):
        talk.Conversation("bank", "peer:bank").receive(
            talk.JOB_PROPOSE, {"job_id": job.id, "type": "scoring",
                               "params": json.dumps({"nested": {"a": 1}})}, platform.facts(job.id))
    dialer = talk.Conversation("platform", "ana")
    dialer.propose(bank.jobs[job.id])
    with pytest.raises(RemoteProtocolError, match="different job"):
        dialer.receive(talk.JOB_DECISION, {"job_id": str(uuid.uuid4()), "approved": True,
                                           "reason": ""}, bank.facts(job.id))
