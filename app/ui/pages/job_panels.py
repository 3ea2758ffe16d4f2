"""Pieces of the job pages: translated job labels, the administrators' card, the proposed job.

The card holds the kill switch and the auto-approve policies (administrators only); it calls the
workflows itself and tells the page what to say and when to re-read the jobs. ``ProposedJob`` is
what the Alignment and Training pages share about the one job each proposes and runs.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from app.errors import UserFacingError
from app.ui.errors import language, sentence
from app.ui.kit.widgets import Retranslatable, button, plain_label
from app.workflows import jobs
from app.workflows.peering import status as peer_status
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
    "interrupted": QT_TRANSLATE_NOOP("Jobs", "Interrupted"),
    "rejected": QT_TRANSLATE_NOOP("Jobs", "Rejected"),
    "cancelled": QT_TRANSLATE_NOOP("Jobs", "Cancelled"),
}
PROPOSED_STATES = {  # the state of the job a page proposed, as its status line says it
    "proposed": QT_TRANSLATE_NOOP("Jobs", "waiting for the peer's decision"),
    "approved": QT_TRANSLATE_NOOP("Jobs", "approved, ready to run"),
    "running": QT_TRANSLATE_NOOP("Jobs", "running"),
    "finished": QT_TRANSLATE_NOOP("Jobs", "finished"),
    "rejected": QT_TRANSLATE_NOOP("Jobs", "rejected by the peer"),
    "cancelled": QT_TRANSLATE_NOOP("Jobs", "cancelled"),
}
JOB_SENTENCES = (  # fixed refusals of the job workflows, translated through "Errors"
    QT_TRANSLATE_NOOP("Errors", "Cross-party work is paused by an administrator (kill switch)."),
)


def jobs_label(table: dict[str, str], code: str) -> str:
    return QCoreApplication.translate("Jobs", table[code]) if code in table else code


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


def run_in_background(task, service, job_id: str) -> jobs.Job:
    """Run an approved job, or ask the peer to approve resuming one that stopped, then run it."""
    return service.run_or_resume(job_id, task, wait=service.decision_timeout)


class ProposedJob:
    """Mixin of the Alignment and Training pages (before ``Page`` in their bases): the one job
    proposed from the page, run there.

    The page provides ``link``, ``job``, ``status``, ``progress``, ``run_button``, ``_ran`` and
    ``_update_buttons``, and the sentences that name its job type: ``decision_text()``,
    ``failed_hint()`` and ``cancelled_text()`` (%1 the peer).
    """

    REASON_STATES: tuple[str, ...] | None = None  # states whose reason is said; None: any

    def failed_hint(self) -> str:
        raise NotImplementedError

    def decision_text(self, state: str) -> tuple[str, str]:
        """The sentence (%1 the peer, %2 the state) and its kind once the peer decided."""
        raise NotImplementedError

    def _enable_run(self) -> None:
        runnable = self.job is not None and self.job.state in ("approved", *jobs.RESUMABLE)
        self.run_button.setEnabled(runnable and not self.busy())

    def run(self) -> None:
        if self.busy() or self.job is None:
            return
        self.message.clear_message()
        self.stopped_by_user = False
        self._start(run_in_background, self.link.service, self.job.id)
        self.progress.attach(self.runner)
        self.runner.finished.connect(self._ran)
        self._running()

    def _running(self) -> None:
        """Called once a run started; a page may show more than the progress strip."""

    def _proposed(self, job: jobs.Job) -> None:
        """Propose came back: the peer decided, or the wait ran out and the job still waits."""
        self.job = job
        if job.state == "proposed":
            text, kind = QCoreApplication.translate(
                "Jobs", "%1 has not decided yet; the job waits in its Jobs inbox. Run becomes "
                        "available once it is approved."), "info"
        else:
            text, kind = self.decision_text(job.state)
        text = text.replace("%1", job.peer).replace("%2", job.state)
        said = self.REASON_STATES is None or job.state in self.REASON_STATES
        reason = jobs.said(job.reason, language()) if said else ""
        self.message.show_text(text + (" " + reason if reason else ""), kind)
        self._show_job()

    def _start(self, fn, *args) -> None:
        self.start_task(fn, *args)
        self._update_buttons()

    def cancelled_text(self) -> str:
        """The one sentence after the user cancelled a run: what was kept, what Run does now."""
        raise NotImplementedError

    def task_ended(self, text: str, kind: str) -> None:
        """A failed proposal or run: said as an error. A run the user cancelled: one warning
        saying what was kept, and the status line says "cancelled", not "failed". Then the job
        is re-read."""
        self.stopped_by_user = kind == "warning" and self.progress.runner is self.runner
        if self.stopped_by_user:
            self.message.show_text(self.cancelled_text().replace("%1", self.job.peer), "warning")
        else:
            self.message.show_text(text, "error")
        self._reload_job()

    def _reload_job(self) -> None:
        """Re-read the job: the peer may have decided, or the run ended. Unreadable: keep it."""
        if self.job is None:
            return
        try:
            self.job = jobs.get(self.session, self.job.id)
        except UserFacingError:
            return
        self._show_job()

    def _show_job(self) -> None:
        if self.job is None:
            self.status.setText("")
        else:
            state = jobs_label(PROPOSED_STATES, self.job.state)
            if self.job.state == "failed":  # a cancelled run is stored as failed, resumable
                state = (jobs_label(PROPOSED_STATES, "cancelled")
                         if getattr(self, "stopped_by_user", False) else self.failed_hint())
            point = jobs.resume_point(self.job)
            if point is not None:  # a resume request: the peer decides where it goes on
                state = (QCoreApplication.translate(
                    "Jobs", "waiting for the peer's decision to resume from tree %1")
                    if point[0] == "tree" else QCoreApplication.translate(
                    "Jobs", "waiting for the peer's decision to resume from chunk %1")
                ).replace("%1", str(point[1]))
            self.status.setText(QCoreApplication.translate("Jobs", "Current job with %1: %2")
                                .replace("%1", self.job.peer).replace("%2", state))
        self._update_buttons()
