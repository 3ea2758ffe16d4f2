"""Consent & data: import a customer file with its consent file, and see what is stored.

Analysts (``data.import``) get four tabs: Files (pick, read, preview masked), Columns (the
mapping = an import profile, loadable and savable), Report (validation) and Datasets (the
overview). Administrators (``data.view`` only) get the Datasets view, read-only. Validating and
importing run ``app.workflows.importing.data_import.import_dataset`` in a TaskRunner; the workflow makes a
cancelled or failed import leave the workspace exactly as it was.
"""

from __future__ import annotations

import logging
import os
import re

from PySide6.QtWidgets import QFileDialog, QMessageBox, QTabWidget, QWidget

from app import messages
from app.errors import UserFacingError, ValidationError
from app.ui.errors import language
from app.ui.pages.data.files import FilesView
from app.ui.pages.data.mapping import MappingEditor
from app.ui.pages.data.overview import OverviewView
from app.ui.pages.data.report import ReportView, number
from app.ui.pages.base import Page
from app.ui.kit.progress import TaskProgress
from app.ui.kit.widgets import button, button_row
from app.workflows.importing import data_import
from app.workflows.importing import data_preview
from app.workflows.importing.profiles import Profile, load_profile, parse_profile, save_profile
from app.workflows.session import Session

log = logging.getLogger(__name__)


def import_in_background(task, session: Session, data: str, consent: str, profile: Profile,
                         commit: bool, accept_warnings: bool = False) -> dict:
    """The import; warnings that need the user's confirmation come back as a report key."""
    try:
        return data_import.import_dataset(session, data, consent, profile, task=task,
                                          commit=commit, accept_warnings=accept_warnings)
    except data_import.ImportWarnings as exc:
        return {"needs_confirmation": exc.coded_warnings}
    except ValidationError as exc:
        problem = data_preview.file_problem(exc, [data, consent], profile)
        if problem is None:
            raise
        return {"file_problem": problem}


def consent_in_background(task, session: Session, dataset: str, path: str) -> dict:
    return data_import.import_consent(session, dataset, path, task=task)


def dataset_name_for(path: str) -> str:
    """A default dataset name from the file name (``Bank 2025.csv.gz`` -> ``bank_2025``)."""
    stem = os.path.basename(path).lower()
    for ext in (".gz", ".csv", ".txt", ".xlsx"):
        stem = stem.removesuffix(ext)
    return re.sub(r"[^a-z0-9_]+", "_", stem).strip("_")[:40] or "customers"


class DataPage(Page):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.side = "bank" if session.workspace.role == "label" else "partner"
        self.can_import = session.can("data.import")
        self.cancelled_text = ""  # what a cancelled import or consent update left behind
        self.preview: data_preview.Preview | None = None
        self.loaded_profile: Profile | None = None
        self.overview = OverviewView(session)
        self.overview.consent_update_requested.connect(self.choose_consent_update)
        self.progress = TaskProgress()
        if self.can_import:
            self._build_import()
        self._layout()
        self.retranslate()

    def _build_import(self) -> None:
        self.files = FilesView()
        self.mapping = MappingEditor(self.side)
        self.report = ReportView()
        self.tabs = QTabWidget()
        for widget in (self.files, self.mapping, self.report, self.overview):
            self.tabs.addTab(widget, "")
        self.load_button = button()
        self.save_button = button()
        self.validate_button = button()
        self.import_button = button(kind="primary")
        self.files.choose_data.connect(self.choose_data_file)
        self.files.choose_consent.connect(self.choose_consent_file)
        self.files.reading_changed.connect(self.reload_preview)
        self.mapping.changed.connect(self._show_preview)
        self.load_button.clicked.connect(self.choose_profile)
        self.save_button.clicked.connect(self.choose_profile_target)
        self.validate_button.clicked.connect(lambda: self.start_import(commit=False))
        self.import_button.clicked.connect(lambda: self.start_import(commit=True))

    def _layout(self) -> None:
        layout = self.frame()
        if self.can_import:
            layout.addLayout(button_row(self.load_button, self.save_button, None,
                                        self.validate_button, self.import_button))
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        if not self.can_import:
            self.overview.layout().setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs if self.can_import else self.overview, 1)

    def retranslate(self) -> None:
        if not self.can_import:
            self.set_titles(self.tr("Consent & data"), self.tr(
                "Imported datasets and their data dictionary (read-only). Analysts import data."))
            return
        self.set_titles(self.tr("Consent & data"), self.tr(
            "Import your customer file together with its consent file. Only customers with a "
            "valid consent for the joint marketing model are stored, encrypted in this "
            "workspace."))
        for index, text in enumerate((self.tr("1 · Files"), self.tr("2 · Columns"),
                                      self.tr("3 · Report"), self.tr("Datasets"))):
            self.tabs.setTabText(index, text)
        self.load_button.setText(self.tr("Load profile…"))
        self.save_button.setText(self.tr("Save profile…"))
        self.validate_button.setText(self.tr("Validate"))
        self.import_button.setText(self.tr("Import"))

    # -- files and preview --------------------------------------------------------------------
    def choose_data_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Customer data file"), "",
            self.tr("Customer data (*.csv *.csv.gz *.gz *.txt *.xlsx)"))
        if path:
            self.set_data_file(path)

    def choose_consent_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Consent file"), "",
                                              self.tr("Consent file (*.csv *.csv.gz *.gz)"))
        if path:
            self.set_consent_file(path)

    def set_data_file(self, path: str) -> None:
        self.files.data_path.setText(path)
        if not self.mapping.dataset.text():
            self.mapping.dataset.setText(dataset_name_for(path))
        self.preview = None
        self.reload_preview()

    def set_consent_file(self, path: str) -> None:
        self.files.consent_path.setText(path)

    def reload_preview(self) -> None:
        path = self.files.data_path.text()
        if not path:
            return
        before = self.preview.header if self.preview else None
        try:
            self.preview = data_preview.read_preview(path, self.files.encoding_choice(),
                                                     self.files.delimiter_choice())
        except UserFacingError as exc:
            self.preview = None
            self.files.show_preview(None, [])
            self.message.show_error(exc)
            return
        self.message.clear_message()
        if self.preview.header != before:
            self._map_columns()
        self._show_preview()

    def _map_columns(self) -> None:
        """New header: apply the loaded profile if there is one, otherwise a guess."""
        self.mapping.set_columns(self.preview.header)
        if self.loaded_profile is not None:
            self.mapping.apply(self.loaded_profile)
            self._warn_missing(self.loaded_profile)
        else:
            doc = data_preview.guess_profile(self.preview, self.side, self.mapping.dataset.text())
            self.mapping.apply(doc)

    def _show_preview(self) -> None:
        if self.preview is None:
            return
        rows = data_preview.masked_rows(self.preview, self.mapping.id_column.currentData(),
                                        self.mapping.id_type.currentData(),
                                        name_column=self.mapping.customer_name.currentData())
        self.files.show_preview(self.preview, rows)
        samples = {}
        for j, name in enumerate(self.preview.header):
            samples[name] = next((r[j] for r in rows if r[j].strip()), "")
        self.mapping.samples = samples
        for row in range(self.mapping.table.rowCount()):
            name = self.mapping.table.item(row, 0).text()
            self.mapping.table.item(row, 1).setText(samples.get(name, ""))

    def _warn_missing(self, profile: Profile) -> bool:
        missing = data_preview.missing_columns(profile, self.preview.header) if self.preview else []
        if missing:
            self.message.show_text(self.tr("The file has no column named %1; check the file or "
                                           "the mapping.").replace("%1", ", ".join(missing)),
                                   "warning")
        return bool(missing)

    # -- profiles -----------------------------------------------------------------------------
    def choose_profile(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load import profile"), "",
                                              self.tr("Import profile (*.json)"))
        if path:
            self.load_profile_from(path)

    def load_profile_from(self, path: str) -> Profile | None:
        try:
            profile = load_profile(path)
        except UserFacingError as exc:
            self.message.show_error(exc)
            return None
        if profile.side != self.side:
            self.message.show_text(self.tr("This profile is for the other party's data; this "
                                           "workspace holds the %1 side.")
                                   .replace("%1", self.side), "error")
            return None
        self.loaded_profile = profile
        reading = (self.files.encoding_choice(), self.files.delimiter_choice())
        self.files.set_reading(profile.encoding, profile.delimiter)
        if self.preview is None or reading != (profile.encoding, profile.delimiter):
            self.preview = None
            self.reload_preview()
        if self.preview is None:
            self.mapping.set_columns(data_preview.profile_columns(profile))
        self.mapping.apply(profile)
        self._show_preview()
        if not self._warn_missing(profile):
            self.message.show_text(self.tr("Profile %1 loaded.").replace(
                "%1", os.path.basename(path)), "success")
        return profile

    def choose_profile_target(self) -> None:
        name = f"{self.mapping.dataset.text() or 'import'}_profile.json"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save import profile"), name,
                                              self.tr("Import profile (*.json)"))
        if path:
            self.save_profile_to(path)

    def current_profile(self) -> Profile | None:
        """The mapping as a validated profile, or None (the reason is shown)."""
        problem = self.mapping.problem()
        if problem:
            self.message.show_text(problem, "error")
            return None
        try:
            return parse_profile(self.mapping.document(self.files.encoding_choice(),
                                                       self.files.delimiter_choice()))
        except UserFacingError as exc:
            self.message.show_error(exc)
            return None

    def save_profile_to(self, path: str) -> bool:
        profile = self.current_profile()
        if profile is None:
            return False
        try:
            save_profile(profile, path)
        except OSError:
            log.warning("profile save failed", exc_info=True)
            self.message.show_text(self.tr("The file could not be written."), "error")
            return False
        self.loaded_profile = profile
        self.message.show_text(self.tr("Profile saved to %1.").replace("%1", path), "success")
        return True

    # -- validate and import ------------------------------------------------------------------
    def start_import(self, commit: bool) -> None:
        if self.busy():
            return
        self.message.clear_message()
        data, consent = self.files.data_path.text(), self.files.consent_path.text()
        if not data or not consent:
            self.message.show_text(self.tr("Choose the customer data file and the consent file "
                                           "first."), "error")
            return
        profile = self.current_profile()
        if profile is None:
            return
        self.cancelled_text = (
            self.tr("Import cancelled: nothing was stored and the workspace is unchanged.")
            if commit else self.tr("Validation cancelled; nothing was stored."))
        self._run(import_in_background, data, consent, profile, commit, False,
                  done=lambda report: self._imported(report, commit))

    def _confirm_warnings(self, warnings: list[str]) -> None:
        """Stop before committing and ask; on yes the same import runs again, accepted."""
        answer = QMessageBox.warning(
            self, self.tr("Check the consent file"),
            self.tr("Nothing was imported yet:") + "\n\n" +
            "\n".join(messages.render(code, params, language()) for code, params in warnings) +
            "\n\n" +
            self.tr("Import anyway?"), QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            self.message.show_text(self.tr("Import stopped; nothing was stored."), "warning")
            return
        profile = self.current_profile()
        if profile is not None:
            self._run(import_in_background, self.files.data_path.text(),
                      self.files.consent_path.text(), profile, True, True,
                      done=lambda report: self._imported(report, True))

    def _run(self, fn, *args, done) -> None:
        self._set_busy(True)
        runner = self.start_task(fn, self.session, *args, done=done)
        self.progress.attach(runner)
        runner.progress.connect(self._rows_progress)

    def _rows_progress(self, done: int, total: int, _message: str, _eta) -> None:
        if total <= 0 and self.progress.cancel_button.isEnabled():
            self.progress.status.setText(self.tr("%1 rows read").replace("%1", f"{done:,}"))
            self.progress.eta.setText("")

    def _set_busy(self, busy: bool) -> None:
        widgets = [self.overview.consent_button]
        if self.can_import:
            widgets += [self.load_button, self.save_button, self.validate_button,
                        self.import_button, self.files, self.mapping]
        for widget in widgets:
            widget.setEnabled(not busy)
        if not busy:
            self.overview.consent_button.setEnabled(bool(self.overview.datasets))

    def task_ended(self, text: str, kind: str) -> None:
        self._set_busy(False)
        super().task_ended(self.cancelled_text if kind == "warning" else text, kind)

    def _imported(self, report: dict, committed: bool) -> None:
        if "needs_confirmation" in report:
            self._confirm_warnings(report["needs_confirmation"])
            return
        if "file_problem" in report:   # the whole file was refused: the report tab says where
            problem = report["file_problem"]
            self.report.show_problem(problem)
            self.tabs.setCurrentWidget(self.report)
            self.task_ended(messages.render(problem["code"], problem["params"], language()),
                            "error")
            return
        self.report.show_report(report)
        self.tabs.setCurrentWidget(self.report)
        if committed:
            self.overview.refresh()
            self.overview.select(report["dataset"])
            text = self.tr("Imported %1 customers with a valid consent into %2 (version %3). "
                           "See the Datasets tab.")
            text = text.replace("%1", number(report["eligible"])).replace(
                "%2", report["dataset"]).replace("%3", str(report["version"]))
        else:
            text = self.tr("Validation finished: %1 customers would be stored. Nothing has been "
                           "stored yet.").replace("%1", number(report["eligible"]))
        self.task_ended(text, "success")
        if committed:
            self.offer_next("data")

    # -- consent updates ----------------------------------------------------------------------
    def choose_consent_update(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Consent update"), "",
                                              self.tr("Consent file (*.csv *.csv.gz *.gz)"))
        if path:
            self.import_consent_from(path)

    def import_consent_from(self, path: str) -> None:
        dataset = self.overview.selected()
        if dataset is None or self.busy():
            return
        self.message.clear_message()
        self.cancelled_text = self.tr("Consent update cancelled; nothing was recorded.")
        self._run(consent_in_background, dataset["dataset"], path, done=self._consent_done)

    def _consent_done(self, result: dict) -> None:
        self.overview.refresh()
        self.overview.select(result["dataset"])
        now = next((d["eligible_now"] for d in self.overview.datasets
                    if d["dataset"] == result["dataset"]), 0)
        text = self.tr("Consent update recorded for %1: %2 rows read, %3 rejected. %4 customers "
                       "are eligible now.")
        text = text.replace("%1", result["dataset"]).replace("%2", number(result["rows_read"])) \
            .replace("%3", number(result["rows_rejected"])).replace("%4", number(now))
        self.task_ended(text, "success")
