"""The local executor: worker processes on this machine that die with their parent.

Kernels need to address worker *i* (the histogram kernel keeps ciphertext shards in each worker),
so every worker owns one duplex pipe: ``run_each`` scatters one task per worker and gathers the
replies in order; ``submit`` hands a task to whichever worker is free (a queue with one feeder per
worker, which ``run_chunks`` uses for stateless kernels); ``submit_to`` hands one to worker *i*
(one feeder thread per worker, which ``run_affine`` uses for histogram shards).

Workers are started lazily with ``spawn`` (fork is unsafe once Qt threads exist) and only run
functions marked with ``@task`` / ``@state_task`` (see app/executor/base.py).

A worker dies with its parent, quietly: on Linux the kernel signals it when the parent goes
(PR_SET_PDEATHSIG) and, everywhere, a thread sees the parent's end of a watch pipe close. A killed
application would otherwise leave workers holding hundreds of MB each, printing BrokenPipe errors.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
import types
from concurrent.futures import Future
from contextlib import contextmanager
from multiprocessing.connection import wait as wait_connections
from typing import Any

from app.errors import LocalProtocolError
from app.executor.base import CallDispatch, WorkerState, machine_cores, resolve_task, task_name


# ---------------------------------------------------------------- worker side


def _exit_quietly(*_) -> None:
    os._exit(0)


def _die_with_parent(watch, parent_pid: int) -> None:
    """Exit as soon as the parent is gone, without a traceback (see the module docstring).

    The kernel's SIGKILL ends a worker even inside one long gmpy2 call (which holds the GIL, so
    no Python handler or thread could run); the watch thread covers other systems.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # gone before the signal was armed
        _exit_quietly()

    def watch_parent() -> None:
        try:
            watch.recv()  # the parent never sends: this returns when its end closes
        except BaseException:
            pass
        _exit_quietly()

    threading.Thread(target=watch_parent, name="lianmo-parent-watch", daemon=True).start()


def _worker_main(conn, watch, parent_pid: int) -> None:
    """Worker loop: receive (task, args), reply ("ok", result) or ("err", message)."""
    _die_with_parent(watch, parent_pid)
    state = WorkerState(conn)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            _exit_quietly()
        if message is None:
            return
        if message == "stop":  # a stop that came after its task ended
            continue
        name, args = message
        state._stop = False
        try:
            fn, wants_state = resolve_task(name)
            reply = ("ok", fn(state, *args) if wants_state else fn(*args))
        except Exception as exc:  # report, keep serving
            reply = ("err", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            _exit_quietly()


@contextmanager
def _bare_main():
    """Start workers without re-importing the caller's ``__main__`` (a GUI script, a benchmark).

    ``spawn`` normally re-runs the main module in every child; our workers need none of it, and
    re-running it would import Qt there or, in an unguarded script, start pools recursively.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


# ---------------------------------------------------------------- parent side


class _Worker:
    def __init__(self, ctx) -> None:
        self.conn, child_conn = ctx.Pipe(duplex=True)
        watch_r, self.watch = ctx.Pipe(duplex=False)
        self.lock = threading.Lock()
        self.proc = ctx.Process(target=_worker_main, args=(child_conn, watch_r, os.getpid()),
                                daemon=True, name="lianmo-worker")
        self.proc.start()
        child_conn.close()
        watch_r.close()

    def recv(self) -> tuple[str, Any]:
        while True:
            status, payload = self.conn.recv()
            if status != "progress":
                return status, payload

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.conn.close()
        self.proc.join(timeout=2)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(timeout=2)
        self.watch.close()


def _spawner(requests: queue.Queue, size: int) -> None:
    """Starts workers on request, and lives as long as they should."""
    ctx = multiprocessing.get_context("spawn")
    while True:
        reply = requests.get()
        if reply is None:
            return
        try:
            with _bare_main():
                reply.set_result([_Worker(ctx) for _ in range(size)])
        except BaseException as exc:
            reply.set_exception(exc)


def _failed(errors: list[str]) -> LocalProtocolError:
    return LocalProtocolError(f"A worker process failed ({errors[0]}).")


class LocalExecutor(CallDispatch):
    """Worker processes on this machine, one per core unless told otherwise; started on first use,
    restarted on use after ``close``."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or machine_cores()
        self.local = WorkerState()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self.start_dispatch()
        self._spawner: queue.Queue | None = None

    def _started(self) -> list[_Worker]:
        with self._lock:
            if not self._workers:
                self._workers = self._spawn()
            return self._workers

    def _spawn(self) -> list[_Worker]:
        """Start the workers from this executor's own thread: Linux sends the parent-death signal
        when the *thread* that started a worker ends, and a job's threads come and go."""
        if self._spawner is None:
            self._spawner = queue.Queue()
            threading.Thread(target=_spawner, args=(self._spawner, self.size),
                             name="lianmo-worker-spawner", daemon=True).start()
        reply: Future = Future()
        self._spawner.put(reply)
        return reply.result()

    def describe(self) -> dict:
        return {"kind": "local", "workers": self.size, "where": "this computer"}

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._started()]

    def run_each(self, task, per_worker_args, on_progress=None, check=None):
        if len(per_worker_args) > self.size:
            raise LocalProtocolError("More work items than workers were scattered.")
        name = task_name(task)
        resolve_task(name)  # refuse bad names before anything is sent
        workers = self._started()[:len(per_worker_args)]
        for worker in workers:
            worker.lock.acquire()
        try:
            for worker, args in zip(workers, per_worker_args):
                worker.conn.send((name, tuple(args)))
            if on_progress is None and check is None:
                replies = [worker.recv() for worker in workers]
            else:
                replies = self._gather(workers, on_progress, check)
        except (EOFError, OSError) as exc:
            self._broken()
            raise LocalProtocolError("A worker process stopped unexpectedly.") from exc
        except BaseException:
            self._broken()  # e.g. KeyboardInterrupt mid-gather: pipes would be out of step
            raise
        finally:
            for worker in workers:
                worker.lock.release()
        errors = [payload for status, payload in replies if status != "ok"]
        if errors:
            raise _failed(errors)
        return [payload for _, payload in replies]

    @staticmethod
    def _gather(workers, on_progress, check) -> list:
        replies: dict[int, tuple] = {}
        index = {id(w.conn): i for i, w in enumerate(workers)}
        stopping: BaseException | None = None
        while len(replies) < len(workers):
            pending = [w.conn for i, w in enumerate(workers) if i not in replies]
            for conn in wait_connections(pending, timeout=0.2):
                status, payload = conn.recv()
                i = index[id(conn)]
                if status != "progress":
                    replies[i] = (status, payload)
                elif on_progress is not None and stopping is None:
                    on_progress(i, payload)
            if check is not None and stopping is None:
                try:
                    check()
                except Exception as exc:  # let the workers end their block, then re-raise
                    stopping = exc
                    for i, worker in enumerate(workers):
                        if i not in replies:
                            worker.conn.send("stop")
        if stopping is not None:
            raise stopping
        return [replies[i] for i in range(len(workers))]

    def _call(self, i: int, name: str, args: tuple):
        try:
            worker = self._started()[i]
            with worker.lock:
                worker.conn.send((name, args))
                status, payload = worker.recv()
        except (EOFError, OSError) as exc:
            raise LocalProtocolError("A worker process stopped unexpectedly.") from exc
        if status != "ok":
            raise _failed([payload])
        return payload

    def _broken(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def close(self) -> None:
        """Stop the workers (their state goes with them); queued ``submit`` work is cancelled."""
        self.stop_dispatch()
        with self._lock:
            workers, self._workers = self._workers, []
            spawner, self._spawner = self._spawner, None
        for worker in workers:
            with worker.lock:
                worker.stop()
        if spawner is not None:
            spawner.put(None)
