"""Private alignment as a cross-party job: propose, check, run over the peer link, store, list.

Dataset choice: each party names only its own dataset. The proposal carries the proposer's
dataset name (shown to the approver for context) and the ID type; the responder always uses its
*single* dataset of that ID type and refuses when it has none or several (the approver sees that
in ``check_proposal`` before deciding, and the run re-checks it).

The protocol itself is app/protocols/alignment.py (sans-IO); this module binds it to the job
system: consent re-checked at run time (``load_eligible_in``), messages as declared codec types
over the job's TranscriptChannel, the job's crypto executor for large inputs, progress and cancellation
(task and kill switch), and the result saved as an alignment whose id is the job id, which both
parties share. No function here returns identifiers: listings carry sizes only.

Resume: while it runs, each side stores its resume point (counters, run ids, finished chunks and
its own scalar) in its encrypted workspace, bound to the job and erased when the job ends; a
resumed run (a new decision of the approver) continues from the last finished chunk on both
sides, after a dropped link or a crash alike (docs/alignment.md).
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

import msgpack
import numpy as np

from app import messages
from app.executor import Executor
from app.data.ids import CANON_VERSION
from app.errors import JobRefused, LianmoError, UserCancelled, UserFacingError
from app.protocols import alignment_messages as m
from app.crypto import ristretto
from app.protocols.alignment import P, AlignmentCheckpoint, AlignmentParty
from app.protocols.alignment_runner import drive
from app.store import alignments as alignment_store
from app.store import datasets as dataset_store
from app.store import jobs as job_store
from app.workflows import jobs
from app.workflows.executors import open_executor
from app.workflows.importing.data_import import load_eligible_in
from app.workflows.session import Session

RESULT_EXPOSURE = "both parties learn which of their own customers are in the intersection"
DEFAULT_CHUNK_SIZE = 4096
WINDOW = 8
INLINE_BELOW = 20_000          # both parties' items: below this a pool costs more than it saves
_PREFIX = m.PROTOCOL + "."



# -- proposing and checking ---------------------------------------------------------------------

def _datasets(workspace, id_type: str) -> list[tuple[str, int]]:
    return [(d["name"], int(d["canon_version"]))
            for d in workspace.db.run(dataset_store.list_datasets) if d["id_type"] == id_type]


def choose_dataset(workspace, id_type: str, name: str | None = None) -> tuple[str, int]:
    """(dataset, canon_version) we align: the named one (its ID type must match) or the only
    dataset with that ID type."""
    if name is not None:
        found = workspace.db.run(dataset_store.get_dataset, name)
        if found is None:
            raise UserFacingError.coded("aligning.no_dataset_named", name=name)
        if found["id_type"] != id_type:
            raise UserFacingError.coded("aligning.dataset_id_type", name=name,
                                        found=found["id_type"], id_type=id_type)
        return name, int(found["canon_version"])
    found = _datasets(workspace, id_type)
    if not found:
        raise UserFacingError.coded("aligning.no_dataset", id_type=id_type)
    if len(found) > 1:
        raise UserFacingError.coded("aligning.several_datasets", count=len(found),
                                    id_type=id_type)
    return found[0]


def propose_alignment(session: Session, service, peer: str, dataset: str | None, id_type: str,
                      wait: float | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
                      max_items_peer: int | None = None) -> jobs.Job:
    """Propose aligning our dataset with ``peer``'s on ``id_type``; returns the job as decided
    (or still proposed when the peer's users have not decided within ``wait`` seconds)."""
    session.require("align.run")
    name, canon = choose_dataset(session.workspace, id_type, dataset)
    if canon != CANON_VERSION:
        raise UserFacingError.coded("aligning.dataset_canon", name=name, version=canon,
                                    current=CANON_VERSION)
    own = len(session.workspace.db.run(load_eligible_in, name).ids)
    # The approver sees, and both sides enforce, how many identifiers each side may bring.
    params = {"dataset": name, "id_type": id_type, "canon_version": CANON_VERSION,
              "result_exposure": RESULT_EXPOSURE, "chunk_size": int(chunk_size),
              "max_items_proposer": own,
              "max_items_approver": int(max_items_peer if max_items_peer is not None else m.MAX_ITEMS)}
    problems = _param_problems(params)
    if problems:
        raise UserFacingError.coded("aligning.cannot_propose",
                                    problems=messages.Sentences(problems))
    return service.propose("alignment", peer, params, wait=wait)


def _param_problems(params: dict) -> list[dict]:
    """Problems with the shape of alignment parameters (either side), as catalogue records, so
    a refusal that lists them is said in the reader's language."""
    problems = []
    if params.get("canon_version") != CANON_VERSION:
        problems.append(messages.record("aligning.proposal_canon",
                                        {"given": str(params.get("canon_version")),
                                         "current": CANON_VERSION}))
    size = params.get("chunk_size")
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= m.MAX_CHUNK_SIZE:
        problems.append(messages.record("aligning.proposal_chunk_size"))
    if params.get("result_exposure") != RESULT_EXPOSURE:
        problems.append(messages.record("aligning.proposal_exposure"))
    if not isinstance(params.get("id_type"), str) or not params["id_type"]:
        problems.append(messages.record("aligning.proposal_id_type"))
    for key in ("max_items_proposer", "max_items_approver"):
        cap = params.get(key)
        if not isinstance(cap, int) or isinstance(cap, bool) or not 1 <= cap <= m.MAX_ITEMS:
            problems.append(messages.record("aligning.proposal_caps"))
            break
    return problems


def _caps(job: jobs.Job) -> tuple[int, int]:
    """(our cap, the peer's cap) from the approved parameters."""
    mine, theirs = job.params["max_items_proposer"], job.params["max_items_approver"]
    return (mine, theirs) if job.proposer == "local" else (theirs, mine)


def check_proposal(workspace, job: jobs.Job) -> list[dict | str]:
    """What the approver must know before deciding: every reason this job cannot run here, as
    catalogue records (a sentence where the store raised one), said in the reader's language
    with ``messages.human``."""
    problems = _param_problems(job.params)
    if problems:
        return problems
    try:
        _, canon = choose_dataset(workspace, job.params["id_type"],
                                  job.params.get("dataset") if job.proposer == "local" else None)
    except UserFacingError as exc:
        return [exc.as_param()]
    if canon != CANON_VERSION:
        problems.append(messages.record("aligning.our_canon", {
            "id_type": job.params["id_type"], "version": canon, "current": CANON_VERSION}))
    return problems


# -- running ---------------------------------------------------------------------------------------

@dataclass
class _Run:
    """A party and the input it aligns."""
    party: AlignmentParty
    ids: np.ndarray
    dataset: str
    digest: bytes             # of the items, binding a stored resume point to this data
    resumed: bool = False




class _SizedExecutor:
    """Inline for small alignments (both sides' counts, known after the hellos), else the job's
    executor."""

    def __init__(self, party: AlignmentParty, executor: Executor) -> None:
        self.party, self.executor = party, executor

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self.party.progress()[1] >= INLINE_BELOW:
            return self.executor.submit(fn, *args, **kwargs)
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to drive through the future, as a pool would
            future.set_exception(exc)
        return future


def _read_into(channel, inbox: queue.Queue) -> None:
    """Reader thread: peer messages into the inbox until the peer's last alignment message, so
    the link's own job_end that follows is left on the channel for the link."""
    while True:
        try:
            msg_type, body = channel.recv(timeout=None)
        except LianmoError:
            inbox.put(("closed", None))
            return
        if not msg_type.startswith(_PREFIX):
            inbox.put(("message", {"type": msg_type[:40]}))  # refused by the validator, named
            return
        kind = msg_type[len(_PREFIX):]
        inbox.put(("message", {"type": kind, **body}))
        if kind in ("finished", "abort"):
            return


def align_over_channel(party: AlignmentParty, channel, progress=None, check_cancelled=None, *,
                       executor: Executor, store=None):
    """Run ``party`` over any channel with ``send(type, body)`` / ``recv(timeout)``."""
    inbox: queue.Queue = queue.Queue()

    def send(message: dict) -> None:
        channel.send(_PREFIX + message["type"], {k: v for k, v in message.items() if k != "type"})

    threading.Thread(target=_read_into, args=(channel, inbox), name="lianmo-align-reader",
                     daemon=True).start()
    return drive(party, inbox, send, _SizedExecutor(party, executor), progress, check_cancelled,
                 store=store)


def _prepare(workspace, job: jobs.Job) -> _Run:
    problems = check_proposal(workspace, job)
    if problems:
        raise JobRefused.coded("cross.cannot_run_here", problems=messages.Sentences(problems))
    p = job.params
    dataset, _ = choose_dataset(workspace, p["id_type"],
                                p["dataset"] if job.proposer == "local" else None)
    eligible = workspace.db.run(load_eligible_in, dataset)   # consent re-checked now
    if eligible.id_type != p["id_type"]:
        raise JobRefused.coded("aligning.dataset_id_type", name=dataset,
                               found=eligible.id_type, id_type=p["id_type"])
    own_cap, peer_cap = _caps(job)
    if len(eligible.ids) > own_cap:
        raise JobRefused.coded("aligning.over_cap", name=dataset, count=len(eligible.ids),
                               cap=own_cap)
    items = eligible.ids.tolist()
    digest = _items_digest(items)
    resumed = _resume_point(workspace, job, items, digest, peer_cap)
    party = (AlignmentParty.resume(resumed) if resumed is not None else
             AlignmentParty(workspace.role, items, job.id, p["id_type"], str(p["canon_version"]),
                            p["chunk_size"], WINDOW, max_peer_items=peer_cap))
    return _Run(party, eligible.ids, dataset, digest, resumed is not None)


# -- the resume point, in the encrypted workspace ---------------------------------------------------
# Resuming needs the same own scalar for the chunks already exchanged to stay valid (the peer holds
# H(x)^a of them and we hold H(y)^ab computed with it), so the scalar is stored with the counters,
# bound to the job, inside SQLCipher, and erased when the job ends (docs/alignment.md).
_KEPT = ("role", "job_id", "id_type", "canon_version", "chunk_size", "window", "max_peer_items",
         "n_duplicates", "run_id", "peer_run_id", "n_peer", "own_done", "own_sent", "peer_done")


def _items_digest(items: list[bytes]) -> bytes:
    h = hashlib.sha256(b"lianmo-alignment-items/1")
    for item in items:
        h.update(len(item).to_bytes(4, "big") + item)
    return h.digest()


def _n_chunks(n: int, size: int) -> int:
    return -(-n // size)


class _Keeper:
    """Stores the party's resume point before each batch of its messages leaves: the counters
    (and, once, the shuffle) plus the points of every chunk finished since the last call."""

    def __init__(self, workspace, job: jobs.Job, digest: bytes, resumed: bool) -> None:
        self.workspace, self.job = workspace, job
        self.digest = digest
        self.saved: tuple | None = None
        self.resumed = resumed

    def __call__(self, party: AlignmentParty) -> None:
        st = party.resume_point()
        now = (st.own_done, st.own_sent, st.peer_done, st.peer_run_id)
        if now == self.saved:
            return
        own0, _, peer0, _ = self.saved or ((st.own_done, 0, st.peer_done, None) if self.resumed
                                           else (0, 0, 0, None))
        state = msgpack.packb({**{k: getattr(st, k) for k in _KEPT},
                               "scalar": st.scalar.raw(), "items_digest": self.digest},
                              use_bin_type=True)
        n_own, size = len(st.order), st.chunk_size
        own = {i: bytes(st.own_points[i * size * P:min(n_own, (i + 1) * size) * P])
               for i in range(own0, st.own_done)}
        peer = {j: bytes(st.peer_points[j * size * P:min(st.n_peer, (j + 1) * size) * P])
                for j in range(peer0, st.peer_done)}
        order = st.order if self.saved is None and not self.resumed else None
        message = f"chunk {st.own_done} of {_n_chunks(n_own, size)}"

        def body(conn):
            alignment_store.save_resume_in(conn, self.job.id, state, order, own, peer)
            job_store.set_progress(conn, self.job.id, *party.progress(), message)
        self.workspace.db.transaction(body)
        self.saved = now


def _resume_point(workspace, job: jobs.Job, items: list[bytes], digest: bytes, peer_cap: int):
    """The stored resume point of this job, when it still fits this run (same parameters, same
    identifiers); otherwise None, and any stale point is erased so both runs start fresh."""
    state = workspace.db.run(alignment_store.resume_state, job.id)
    if state is None:
        return None
    saved = msgpack.unpackb(state, raw=False)
    p = job.params
    fits = (saved["items_digest"] == digest and saved["job_id"] == job.id
            and saved["role"] == workspace.role and saved["id_type"] == p["id_type"]
            and saved["canon_version"] == str(p["canon_version"])
            and saved["chunk_size"] == p["chunk_size"] and saved["max_peer_items"] == peer_cap)
    if not fits:
        forget_resume(workspace, job.id)
        return None
    order, own, peer = workspace.db.run(alignment_store.load_resume, job.id, saved["own_done"],
                                        saved["peer_done"])
    checkpoint = AlignmentCheckpoint(
        **{k: saved[k] for k in _KEPT}, items=items, order=np.asarray(order, np.int64),
        scalar=ristretto.SecretScalar.restore(saved["scalar"]),
        own_points=bytearray(P * len(order)),
        peer_points=bytearray(P * saved["n_peer"]) if saved["n_peer"] is not None else None)
    checkpoint.own_points[:len(own)] = own
    if checkpoint.peer_points is not None:
        checkpoint.peer_points[:len(peer)] = peer
    return checkpoint


def forget_resume(workspace, job_id: str) -> None:
    """Erase a job's resume point and its scalar (the job ended, or its run cannot resume)."""
    workspace.db.transaction(alignment_store.forget_resume, job_id)


def resume_from(workspace, job_id: str) -> int | None:
    """The chunk a resumed run of the job continues from (None: it starts from the first)."""
    state = workspace.db.run(alignment_store.resume_state, job_id)
    return None if state is None else int(msgpack.unpackb(state, raw=False)["own_done"])


def _watchers(workspace, job: jobs.Job, task):
    last_kill_check = [0.0]

    def progress(done: int, total: int) -> None:   # the job's row: the resume point's keeper
        task.progress(done, total, "aligning")

    def check_cancelled() -> None:
        task.check_cancelled()
        if time.monotonic() - last_kill_check[0] >= 1.0:
            last_kill_check[0] = time.monotonic()
            if jobs.paused(workspace):
                raise UserCancelled.coded("aligning.paused")
    return progress, check_cancelled


def run_alignment_job(workspace, job: jobs.Job, channel, initiator: bool, task) -> dict:
    """The runner of the "alignment" job type; returns sizes only. A resumed run continues
    from the stored resume point when it still fits (``_resume_point``)."""
    try:
        run = _prepare(workspace, job)
    except LianmoError:
        try:  # the peer ends with a named error instead of waiting for our hello
            channel.send(_PREFIX + "abort", {"reason": "internal_error"})
        except LianmoError:
            pass
        raise
    keep = _Keeper(workspace, job, run.digest, run.resumed)
    keep(run.party)                     # our run id and scalar are stored before our hello leaves
    try:
        with open_executor(workspace, task) as executor:   # the job's crypto workers, gone at its end
            result = align_over_channel(run.party, channel, *_watchers(workspace, job, task),
                                        executor=executor, store=keep)
    except BaseException:
        if not run.party.hello_accepted:  # the peer cannot resume this run: the next starts fresh
            forget_resume(workspace, job.id)
        raise
    return _save(workspace, job, run, result)


def _save(workspace, job: jobs.Job, run: _Run, result) -> dict:
    # Both sides hold the same canonical IDs, so sorting them gives one agreed order that does not
    # depend on this run's random blinding: the same data aligned again trains the same model.
    ids = np.sort(run.ids[result.rows])
    record = alignment_store.new_record(job.id, job.id, job.peer, run.dataset,
                                        job.params["id_type"], int(job.params["canon_version"]),
                                        result.size, result.n_own, result.n_peer,
                                        job.decided_by or "system")

    def body(conn):
        # A record of this job can only be left by a run that did not finish (a finished job never
        # runs again), and training refuses alignments of unfinished jobs: replacing it is safe.
        alignment_store.delete_alignment(conn, record.id)
        alignment_store.save_alignment_in(conn, record, ids)
        alignment_store.forget_resume(conn, job.id)   # the scalar is no longer needed
        workspace.audit.append_in(conn, job.decided_by or "system", "alignment.saved",
                                  {"alignment": record.id, "peer": job.peer,
                                   "dataset": run.dataset},
                                  {"size": record.size, "own_count": record.own_count,
                                   "peer_count": record.peer_count})
    workspace.db.transaction(body)
    return {"size": record.size, "own_count": record.own_count, "peer_count": record.peer_count,
            "overlap_rate": round(record.overlap_rate, 6)}


# -- listing ---------------------------------------------------------------------------------------

def alignments(session: Session) -> list[dict]:
    """Alignments of finished jobs: sizes, overlap rate, job id, peer and when. Never IDs."""
    session.require("data.view")
    return [{"id": r.id, "job_id": r.job_id, "peer": r.peer, "dataset": r.dataset,
             "id_type": r.id_type, "size": r.size, "own_count": r.own_count,
             "peer_count": r.peer_count, "overlap_rate": r.overlap_rate,
             "created_at": r.created_at, "created_by": r.created_by}
            for r in session.workspace.db.run(alignment_store.list_alignments, True)]
