"""Cross-party jobs: proposed by one party, run only after every party approved, audited throughout.

All state changes go through ``TRANSITIONS`` (one table, as in h11), so no code path can move a job
from, say, proposed straight to running. Each party keeps its own copy of the job; the peer link
carries proposals and decisions between them.

An approval authorises exactly one run, started by the proposing party, with the approved
parameters. A run that stopped (failed, paused by the kill switch, or interrupted by a crash) goes
back to ``proposed``: resuming it is a new decision of the approver, recorded in both audits. A
job that finished never runs again. So a peer cannot approve-once-run-many with new inputs.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from app.errors import JobRefused, LocalProtocolError, StoreError, UserFacingError
from app.store import jobs as job_store
from app.store import peers as peer_store
from app.store.jobs import COLUMNS, Job  # noqa: F401  (commands and pages read them from here)
from app.workflows import processes
from app.workflows.session import Session

if TYPE_CHECKING:  # the registry imports every job's workflow, and they import this module
    from app.workflows.job_types import JobTypes

JOB_TYPES = ("alignment", "training", "scoring", "evaluation_share")

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



def _load(conn, job_id: str) -> Job:
    job = job_store.load(conn, job_id)
    if job is None:
        raise UserFacingError(f"There is no job {job_id}.")
    return job


def _move(conn, job: Job, state: str, **fields) -> None:
    if state not in TRANSITIONS[job.state]:
        raise LocalProtocolError(f"Job {job.id} cannot go from {job.state} to {state}.")
    job_store.update(conn, job.id, state=state, **fields)


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
        raise JobRefused("Cross-party work is paused by an administrator (kill switch).")


# -- proposals and decisions ---------------------------------------------------------------------
def propose(session: Session, job_type: str, peer: str, params: dict) -> Job:
    """Record our own proposal; we approve it by proposing it."""
    session.require("jobs.propose")
    if job_type not in JOB_TYPES:
        raise UserFacingError(f"Unknown job type {job_type!r}.")
    job_id = str(uuid.uuid4())

    def insert(conn):
        _refuse_if_paused(conn)
        if not peer_store.exists(conn, peer):
            raise UserFacingError(f"There is no pinned peer named '{peer}'.")
        job_store.insert(conn, job_id, job_type, peer, "local", params, local_decision="approved",
                         decided_by=session.user.name)
        return _load(conn, job_id)
    return session.audited("job.propose", {"job": job_id, "peer": peer, "type": job_type}, params,
                           insert)


def receive_proposal(workspace, peer: str, job_id: str, job_type: str, params: dict,
                     job_types: JobTypes) -> Job:
    """The peer proposed a job: store it for our users to decide, or auto-approve by policy."""
    if job_type not in JOB_TYPES or job_type not in job_types:
        raise JobRefused(f"Unknown job type {job_type!r}.")
    if len(json.dumps(params, sort_keys=True)) > MAX_PARAMS_BYTES:
        raise JobRefused("The proposal's parameters are larger than any job needs.")
    probe = Job(job_id, job_type, peer, "remote", params, "proposed", None, "approved", None, None,
                "", "", 0, 0, "", None, None, None)
    pending_problems = job_types.problems(workspace, probe)

    def insert(conn):
        _refuse_if_paused(conn)
        existing = job_store.load(conn, job_id)
        if existing is not None:
            return _resume_requested(workspace, conn, existing, peer, job_type, params,
                                     pending_problems)
        if job_store.count_pending_from(conn, peer) >= MAX_PENDING_PER_PEER:
            raise JobRefused(f"{MAX_PENDING_PER_PEER} proposals from this peer are already "
                             "waiting for a decision here.")
        job_store.insert(conn, job_id, job_type, peer, "remote", params, remote_decision="approved")
        workspace.audit.append_in(conn, f"peer:{peer}", "job.proposal_received",
                                  {"job": job_id, "type": job_type}, params)
        return _approve_by_policy(workspace, conn, job_id, job_type, pending_problems)
    return workspace.db.transaction(insert)


def _approve_by_policy(workspace, conn, job_id: str, job_type: str, problems: list[str]) -> Job:
    """A waiting proposal (new, or a resume) is approved at once when a policy says so."""
    if job_store.auto_approves(conn, job_type) and not problems:
        _move(conn, _load(conn, job_id), "approved", local_decision="approved",
              decided_by="policy")
        workspace.audit.append_in(conn, "policy", "job.auto_approve", {"job": job_id}, {})
    return _load(conn, job_id)


def _resume_requested(workspace, conn, job: Job, peer: str, job_type: str, params: dict,
                      problems: list[str]) -> Job:
    """The peer proposes a job we already know: a re-send, or a request to resume a stopped run."""
    if job.peer != peer or job.proposer != "remote" or job.type != job_type or job.params != params:
        raise JobRefused("That job id belongs to another job here; propose a new job.")
    if job.state not in RESUMABLE:
        return job  # a re-sent proposal after a reconnect: the answer is the job's state
    _move(conn, job, "proposed", local_decision=None, decided_by=None, reason=None, error=None)
    workspace.audit.append_in(conn, f"peer:{peer}", "job.resume_requested",
                              {"job": job.id, "type": job.type},
                              {"after": job.state, "progress": job.progress_message})
    return _approve_by_policy(workspace, conn, job.id, job_type, problems)


def request_resume(session: Session, job_id: str) -> Job:
    """Ask the approver again for a job we proposed that stopped: one more run, from its checkpoint."""
    session.require("jobs.propose")

    def change(conn):
        job = _load(conn, job_id)
        if job.proposer != "local":
            raise UserFacingError(f"Job {job_id} was proposed by the peer; only it can resume it.")
        if job.state not in RESUMABLE:
            raise UserFacingError(f"Job {job_id} is {job.state}; only a failed, paused or "
                                  "interrupted job can be resumed.")
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
            raise JobRefused("This job cannot run here: " + " ".join(problems))

    def change(conn):
        job = _load(conn, job_id)
        if job.proposer != "remote" or job.local_decision is not None:
            raise UserFacingError(f"Job {job_id} is not waiting for our decision.")
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
        job = _load(conn, job_id)
        if job.proposer != "local" or job.state != "proposed":
            return job
        _move(conn, job, "approved" if approved else "rejected",
              remote_decision="approved" if approved else "rejected", reason=reason or None)
        workspace.audit.append_in(conn, f"peer:{job.peer}",
                                  "job.peer_approved" if approved else "job.peer_rejected",
                                  {"job": job_id}, {"reason": reason})
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
        raise UserFacingError(f"Unknown job type {job_type!r}.")
    session.audited("job.policy", {"type": job_type}, {"auto_approve": auto_approve},
                    job_store.set_policy, job_type, auto_approve, session.user.name)


# -- running -------------------------------------------------------------------------------------
def transition(workspace, job_id: str, state: str, actor: str = "system", **fields) -> Job:
    """Move a job (start, finish, fail, pause); audited with the transcript hash when given."""
    def change(conn):
        job = _load(conn, job_id)
        if state == "running":
            _refuse_if_paused(conn)
            fields["runner"] = processes.THIS
        _move(conn, job, state, **fields)
        objects = {"job": job_id}
        if fields.get("transcript_hash"):
            objects["transcript_hash"] = fields["transcript_hash"]
        workspace.audit.append_in(conn, actor, f"job.{state}", objects,
                                  {k: v for k, v in fields.items() if k not in ("result", "runner")})
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
    if job.proposer != "local":
        raise JobRefused(f"Job {job_id} was proposed by the peer; the proposing party starts it.")
    if job.state in RESUMABLE:
        raise JobRefused(f"Job {job_id} is {job.state}; resuming it needs the peer's approval "
                         "again (resume it instead of running it).")
    if job.state != "approved":
        raise JobRefused(f"Job {job_id} is {job.state}; an approval allows one run and a job "
                         "runs only after every party approved it.")
    if paused(workspace):
        raise JobRefused("Cross-party work is paused by an administrator (kill switch).")
    return job


def accept_start(workspace, peer: str, job_id: str) -> Job:
    """The peer starts a run: only of a job it proposed and we approved, and only once."""
    job = workspace.db.run(job_store.load, job_id)
    why = None
    if job is None or job.peer != peer:
        why = "not a job with this peer"
    elif job.proposer != "remote":
        why = "proposed by us; only the proposer starts a job"
    elif job.state != "approved":
        why = f"{job.state}; an approval allows one run"
    elif paused(workspace):
        why = "cross-party work is paused here (kill switch)"
    if why is not None:
        workspace.audit.append(f"peer:{peer}", "job.start_refused", {"job": job_id}, {"why": why})
        raise JobRefused(f"The peer tried to start job {job_id}: {why}.")
    return job


# -- jobs whose process is gone ----------------------------------------------------------------
def mark_interrupted(workspace) -> list[str]:
    """Jobs left ``running`` by a process that is gone become ``interrupted`` (audited), so they
    show up with their resume action instead of looking busy forever. Called when a workspace
    is opened."""
    def change(conn):
        gone = [j for j in job_store.running(conn) if not processes.alive(j.runner)]
        for job in gone:
            _move(conn, job, "interrupted", error="the process running it stopped")
            workspace.audit.append_in(conn, "system", "job.interrupted", {"job": job.id},
                                      {"progress": job.progress_message})
        return [j.id for j in gone]
    try:
        return workspace.db.transaction(change)
    except StoreError:  # e.g. a full disk: reading and verifying must still work
        return []
