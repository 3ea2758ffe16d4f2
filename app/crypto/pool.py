"""A small process pool for CPU-bound Paillier work, one worker per core.

Why not ``concurrent.futures``: the histogram kernel keeps per-tree state (ciphertext shards) in
each worker, so the parent must be able to address worker *i*. Each worker owns one duplex pipe;
the parent scatters one task per worker and gathers the replies in order.

Workers are started lazily with the ``spawn`` method (fork is unsafe once Qt threads exist) and
only run allow-listed functions: ``app.crypto.<module>:task_<name>``. Arguments are ints, bytes,
numpy arrays and tuples produced by *this* process: nothing received from a peer is ever
unpickled here; peer bytes are parsed and validated by app.crypto.paillier before they reach us.
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import sys
import threading
import types
from contextlib import contextmanager
from typing import Any, Callable, Sequence

from app.errors import LocalProtocolError

_ALLOWED_PREFIX = "app.crypto."


def machine_cores() -> int:
    """Cores this process may use (affinity-aware), overridable with LIANMO_CRYPTO_WORKERS."""
    forced = os.environ.get("LIANMO_CRYPTO_WORKERS", "").strip()
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_task(name: str) -> Callable[..., Any]:
    """Map ``"app.crypto.module:task_x"`` to the function; anything else is refused."""
    module_name, _, func_name = name.partition(":")
    if not module_name.startswith(_ALLOWED_PREFIX) or not func_name.startswith("task_"):
        raise LocalProtocolError("A worker was asked to run a function that is not a crypto task.")
    return getattr(importlib.import_module(module_name), func_name)


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


def _worker_main(conn) -> None:
    """Worker loop: receive (task, args), reply ("ok", result) or ("err", message)."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, args = message
        try:
            conn.send(("ok", resolve_task(task)(*args)))
        except Exception as exc:  # report, keep serving
            conn.send(("err", f"{type(exc).__name__}: {exc}"))


class WorkerPool:
    """Fixed set of worker processes, each reachable by index."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or machine_cores()
        self._lock = threading.Lock()
        self._workers: list[tuple[Any, Any]] = []

    def _ensure_started(self) -> None:
        if self._workers:
            return
        ctx = multiprocessing.get_context("spawn")
        with _bare_main():
            for _ in range(self.size):
                parent_conn, child_conn = ctx.Pipe(duplex=True)
                proc = ctx.Process(target=_worker_main, args=(child_conn,), daemon=True,
                                   name="lianmo-crypto-worker")
                proc.start()
                child_conn.close()
                self._workers.append((proc, parent_conn))

    def run_each(self, task: str, per_worker_args: Sequence[tuple]) -> list[Any]:
        """Run ``task(*args_i)`` on worker i for each i, in parallel; results in order."""
        if len(per_worker_args) > self.size:
            raise LocalProtocolError("More work items than workers were scattered.")
        resolve_task(task)  # refuse bad names before anything is sent
        with self._lock:
            self._ensure_started()
            try:
                for (_, conn), args in zip(self._workers, per_worker_args):
                    conn.send((task, tuple(args)))
                replies = [conn.recv() for (_, conn), _ in zip(self._workers, per_worker_args)]
            except (EOFError, OSError) as exc:
                self._terminate()
                raise LocalProtocolError("A cryptography worker process stopped unexpectedly.") from exc
            except BaseException:
                self._terminate()  # e.g. KeyboardInterrupt mid-gather: pipes would be out of step
                raise
        errors = [payload for status, payload in replies if status != "ok"]
        if errors:
            raise LocalProtocolError(f"A cryptography worker failed ({errors[0]}).")
        return [payload for _, payload in replies]

    def _terminate(self) -> None:
        for proc, conn in self._workers:
            try:
                conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            conn.close()
        for proc, _ in self._workers:
            proc.join(timeout=2)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=2)
        self._workers = []

    def close(self) -> None:
        with self._lock:
            self._terminate()


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


def parallel_parts(n_items: int, min_parallel: int = 8) -> int:
    """How many chunks to cut: one per worker, or 1 for small inputs / one-core machines.

    Small inputs run in this process: a pipe round trip costs more than a few exponentiations.
    """
    size = get_pool().size
    return size if size > 1 and n_items >= max(min_parallel, 2) else 1


def run_chunks(task: str, chunks: Sequence[Any], extra: tuple = ()) -> list[Any]:
    """``task(chunk, *extra)`` for each chunk (at most one per worker); results in order."""
    if len(chunks) <= 1:
        return [resolve_task(task)(chunk, *extra) for chunk in chunks]
    return get_pool().run_each(task, [(chunk, *extra) for chunk in chunks])


def map_chunks(task: str, items: Sequence[Any], extra: tuple = (), min_parallel: int = 8) -> list[Any]:
    """``task(chunk, *extra)`` over even chunks of ``items``; the per-chunk results in order."""
    parts = parallel_parts(len(items), min_parallel)
    return run_chunks(task, split_evenly(items, parts) or [items], extra)


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def get_pool() -> WorkerPool:
    """The process-wide pool (workers start on first use, not at import)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = WorkerPool()
        return _POOL


def shutdown_pool() -> None:
    """Stop the workers (also registered at exit); the next use starts a fresh pool."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.close()


atexit.register(shutdown_pool)
