"""Parse one large delimited file on the import's worker processes (our own file, our own workers).

Splitting text into columns and converting numbers is CPU-bound Python, so a 4M-row file is parsed
by ``WORKERS`` workers of the executor the import workflow passes in, each reading a contiguous
run of the byte ranges that :meth:`CsvTable.units` yields. Those ranges are exactly the blocks of
the single-process reader: they end at a line break outside any quoted field (a block ending
inside quotes is joined with the next, as the single-process reader does), so the workers' blocks,
values and problems are the single-process ones, in the same order. A file that ends inside a
quoted field, a gzip or XLSX file, or a small file is read in one process.

Workers return numpy arrays only, and row numbers relative to their first range; the caller shifts
them. A worker that meets a structural error does not report it: the caller re-reads the file in
one process, so every message names the same row, line and column as before. Cancellation is
checked in the caller while it waits; it tells the workers to stop after their block.
"""

from __future__ import annotations

import os

WORKERS = 2
MIN_BYTES = 32 * 1024 * 1024   # below this, starting processes costs more than it saves


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


def run(executor, fn, jobs: list[tuple], task=None, label: str = "") -> list | None:
    """``fn(state, *args)`` for each job on its own worker of ``executor``; results in job order.

    None if any worker returned None (it met a ValidationError). ``task`` gets progress (workers
    call ``state.report(rows)`` after each block) and its cancellation is honoured while waiting.
    """
    done_rows = [0] * len(jobs)

    def progress(worker: int, rows: int) -> None:
        done_rows[worker] = rows
        if task is not None:
            n = sum(done_rows)
            task.progress(n, 0, f"Read {n:,} rows of {label}")

    results = executor.run_each(fn, jobs, progress,
                                task.check_cancelled if task is not None else None)
    return None if any(r is None for r in results) else results
