"""Jobs: the inbox of cross-party work — decide the peer's proposals, watch runs, read history.

A proposal is shown with every parameter the peer sent, because approving it is what lets the
peer's computer run a protocol against this workspace's data. The page re-reads the jobs table
every second (progress is written there by the running job); tables are rebuilt only when what
they show changed, so selections and scrolling survive the refresh. Administrators also get the
kill switch and the auto-approve policies here (``job_panels.JobsAdminCard``).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QHeaderView, QLineEdit, QProgressBar,
                               QTabWidget, QWidget)

from app.errors import UserFacingError
from app.ui.errors import language
from app.ui.pages.base import Page
from app.ui.pages.job_panels import JOB_TYPES, STATES, JobsAdminCard, jobs_label
from app.ui.kit.tables import read_only_table, selected_item, set_row
from app.ui.kit.widgets import MessageArea, button, button_row, card, plain_label
from app.workflows import job_exposure, jobs
from app.workflows.job_types import standard
from app.workflows.peering import status as peer_status
from app.workflows.jobs import Job
from app.workflows.session import Session

PROGRESS_WIDTH = 260
HASH_SHOWN = 16  # hex digits of the transcript hash in the table; the tooltip has all 64
PENDING, ACTIVE = ("proposed",), ("approved", "running", "paused")
HISTORY = ("finished", "failed", "interrupted", "rejected", "cancelled")


class JobsPage(Page):
    REFRESH_MS = 1000

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.can_decide = session.can("jobs.approve")
        self.jobs: dict[str, list[Job]] = {"pending": [], "active": [], "history": []}
        self._shown: dict[str, tuple] = {}
        self.is_paused = False
        self.banner = MessageArea()
        self.admin = JobsAdminCard(session)
        self.admin.said.connect(self._say)
        self.admin.changed.connect(self.refresh)
        self.pending = read_only_table(5)
        self.pending.itemSelectionChanged.connect(self._show_details)
        self.active = read_only_table(6)
        self.active.horizontalHeader().setSectionResizeMode(3, QHeaderView.Fixed)
        self.active.setColumnWidth(3, PROGRESS_WIDTH)
        self.history = read_only_table(6)
        self._build_details()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._pending_tab(), "")
        self.tabs.addTab(self.active, "")
        self.tabs.addTab(self.history, "")
        self._layout()
        self.retranslate()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_details(self) -> None:
        self.details, box = card()
        self.facts = QFormLayout()
        self.fact_labels = [plain_label() for _ in range(4)]
        self.fact_values = [plain_label(wrap=True) for _ in range(4)]
        for name, value in zip(self.fact_labels, self.fact_values):
            self.facts.addRow(name, value)
        self.params = read_only_table(2)
        self.params.setMinimumHeight(120)
        self.reason = QLineEdit()
        self.approve_button = button(kind="primary")
        self.reject_button = button()
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        decide = button_row(None, self.reject_button, self.approve_button)
        self.waiting_note = plain_label(object_name="Hint", wrap=True)
        self.exposure = plain_label(object_name="Hint", wrap=True)
        self.resume_line = plain_label(wrap=True)
        box.addLayout(self.facts)
        box.addWidget(self.resume_line)
        box.addWidget(self.exposure)
        box.addWidget(self.params, 1)
        box.addWidget(self.waiting_note)
        box.addWidget(self.reason)
        box.addLayout(decide)
        for widget in (self.reason, self.approve_button, self.reject_button):
            widget.setVisible(self.can_decide)

    def _pending_tab(self) -> QWidget:
        tab = QWidget()
        row = QHBoxLayout(tab)
        row.setContentsMargins(0, 8, 0, 0)
        row.addWidget(self.pending, 3)
        row.addWidget(self.details, 2)
        return tab

    def _layout(self) -> None:
        self.frame(self.banner, self.admin, self.message, fill=self.tabs)

    def retranslate(self) -> None:
        self.set_titles(self.tr("Jobs"), self.tr(
            "Cross-party work runs only after both parties approved it, each in its own "
            "workspace. Read every parameter before approving: it is what the peer will run "
            "against this workspace's data."))
        self.pending.setHorizontalHeaderLabels(
            [self.tr("Type"), self.tr("Peer"), self.tr("Proposed by"), self.tr("Created"),
             self.tr("Waiting for")])
        self.active.setHorizontalHeaderLabels(
            [self.tr("Type"), self.tr("Peer"), self.tr("State"), self.tr("Progress"),
             self.tr("Step"), self.tr("Updated")])
        self.history.setHorizontalHeaderLabels(
            [self.tr("Type"), self.tr("Peer"), self.tr("State"), self.tr("Updated"),
             self.tr("Transcript hash"), self.tr("Error or reason")])
        self.params.setHorizontalHeaderLabels([self.tr("Parameter"), self.tr("Value")])
        for label, text in zip(self.fact_labels, (self.tr("Type"), self.tr("Peer"),
                                                  self.tr("Proposed by"), self.tr("Created"))):
            label.setText(text)
        self.reason.setPlaceholderText(self.tr("Reason for rejecting (the peer sees it)"))
        self.approve_button.setText(self.tr("Approve"))
        self.reject_button.setText(self.tr("Reject"))
        self._shown.clear()  # every table is redrawn in the new language
        self._render()

    # -- reading (on show and every REFRESH_MS while shown) ----------------------------------
    def refresh(self) -> None:
        try:
            found = jobs.list_jobs(self.session)
            self.is_paused = jobs.paused(self.session)
        except UserFacingError as exc:
            self.timer.stop()  # e.g. the workspace closed under us
            self.message.show_error(exc)
            return
        self.jobs = {"pending": [j for j in found if j.state in PENDING],
                     "active": [j for j in found if j.state in ACTIVE],
                     "history": [j for j in found if j.state in HISTORY]}
        self._render()

    def _render(self) -> None:
        if self._changed("paused", (self.is_paused,)):
            self._show_paused()
        if self._changed("pending", *[(j.id, j.state, j.updated_at) for j in self.jobs["pending"]]):
            self._fill_pending()
        if self._changed("active", *[(j.id, j.state, j.progress_done, j.progress_total,
                                      j.progress_message) for j in self.jobs["active"]]):
            self._fill_active()
        if self._changed("history", *[(j.id, j.state) for j in self.jobs["history"]]):
            self._fill_history()
        for index, key in enumerate(("pending", "active", "history")):
            count = len(self.jobs[key])
            names = (self.tr("Waiting (%1)"), self.tr("Running (%1)"), self.tr("History (%1)"))
            self.tabs.setTabText(index, names[index].replace("%1", str(count)))

    def _changed(self, key: str, *signature) -> bool:
        if self._shown.get(key) == signature:
            return False
        self._shown[key] = signature
        return True

    def _proposer(self, job: Job) -> str:
        if job.proposer == "remote":
            return self.tr("Peer %1").replace("%1", job.peer)
        return self.tr("This workspace (%1)").replace("%1", job.decided_by or "—")

    def _fill_pending(self) -> None:
        selected = self.selected_job()
        self.pending.setRowCount(len(self.jobs["pending"]))
        for row, job in enumerate(self.jobs["pending"]):
            waiting = (self.tr("Our decision") if self._awaits_us(job)
                       else self.tr("The peer's decision"))
            set_row(self.pending, row, (jobs_label(JOB_TYPES, job.type), job.peer,
                                        self._proposer(job),
                                        peer_status.local_time(job.created_at), waiting))
            if selected is not None and job.id == selected.id:
                self.pending.selectRow(row)
        if self.selected_job() is None and self.jobs["pending"]:
            self.pending.selectRow(0)
        self._show_details()

    def _fill_active(self) -> None:
        self.active.setRowCount(len(self.jobs["active"]))
        for row, job in enumerate(self.jobs["active"]):
            set_row(self.active, row, (jobs_label(JOB_TYPES, job.type), job.peer,
                                       jobs_label(STATES, job.state), "", job.progress_message,
                                       peer_status.local_time(job.updated_at)))
            bar = QProgressBar()
            bar.setRange(0, max(job.progress_total, 1))
            bar.setValue(min(job.progress_done, max(job.progress_total, 1)))
            share = job.progress_done / job.progress_total if job.progress_total else 0.0
            bar.setFormat(f"{job.progress_done:,} / {job.progress_total:,} ({share:.0%})")
            self.active.setCellWidget(row, 3, bar)

    def _fill_history(self) -> None:
        self.history.setRowCount(len(self.jobs["history"]))
        for row, job in enumerate(self.jobs["history"]):
            digest = job.transcript_hash
            why = jobs.said(job.error or job.reason, language())
            set_row(self.history, row, (jobs_label(JOB_TYPES, job.type), job.peer,
                                        jobs_label(STATES, job.state),
                                        peer_status.local_time(job.updated_at),
                                        digest[:HASH_SHOWN] + "…" if digest else "—",
                                        why))
            self.history.item(row, 4).setToolTip(digest or "")
            self.history.item(row, 5).setToolTip(why)

    @staticmethod
    def _awaits_us(job: Job) -> bool:
        return job.proposer == "remote" and job.local_decision is None

    def selected_job(self) -> Job | None:
        return selected_item(self.pending, self.jobs["pending"])

    def _show_details(self) -> None:
        job = self.selected_job()
        self.details.setVisible(job is not None)
        if job is None:
            return
        for value, text in zip(self.fact_values, (jobs_label(JOB_TYPES, job.type), job.peer,
                                                  self._proposer(job),
                                                  peer_status.local_time(job.created_at))):
            value.setText(text)
        self._show_resume(jobs.resume_point(job), job.id)
        self._show_exposure(job_exposure.exposure(self.session.workspace, job))
        self.params.setRowCount(len(job.params))
        for row, (key, value) in enumerate(sorted(job.params.items())):
            set_row(self.params, row, (key, "—" if value is None else value))
        ours = self._awaits_us(job)
        self.waiting_note.setText("" if ours else self.tr(
            "Proposed here; waiting for the peer's administrators or analysts to decide."))
        self.waiting_note.setVisible(not ours)
        self.approve_button.setEnabled(ours and not self.is_paused)
        self.reject_button.setEnabled(ours)
        self.reason.setEnabled(ours)
        self.approve_button.setToolTip(self.tr("The kill switch is on; nothing can be "
                                               "approved.") if self.is_paused else "")

    def _show_resume(self, point: tuple[str, int] | None, job_id: str) -> None:
        """A resume request is a new decision: the approver sees where the stopped run goes on."""
        if point is None:
            text = ""
        elif point[0] == "tree":
            text = self.tr("Resume job %1 from tree %2: approving allows one more run of this "
                           "training, continuing after the trees already built.")
        else:
            text = self.tr("Resume job %1 from chunk %2: approving allows one more run of this "
                           "alignment, continuing after the chunks already exchanged.")
        self.resume_line.setText(text.replace("%1", job_id).replace("%2", str(point[1] if point
                                                                              else "")))
        self.resume_line.setVisible(bool(text))

    def _show_exposure(self, facts: dict | None) -> None:
        """What approving exposes, in the approver's words (docs/threat-model.md)."""
        if facts and facts["kind"] == "training":
            text = (self.tr("If you approve, the bank's model uses your %1 features on up to %2 "
                            "shared customers over at most %3 trees of depth %4. A bank that broke "
                            "the protocol could read your binned values of the customers in each "
                            "node; your approval, these limits and both audits are your controls.")
                    .replace("%1", str(facts["features"])).replace("%2", f"{facts['rows']:,}")
                    .replace("%3", str(facts["trees"])).replace("%4", str(facts["depth"])))
            scheme = {"ou": self.tr("Okamoto-Uchiyama (OU)")}.get(facts.get("scheme"),
                                                                  self.tr("Paillier"))
            text += " " + (self.tr("Gradients are encrypted with %1 (%2-bit keys).")
                           .replace("%1", scheme).replace("%2", str(facts.get("key_bits"))))
        elif facts and facts["kind"] == "scorecard":
            text = (self.tr("If you approve, the bank learns how many of its labelled customers "
                            "fall into each bin of your %1 features on up to %2 shared customers, "
                            "and your points column per customer at scoring; you learn which of "
                            "your bins it merged and which features it kept. The shared "
                            "regression runs %3 epochs in batches of %4 rows (step %5, L2 %6); the "
                            "bank learns its training loss per epoch. Your weights and bin edges "
                            "stay with you.")
                    .replace("%1", str(facts["features"])).replace("%2", f"{facts['rows']:,}")
                    .replace("%3", str(facts["lr_epochs"])).replace("%4", str(facts["lr_batch_size"]))
                    .replace("%5", str(facts["lr_learning_rate"])).replace("%6", str(facts["lr_l2"])))
            if job_exposure.early_stopping(facts):
                text += " " + (self.tr("The regression holds out %1% of the training rows and "
                                       "stops after %2 epochs without a better validation loss, "
                                       "which only the bank learns; you learn at which epoch "
                                       "training stopped and which epoch's weights were kept, and "
                                       "that depends on the bank's labels.")
                               .replace("%1", f"{facts['lr_valid_fraction'] * 100:g}")
                               .replace("%2", str(facts["lr_patience"])))
        elif facts:
            text = (self.tr("If you approve, the peer learns, once, which of its up to %1 "
                            "identifiers are among your consented customers.")
                    .replace("%1", f"{facts['peer_items']:,}"))
        else:
            text = ""
        self.exposure.setText(text)
        self.exposure.setVisible(bool(text))

    def _show_paused(self) -> None:
        if self.is_paused:
            self.banner.show_text(self.tr(
                "CROSS-PARTY WORK IS PAUSED (kill switch). New proposals are refused, no job "
                "can be approved or started, and running jobs stop at their next checkpoint."),
                "error")
        else:
            self.banner.clear_message()
        self.admin.show_paused(self.is_paused)
        self._show_details()

    # -- deciding -----------------------------------------------------------------------------
    def approve_selected(self) -> None:
        self._decide(True)

    def reject_selected(self) -> None:
        if not self.reason.text().strip():
            self.message.show_text(self.tr("Give a reason to reject the job; the peer sees it."),
                                   "error")
            self.reason.setFocus()
            return
        self._decide(False)

    def _decide(self, approve: bool) -> None:
        job = self.selected_job()
        if job is None:
            return
        try:
            jobs.decide(self.session, job.id, approve, self.reason.text().strip(),
                        job_types=standard())
        except UserFacingError as exc:
            self.message.show_error(exc)
            self.refresh()
            return
        self.reason.clear()
        text = (self.tr("Approved the %1 job with %2. The peer is told; it starts when they "
                        "run it.") if approve
                else self.tr("Rejected the %1 job with %2. The peer is told why."))
        self.message.show_text(text.replace("%1", jobs_label(JOB_TYPES, job.type))
                               .replace("%2", job.peer), "success")
        self.refresh()

    def _say(self, text: str, kind: str) -> None:
        if text:
            self.message.show_text(text, kind)
        else:
            self.message.clear_message()
