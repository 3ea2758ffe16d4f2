"""The Qt task bridge: run ``fn(task, *args)`` on a worker thread, report back as Qt signals.

Long work stays a plain function taking an ``app.workflows.tasks.Task`` (Orange's
``concurrent.py`` model), so the CLI and the tests run the same code without Qt. The worker only
emits private relay signals, connected with ``Qt.QueuedConnection``; the public signals are
therefore always emitted on the GUI thread, whatever kind of slot a page connects to them.
CPU-heavy crypto uses a process pool inside ``fn``; this thread only waits on it.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, Qt, Signal, Slot

from app.errors import UserCancelled
from app.ui.errors import sentence
from app.workflows.tasks import Task

log = logging.getLogger(__name__)

MIN_INTERVAL = 0.05  # seconds between progress signals: enough for a smooth bar, no event flood


class TaskRunner(QObject):
    """One run of one function. Create, connect, ``start()``; ``cancel()`` from the GUI thread."""

    progress = Signal(int, int, str, object)  # done, total, message, eta seconds (float | None)
    finished = Signal(object)                 # the function's result
    failed = Signal(str)                      # the sentence to show (traceback is in the log)
    cancelled = Signal(str)                   # the sentence to show

    _relay_progress = Signal(int, int, str, object)
    _relay_done = Signal(str, object)         # outcome ("finished" | "failed" | "cancelled"), value

    def __init__(self, fn: Callable[..., Any], *args: Any, parent: QObject | None = None):
        super().__init__(parent)
        self._fn, self._args = fn, args
        self._last_emit = 0.0
        self.task = Task(self._on_progress)
        self.state = "idle"  # idle -> running -> finished | failed | cancelled
        self.error: BaseException | None = None
        self._relay_progress.connect(self.progress, Qt.QueuedConnection)
        self._relay_done.connect(self._deliver, Qt.QueuedConnection)

    @property
    def running(self) -> bool:
        return self.state == "running"

    def start(self, pool: QThreadPool | None = None) -> None:
        if self.state != "idle":
            raise RuntimeError("a TaskRunner runs once; make a new one")
        self.state = "running"
        (pool or QThreadPool.globalInstance()).start(self._work)

    def cancel(self) -> None:
        """Ask the function to stop at its next progress report (cooperative)."""
        self.task.cancel()

    # -- worker thread ------------------------------------------------------------------------
    def _on_progress(self, done: int, total: int, message: str, eta: float | None) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_emit >= MIN_INTERVAL:
            self._last_emit = now
            self._emit(self._relay_progress, done, total, message, eta)

    def _work(self) -> None:
        try:
            result = self._fn(self.task, *self._args)
        except UserCancelled as exc:
            self._emit(self._relay_done, "cancelled", exc)
        except BaseException as exc:  # shown as a sentence; the traceback goes to the log
            self._emit(self._relay_done, "failed", exc)
        else:
            self._emit(self._relay_done, "finished", result)

    def _emit(self, signal, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the page was closed while we worked: nobody is listening
            log.debug("task outlived its page; result dropped")

    # -- GUI thread ---------------------------------------------------------------------------
    @Slot(str, object)
    def _deliver(self, outcome: str, value: Any) -> None:
        self.state = outcome
        if outcome == "finished":
            self.finished.emit(value)
        elif outcome == "cancelled":
            self.error = value
            self.cancelled.emit(sentence(value))
        else:
            self.error = value
            self.failed.emit(sentence(value))
