"""The cluster executor: the same tasks on a Dask cluster that the party itself operates.

A bank that outgrows one workstation adds machines running ``dask worker`` (docs/operator-guide.md).
Everything here stays inside the party's trust boundary: Dask serialises task arguments and
results with pickle between Lianmo, the scheduler and the workers, which is acceptable only
because all three belong to the same party and talk over TLS with the party's own certificates;
the peer link never carries Dask traffic and nothing from the peer is unpickled.

- Addresses: ``tls://HOST:PORT``, or plain ``tcp://127.0.0.1:PORT`` for a single-machine trial
  (``check_scheduler_address``); anything else is refused before a connection is tried.
- Tasks travel by *name* (``_run`` receives "app.crypto.paillier:task_encrypt"), and the worker
  resolves the name with the same allow-list as the local executor: only marked functions run.
- Worker *i* is a fixed Dask worker (``workers=[address]``, no stealing): per-worker state (key
  tables, histogram shards) lives on that worker in a store keyed by this executor's token and is
  dropped on ``close``. Stateless chunks go to whichever worker is free; a histogram shard's part
  runs on its worker unless another worker takes it with its data (``Executor.run_affine``).
- Progress (``WorkerState.report``) travels as Dask events; a stop request is a Dask ``Event`` the
  task polls at most twice a second. A task that never polls runs to its end (as locally).
- Workers must run the same Lianmo version (checked on connect): tasks are resolved there.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from concurrent.futures import Future, wait as wait_futures
from typing import Any

from app import __version__
from app.errors import LocalProtocolError, UserFacingError
from app.executor.base import Executor, WorkerState, resolve_task, task_name

_LOOPBACK = ("127.0.0.1", "localhost")
_STATES = "_lianmo_states"   # attribute of a dask Worker: {executor token: WorkerState}
_STOP_POLL_S = 0.5
_WAIT_S = 0.2


def check_scheduler_address(address: str) -> str:
    """``tls://HOST:PORT``, or ``tcp://127.0.0.1:PORT`` for a trial on one machine; else refused."""
    text = (address or "").strip()
    scheme, sep, rest = text.partition("://")
    host, colon, port = rest.rpartition(":")
    host = host.strip("[]")
    if not sep or not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserFacingError.coded("executor.bad_address", address=text)
    if scheme == "tls" or (scheme == "tcp" and host in _LOOPBACK):
        return f"{scheme}://{rest}"
    raise UserFacingError.coded("executor.tls_needed")


def cluster_security(address: str, tls: tuple[str, str, str] | None = None):
    """Dask ``Security`` for ``address``: the party's CA, client certificate and key, from ``tls``
    or from Dask's own configuration (distributed.comm.tls.*); None for a loopback trial."""
    if not address.startswith("tls://"):
        return None
    from distributed.security import Security
    if tls is not None and all(tls):
        ca, cert, key = tls
        return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key,
                        require_encryption=True)
    security = Security(require_encryption=True)
    if not (security.tls_ca_file and security.tls_client_cert):
        raise UserFacingError.coded("executor.tls_files")
    return security


# ---------------------------------------------------------------- worker side


class _TaskState(WorkerState):
    """One task's view of its worker's state: the stores persist per (worker, executor token);
    ``report`` and ``stopped`` belong to this task."""

    def __init__(self, shared: WorkerState, index: int, topic: str | None,
                 stop_name: str | None) -> None:
        super().__init__()
        self.lock, self._stores = shared.lock, shared._stores
        self._index, self._topic, self._stop_name = index, topic, stop_name
        self._polled = 0.0

    def report(self, value: Any) -> None:
        if self._topic is not None:
            from distributed import get_worker
            get_worker().log_event(self._topic, (self._index, value))

    def stopped(self) -> bool:
        if self._stop or self._stop_name is None:
            return self._stop
        now = time.monotonic()
        if now - self._polled >= _STOP_POLL_S:
            self._polled = now
            from distributed import Event
            self._stop = Event(self._stop_name).is_set()
        return self._stop


def _shared_state(token: str) -> WorkerState:
    from distributed import get_worker
    states = get_worker().__dict__.setdefault(_STATES, {})
    return states.setdefault(token, WorkerState())


def _run(token: str, name: str, args: tuple, index: int = -1, topic: str | None = None,
         stop_name: str | None = None) -> Any:
    """Runs on a Dask worker: the named task, if it is a marked Lianmo task."""
    fn, wants_state = resolve_task(name)
    if not wants_state:
        return fn(*args)
    return fn(_TaskState(_shared_state(token), index, topic, stop_name), *args)


def _release(token: str, dask_worker=None) -> int:
    """Runs on every worker at close: forget this executor's state (tables, shards, reserves)."""
    return 1 if dask_worker.__dict__.get(_STATES, {}).pop(token, None) is not None else 0


def _worker_version() -> str:
    return __version__


# ---------------------------------------------------------------- Lianmo side


def _failed(exc: BaseException) -> LocalProtocolError:
    return LocalProtocolError(f"A Dask worker failed ({type(exc).__name__}: {exc}).")


class _Handle(Future):
    """A ``concurrent.futures.Future`` over a Dask future (what kernels and the PSI runner use)."""

    def __init__(self, remote) -> None:
        super().__init__()
        self._remote = remote
        remote.add_done_callback(self._settle)

    def _settle(self, remote) -> None:
        if self.done():
            return
        try:
            if remote.status == "finished":
                self.set_result(remote.result())
            elif remote.status == "error":
                self.set_exception(_failed(remote.exception()))
            else:
                super().cancel()
                self.set_running_or_notify_cancel()
        except Exception:  # cancelled meanwhile (InvalidStateError) or the client went away
            pass

    def cancel(self) -> bool:
        if self.done():
            return False
        self._remote.cancel()
        return super().cancel()


class DaskExecutor(Executor):
    """Workers of a Dask cluster; worker i is the i-th worker (by address) present at connect."""

    tasks_per_worker = 4   # a Dask task costs ~1 ms of scheduling: fewer, larger tasks than local
    affine_inflight = 2    # one shard task queued on each worker hides that ~1 ms

    def __init__(self, scheduler: str, tls: tuple[str, str, str] | None = None, *,
                 security=None, timeout: float = 20.0) -> None:
        self.address = check_scheduler_address(scheduler)
        if security is None:
            security = cluster_security(self.address, tls)
        from distributed import Client
        try:
            self._client = Client(self.address, security=security, timeout=timeout,
                                  set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UserFacingError.coded("executor.unreachable", address=self.address,
                                        reason=type(exc).__name__) from exc
        try:
            self._workers = sorted(self._client.scheduler_info(n_workers=-1)["workers"])
            if not self._workers:
                raise UserFacingError.coded("executor.no_workers", address=self.address)
            versions = set(self._client.run(_worker_version).values())
            if versions != {__version__}:
                raise UserFacingError.coded("executor.worker_versions", version=__version__,
                                            found=sorted(versions))
        except BaseException:
            self._client.close()
            raise
        self.size = len(self._workers)
        self.local = WorkerState()
        self.token = secrets.token_hex(16)
        self._lock = threading.Lock()
        self._pending: set = set()
        self._closed = False

    def describe(self) -> dict:
        return {"kind": "dask", "workers": self.size, "where": self.address}

    def _submit(self, name: str, args: tuple, worker: str | None = None, index: int = -1,
                topic: str | None = None, stop_name: str | None = None):
        if self._closed:
            raise LocalProtocolError("The Dask executor was closed.")
        key = f"{name.rpartition(':')[2]}-{secrets.token_hex(8)}"
        placement = {"workers": [worker], "allow_other_workers": False} if worker else {}
        remote = self._client.submit(_run, self.token, name, tuple(args), index, topic, stop_name,
                                     key=key, pure=False, **placement)
        with self._lock:
            self._pending.add(remote)
        remote.add_done_callback(self._forget)
        return remote

    def _forget(self, remote) -> None:
        with self._lock:
            self._pending.discard(remote)

    def submit(self, task, *args) -> Future:
        name = task_name(task)
        resolve_task(name)
        return _Handle(self._submit(name, args))

    def submit_to(self, worker, task, *args) -> Future:
        name = task_name(task)
        resolve_task(name)
        return _Handle(self._submit(name, args, self._workers[worker], worker))

    def run_chunks(self, task, chunks, extra=()):
        """Every chunk runs on the cluster (even one: the cluster, not Lianmo's computer, works)."""
        futures = [self.submit(task, chunk, *extra) for chunk in chunks]
        try:
            return [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()

    def broadcast(self, task, *args):
        return self.run_each(task, [args] * self.size)

    def run_each(self, task, per_worker_args, on_progress=None, check=None):
        if len(per_worker_args) > self.size:
            raise LocalProtocolError("More work items than workers were scattered.")
        name = task_name(task)
        resolve_task(name)  # refuse bad names before anything is sent
        run_id = secrets.token_hex(8)
        topic = f"lianmo-progress-{run_id}" if on_progress is not None else None
        stop_name = f"lianmo-stop-{run_id}" if check is not None else None
        reports: queue.Queue = queue.Queue()
        if topic is not None:
            self._client.subscribe_topic(topic, lambda event: reports.put(event[1]))
        try:
            handles = [_Handle(self._submit(name, args, worker, i, topic, stop_name))
                       for i, (worker, args) in enumerate(zip(self._workers, per_worker_args))]
            self._gather(handles, reports, on_progress, check, stop_name)
        finally:
            if topic is not None:
                self._client.unsubscribe_topic(topic)
        errors = [h.exception() for h in handles if h.exception() is not None]
        if errors:
            raise errors[0]
        return [h.result() for h in handles]

    def _gather(self, handles, reports, on_progress, check, stop_name) -> None:
        """Wait for every task, passing progress on and calling ``check`` meanwhile; a worker
        that leaves the cluster ends the wait with a sentence instead of waiting for ever."""
        from distributed import Event
        stopping: BaseException | None = None
        while True:
            done = not wait_futures(handles, timeout=_WAIT_S).not_done
            while not reports.empty():
                i, value = reports.get()
                if on_progress is not None and stopping is None:
                    on_progress(i, value)
            if done:
                break
            if check is not None and stopping is None:
                try:
                    check()
                except Exception as exc:  # let the workers end their block, then re-raise
                    stopping = exc
                    Event(stop_name, client=self._client).set()
            present = self._client.scheduler_info(n_workers=-1)["workers"]
            if any(w not in present for w in self._workers):
                for handle in handles:
                    handle.cancel()
                raise LocalProtocolError("A Dask worker left the cluster during the job; run "
                                         "the job again when the cluster is complete.")
        if stopping is not None:
            raise stopping

    def close(self) -> None:
        """Cancel outstanding work, drop this executor's state on every worker, disconnect."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            pending, self._pending = list(self._pending), set()
        try:
            if pending:
                self._client.cancel(pending)
            self._client.run(_release, self.token)
        except Exception:  # a scheduler already gone takes the state with it
            pass
        self._client.close()
