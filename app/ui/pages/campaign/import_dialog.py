"""The "Import outcomes" dialog: pick a bind file, choose its three columns and identifier type.

Only the header is read here (no customer value is shown), in the background: unpacking an .xlsx
workbook to reach it can take seconds. The import itself runs in the page's TaskRunner through
``app.workflows.campaign.import_outcomes``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QVBoxLayout, QWidget)

from app.ui.kit.tasks import TaskRunner
from app.ui.pages.data.mapping import ID_TYPE_LABELS
from app.ui.kit.widgets import MessageArea, Retranslatable, button, plain_label
from app.workflows.campaign import OUTCOME_ID_TYPES, outcome_columns

DELIMITERS = ((",", ","), (";", ";"), ("tab", "\t"), ("|", "|"))
_GUESSES = {"id": ("mobile", "phone", "customer", "id", "reference", "手机", "客户"),
            "at": ("bound", "time", "date", "at", "时间", "日期"),
            "channel": ("channel", "渠道")}


def columns_in_background(_task, path: str, delimiter: str) -> list[str]:
    return outcome_columns(path, delimiter)


def guess(header: list[str], kind: str, taken: set[str]) -> int:
    for word in _GUESSES[kind]:
        for i, name in enumerate(header):
            if name not in taken and word in name.lower():
                return i
    return 0


class OutcomeImportDialog(Retranslatable, QDialog):
    def __init__(self, plan_id_type: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumWidth(520)
        self.header: list[str] = []
        self.reader: TaskRunner | None = None  # reads the header of the chosen file
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.browse = button()
        self.browse.clicked.connect(self.choose)
        self.delimiter = QComboBox()
        for label, value in DELIMITERS:
            self.delimiter.addItem(label, value)
        self.delimiter.currentIndexChanged.connect(lambda _i: self.read_header())
        self.id_column, self.at_column, self.channel_column = QComboBox(), QComboBox(), QComboBox()
        self.id_type = QComboBox()
        for t in OUTCOME_ID_TYPES:
            self.id_type.addItem(QCoreApplication.translate("DataLabels", ID_TYPE_LABELS.get(t, t)), t)
        if plan_id_type in OUTCOME_ID_TYPES:
            self.id_type.setCurrentIndex(OUTCOME_ID_TYPES.index(plan_id_type))
        self.message = MessageArea()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        self.form = QFormLayout()
        self.labels = [plain_label() for _ in range(6)]
        self.form.addRow(self.labels[0], file_row)
        for label, widget in zip(self.labels[1:], (self.delimiter, self.id_column, self.id_type,
                                                   self.at_column, self.channel_column)):
            self.form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._ok_enabled()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Import outcomes"))
        self.browse.setText(self.tr("Choose file…"))
        labels = (self.tr("Outcome file"), self.tr("Delimiter"), self.tr("Customer identifier"),
                  self.tr("Identifier type"), self.tr("Bound at (date/time)"),
                  self.tr("Channel bound through"))
        for label, text in zip(self.labels, labels):
            label.setText(text)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Outcome file"), "",
                                              self.tr("Outcomes (*.csv *.txt *.xlsx)"))
        if path:
            self.set_file(path)

    def set_file(self, path: str) -> None:
        self.path.setText(path)
        self.read_header()

    def read_header(self) -> None:
        self.message.clear_message()
        self.show_header([])
        if not self.path.text():
            return
        reader = self.reader = TaskRunner(columns_in_background, self.path.text(),
                                          self.delimiter.currentData(), parent=self)
        # Only the latest file and delimiter count; a refused file is said, the dialog stays open.
        reader.finished.connect(lambda header: reader is self.reader and self.show_header(header))
        reader.failed.connect(lambda text: reader is self.reader and
                              self.message.show_text(text, "error"))
        reader.start()

    def show_header(self, header: list[str]) -> None:
        self.header = header
        taken: set[str] = set()
        for combo, kind in ((self.id_column, "id"), (self.at_column, "at"),
                            (self.channel_column, "channel")):
            combo.clear()
            combo.addItems(self.header)
            if self.header:
                combo.setCurrentIndex(guess(self.header, kind, taken))
                taken.add(combo.currentText())
        self._ok_enabled()

    def _ok_enabled(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(len(self.header) >= 3)

    def choice(self) -> dict:
        return {"path": self.path.text(), "id_column": self.id_column.currentText(),
                "bound_at_column": self.at_column.currentText(),
                "channel_column": self.channel_column.currentText(),
                "id_type": self.id_type.currentData(), "delimiter": self.delimiter.currentData()}
