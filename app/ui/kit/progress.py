"""The progress strip every page uses for long work: bar, what is happening, ETA, Cancel."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from app.ui.kit.tasks import TaskRunner
from app.ui.kit.widgets import Retranslatable, button, plain_label


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return QCoreApplication.translate("TaskProgress", "estimating time left…")
    seconds = int(round(seconds))
    if seconds < 60:
        text = QCoreApplication.translate("TaskProgress", "about %1 s left")
        return text.replace("%1", str(max(seconds, 1)))
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return (QCoreApplication.translate("TaskProgress", "about %1 min %2 s left")
                .replace("%1", str(minutes)).replace("%2", str(seconds)))
    hours, minutes = divmod(minutes, 60)
    return (QCoreApplication.translate("TaskProgress", "about %1 h %2 min left")
            .replace("%1", str(hours)).replace("%2", str(minutes)))


class TaskProgress(Retranslatable, QWidget):
    """Hidden until a runner is attached; shows its progress, then how it ended."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner: TaskRunner | None = None
        self.bar = QProgressBar()
        self.bar.setMinimumWidth(160)
        self.status = plain_label(object_name="Hint")
        self.eta = plain_label(object_name="Hint")
        self.cancel_button = button()
        self.cancel_button.clicked.connect(self.cancel)
        # Bar and Cancel on one line, what is happening and the ETA under it: side by side they
        # needed ~530 px and clipped "20,000 rows read" in the Training page's set-up column.
        bar_row, text_row = QHBoxLayout(), QHBoxLayout()
        bar_row.addWidget(self.bar, 1)
        bar_row.addWidget(self.cancel_button)
        text_row.addWidget(self.status)
        text_row.addWidget(self.eta)
        text_row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(bar_row)
        box.addLayout(text_row)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        if self.runner is not None and not self.runner.running:
            self._show_outcome(self.runner.state)

    def attach(self, runner: TaskRunner) -> None:
        self.runner = runner
        runner.progress.connect(self._on_progress)
        runner.finished.connect(lambda _result: self._show_outcome("finished"))
        runner.failed.connect(lambda _text: self._show_outcome("failed"))
        runner.cancelled.connect(lambda _text: self._show_outcome("cancelled"))
        self.bar.setEnabled(True)
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        self.status.setText(self.tr("Working…"))
        self.eta.setText("")
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.show()

    def cancel(self) -> None:
        if self.runner is not None and self.runner.running:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int, _message: str, eta) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if self.cancel_button.isEnabled():
            self.status.setText(self.tr("%1 of %2").replace("%1", f"{done:,}")
                                .replace("%2", f"{total:,}"))
        self.eta.setText(format_eta(eta))

    def _show_outcome(self, outcome: str) -> None:
        """Done: a full bar. Failed or cancelled: an empty grey bar, so a bar stuck at 83 % never
        sits beside the page's sentence, which alone says what happened and what was kept."""
        texts = {"finished": self.tr("Done"), "failed": self.tr("Failed"),
                 "cancelled": self.tr("Cancelled")}
        self.status.setText(texts.get(outcome, ""))
        self.eta.setText("")
        self.cancel_button.hide()
        stopped = outcome != "finished"
        self.bar.setEnabled(not stopped)
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1)
        self.bar.setValue(0 if stopped else self.bar.maximum())
