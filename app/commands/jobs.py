"""``jobs list|show|approve|reject|cancel|policy``, ``killswitch on|off|status``."""

from __future__ import annotations

import json

from app import messages
from app.commands._common import add_workspace_args, signed_in
from app.workflows import job_exposure, jobs
from app.workflows.job_types import standard


def register(sub) -> None:
    parser = sub.add_parser("jobs", help="cross-party jobs: inbox, decisions, history")
    actions = parser.add_subparsers(dest="action", required=True)
    lst = actions.add_parser("list")
    add_workspace_args(lst)
    lst.set_defaults(handler=_list)
    for name in ("show", "approve", "reject", "cancel"):
        p = actions.add_parser(name)
        add_workspace_args(p)
        p.add_argument("id")
        if name in ("reject", "cancel"):
            p.add_argument("--reason", default="")
        p.set_defaults(handler=globals()[f"_{name}"])
    policy = actions.add_parser("policy", help="auto-approve a job type (administrators; audited)")
    add_workspace_args(policy)
    policy.add_argument("job_type", choices=jobs.JOB_TYPES)
    policy.add_argument("--auto-approve", choices=["on", "off"], required=True)
    policy.set_defaults(handler=_policy)

    kill = sub.add_parser("killswitch", help="pause or resume all cross-party work (administrators)")
    kill.add_argument("state", choices=["on", "off", "status"])
    add_workspace_args(kill)
    kill.set_defaults(handler=_killswitch)


# How the proposer runs a stopped job once more (the peer approves the resume first).
RESUME_COMMANDS = {"alignment": "align --peer {peer} --id-type {id_type} --job {id}",
                   "training": "train --peer {peer} --resume {id}"}


def _line(job: jobs.Job) -> str:
    progress = f" {job.progress_done}/{job.progress_total}" if job.progress_total else ""
    line = f"{job.id}\t{job.type}\t{job.peer}\t{job.proposer}\t{job.state}{progress}\t{job.created_at}"
    if job.state in jobs.RESUMABLE:   # a stopped run shows where it stopped and how to go on
        where = f"stopped at {job.progress_message}; " if job.progress_message else ""
        how = RESUME_COMMANDS.get(job.type, "") if job.proposer == "local" else ""
        line += (f"\t{where}resume: " + how.format(peer=job.peer, id=job.id,
                                                    id_type=job.params.get("id_type")) if how
                 else f"\t{where}resumes when {job.peer} asks again and it is approved here")
    return line


def _list(args) -> int:
    with signed_in(args) as session:
        for job in jobs.list_jobs(session):
            print(_line(job))
    return 0


def _show(args) -> int:
    with signed_in(args) as session:
        job = jobs.show(session, args.id)
        problems = standard().problems(session.workspace, job)
        exposed = job_exposure.sentence(job_exposure.exposure(session.workspace, job))
    language = args.lang or messages.locale_language()
    shown = {k: getattr(job, k) for k in jobs.COLUMNS}
    shown.update(error=job.error and jobs.said(job.error, language),
                 reason=job.reason and jobs.said(job.reason, language))
    print(json.dumps(shown, indent=2, ensure_ascii=False))
    if jobs.resume_note(job):
        print(f"RESUME: {jobs.resume_note(job)}")
    if exposed:
        print(f"EXPOSURE: {exposed}")
    for problem in problems:
        print(f"PROBLEM: {messages.human(problem, language)}")
    return 0


def _approve(args) -> int:
    with signed_in(args) as session:
        note = jobs.resume_note(jobs.show(session, args.id))
        if note:
            print(note)
        print(_line(jobs.decide(session, args.id, True, job_types=standard())))
    return 0


def _reject(args) -> int:
    with signed_in(args) as session:
        print(_line(jobs.decide(session, args.id, False, args.reason, job_types=standard())))
    return 0


def _cancel(args) -> int:
    with signed_in(args) as session:
        print(_line(jobs.cancel(session, args.id, args.reason)))
    return 0


def _policy(args) -> int:
    with signed_in(args) as session:
        jobs.set_policy(session, args.job_type, args.auto_approve == "on")
    print(f"Auto-approve for {args.job_type}: {args.auto_approve}.")
    return 0


def _killswitch(args) -> int:
    with signed_in(args) as session:
        if args.state == "status":
            state = jobs.paused(session)
        else:
            jobs.set_paused(session, args.state == "on")
            state = args.state == "on"
    print("Cross-party work is PAUSED." if state else "Cross-party work is allowed.")
    return 0
