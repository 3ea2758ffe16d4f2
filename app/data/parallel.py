"""Parse one large delimited file in worker processes (our own pool, our own file).

Splitting text into columns and converting numbers is CPU-bound Python, so a 4M-row file is parsed
by ``WORKERS`` spawned processes, each reading a contiguous run of the byte ranges that
:meth:`CsvTable.units` yields. Those ranges are exactly the blocks of the single-process reader:
they end at a line break outside any quoted field (a block ending inside quotes is joined with
the next, as the single-process reader does), so the workers' blocks, values and problems are the
single-process ones, in the same order. A file that ends inside a quoted field, a gzip or XLSX
file, or a small file is read in one process.

Workers return numpy arrays only, and row numbers relative to their first range; the caller shifts
them. A worker that meets a structural error does not report it: the caller re-reads the file in
one process, so every message names the same row, line and column as before. Cancellation is
checked in the caller between progress reports; it tells the workers to stop after their block.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as _queue
from concurrent.futures import ProcessPoolExecutor, wait

from app.errors import ValidationError

WORKERS = 2
MIN_BYTES = 32 * 1024 * 1024   # below this, starting processes costs more than it saves
_QUEUE = None
_STOP = None


def plan(table, workers: int | None = None) -> list[list[tuple[int, int, int]]] | None:
    """Contiguous runs of the table's units, one run per worker, of about equal bytes; or None."""
    workers = workers or WORKERS
    if workers < 2 or not hasattr(table, "units") or table.path.lower().endswith(".gz"):
        return None
    if os.path.getsize(table.path) < MIN_BYTES:
        return None
    units = table.units()
    if not units or len(units) < workers:
        return None
    total = units[-1][1] - units[0][0]
    runs: list[list[tuple[int, int, int]]] = [[]]
    for unit in units:
        if len(runs) < workers and runs[-1] and unit[0] - units[0][0] >= total * len(runs) / workers:
            runs.append([])
        runs[-1].append(unit)
    return runs if len(runs) == workers else None


def _init(progress_queue, stop_event) -> None:
    global _QUEUE, _STOP
    _QUEUE, _STOP = progress_queue, stop_event


def report(worker: int, rows: int) -> None:
    """Called in a worker after each block: rows read so far by this worker."""
    if _QUEUE is not None:
        _QUEUE.put((worker, rows))


def stopped() -> bool:
    """True in a worker once the caller asked to stop (cancel): return early."""
    return _STOP is not None and _STOP.is_set()


def _run(job):
    fn, worker, args = job
    try:
        return fn(worker, *args)
    except ValidationError:
        return None  # the caller re-reads in one process for the exact message


def run(fn, jobs: list[tuple], task=None, label: str = "") -> list | None:
    """``fn(worker_index, *args)`` for each job in its own spawned process; results in job order.

    None if any worker met a ValidationError. ``task`` gets progress and its cancellation is
    honoured while waiting.
    """
    ctx = mp.get_context("spawn")
    progress, stop = ctx.Queue(), ctx.Event()
    done_rows = [0] * len(jobs)
    pool = ProcessPoolExecutor(len(jobs), mp_context=ctx, initializer=_init,
                               initargs=(progress, stop))
    try:
        futures = [pool.submit(_run, (fn, k, args)) for k, args in enumerate(jobs)]
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=0.2)
            changed = False
            while True:
                try:
                    worker, rows = progress.get_nowait()
                except (_queue.Empty, OSError, ValueError):
                    break
                done_rows[worker], changed = rows, True
            if task is not None:
                task.check_cancelled()
                if changed:
                    n = sum(done_rows)
                    task.progress(n, 0, f"Read {n:,} rows of {label}")
        results = [f.result() for f in futures]
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        progress.close()
    return None if any(r is None for r in results) else results
