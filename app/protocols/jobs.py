"""The job conversation between two parties as a sans-IO state machine (h11 style).

A job lives in both workspaces under one id. ``TRANSITIONS`` is the one table of its states
(proposed → approved → running → finished / failed / paused / interrupted / cancelled, and back
to proposed when the approver takes a new decision on a resume); every judgement of what the
peer or a local user asks for is a pure function of the stored job and a few facts handed in
(``Facts``: the kill switch, pending proposals, the auto-approve policy, the approver's checks,
the time). Nothing here touches a socket, a thread, a clock or the store: a :class:`Conversation`
takes peer messages and local calls and answers with events — messages to send, job rows to
insert or move, audit records to append, a runner to start, a refusal to raise — which the link
service (app/workflows/peering/link.py) carries out through app/store/jobs.py. So every refusal
(a start of a job that ran, a start by the non-proposer, a resume nobody approved, changed
parameters) can be tested with two conversation objects talking to each other in memory.

One session carries one conversation: a proposal and its decision, or one run
(``job_start`` → ``job_started`` or a refusing ``job_end`` → the job type's own messages →
``job_end`` both ways with the transcript hashes). ``SESSION`` is the table of its phases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app import messages
from app.errors import LocalProtocolError, RemoteProtocolError
from app.schema import Bool, Message, Str

# -- the job's states: the one table ------------------------------------------------------------
# state -> states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"approved", "rejected", "cancelled"}),
    "approved": frozenset({"running", "cancelled"}),
    "running": frozenset({"finished", "failed", "cancelled", "paused", "interrupted"}),
    # stopped before the end: runs again only after a new decision (resume from the checkpoint)
    "paused": frozenset({"proposed", "cancelled", "failed"}),
    "failed": frozenset({"proposed", "cancelled"}),
    "interrupted": frozenset({"proposed", "cancelled"}),
    "finished": frozenset(),
    "rejected": frozenset(),
    "cancelled": frozenset(),
}
TERMINAL = frozenset({"finished", "rejected", "cancelled"})
RESUMABLE = frozenset({"failed", "paused", "interrupted"})
MAX_PARAMS_BYTES = 8192      # a proposal's parameters: a flat object of a few dozen values
MAX_PENDING_PER_PEER = 16    # proposals from one peer waiting for our decision
PROPOSALS_PER_MINUTE = 10    # each proposal holds a listener thread while it waits for a decision


def check_move(job, state: str) -> None:
    """Refuse a move the table does not allow (``job``: anything with ``id`` and ``state``)."""
    if state not in TRANSITIONS[job.state]:
        raise LocalProtocolError(f"Job {job.id} cannot go from {job.state} to {state}.")


# -- messages ------------------------------------------------------------------------------------
JOB_PROPOSE, JOB_DECISION = "lianmo.job_propose", "lianmo.job_decision"
JOB_START, JOB_STARTED, JOB_END = "lianmo.job_start", "lianmo.job_started", "lianmo.job_end"
_JOB_ID = Str(max_len=36, min_len=36)
_REASON = Str(max_len=500)
MESSAGES = (
    # parameters are JSON text (ASCII: json.dumps escapes the rest), at most 64 KiB
    Message(JOB_PROPOSE, 1, {"job_id": _JOB_ID, "type": Str(max_len=32, min_len=1),
                             "params": Str(max_len=65536)}, max_bytes=65536 + 256),
    Message(JOB_DECISION, 1, {"job_id": _JOB_ID, "approved": Bool(), "reason": _REASON},
            max_bytes=4 * 500 + 256),
    Message(JOB_START, 1, {"job_id": _JOB_ID}, max_bytes=128),
    Message(JOB_STARTED, 1, {"job_id": _JOB_ID}, max_bytes=128),
    Message(JOB_END, 1, {"job_id": _JOB_ID, "ok": Bool(), "transcript_hash": Str(max_len=64),
                         "error": _REASON}, max_bytes=4 * 500 + 256),
)


def parse_params(text: str) -> dict:
    """Job parameters travel as JSON text: a flat object of scalars (shown to the approver)."""
    try:
        params = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RemoteProtocolError.coded("protocol.bad_field", field="job_propose.params") from exc
    if not isinstance(params, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, (str, int, float, bool)))
            for k, v in params.items()):
        raise RemoteProtocolError.coded("protocol.bad_field", field="job_propose.params")
    return params


# -- events: what the driver does -----------------------------------------------------------------
@dataclass(frozen=True)
class Send:
    type: str
    body: dict


@dataclass(frozen=True)
class Insert:
    """Store a proposal received from the peer (state proposed, the peer's approval implied)."""
    job_id: str
    type: str
    peer: str
    params: dict


@dataclass(frozen=True)
class Move:
    """Move a stored job along ``TRANSITIONS`` and set the named columns."""
    job_id: str
    state: str
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Audit:
    actor: str
    action: str
    objects: dict
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """Run the job type's runner now (``initiator``: we proposed and started it)."""
    job_id: str
    initiator: bool


@dataclass(frozen=True)
class Refused:
    """The local caller's request (or the peer's answer to it) is refused: raise it.

    ``reason`` is the English sentence; ``code`` and ``params`` say it in the reader's language
    (``kept``: what a job row or a message to the peer carries, see messages.stored)."""
    reason: str
    code: str | None = None
    params: dict = field(default_factory=dict)

    @property
    def kept(self) -> str:
        return messages.stored(self.code, self.params, self.reason)


def refused(code: str, **params) -> Refused:
    return Refused(messages.render(code, params, "en"), code, params)


@dataclass(frozen=True)
class Facts:
    """The stored state a judgement needs, read by the driver in the transaction that applies
    the answer (``job`` is None when the id is unknown here)."""
    job: Any = None
    paused: bool = False
    pending_from_peer: int = 0
    auto_approve: bool = False
    problems: tuple = ()                 # the job type's check here (approver): catalogue records
    known_types: tuple[str, ...] = ()    # job types this version runs
    within_rate: bool = True             # the peer's proposals of the last minute are few enough


def _move(job, state: str, **fields) -> Move:
    check_move(job, state)
    return Move(job.id, state, fields)


def _moved(job, state: str, **fields):
    """``job`` as it is after the move (the events' later judgements read it)."""
    return _Snapshot(**{**job.__dict__, "state": state, **fields})


class _Snapshot:
    def __init__(self, **values) -> None:
        self.__dict__.update(values)


# -- judgements (pure; used by the conversation and by the workflow's local calls) ---------------
def judge_proposal(peer: str, job_id: str, job_type: str, params: dict, facts: Facts) -> list:
    """The peer proposes a job, or proposes again one we know (a re-send or a resume request)."""
    if not facts.within_rate:
        return [refused("cross.too_many")]
    if job_type not in facts.known_types:
        return [refused("cross.unknown_type", type=job_type)]
    if len(json.dumps(params, sort_keys=True)) > MAX_PARAMS_BYTES:
        return [refused("cross.params_too_large")]
    if facts.paused:
        return [refused("cross.paused")]
    job = facts.job
    if job is not None:
        if (job.peer != peer or job.proposer != "remote" or job.type != job_type
                or job.params != params):
            return [refused("cross.id_taken")]
        if job.state not in RESUMABLE:
            return []  # a re-sent proposal after a reconnect: the answer is the job's state
        events = [_move(job, "proposed", local_decision=None, decided_by=None, reason=None,
                        error=None),
                  Audit(f"peer:{peer}", "job.resume_requested", {"job": job.id, "type": job.type},
                        {"after": job.state, "progress": job.progress_message})]
        return events + _by_policy(_moved(job, "proposed"), facts)
    if facts.pending_from_peer >= MAX_PENDING_PER_PEER:
        return [refused("cross.too_many_pending", count=MAX_PENDING_PER_PEER)]
    new = _Snapshot(id=job_id, state="proposed")
    return [Insert(job_id, job_type, peer, params),
            Audit(f"peer:{peer}", "job.proposal_received", {"job": job_id, "type": job_type},
                  params)] + _by_policy(new, facts)


def _by_policy(job, facts: Facts) -> list:
    """A waiting proposal (new, or a resume) is approved at once when a policy says so."""
    if not facts.auto_approve or facts.problems:
        return []
    return [_move(job, "approved", local_decision="approved", decided_by="policy"),
            Audit("policy", "job.auto_approve", {"job": job.id}, {})]


def judge_decision(job, approved: bool, reason: str) -> list:
    """The peer's decision on our proposal (anything else stays as it is)."""
    if job is None or job.proposer != "local" or job.state != "proposed":
        return []
    return [_move(job, "approved" if approved else "rejected",
                  remote_decision="approved" if approved else "rejected", reason=reason or None),
            Audit(f"peer:{job.peer}", "job.peer_approved" if approved else "job.peer_rejected",
                  {"job": job.id}, {"reason": reason})]


def runnable(job, paused: bool) -> Refused | None:
    """Why we may not start ``job`` now (None: we proposed it and hold an unused approval)."""
    if job.proposer != "local":
        return refused("cross.proposed_by_peer", job=job.id)
    if job.state in RESUMABLE:
        return refused("cross.resume_needed", job=job.id, state=messages.Term(job.state))
    if job.state != "approved":
        return refused("cross.not_approved", job=job.id, state=messages.Term(job.state))
    if paused:
        return refused("cross.paused")
    return None


def judge_start(peer: str, job_id: str, facts: Facts) -> Refused | None:
    """Why the peer may not start ``job_id`` now (None: it proposed it, we approved, unused)."""
    job = facts.job
    if job is None or job.peer != peer:
        return refused("cross.start_unknown")
    if job.proposer != "remote":
        return refused("cross.start_ours")
    if job.state != "approved":
        return refused("cross.start_used", state=messages.Term(job.state))
    if facts.paused:
        return refused("cross.start_paused")
    return None


def start_refused(peer: str, job_id: str, why: Refused) -> list:
    return [Audit(f"peer:{peer}", "job.start_refused", {"job": job_id}, {"why": why.reason}),
            refused("cross.start_refused", job=job_id, why=messages.record(why.code, why.params))]


def running(job, actor: str) -> list:
    return [_move(job, "running"), Audit(actor, "job.running", {"job": job.id}, {})]


def ended(job, state: str, actor: str, **fields) -> list:
    """A run ends: finished (with the transcript hash and result) or failed (with the error)."""
    objects = {"job": job.id}
    if fields.get("transcript_hash"):
        objects["transcript_hash"] = fields["transcript_hash"]
    return [_move(job, state, **fields),
            Audit(actor, f"job.{state}", objects,
                  {k: v for k, v in fields.items() if k != "result"})]


# -- the conversation of one session ---------------------------------------------------------------
# phase -> (event -> next phase). Events named like messages come from the peer (``recv:``) or go
# to it (``send:``); the others are the driver's calls.
SESSION: dict[str, dict[str, str]] = {
    "idle": {"send:propose": "awaiting_decision", "recv:propose": "deciding",
             "send:start": "starting", "recv:start": "running", "refuse": "closed"},
    "awaiting_decision": {"recv:decision": "closed", "timeout": "closed"},
    "deciding": {"decided": "closed", "timeout": "closed"},
    "starting": {"recv:started": "running", "recv:end": "closed", "fail": "closed"},
    "running": {"run_done": "ending", "fail": "closed"},
    "ending": {"recv:end": "closed", "fail": "closed"},
    "closed": {},
}
_RECV = {JOB_PROPOSE: "recv:propose", JOB_DECISION: "recv:decision", JOB_START: "recv:start",
         JOB_STARTED: "recv:started", JOB_END: "recv:end"}


class Conversation:
    """Our side of one session's job talk with ``peer``: ``proposer`` dials to propose or run,
    ``approver`` answers. Each call returns the events the driver carries out, in order."""

    def __init__(self, peer: str, actor: str) -> None:
        self.peer = peer
        self.actor = actor            # who our own moves are recorded as (a user, or peer:NAME)
        self.phase = "idle"
        self.job = None               # the job in play, as stored (plus the moves we asked for)
        self.deadline: float | None = None
        self.transcript_hash: str | None = None   # ours, once our runner finished
        self._agreed: str | None = None           # both transcript hashes, once they matched

    def _step(self, event: str, remote: bool = False) -> None:
        nxt = SESSION[self.phase].get(event)
        if nxt is None:
            if remote:
                raise RemoteProtocolError.coded("protocol.unexpected", message=event[5:])
            raise LocalProtocolError(f"The job conversation cannot {event} while {self.phase}.")
        self.phase = nxt

    def _expect_job(self, body: dict, what: str) -> None:
        if self.job is not None and body.get("job_id") != self.job.id:
            raise RemoteProtocolError.coded("protocol.wrong_job", message=what)

    # -- our calls -------------------------------------------------------------------------------
    def propose(self, job) -> list:
        """Send our stored proposal (a new one, or a resume request) to the peer."""
        self._step("send:propose")
        self.job = job
        return [Send(JOB_PROPOSE, {"job_id": job.id, "type": job.type,
                                   "params": json.dumps(job.params, sort_keys=True)})]

    def start(self, job, paused: bool) -> list:
        """Start the run of ``job`` that our approval and the peer's allow (once)."""
        why = runnable(job, paused)
        if why is not None:
            self._step("refuse")
            return [why]
        self._step("send:start")
        self.job = _moved(job, "running")
        return running(job, self.actor) + [Send(JOB_START, {"job_id": job.id})]

    def decision_due(self, job, now: float) -> list:
        """Poll while the approver's users decide: send the decision once it is stored."""
        if job.state != "proposed":
            self._step("decided")
            return [Send(JOB_DECISION, {"job_id": job.id, "approved": job.state == "approved",
                                        "reason": (job.reason or "")[:500]})]
        if self.deadline is not None and now >= self.deadline:
            self._step("timeout")     # still proposed: the proposer learns the decision later
        return []

    def timed_out(self) -> list:
        """The peer did not decide in time (proposer): the job stays proposed."""
        self._step("timeout")
        return []

    def run_done(self, transcript_hash: str) -> list:
        """Our runner finished: offer our transcript hash."""
        self._step("run_done")
        self.transcript_hash = transcript_hash
        return [Send(JOB_END, {"job_id": self.job.id, "ok": True,
                               "transcript_hash": transcript_hash, "error": ""})]

    def fail(self, error: str) -> list:
        """Our run (or the link under it) failed: the job stops, resumable by a new decision."""
        self._step("fail")
        job, self.job = self.job, _moved(self.job, "failed")
        return ended(job, "failed", "system", error=error[:500])

    def finish(self, result: dict) -> list:
        """Both transcript hashes matched (after ``recv:end``): store the result."""
        if self.phase != "closed" or self._agreed is None:
            raise LocalProtocolError("The job can only finish after both transcripts matched.")
        job, self.job = self.job, _moved(self.job, "finished")
        return ended(job, "finished", self.actor, transcript_hash=self._agreed, result=result)

    # -- the peer's messages ------------------------------------------------------------------------
    def receive(self, msg_type: str, body: dict, facts: Facts | None = None,
                now: float = 0.0, decision_seconds: float = 0.0) -> list:
        """Apply one message from the peer (``facts``: the stored state for ``body['job_id']``)."""
        event = _RECV.get(msg_type)
        if event is None:
            raise RemoteProtocolError.coded("protocol.unexpected", message=msg_type)
        facts = facts or Facts()
        if event == "recv:propose":
            self._step(event, remote=True)
            params = parse_params(body["params"])
            events = judge_proposal(self.peer, body["job_id"], body["type"], params, facts)
            refusal = next((e for e in events if isinstance(e, Refused)), None)
            if refusal is not None:
                self.phase = "closed"
                return [Send(JOB_DECISION, {"job_id": body["job_id"], "approved": False,
                                            "reason": refusal.kept})]
            self.deadline = now + decision_seconds
            return events
        if event == "recv:start":
            why = judge_start(self.peer, body["job_id"], facts)
            if why is not None:
                self._step("refuse")
                return start_refused(self.peer, body["job_id"], why)[:1] + [
                    Send(JOB_END, {"job_id": body["job_id"], "ok": False, "transcript_hash": "",
                                   "error": why.kept})]
            self._step(event, remote=True)
            self.job = _moved(facts.job, "running")
            return running(facts.job, f"peer:{self.peer}") + [
                Send(JOB_STARTED, {"job_id": facts.job.id}), Run(facts.job.id, initiator=False)]
        self._step(event, remote=True)
        if event == "recv:decision":
            self._expect_job(body, "job_decision")
            return judge_decision(facts.job if facts.job is not None else self.job,
                                  body["approved"], body["reason"])
        if event == "recv:started":
            self._expect_job(body, "job_started")
            return [Run(self.job.id, initiator=True)]
        # recv:end
        self._expect_job(body, "job_end")
        job = self.job
        if not body["ok"]:
            self.job = _moved(job, "failed")
            ended_by_peer = refused("cross.peer_ended", why=messages.parse_stored(body["error"])
                                    or body["error"])
            return ended(job, "failed", f"peer:{self.peer}", error=ended_by_peer.kept) + [
                ended_by_peer]
        if body["transcript_hash"] != self.transcript_hash:
            self.job = _moved(job, "failed")
            why = refused("cross.transcripts_differ")
            return ended(job, "failed", "system", error=why.kept) + [why]
        self._agreed = body["transcript_hash"]
        return []


class ProposalLimit:
    """At most ``PROPOSALS_PER_MINUTE`` proposals per peer (time handed in, in seconds)."""

    def __init__(self, per_minute: int = PROPOSALS_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._times: dict[str, list[float]] = {}

    def allow(self, peer: str, now: float) -> bool:
        recent = [t for t in self._times.get(peer, []) if now - t < 60.0]
        allowed = len(recent) < self.per_minute
        self._times[peer] = recent + ([now] if allowed else [])
        return allowed


