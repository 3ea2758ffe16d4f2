"""The cluster executor: the same tasks on a Dask cluster that the party itself operates.

A bank that outgrows one workstation adds machines running ``dask worker`` (docs/operator-guide.md).
Everything here stays inside the party's trust boundary: Dask serialises task arguments and
results with pickle between Lianmo, the scheduler and the workers, which is acceptable only
because all three belong to the same party and talk over TLS with the party's own certificates;
the peer link never carries Dask traffic and nothing from the peer is unpickled.

- Addresses: ``tls://HOST:PORT``, or plain ``tcp://127.0.0.1:PORT`` for a single-machine trial
  (``check_scheduler_address``); anything else is refused before a connection is tried.
- Worker *i* is a fixed Dask worker holding one Dask *actor* of this executor (``_Compute``): the
  executor's state on that worker (key tables, histogram shards, reserves) lives in it and goes
  with it on ``close``. Tasks are calls of the actor, sent straight to its worker and answered on
  the same connection (~3 ms a round trip here, against ~11 ms for a Dask task, whose messages
  pass the scheduler and wait in Dask's 2-10 ms send batches: SecureBoost makes a few hundred
  calls a tree, one after another). Dispatch is the local executor's (``CallDispatch``): stateless
  chunks go to whichever worker is free, a histogram shard's part runs on its worker unless another
  worker takes it with its data (``Executor.run_affine``), one call at a time per worker.
- Tasks travel by *name* ("app.crypto.paillier:task_encrypt"), and the actor resolves the name
  with the same allow-list as the local executor: only marked functions run.
- Progress (``WorkerState.report``) travels as Dask events; a stop request is an asynchronous
  actor call, heard on the worker's event loop while the task computes and seen by the task's next
  ``stopped()``. A task that never polls runs to its end (as locally).
- Workers must run the same Lianmo version (checked on connect): tasks are resolved there.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
from concurrent.futures import wait as wait_futures
from typing import Any

from app import __version__
from app.errors import LocalProtocolError, UserFacingError
from app.executor.base import CallDispatch, WorkerState, resolve_task, task_name

_LOOPBACK = ("127.0.0.1", "localhost")
_WAIT_S = 0.2    # how often run_each passes progress on and asks whether to stop
_WATCH_S = 2.0   # how often a long call checks that its worker is still in the cluster
WORKER_CONFIG = ("dask", "lianmo-worker.yaml")  # under resources/: the workers' Dask settings

log = logging.getLogger(__name__)


def worker_settings() -> dict[str, Any]:
    """Dask settings for a Lianmo cluster's workers (resources/dask/lianmo-worker.yaml, which
    operators pass as DASK_CONFIG), as dotted keys for ``dask.config.set`` (a nested dict there
    would replace Dask's whole section): how a LocalCluster started here takes them."""
    import yaml
    from app.resources import resource_path
    with open(resource_path(*WORKER_CONFIG), encoding="utf-8") as f:
        tree = yaml.safe_load(f)
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else key, value)
        else:
            flat[prefix] = node
    walk("", tree)
    return flat


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
    """One task's view of its actor's state: the stores persist per (worker, executor);
    ``report`` and ``stopped`` belong to this task."""

    def __init__(self, shared: WorkerState, worker, index: int, topic: str | None,
                 run_id: str | None, stops: set) -> None:
        super().__init__()
        self.lock, self._stores = shared.lock, shared._stores
        self._worker, self._index, self._topic = worker, index, topic
        self._run_id, self._stops = run_id, stops

    def report(self, value: Any) -> None:
        if self._topic is not None:
            self._worker.log_event(self._topic, (self._index, value))

    def stopped(self) -> bool:
        return self._run_id is not None and self._run_id in self._stops


class _Compute:
    """A Dask actor: one executor's state on one worker, and the tasks that use it."""

    def __init__(self, token: str) -> None:
        from distributed import get_worker
        self.token = token
        self._worker = get_worker()
        self.state = WorkerState()
        self._stops: set[str] = set()

    def run(self, name: str, args: tuple, index: int = -1, topic: str | None = None,
            run_id: str | None = None) -> Any:
        """The named task, if it is a marked Lianmo task (runs in the worker's actor thread)."""
        fn, wants_state = resolve_task(name)
        try:
            if not wants_state:
                return fn(*args)
            return fn(_TaskState(self.state, self._worker, index, topic, run_id, self._stops), *args)
        finally:
            self._stops.discard(run_id)

    async def stop(self, run_id: str) -> None:
        """Heard on the worker's event loop while ``run`` computes in the actor thread."""
        self._stops.add(run_id)

    def release(self) -> None:
        """Forget this executor's state on the worker (tables, shards, reserves)."""
        self.state = WorkerState()

    def held(self) -> int:
        """How many stores the executor keeps on this worker (what ``release`` drops)."""
        return len(self.state._stores)


def _worker_facts() -> tuple[str, bool]:
    """This worker's Lianmo version, and whether Dask's sampling profiler interrupts it."""
    import dask
    return __version__, bool(dask.config.get("distributed.worker.profile.enabled", True))


# ---------------------------------------------------------------- Lianmo side


def _client_class():
    """Dask's ``Client``, except that a refused connection also stops the client's own event-loop
    thread (Dask leaves it running: every failed attempt would leave one more thread)."""
    from distributed import Client

    class _Client(Client):
        def start(self, **kwargs):
            try:
                return super().start(**kwargs)
            except BaseException:
                self._loop_runner.stop()
                raise
    return _Client


def _bound(home, client):
    """The actor behind ``home``, calling through ``client``: a Dask actor otherwise looks for
    Dask's default client, which an executor never sets (two executors may live in one process)."""
    actor = home.result()
    actor._client, actor._future = client, home
    return actor


def _left() -> LocalProtocolError:
    return LocalProtocolError("A Dask worker left the cluster during the job; run the job again "
                              "when the cluster is complete.")


def _failed(exc: BaseException) -> LocalProtocolError:
    return LocalProtocolError(f"A Dask worker failed ({type(exc).__name__}: {exc}).")


class DaskExecutor(CallDispatch):
    """Workers of a Dask cluster; worker i is the i-th worker (by address) present at connect."""

    tasks_per_worker = 4   # a call costs ~3 ms here against ~0.2 ms locally: fewer, larger tasks
    affine_inflight = 2    # one shard part queued on each worker hides that round trip

    def __init__(self, scheduler: str, tls: tuple[str, str, str] | None = None, *,
                 security=None, timeout: float = 20.0) -> None:
        self.address = check_scheduler_address(scheduler)
        if security is None:
            security = cluster_security(self.address, tls)
        try:
            self._client = _client_class()(self.address, security=security, timeout=timeout,
                                           set_as_default=False, direct_to_workers=True)
        except (OSError, TimeoutError) as exc:
            raise UserFacingError.coded("executor.unreachable", address=self.address,
                                        reason=type(exc).__name__) from exc
        self.token = secrets.token_hex(16)
        try:
            self._workers = sorted(self._client.scheduler_info(n_workers=-1)["workers"])
            if not self._workers:
                raise UserFacingError.coded("executor.no_workers", address=self.address)
            found = self._client.run(_worker_facts).values()
            versions = {version for version, _ in found}
            if versions != {__version__}:
                raise UserFacingError.coded("executor.worker_versions", version=__version__,
                                            found=sorted(versions))
            if any(profiled for _, profiled in found):
                log.warning("Dask workers run with Dask's default settings, which slow Lianmo's "
                            "kernels by 10-25 %%; start them with DASK_CONFIG=%s.",
                            "/".join(("resources",) + WORKER_CONFIG))
            self._homes = [self._client.submit(_Compute, self.token, actor=True, workers=[w],
                                               allow_other_workers=False, pure=False,
                                               key=f"lianmo-compute-{self.token}-{i}")
                           for i, w in enumerate(self._workers)]
            self._actors = [_bound(home, self._client) for home in self._homes]
        except (OSError, TimeoutError) as exc:  # e.g. the scheduler's certificate is refused
            self._client.close()
            raise UserFacingError.coded("executor.workers_unreachable", address=self.address,
                                        reason=type(exc).__name__) from exc
        except BaseException:
            self._client.close()
            raise
        self.size = len(self._workers)
        self.local = WorkerState()
        self._busy = [threading.Lock() for _ in self._workers]  # one call at a time per worker
        self.start_dispatch()
        self._closed = False

    def describe(self) -> dict:
        return {"kind": "dask", "workers": self.size, "where": self.address}

    def _call(self, worker: int, name: str, args: tuple, index: int = -1,
              topic: str | None = None, run_id: str | None = None) -> Any:
        if self._closed:
            raise LocalProtocolError("The Dask executor was closed.")
        with self._busy[worker]:
            try:
                call = self._actors[worker].run(name, tuple(args), index, topic, run_id)
                while True:
                    try:
                        return call.result(timeout=_WATCH_S)
                    except TimeoutError:  # still computing: is its worker still there?
                        if self._workers[worker] not in self._present():
                            break
            except (OSError, RuntimeError) as exc:  # the worker (and its actor) are gone
                raise _left() from exc
            except Exception as exc:
                raise _failed(exc) from exc
        raise _left()

    def _present(self) -> dict:
        return self._client.scheduler_info(n_workers=-1)["workers"]

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
        reports: queue.Queue = queue.Queue()
        if topic is not None:
            self._client.subscribe_topic(topic, lambda event: reports.put(event[1]))
        try:
            futures = [self.direct(i).submit(self._call, i, name, args, i, topic, run_id)
                       for i, args in enumerate(per_worker_args)]
            stopping = self._gather(futures, reports, on_progress, check, run_id)
        finally:
            if topic is not None:
                self._client.unsubscribe_topic(topic)
        if stopping is not None:
            raise stopping
        errors = [f.exception() for f in futures if f.exception() is not None]
        if errors:
            raise errors[0]
        return [f.result() for f in futures]

    def _gather(self, futures, reports, on_progress, check, run_id) -> BaseException | None:
        """Wait for every call, passing progress on and calling ``check`` meanwhile; what
        ``check`` raised (the workers were told to stop and have ended their block)."""
        stopping: BaseException | None = None
        while True:
            done = not wait_futures(futures, timeout=_WAIT_S).not_done
            while not reports.empty():
                i, value = reports.get()
                if on_progress is not None and stopping is None:
                    on_progress(i, value)
            if check is not None and stopping is None:
                try:
                    check()
                except Exception as exc:  # let the workers end their block, then re-raise
                    stopping = exc
                    for actor in self._actors:
                        actor.stop(run_id)
            if done:
                return stopping

    def close(self) -> None:
        """Cancel queued work, drop this executor's state on every worker, disconnect."""
        if self._closed:
            return
        self.stop_dispatch()
        self._closed = True
        try:
            for actor in self._actors:
                actor.release().result()
            self._client.cancel(self._homes)
        except Exception:  # a cluster already gone takes the state with it
            pass
        self._client.close()
