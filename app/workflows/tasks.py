"""The handle long work receives: report progress, notice cancellation (Orange's ``state`` model).

Long functions are plain functions taking a task; the GUI bridges it to Qt signals, the CLI prints.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from app.errors import UserCancelled


class Task:
    """Progress with an ETA, and cooperative cancellation from any thread.

    ``executor_choice`` (an ``executors.ExecutorChoice``) lets one run use another crypto executor
    than its workspace's setting (``train --executor``); None keeps the setting."""

    executor_choice = None

    def __init__(self, on_progress: Callable[[int, int, str, float | None], None] | None = None):
        self._cancel = threading.Event()
        self._on_progress = on_progress
        self._started = time.monotonic()

    def progress(self, done: int, total: int, message: str = "") -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, message, self.eta(done, total))
        self.check_cancelled()

    def eta(self, done: int, total: int) -> float | None:
        """Seconds left, extrapolated linearly from the elapsed time; None until there is a rate."""
        if done <= 0 or total <= 0 or done >= total:
            return None if done < total else 0.0
        elapsed = time.monotonic() - self._started
        return elapsed * (total - done) / done

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise UserCancelled()


class NullTask(Task):
    """For callers that neither show progress nor cancel."""

    def __init__(self) -> None:
        super().__init__(None)
