"""The crypto executor: runs CPU-bound kernels (tasks by name) on worker processes for one job.

``LocalExecutor`` uses processes on this machine; ``DaskExecutor`` (imported on demand: it loads
dask.distributed) uses a Dask cluster the party operates. Both implement ``Executor``.
"""

from app.executor.base import (Executor, WorkerState, machine_cores, resolve_task, split_evenly,
                               state_task, task, task_name)
from app.executor.local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "WorkerState", "machine_cores", "resolve_task",
           "split_evenly", "state_task", "task", "task_name"]
