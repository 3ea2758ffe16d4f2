"""Which crypto executor runs this workspace's jobs: the local pool, or the party's Dask cluster.

The choice is the administrator's (``workspace set-executor`` or its GUI equivalent), stored in the
workspace and audited like the listening address; a single run may override it (``train
--executor``, ``rehearse --executor``) through its task. The executor is created here, when a job
starts, and closed when it ends; a Dask cluster is only ever one the party operates itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.errors import UserFacingError
from app.executor import Executor, LocalExecutor, machine_cores
from app.executor.dask import check_scheduler_address
from app.store.workspace import Workspace
from app.workflows.session import Session

EXECUTOR_KEY = "executor"   # a ``meta`` entry: the ExecutorChoice as JSON
KINDS = ("local", "dask")


@dataclass(frozen=True)
class ExecutorChoice:
    kind: str = "local"
    scheduler: str | None = None
    tls: tuple[str, str, str] | None = None   # the party's CA, client certificate, client key

    def to_dict(self) -> dict:
        return {"kind": self.kind, "scheduler": self.scheduler,
                "tls": list(self.tls) if self.tls else None}


def executor_choice(kind: str, scheduler: str | None = None,
                    tls: tuple[str | None, str | None, str | None] | None = None) -> ExecutorChoice:
    """A checked choice: ``local`` takes no scheduler; ``dask`` needs tls:// (or loopback tcp://)
    and, when certificate files are named, all three of them, existing."""
    if kind not in KINDS:
        raise UserFacingError.coded("executor.unknown_kind", kind=kind)
    files = tuple(tls) if tls and any(tls) else None
    if kind == "local":
        if scheduler or files:
            raise UserFacingError.coded("executor.local_takes_nothing")
        return ExecutorChoice()
    if not scheduler:
        raise UserFacingError.coded("executor.no_scheduler")
    address = check_scheduler_address(scheduler)
    if files is not None:
        if not all(files):
            raise UserFacingError.coded("executor.three_files")
        missing = [f for f in files if not Path(f).is_file()]
        if missing:
            raise UserFacingError.coded("executor.no_certificate", path=missing[0])
        files = tuple(str(Path(f).resolve()) for f in files)
    return ExecutorChoice("dask", address, files)


def set_executor(session: Session, kind: str, scheduler: str | None = None,
                 tls: tuple[str | None, str | None, str | None] | None = None) -> ExecutorChoice:
    """Store which executor this workspace's jobs use from now on (administrators)."""
    session.require("workspace.executor")
    choice = executor_choice(kind, scheduler, tls)
    value = json.dumps(choice.to_dict(), sort_keys=True)
    session.audited("workspace.executor_set", {}, choice.to_dict(),
                    lambda conn: session.workspace.set_meta_in(conn, EXECUTOR_KEY, value))
    return choice


def executor_setting(workspace: Workspace) -> ExecutorChoice:
    """The stored choice (the local pool when none was made)."""
    text = workspace.meta(EXECUTOR_KEY)
    if not text:
        return ExecutorChoice()
    raw = json.loads(text)
    return ExecutorChoice(raw["kind"], raw.get("scheduler"),
                          tuple(raw["tls"]) if raw.get("tls") else None)


def choice_for(workspace: Workspace, task=None) -> ExecutorChoice:
    """The run's own choice when it has one (``task.executor_choice``), else the workspace's."""
    return getattr(task, "executor_choice", None) or executor_setting(workspace)


def open_executor(workspace: Workspace, task=None) -> Executor:
    """The executor a job runs on (close it when the job ends: ``with open_executor(...)``)."""
    choice = choice_for(workspace, task)
    if choice.kind == "local":
        return LocalExecutor()
    from app.executor.dask import DaskExecutor  # loads dask.distributed only when chosen
    return DaskExecutor(choice.scheduler, choice.tls)


def describe(choice: ExecutorChoice) -> str:
    """One line for people: which executor, and where."""
    if choice.kind == "local":
        return "local worker processes on this computer"
    return f"Dask cluster at {choice.scheduler}" + ("" if choice.tls else
                                                  " (certificates from Dask's configuration)"
                                                  if choice.scheduler.startswith("tls://") else "")


def summary(workspace: Workspace, ran: dict | None = None) -> dict:
    """What the GUI shows: {"kind", "workers", "where"}; a finished job's ``ran`` (its result's
    "executor") knows the cluster's worker count, the setting alone does not (None)."""
    if ran:
        return ran
    choice = executor_setting(workspace)
    if choice.kind == "local":
        return {"kind": "local", "workers": machine_cores(), "where": "this computer"}
    return {"kind": "dask", "workers": None, "where": choice.scheduler}
