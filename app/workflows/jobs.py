"""Cross-party jobs: proposed by one party, run only after every party approved, audited throughout.

All state changes go through ``TRANSITIONS`` (one table, as in h11, kept with the job conversation
in app/protocols/jobs.py), so no code path can move a job from, say, proposed straight to running.
Each party keeps its own copy of the job; the conversation judges what the peer and our users ask
for and answers with events, which ``apply_in`` carries out in the store and the audit chain.

An approval authorises exactly one run, started by the proposing party, with the approved
parameters. A run that stopped (failed, paused by the kill switch, or interrupted by a crash) goes
back to ``proposed``: resuming it is a new decision of the approver, recorded in both audits. A
job that finished never runs again. So a peer cannot approve-once-run-many with new inputs.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from app import messages
from app.errors import JobRefused, StoreError, UserFacingError
from app.protocols import jobs as talk
# The one table of job states and the judgements over it live with the job conversation.
from app.protocols.jobs import (MAX_PARAMS_BYTES, MAX_PENDING_PER_PEER, RESUMABLE,  # noqa: F401
                                TERMINAL, TRANSITIONS)
from app.store import alignments as alignment_store
from app.store import jobs as job_store
from app.store import peers as peer_store
from app.store.jobs import COLUMNS, Job  # noqa: F401  (commands and pages read them from here)
from app.workflows import processes
from app.workflows.session import Session

if TYPE_CHECKING:  # the registry imports every job's workflow, and they import this module
    from app.workflows.job_types import JobTypes

JOB_TYPES = ("alignment", "training", "scoring", "evaluation_share")


def _load(conn, job_id: str) -> Job:
    job = job_store.load(conn, job_id)
    if job is None:
        raise UserFacingError.coded("cross.no_job", job=job_id)
    return job


def _move(conn, job: Job, state: str, **fields) -> None:
    talk.check_move(job, state)
    job_store.update(conn, job.id, state=state, **fields)
    if state in TERMINAL:   # a job that ended never resumes: its resume point (a scalar) goes
        alignment_store.forget_resume(conn, job.id)


def resume_point(job: Job) -> tuple[str, int] | None:
    """("chunk", 37) or ("tree", 14) for a proposal that asks to continue a stopped run (its
    stored progress says where), else None: the approver decides knowing where it resumes."""
    unit, _, rest = job.progress_message.partition(" ")
    number = rest.split(" of ")[0]
    if job.state != "proposed" or unit not in ("chunk", "tree") or not number.isdigit():
        return None
    return unit, int(number)


def resume_note(job: Job) -> str:
    """"resume job X from chunk 37" (``resume_point`` in a sentence), else ""."""
    point = resume_point(job)
    return "" if point is None else f"resume job {job.id} from {point[0]} {point[1]}"


def facts_in(conn, job_id: str, peer: str = "", job_types: JobTypes | None = None,
             problems: tuple = (), proposed_type: str = "",
             within_rate: bool = True) -> talk.Facts:
    """What the job conversation needs to judge a message about ``job_id``, read in ``conn``
    (``proposed_type``: a proposal of that type is judged, so its policy matters)."""
    return talk.Facts(job=job_store.load(conn, job_id), paused=job_store.is_paused(conn),
                      pending_from_peer=job_store.count_pending_from(conn, peer) if peer else 0,
                      auto_approve=bool(proposed_type) and job_store.auto_approves(conn,
                                                                                   proposed_type),
                      problems=tuple(problems), within_rate=within_rate,
                      known_types=tuple(t for t in JOB_TYPES
                                        if job_types is None or t in job_types))


def apply_in(workspace, conn, events: list) -> list:
    """Carry out the conversation's store and audit events in ``conn``; returns the others
    (messages to send, runs to start, refusals) for the caller."""
    rest = []
    for event in events:
        if isinstance(event, talk.Insert):
            job_store.insert(conn, event.job_id, event.type, event.peer, "remote", event.params,
                             remote_decision="approved")
        elif isinstance(event, talk.Move):
            fields = dict(event.fields)
            if event.state == "running":
                _refuse_if_paused(conn)
                fields["runner"] = processes.THIS
            _move(conn, _load(conn, event.job_id), event.state, **fields)
        elif isinstance(event, talk.Audit):
            workspace.audit.append_in(conn, event.actor, event.action, event.objects,
                                      event.details)
        else:
            rest.append(event)
    return rest


def refusal(event: talk.Refused) -> JobRefused:
    """The error a refusal of the job conversation raises (coded when the refusal is)."""
    if event.code is None:
        return JobRefused(event.reason)
    return JobRefused(event.reason, code=event.code, params=event.params)


def said(text: str | None, language: str = "en") -> str:
    """A job's stored error or reason in ``language`` (coded ones are kept as records)."""
    return messages.say_stored(text, language)


def _raise_refusal(events: list) -> None:
    for event in events:
        if isinstance(event, talk.Refused):
            raise refusal(event)


# -- kill switch --------------------------------------------------------------------------------
def set_paused(session: Session, paused: bool) -> None:
    """The kill switch: refuse new proposals and stop running jobs at their next checkpoint."""
    session.require("killswitch")
    session.audited("killswitch.pause" if paused else "killswitch.resume", {}, {},
                    lambda conn: session.workspace.set_meta_in(conn, job_store.PAUSED_KEY,
                                                               "1" if paused else "0"))


def paused(session_or_ws) -> bool:
    ws = getattr(session_or_ws, "workspace", session_or_ws)
    return ws.db.run(job_store.is_paused)


def _refuse_if_paused(conn) -> None:
    if job_store.is_paused(conn):
        raise JobRefused.coded("cross.paused")


# -- proposals and decisions ---------------------------------------------------------------------
def propose(session: Session, job_type: str, peer: str, params: dict) -> Job:
    """Record our own proposal; we approve it by proposing it."""
    session.require("jobs.propose")
    if job_type not in JOB_TYPES:
        raise UserFacingError.coded("cross.unknown_type", type=job_type)
    job_id = str(uuid.uuid4())

    def insert(conn):
        _refuse_if_paused(conn)
        if not peer_store.exists(conn, peer):
            raise UserFacingError.coded("cross.no_peer", peer=peer)
        job_store.insert(conn, job_id, job_type, peer, "local", params, local_decision="approved",
                         decided_by=session.user.name)
        return _load(conn, job_id)
    return session.audited("job.propose", {"job": job_id, "peer": peer, "type": job_type}, params,
                           insert)


def receive_proposal(workspace, peer: str, job_id: str, job_type: str, params: dict,
                     job_types: JobTypes) -> Job:
    """The peer proposed a job: store it for our users to decide, or auto-approve by policy."""
    problems = proposal_problems(workspace, peer, job_id, job_type, params, job_types)

    def insert(conn):
        events = talk.judge_proposal(peer, job_id, job_type, params,
                                     facts_in(conn, job_id, peer, job_types, problems, job_type))
        _raise_refusal(events)
        apply_in(workspace, conn, events)
        return _load(conn, job_id)
    return workspace.db.transaction(insert)


def proposal_problems(workspace, peer: str, job_id: str, job_type: str, params: dict,
                      job_types: JobTypes) -> tuple:
    """The job type's check of a proposal in this workspace (before any transaction: the check
    reads the store itself)."""
    if job_type not in job_types:
        return ()
    probe = Job(job_id, job_type, peer, "remote", params, "proposed", None, "approved", None,
                None, "", "", 0, 0, "", None, None, None)
    return tuple(job_types.problems(workspace, probe))


def request_resume(session: Session, job_id: str) -> Job:
    """Ask the approver again for a job we proposed that stopped: one more run, from its checkpoint."""
    session.require("jobs.propose")

    def change(conn):
        job = _load(conn, job_id)
        if job.proposer != "local":
            raise UserFacingError.coded("cross.resume_by_peer", job=job_id)
        if job.state not in RESUMABLE:
            raise UserFacingError.coded("cross.not_resumable", job=job_id,
                                        state=messages.Term(job.state))
        _refuse_if_paused(conn)
        _move(conn, job, "proposed", remote_decision=None, reason=None, error=None)
        return _load(conn, job_id)
    return session.audited("job.resume_requested", {"job": job_id}, {}, change)


def decide(session: Session, job_id: str, approve: bool, reason: str = "", *,
           job_types: JobTypes) -> Job:
    """Our user's decision on a peer's proposal (``job_types`` judges whether it can run here)."""
    session.require("jobs.approve")
    if approve:
        problems = job_types.problems(session.workspace, get(session, job_id))
        if problems:
            raise JobRefused.coded("cross.cannot_run_here", problems=messages.Sentences(problems))

    def change(conn):
        job = _load(conn, job_id)
        if job.proposer != "remote" or job.local_decision is not None:
            raise UserFacingError.coded("cross.not_waiting", job=job_id)
        if approve:
            _refuse_if_paused(conn)
        _move(conn, job, "approved" if approve else "rejected",
              local_decision="approved" if approve else "rejected", decided_by=session.user.name,
              reason=reason or None)
        return _load(conn, job_id)
    return session.audited("job.approve" if approve else "job.reject", {"job": job_id},
                           {"reason": reason}, change)


def record_remote_decision(workspace, job_id: str, approved: bool, reason: str = "") -> Job:
    def change(conn):
        apply_in(workspace, conn, talk.judge_decision(_load(conn, job_id), approved, reason))
        return _load(conn, job_id)
    return workspace.db.transaction(change)


def cancel(session: Session, job_id: str, reason: str = "") -> Job:
    _require_any(session, "jobs.propose", "jobs.approve")

    def change(conn):
        job = _load(conn, job_id)
        _move(conn, job, "cancelled", reason=reason or "cancelled by a user")
        return _load(conn, job_id)
    return session.audited("job.cancel", {"job": job_id}, {"reason": reason}, change)


def set_policy(session: Session, job_type: str, auto_approve: bool) -> None:
    session.require("jobs.policy")
    if job_type not in JOB_TYPES:
        raise UserFacingError.coded("cross.unknown_type", type=job_type)
    session.audited("job.policy", {"type": job_type}, {"auto_approve": auto_approve},
                    job_store.set_policy, job_type, auto_approve, session.user.name)


# -- running -------------------------------------------------------------------------------------
def transition(workspace, job_id: str, state: str, actor: str = "system", **fields) -> Job:
    """Move a job (start, finish, fail, pause); audited with the transcript hash when given."""
    def change(conn):
        job = _load(conn, job_id)
        events = (talk.running(job, actor) if state == "running"
                  else talk.ended(job, state, actor, **fields))
        apply_in(workspace, conn, events)
        return _load(conn, job_id)
    return workspace.db.transaction(change)


def report_progress(workspace, job_id: str, done: int, total: int, message: str = "") -> None:
    workspace.db.transaction(job_store.set_progress, job_id, done, total, message)


def _require_any(session: Session, *permissions: str) -> None:
    if not any(session.can(p) for p in permissions):
        session.require(permissions[0])


def get(session_or_ws, job_id: str) -> Job:
    ws = getattr(session_or_ws, "workspace", session_or_ws)
    return ws.db.run(_load, job_id)


def show(session: Session, job_id: str) -> Job:
    _require_any(session, "jobs.propose", "jobs.approve")
    return get(session, job_id)


def list_jobs(session: Session, states: tuple[str, ...] | None = None) -> list[Job]:
    _require_any(session, "jobs.propose", "jobs.approve")
    jobs = session.workspace.db.run(job_store.list_all)
    return [j for j in jobs if states is None or j.state in states]


def require_runnable(workspace, job_id: str) -> Job:
    """A job we may start now: we proposed it and it holds an approval not yet used."""
    job = get(workspace, job_id)
    why = talk.runnable(job, paused(workspace))
    if why is not None:
        raise refusal(why)
    return job


def accept_start(workspace, peer: str, job_id: str) -> Job:
    """The peer starts a run: only of a job it proposed and we approved, and only once."""
    def judge(conn):
        why = talk.judge_start(peer, job_id, facts_in(conn, job_id))
        if why is None:
            return None
        return apply_in(workspace, conn, talk.start_refused(peer, job_id, why))
    _raise_refusal(workspace.db.transaction(judge) or [])
    return get(workspace, job_id)


# -- jobs whose process is gone ----------------------------------------------------------------
def mark_interrupted(workspace) -> list[str]:
    """Jobs left ``running`` by a process that is gone become ``interrupted`` (audited), so they
    show up with their resume action instead of looking busy forever. Called when a workspace
    is opened."""
    def change(conn):
        gone = [j for j in job_store.running(conn) if not processes.alive(j.runner)]
        for job in gone:
            _move(conn, job, "interrupted", error=messages.stored(
                "cross.process_stopped", {}, "the process running it stopped"))
            workspace.audit.append_in(conn, "system", "job.interrupted", {"job": job.id},
                                      {"progress": job.progress_message})
        return [j.id for j in gone]
    try:
        return workspace.db.transaction(change)
    except StoreError:  # e.g. a full disk: reading and verifying must still work
        return []
