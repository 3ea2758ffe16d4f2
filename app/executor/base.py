"""What every crypto executor offers the kernels, and which functions may run on its workers.

Why an object, not module-level pools: a job's workflow creates it, hands it to the kernels and
closes it (``with open_executor(...) as ex:``), so workers, their per-key tables, per-tree shards
and precomputed obfuscators live exactly as long as the job and two jobs never share state.
``LocalExecutor`` (app/executor/local.py) runs processes on this machine; ``DaskExecutor``
(app/executor/dask.py) runs the same tasks on a Dask cluster inside the party's own network.

Only functions marked ``@task`` / ``@state_task`` in ``app.crypto`` or ``app.data`` run on a worker,
and they are sent by *name* and resolved on the worker (``resolve_task``). Arguments are ints,
bytes, numpy arrays and tuples produced by *this* process: nothing received from a peer is ever
unpickled by an executor; peer bytes are parsed and validated before they reach one.

Stateless kernels are cut into several tasks per worker and fed from a queue (``run_chunks``), so
a worker slowed by a foreign process delays a level by about one task instead of its whole share.
Kernels whose data stay on a worker (histogram shards) use ``run_affine``: several parts per
worker, each run where its data live, and a worker with none of its own left takes a queued part
of the busiest worker, whose data then travel with the task.
"""

from __future__ import annotations

import importlib
import os
import queue
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait as wait_futures
from typing import Any, Callable, Sequence

from app.errors import LocalProtocolError

_ALLOWED_PREFIXES = ("app.crypto.", "app.data.")
_MARK = "__lianmo_task__"


def task(fn: Callable) -> Callable:
    """Allow ``fn(*args)`` to run in a worker."""
    setattr(fn, _MARK, "plain")
    return fn


def state_task(fn: Callable) -> Callable:
    """Allow ``fn(state, *args)`` to run in a worker; ``state`` is that worker's WorkerState."""
    setattr(fn, _MARK, "state")
    return fn


def task_name(fn: str | Callable) -> str:
    return fn if isinstance(fn, str) else f"{fn.__module__}:{fn.__qualname__}"


def resolve_task(name: str) -> tuple[Callable[..., Any], bool]:
    """``"app.crypto.module:func"`` to (function, wants state); anything not marked is refused."""
    module_name, _, func_name = name.partition(":")
    fn = None
    if module_name.startswith(_ALLOWED_PREFIXES) and func_name.isidentifier():
        fn = getattr(importlib.import_module(module_name), func_name, None)
    kind = getattr(fn, _MARK, None)
    if kind is None:
        raise LocalProtocolError("A worker was asked to run a function that is not a worker task.")
    return fn, kind == "state"


def machine_cores() -> int:
    """Cores this process may use (affinity-aware), overridable with LIANMO_CRYPTO_WORKERS."""
    forced = os.environ.get("LIANMO_CRYPTO_WORKERS", "").strip()
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def split_evenly(items: Sequence[Any], parts: int) -> list[Sequence[Any]]:
    """Contiguous chunks whose sizes differ by at most one (empty chunks dropped)."""
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        if end > start:
            chunks.append(items[start:end])
        start = end
    return chunks


class WorkerState:
    """What one worker keeps between tasks (per-key tables, per-tree shards, CRT constants).

    The executor's own instance (``Executor.local``) serves the tasks it runs in this process.
    ``report``/``stopped`` let a long task send progress and see a cancellation.
    """

    def __init__(self, conn=None) -> None:
        self.lock = threading.Lock()
        self._stores: dict[str, dict] = {}
        self._conn = conn
        self._stop = False

    def store(self, name: str) -> dict:
        with self.lock:
            return self._stores.setdefault(name, {})

    def report(self, value: Any) -> None:
        if self._conn is not None:
            self._conn.send(("progress", value))

    def stopped(self) -> bool:
        """True once the caller asked this task to stop (only "stop" arrives while a task runs)."""
        if self._conn is not None and not self._stop and self._conn.poll():
            self._stop = self._conn.recv() == "stop"
        return self._stop


class Executor:
    """What kernels need from workers. Implementations provide ``size``, ``local``, ``run_each``,
    ``submit``, ``close`` and ``describe``; the chunking helpers below are shared."""

    size: int
    local: WorkerState

    def run_each(self, task: str | Callable, per_worker_args: Sequence[tuple],
                 on_progress: Callable[[int, Any], None] | None = None,
                 check: Callable[[], None] | None = None) -> list[Any]:
        """Run ``task(*args_i)`` on worker i for each i, in parallel; results in order.
        ``on_progress(i, value)`` gets worker i's reports; ``check()`` runs while waiting and may
        raise to stop the workers (they are told to stop and drained first)."""
        raise NotImplementedError

    def submit(self, task: str | Callable, *args) -> Future:
        """``task(*args)`` on any free worker."""
        raise NotImplementedError

    def submit_to(self, worker: int, task: str | Callable, *args) -> Future:
        """``task(*args)`` on worker ``worker`` (where its per-worker state lives)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def describe(self) -> dict:
        """What runs the job, for people: {"kind", "workers", "where"} (no keys, no data)."""
        raise NotImplementedError

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def call_local(self, task: str | Callable, *args) -> Any:
        fn, wants_state = resolve_task(task_name(task))
        return fn(self.local, *args) if wants_state else fn(*args)

    # Tasks per worker for stateless kernels: enough that a slowed worker takes fewer of them
    # while the others pull the rest from the queue, few enough that per-task overhead stays small.
    tasks_per_worker = 8

    def parallel_parts(self, n_items: int, min_parallel: int = 8) -> int:
        """How many tasks to cut ``n_items`` into: 1 for small inputs or one worker (a round trip
        costs more than a few exponentiations), else several per worker of at least
        ``min_parallel`` items each (at least one per worker)."""
        if self.size <= 1 or n_items < max(min_parallel, 2):
            return 1
        return max(self.size, min(self.size * self.tasks_per_worker, n_items // max(min_parallel, 1)))

    def worker_parts(self, n_items: int, min_parallel: int = 2) -> int:
        """One part per worker (or 1): for state kept per worker, e.g. histogram shards."""
        return self.size if self.size > 1 and n_items >= max(min_parallel, 2) else 1

    # Parts per worker for kernels with per-worker state (histogram shards): a slowed worker's
    # queued parts are taken by the others, at the price of sending those parts' data along.
    shards_per_worker = 4
    # Parts sent ahead to one worker in run_affine: 1 keeps every queued part available to a
    # thief; a cluster's scheduling delay is hidden by sending one more ahead.
    affine_inflight = 1

    def run_affine(self, task: str | Callable, part_args: Sequence[tuple], homes: Sequence[int],
                   carry: Callable[[int], tuple[str | Callable, tuple]]) -> list[Any]:
        """Run part p as ``task(*part_args[p])`` on worker ``homes[p]``; results in part order.

        Why: per-worker state makes a static split wait for the slowest worker. Here a worker
        whose own parts are done takes the last queued part of the worker with most left and
        runs ``carry(p)`` = (task, args) instead, args carrying the data the home worker holds.
        Which worker runs a part depends on timing, so ``task`` and the carried task must give
        the same result wherever they run.
        """
        queues = [deque() for _ in range(self.size)]
        for p, home in enumerate(homes):
            queues[home].append(p)
        results: list[Any] = [None] * len(part_args)
        running: dict[Future, tuple[int, int]] = {}

        def feed(w: int) -> None:
            if queues[w]:
                p = queues[w].popleft()
                running[self.submit_to(w, task, *part_args[p])] = (p, w)
                return
            victim = max(range(self.size), key=lambda v: len(queues[v]))
            if queues[victim]:
                p = queues[victim].pop()
                name, args = carry(p)
                running[self.submit_to(w, name, *args)] = (p, w)

        try:
            for _ in range(max(1, self.affine_inflight)):
                for w in range(self.size):
                    feed(w)
            while running:
                done, _ = wait_futures(list(running), return_when=FIRST_COMPLETED)
                for future in done:
                    p, w = running.pop(future)
                    results[p] = future.result()
                    feed(w)
        finally:
            for future in running:
                future.cancel()  # after a failure: queued work is not needed any more
        return results

    def run_chunks(self, task: str | Callable, chunks: Sequence[Any], extra: tuple = ()) -> list[Any]:
        """``task(chunk, *extra)`` for each chunk, fed to whichever worker is free; results in
        chunk order whatever order they finish in (so results do not depend on timing)."""
        if len(chunks) <= 1:
            return [self.call_local(task, chunk, *extra) for chunk in chunks]
        futures = [self.submit(task, chunk, *extra) for chunk in chunks]
        try:
            return [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()  # after a failure: queued work is not needed any more

    def map_chunks(self, task: str | Callable, items: Sequence[Any], extra: tuple = (),
                   min_parallel: int = 8) -> list[Any]:
        """``task(chunk, *extra)`` over contiguous chunks of ``items``; per-chunk results in order."""
        parts = self.parallel_parts(len(items), min_parallel)
        return self.run_chunks(task, split_evenly(items, parts) or [items], extra)

    def broadcast(self, task: str | Callable, *args) -> list[Any]:
        """``task(*args)`` once on every worker (here, if there is only one): worker-state tasks."""
        if self.size == 1:
            return [self.call_local(task, *args)]
        return self.run_each(task, [args] * self.size)


class CallDispatch(Executor):
    """``submit`` and ``submit_to`` over a blocking ``_call(worker, name, args)`` that runs one
    task on one worker: a queue with one feeder thread per worker (a stateless task goes to
    whichever worker is free first) and one thread per worker for tasks that must run where their
    state lives. Both executors dispatch this way; only ``_call`` differs (a pipe, a Dask actor)."""

    def start_dispatch(self) -> None:
        """Called by the executor's ``__init__``: nothing runs until the first submit."""
        self._dispatch_lock = threading.Lock()
        self._queue: queue.Queue | None = None
        self._direct: list[ThreadPoolExecutor] | None = None

    def _call(self, worker: int, name: str, args: tuple) -> Any:
        raise NotImplementedError

    def submit(self, task, *args) -> Future:
        name = task_name(task)
        resolve_task(name)
        future: Future = Future()
        with self._dispatch_lock:
            if self._queue is None:
                self._queue = queue.Queue()
                for i in range(self.size):
                    threading.Thread(target=self._dispatch, args=(i, self._queue),
                                     name="lianmo-worker-feed", daemon=True).start()
            self._queue.put((future, name, args))
        return future

    def direct(self, worker: int) -> ThreadPoolExecutor:
        """The thread that talks to ``worker`` for tasks bound to it."""
        with self._dispatch_lock:
            if not self._direct:
                self._direct = [ThreadPoolExecutor(1, thread_name_prefix="lianmo-worker-direct")
                                for _ in range(self.size)]
            return self._direct[worker]

    def submit_to(self, worker, task, *args) -> Future:
        name = task_name(task)
        resolve_task(name)
        return self.direct(worker).submit(self._call, worker, name, args)

    def _dispatch(self, i: int, jobs: queue.Queue) -> None:
        """One feeder per worker: takes the next submitted task when its worker is free."""
        while True:
            job = jobs.get()
            if job is None:
                return
            future, name, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._call(i, name, args))
            except Exception as exc:
                future.set_exception(exc)

    def stop_dispatch(self) -> None:
        """Cancel queued ``submit`` work, end the feeders, wait for the per-worker threads."""
        with self._dispatch_lock:
            jobs, self._queue = self._queue, None
            direct, self._direct = self._direct, None
        if jobs is not None:
            while True:
                try:
                    job = jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    job[0].cancel()
            for _ in range(self.size):
                jobs.put(None)
        for pool in direct or ():
            pool.shutdown(wait=True, cancel_futures=True)
