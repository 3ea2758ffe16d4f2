"""``Page``: what every step of the main window has, so a page module holds only its own part.

A page has a title and subtitle above its content, one message area where refusals and results
are said as sentences, at most one background task of its own at a time (the Qt task bridge), and,
when ``REFRESH_MS`` is set, a timer that re-reads the workspace while the page is on screen. Pages
in the stack behind the current one need no polling, so the timer runs only between showEvent and
hideEvent.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QLayout, QVBoxLayout, QWidget

from app.errors import UserFacingError
from app.ui.kit.tasks import TaskRunner
from app.ui.kit.widgets import (MessageArea, Retranslatable, button, page_layout, page_titles)
from app.workflows import guide
from app.workflows.session import Session


class Page(Retranslatable, QWidget):
    REFRESH_MS: int | None = None  # re-read every so often while shown; None: only when asked
    go_to = Signal(str)            # a step key: the shell shows that step ("Next: …")

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Page")
        self.session = session
        self.runner: TaskRunner | None = None
        self.title, self.subtitle = page_titles()
        self.message = MessageArea()
        self.next_key: str | None = None
        self.next_button = button(kind="primary")
        self.next_button.hide()
        self.next_button.clicked.connect(lambda: self.next_key and self.go_to.emit(self.next_key))
        self.message.changed.connect(self.next_button.hide)
        if self.REFRESH_MS:
            self.timer = QTimer(self, interval=self.REFRESH_MS)
            self.timer.timeout.connect(self._tick)

    def frame(self, *items: QWidget | QLayout, fill: QWidget | QLayout | None = None,
              spacing: int = 12) -> QVBoxLayout:
        """Title, subtitle, then ``items`` top to bottom; ``fill`` takes the spare height."""
        layout = page_layout(self, self.title, self.subtitle, *items, fill=fill, spacing=spacing)
        at = layout.indexOf(self.message)
        if at >= 0:   # the "Next: …" offer sits right under the sentence it follows
            layout.insertWidget(at + 1, self.next_button, 0, Qt.AlignLeft)
        return layout

    def set_titles(self, title: str, subtitle: str) -> None:
        self.title.setText(title)
        self.subtitle.setText(subtitle)

    def offer_next(self, after: str) -> None:
        """After a success on step ``after``: a "Next: <step>" button to the first step the user
        can do now (call it after showing the success sentence)."""
        try:
            key = guide.next_step(self.session, after)
        except UserFacingError:
            key = None
        self.next_key = key
        if key is None or self.next_button.parent() is None:  # a page without ``frame()``
            self.next_button.hide()
            return
        from app.ui.pages import entry  # the registry imports every page module
        self.next_button.setText(QCoreApplication.translate("Page", "Next: %1")
                                 .replace("%1", entry(key).display_title))
        self.next_button.show()

    # -- reading ------------------------------------------------------------------------------
    def attempt(self, fn: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        """Call a workflow; its refusal is said in the message area and gives ``default``."""
        try:
            return fn(*args)
        except UserFacingError as exc:
            self.message.show_error(exc)
            return default

    def refresh(self) -> None:
        """Re-read what the page shows (on show and every ``REFRESH_MS`` when that is set)."""

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.REFRESH_MS:
            self.timer.start()
            self.refresh()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.REFRESH_MS:
            self.timer.stop()
        super().hideEvent(event)

    def _tick(self) -> None:
        """A page that polls something lighter than ``refresh()`` overrides this."""
        if self.isVisible():
            self.refresh()

    # -- background work ----------------------------------------------------------------------
    def busy(self) -> bool:
        return self.runner is not None and self.runner.running

    def start_task(self, fn: Callable[..., Any], *args: Any,
                   done: Callable[[Any], None] | None = None) -> TaskRunner:
        """Run ``fn(task, *args)`` off the GUI thread as the page's task, now; ``done`` gets its
        result, ``task_ended`` its failure or cancellation."""
        runner = self.runner = TaskRunner(fn, *args, parent=self)
        if done is not None:
            runner.finished.connect(done)
        runner.failed.connect(lambda text: self.task_ended(text, "error"))
        runner.cancelled.connect(lambda text: self.task_ended(text, "warning"))
        runner.start()  # results arrive as queued signals: connecting after this is in time
        return runner

    def task_ended(self, text: str, kind: str) -> None:
        """The page's task ended (failed or cancelled; a page also ends its own work here): say
        how. Pages override it to re-enable what the task had disabled."""
        self.message.show_text(text, kind)
