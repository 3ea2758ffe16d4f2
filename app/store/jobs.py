"""Cross-party jobs as stored: each job row, its auto-approve policies and the kill switch.

Each party keeps its own copy of every job it proposed or received; this repository reads and
writes those rows and nothing else. Which state may follow which, who may decide and what gets
audited are the workflow's business, so these functions never refuse a change: they take the
connection (call them inside ``Database.run``/``transaction``) and do exactly what they say.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.store.audit import digest
from app.store.workspace import meta_in, now_iso

COLUMNS = ("id", "type", "peer", "proposer", "params", "state", "local_decision", "remote_decision",
           "decided_by", "reason", "created_at", "updated_at", "progress_done", "progress_total",
           "progress_message", "transcript_hash", "result", "error")
PAUSED_KEY = "cross_party_paused"  # the kill switch, a ``meta`` entry ("1" = paused)


@dataclass(frozen=True)
class Job:
    id: str
    type: str
    peer: str
    proposer: str
    params: dict
    state: str
    local_decision: str | None
    remote_decision: str | None
    decided_by: str | None
    reason: str | None
    created_at: str
    updated_at: str
    progress_done: int
    progress_total: int
    progress_message: str
    transcript_hash: str | None
    result: dict | None
    error: str | None

    @classmethod
    def from_row(cls, row: tuple) -> "Job":
        values = dict(zip(COLUMNS, row))
        values["params"] = json.loads(values["params"])
        values["result"] = json.loads(values["result"]) if values["result"] else None
        return cls(**values)

    @property
    def params_digest(self) -> str:
        return digest(self.params)


def load(conn, job_id: str) -> Job | None:
    row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return Job.from_row(row) if row else None


def list_all(conn) -> list[Job]:
    """Newest first."""
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM jobs ORDER BY created_at DESC")
    return [Job.from_row(r) for r in rows]


def insert(conn, job_id: str, job_type: str, peer: str, proposer: str, params: dict,
           **decision: str) -> None:
    """A new proposed job; ``decision`` holds the proposing side's approval columns."""
    now = now_iso()
    values = {"id": job_id, "type": job_type, "peer": peer, "proposer": proposer,
              "params": json.dumps(params, sort_keys=True), "state": "proposed", **decision,
              "created_at": now, "updated_at": now}
    conn.execute(f"INSERT INTO jobs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                 tuple(values.values()))


def update(conn, job_id: str, **fields) -> None:
    """Set the named columns (a ``result`` dict is stored as JSON) and stamp ``updated_at``."""
    if fields.get("result") is not None:
        fields["result"] = json.dumps(fields["result"], sort_keys=True)
    sets = {**fields, "updated_at": now_iso()}
    conn.execute(f"UPDATE jobs SET {', '.join(k + ' = ?' for k in sets)} WHERE id = ?",
                 (*sets.values(), job_id))


def set_progress(conn, job_id: str, done: int, total: int, message: str) -> None:
    update(conn, job_id, progress_done=done, progress_total=total, progress_message=message)


# -- auto-approve policies -----------------------------------------------------------------------
def auto_approves(conn, job_type: str) -> bool:
    row = conn.execute("SELECT auto_approve FROM job_policies WHERE job_type = ?",
                       (job_type,)).fetchone()
    return bool(row and row[0])


def policies(conn) -> dict[str, bool]:
    """Job types with a stored policy (a type absent here is not auto-approved)."""
    return {t: bool(a) for t, a in conn.execute("SELECT job_type, auto_approve FROM job_policies")}


def set_policy(conn, job_type: str, auto_approve: bool, set_by: str) -> None:
    conn.execute("INSERT INTO job_policies VALUES (?, ?, ?, ?) ON CONFLICT(job_type) DO "
                 "UPDATE SET auto_approve = excluded.auto_approve, set_by = excluded.set_by, "
                 "set_at = excluded.set_at", (job_type, int(auto_approve), set_by, now_iso()))


# -- kill switch ---------------------------------------------------------------------------------
def is_paused(conn) -> bool:
    return meta_in(conn, PAUSED_KEY) == "1"
