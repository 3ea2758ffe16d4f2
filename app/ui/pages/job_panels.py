"""Pieces of the Jobs page: translated job labels, read-only tables, the administrators' card.

The card holds the kill switch and the auto-approve policies (administrators only); it calls the
workflows itself and tells the page what to say and when to re-read the jobs.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QFrame, QHBoxLayout, QHeaderView,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.errors import UserFacingError
from app.ui.errors import sentence
from app.ui.widgets import Retranslatable, button, plain_label
from app.workflows import jobs, peer_status
from app.workflows.session import Session

JOB_TYPES = {
    "alignment": QT_TRANSLATE_NOOP("Jobs", "Alignment"),
    "training": QT_TRANSLATE_NOOP("Jobs", "Training"),
    "scoring": QT_TRANSLATE_NOOP("Jobs", "Scoring"),
    "evaluation_share": QT_TRANSLATE_NOOP("Jobs", "Evaluation sharing"),
}
STATES = {
    "proposed": QT_TRANSLATE_NOOP("Jobs", "Waiting for approval"),
    "approved": QT_TRANSLATE_NOOP("Jobs", "Approved"),
    "running": QT_TRANSLATE_NOOP("Jobs", "Running"),
    "paused": QT_TRANSLATE_NOOP("Jobs", "Paused"),
    "finished": QT_TRANSLATE_NOOP("Jobs", "Finished"),
    "failed": QT_TRANSLATE_NOOP("Jobs", "Failed"),
    "rejected": QT_TRANSLATE_NOOP("Jobs", "Rejected"),
    "cancelled": QT_TRANSLATE_NOOP("Jobs", "Cancelled"),
}
JOB_SENTENCES = (  # fixed refusals of the job workflows, translated through "Errors"
    QT_TRANSLATE_NOOP("Errors", "Cross-party work is paused by an administrator (kill switch)."),
)


def jobs_label(table: dict[str, str], code: str) -> str:
    return QCoreApplication.translate("Jobs", table[code]) if code in table else code


def read_only_table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def set_row(table: QTableWidget, row: int, texts) -> None:
    """Cells hold text only (peer-sent values included), never rich text."""
    for col, text in enumerate(texts):
        table.setItem(row, col, QTableWidgetItem(str(text)))


class JobsAdminCard(Retranslatable, QFrame):
    """Kill switch and auto-approve policies; hidden for roles that may use neither."""

    said = Signal(str, str)  # sentence ("" clears the page's message), kind
    changed = Signal()       # the page should re-read the jobs and the switch

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Card")
        self.session = session
        self.paused = False
        self.kill_button = button()
        self.kill_button.clicked.connect(self.toggle_kill_switch)
        self.kill_hint = plain_label(object_name="Hint", wrap=True)
        self.policy_label = plain_label(object_name="Hint")
        self.policy_boxes: dict[str, QCheckBox] = {}
        kill_row, policy_row = QHBoxLayout(), QHBoxLayout()
        kill_row.addWidget(self.kill_button)
        kill_row.addWidget(self.kill_hint, 1)
        policy_row.addWidget(self.policy_label)
        for code in JOB_TYPES:
            check = QCheckBox()
            check.toggled.connect(lambda on, c=code: self.set_policy(c, on))
            self.policy_boxes[code] = check
            policy_row.addWidget(check)
        policy_row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 18, 20, 18)
        box.addLayout(kill_row)
        box.addLayout(policy_row)
        can_kill, can_policy = session.can("killswitch"), session.can("jobs.policy")
        for widget in (self.kill_button, self.kill_hint):
            widget.setVisible(can_kill)
        for widget in (self.policy_label, *self.policy_boxes.values()):
            widget.setVisible(can_policy)
        self.setVisible(can_kill or can_policy)
        if can_policy:
            self.load_policies()
        self.retranslate()

    def retranslate(self) -> None:
        self.kill_hint.setText(self.tr("The kill switch refuses new proposals, stops running "
                                       "jobs at their next checkpoint and keeps any job from "
                                       "starting, in this workspace."))
        self.policy_label.setText(self.tr("Approve the peer's proposals automatically:"))
        for code, check in self.policy_boxes.items():
            check.setText(jobs_label(JOB_TYPES, code))
        self.show_paused(self.paused)

    def show_paused(self, paused: bool) -> None:
        self.paused = paused
        self.kill_button.setText(self.tr("Resume cross-party work") if paused
                                 else self.tr("Pause all cross-party work"))
        self.kill_button.setProperty("kind", None if paused else "primary")
        self.kill_button.style().unpolish(self.kill_button)
        self.kill_button.style().polish(self.kill_button)

    def toggle_kill_switch(self) -> None:
        try:
            jobs.set_paused(self.session, not self.paused)
        except UserFacingError as exc:
            self.said.emit(sentence(exc), "error")
            return
        self.changed.emit()
        # Pausing: the page's banner says it. Resuming: say so once.
        self.said.emit("" if self.paused else self.tr("Cross-party work may run again."),
                       "success")

    def load_policies(self) -> None:
        for code, on in peer_status.auto_approve_policies(self.session).items():
            check = self.policy_boxes[code]
            check.blockSignals(True)
            check.setChecked(on)
            check.blockSignals(False)

    def set_policy(self, code: str, on: bool) -> None:
        try:
            jobs.set_policy(self.session, code, on)
        except UserFacingError as exc:
            self.said.emit(sentence(exc), "error")
            self.load_policies()
            return
        text = (self.tr("%1 proposals from peers are now approved automatically; each use is "
                        "audited.") if on
                else self.tr("%1 proposals from peers now wait for a person's decision."))
        self.said.emit(text.replace("%1", jobs_label(JOB_TYPES, code)), "success")
