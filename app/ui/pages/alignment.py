"""Alignment: find the customers both parties share, privately (ECDH-PSI), as an approved job.

The analyst picks the peer, the ID type and (when there are several) the dataset; the page says
how many customers may take part now (consent is re-checked when the job runs). Propose sends the
job and waits in the background for the peer's users to decide in their own Jobs inbox; Run
executes it over the link with progress, ETA and Cancel. Finished alignments are listed by size
and overlap only: no function behind this page returns identifiers.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QWidget

from app.errors import UserFacingError
from app.ui.pages.base import Page
from app.ui.pages.job_panels import ProposedJob
from app.ui.kit.progress import TaskProgress
from app.ui.kit.tables import read_only_table, set_row
from app.ui.kit.widgets import button, card, plain_label
from app.workflows import alignment, jobs
from app.workflows.importing import data_import
from app.workflows.peering import status as peer_status
from app.workflows.peering import peers
from app.workflows.peering.status import PeerLink
from app.workflows.session import Session

WAIT_SECONDS = 300.0   # how long Propose waits for the peer's decision before "still waiting"


def propose_in_background(_task, service, peer: str, dataset: str | None, id_type: str,
                          wait: float) -> jobs.Job:
    return alignment.propose_alignment(service.session, service, peer, dataset, id_type, wait)


class AlignmentPage(ProposedJob, Page):
    REASON_STATES = ("rejected",)
    REFRESH_MS = 2000

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.link = peer_status.link_for(session) or PeerLink(session)
        self.wait_seconds = WAIT_SECONDS
        self.datasets: list[dict] = []
        self.rows: list[dict] = []
        self.job: jobs.Job | None = None      # the alignment job proposed from this page
        self.peer = QComboBox()
        self.id_type = QComboBox()
        for code in alignment.ID_TYPES:
            self.id_type.addItem(code, code)
        self.dataset = QComboBox()
        self.eligible = plain_label(object_name="Hint", wrap=True)
        self.status = plain_label(wrap=True)
        self.propose_button = button(kind="primary")
        self.run_button = button(kind="primary")
        self.progress = TaskProgress()
        self.table = read_only_table(9)
        self.id_type.currentIndexChanged.connect(self._fill_datasets)
        self.dataset.currentIndexChanged.connect(self._show_eligible)
        self.propose_button.clicked.connect(self.propose)
        self.run_button.clicked.connect(self.run)
        self._layout()
        self.retranslate()
        self.refresh()

    def _layout(self) -> None:
        self.form_card, box = card()
        self.form = QFormLayout()
        for combo in (self.peer, self.id_type, self.dataset):
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldsStayAtSizeHint)
        self.form_labels = [plain_label() for _ in range(3)]
        for label, field in zip(self.form_labels, (self.peer, self.id_type, self.dataset)):
            self.form.addRow(label, field)
        box.addLayout(self.form)
        box.addWidget(self.eligible)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.propose_button)
        actions.addWidget(self.run_button)
        box.addLayout(actions)
        box.addWidget(self.progress)
        self.table_title = plain_label(object_name="SectionTitle")
        self.frame(self.message, self.form_card, self.table_title, fill=self.table)

    def retranslate(self) -> None:
        self.set_titles(self.tr("Alignment"), self.tr(
            "Find the customers both parties share without showing either party the other's "
            "customers. Each party learns only which of its own customers are shared, and the "
            "sizes. The peer approves the job in its Jobs inbox before it runs."))
        for label, text in zip(self.form_labels, (self.tr("Peer"), self.tr("ID type"),
                                                  self.tr("Dataset"))):
            label.setText(text)
        names = {"mobile": self.tr("Mobile number"), "id_card": self.tr("ID card number"),
                 "opaque": self.tr("Customer number (opaque)")}
        for index in range(self.id_type.count()):
            self.id_type.setItemText(index, names.get(self.id_type.itemData(index), ""))
        self.propose_button.setText(self.tr("Propose"))
        self.run_button.setText(self.tr("Run"))
        self.table_title.setText(self.tr("Finished alignments"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Peer"), self.tr("Dataset"), self.tr("ID type"), self.tr("Our customers"),
             self.tr("Peer's customers"), self.tr("Shared"), self.tr("Overlap rate"),
             self.tr("Job"), self.tr("Finished")])
        self._show_eligible()
        self._show_job()
        self._fill_table()

    # -- reading (refresh() on show; while shown, only the proposed job) -----------------------
    def _tick(self) -> None:
        if self.isVisible() and self.job is not None and self.job.state == "proposed":
            self._reload_job()  # the peer may decide after our wait ran out

    def refresh(self) -> None:
        try:
            found = [p["name"] for p in peers.list_peers(self.session)]
            self.datasets = data_import.summary(self.session)
            self.rows = alignment.alignments(self.session)
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        current = self.peer.currentText()
        self.peer.blockSignals(True)
        self.peer.clear()
        self.peer.addItems(found)
        self.peer.setCurrentIndex(max(self.peer.findText(current), 0))
        self.peer.blockSignals(False)
        if not self.dataset.count():
            self._choose_id_type()
        self._fill_datasets()
        self._fill_table()
        self._show_job()

    def _choose_id_type(self) -> None:
        """Start on the first ID type this workspace holds data for."""
        held = {d["id_type"] for d in self.datasets}
        for index in range(self.id_type.count()):
            if self.id_type.itemData(index) in held:
                self.id_type.setCurrentIndex(index)
                return

    def _fill_datasets(self) -> None:
        id_type = self.id_type.currentData()
        current = self.dataset.currentText()
        names = [d["dataset"] for d in self.datasets if d["id_type"] == id_type]
        try:
            default = alignment.choose_dataset(self.session.workspace, id_type)[0]
        except UserFacingError:
            default = names[0] if names else ""
        self.dataset.blockSignals(True)
        self.dataset.clear()
        self.dataset.addItems(names)
        self.dataset.setCurrentIndex(max(self.dataset.findText(current if current in names
                                                                else default), 0))
        self.dataset.blockSignals(False)
        self._show_eligible()

    def _show_eligible(self) -> None:
        info = next((d for d in self.datasets if d["dataset"] == self.dataset.currentText()), None)
        if info is None:
            self.eligible.setText(self.tr("This workspace has no dataset with this ID type."))
        else:
            self.eligible.setText(self.tr(
                "%1 of %2 stored customers consent now and will take part; consent is checked "
                "again when the job runs.").replace("%1", f"{info['eligible_now']:,}")
                .replace("%2", f"{info['rows_stored']:,}"))
        self._update_buttons()

    def _fill_table(self) -> None:
        names = {"mobile": self.tr("Mobile number"), "id_card": self.tr("ID card number"),
                 "opaque": self.tr("Customer number (opaque)")}
        self.table.setRowCount(len(self.rows))
        for row, a in enumerate(self.rows):
            set_row(self.table, row, (a["peer"], a["dataset"],
                                      names.get(a["id_type"], a["id_type"]),
                                      f"{a['own_count']:,}", f"{a['peer_count']:,}",
                                      f"{a['size']:,}", f"{a['overlap_rate']:.1%}", a["job_id"],
                                      peer_status.local_time(a["created_at"])))

    # -- proposing and running (Run, _start and the status line: job_panels.ProposedJob) -------
    def _update_buttons(self) -> None:
        ready = bool(self.peer.currentText() and self.dataset.currentText())
        self.propose_button.setEnabled(ready and not self.busy())
        self._enable_run()

    def failed_hint(self) -> str:
        return self.tr("failed; Run tries again")

    def cancelled_text(self) -> str:
        return self.tr("Alignment cancelled. The parts already matched are kept; Run asks %1 to "
                       "approve continuing from there.")

    def propose(self) -> None:
        if self.busy():
            return
        text = self.tr("Proposal sent to %1; waiting for its users to decide in their Jobs inbox…")
        self.message.show_text(text.replace("%1", self.peer.currentText()), "info")
        self._start(propose_in_background, self.link.service, self.peer.currentText(),
                    self.dataset.currentText() or None, self.id_type.currentData(),
                    self.wait_seconds)
        self.runner.finished.connect(self._proposed)

    def task_ended(self, text: str, kind: str) -> None:
        super().task_ended(text, kind)
        self.refresh()

    def decision_text(self, state: str) -> tuple[str, str]:
        texts = {"approved": (self.tr("%1 approved the alignment. Run it when you are ready."),
                              "success"),
                 "rejected": (self.tr("%1 rejected the alignment."), "warning")}
        return texts.get(state, (self.tr("The alignment job is %2."), "info"))

    def _ran(self, job: jobs.Job) -> None:
        self.job = job
        result = job.result or {}
        self.message.show_text(self.tr("Alignment finished: %1 shared customers (%2 of ours).")
                               .replace("%1", f"{result.get('size', 0):,}")
                               .replace("%2", f"{result.get('overlap_rate', 0.0):.1%}"), "success")
        self.refresh()
        self.offer_next("alignment")
