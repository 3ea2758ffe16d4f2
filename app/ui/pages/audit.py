"""Audit: read the tamper-evident chain, verify it in the background, export it for auditors."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView,
                               QLineEdit, QTableView, QWidget)

from app.errors import UserFacingError
from app.ui.errors import translate_sentence
from app.ui.pages.audit_model import AuditModel
from app.ui.pages.base import Page
from app.ui.kit.progress import TaskProgress
from app.ui.kit.widgets import button, plain_label
from app.workflows import audit_trail
from app.workflows.audit_trail import ChainReport
from app.workflows.session import Session

log = logging.getLogger(__name__)

FILTER_DELAY_MS = 250


def verify_in_background(task, session: Session) -> ChainReport:
    return audit_trail.verify_chain(session, task)


class AuditPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.count = plain_label(object_name="Hint")
        self.verify_button = button(kind="primary")
        self.export_button = button()
        self.progress = TaskProgress()
        self.model = AuditModel(self)
        self.table = QTableView()
        self._setup_table()
        self._timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(self._timer.start)
        self.verify_button.clicked.connect(self.start_verify)
        self.export_button.clicked.connect(self.choose_export)
        self._layout()
        self.retranslate()
        self.apply_filter()

    def _setup_table(self) -> None:
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Sized once per load, not on every relayout (progress updates relayout the page).
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setResizeContentsPrecision(200)  # measure 200 rows, not the whole chain
        header.setStretchLastSection(True)

    def _layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(self.filter, 1)
        tools.addWidget(self.count)
        tools.addSpacing(16)
        tools.addWidget(self.verify_button)
        tools.addWidget(self.export_button)
        self.frame(tools, self.progress, self.message, fill=self.table)

    def retranslate(self) -> None:
        self.set_titles(self.tr("Audit"), self.tr(
            "Every sign-in, change and job is a link in a hash chain: editing, deleting or "
            "reordering an entry breaks it. Parameters are stored only as digests."))
        self.filter.setPlaceholderText(self.tr("Filter by user, action or object"))
        self.verify_button.setText(self.tr("Verify chain"))
        self.export_button.setText(self.tr("Export…"))
        self.model.retranslate()
        self.table.resizeColumnsToContents()
        self._show_count()

    # -- reading ------------------------------------------------------------------------------
    def apply_filter(self) -> None:
        entries = self.attempt(audit_trail.list_entries, self.session, self.filter.text().strip(),
                               default=[])
        self.model.set_entries(entries)
        self.table.resizeColumnsToContents()
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(self.tr("%1 entries").replace("%1", f"{len(self.model.entries):,}"))

    # -- verifying ----------------------------------------------------------------------------
    def start_verify(self) -> None:
        if self.busy():
            return
        self.message.clear_message()
        self.verify_button.setEnabled(False)
        self.progress.attach(self.start_task(verify_in_background, self.session,
                                             done=self._verified))

    def _verified(self, report: ChainReport) -> None:
        if report.ok:
            text = self.tr("Audit chain intact: all %1 entries verified. Head %2…")
            text = text.replace("%1", f"{report.count:,}").replace("%2", report.head[:16])
            self.task_ended(text, "success")
        else:
            text = self.tr("Audit chain broken at entry %1: %2.")
            text = text.replace("%1", str(report.first_bad_seq))
            self.task_ended(text.replace("%2", translate_sentence(report.reason)), "error")

    def task_ended(self, text: str, kind: str) -> None:
        if kind == "warning":  # cancelled
            text = self.tr("Verification cancelled; the chain was not checked to the end, so "
                           "there is no result.")
        self.verify_button.setEnabled(True)
        self.message.show_text(text, kind)

    # -- exporting ----------------------------------------------------------------------------
    def choose_export(self) -> None:
        default = str(Path.home() / f"lianmo-audit-{date.today():%Y%m%d}.jsonl")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export audit chain"), default,
                                              self.tr("Audit export (*.jsonl)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> Path | None:
        try:
            out = audit_trail.export_chain(self.session, path)
        except UserFacingError as exc:
            self.message.show_error(exc)
            return None
        except OSError:
            log.warning("audit export failed", exc_info=True)
            self.message.show_text(self.tr("The file could not be written."), "error")
            return None
        text = self.tr("Audit chain exported to %1. Auditors check it with: "
                       "lianmo audit verify FILE")
        self.message.show_text(text.replace("%1", str(out)), "success")
        return out
