"""The "Files" tab: the customer file and the consent file, how to read the customer file, and
its first rows with identifiers masked (app.workflows.importing.data_preview)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout,
                               QWidget)

from app.ui.pages.data.mapping import dl
from app.ui.pages.data.report import fill, table
from app.ui.kit.widgets import Retranslatable, button, plain_label
from app.workflows.importing.data_preview import DELIMITERS, Preview
from app.workflows.importing.profiles import ENCODINGS

DELIMITER_LABELS = {
    ",": QT_TRANSLATE_NOOP("DataLabels", "Comma (,)"),
    ";": QT_TRANSLATE_NOOP("DataLabels", "Semicolon (;)"),
    "\t": QT_TRANSLATE_NOOP("DataLabels", "Tab"),
    "|": QT_TRANSLATE_NOOP("DataLabels", "Vertical bar (|)"),
}
AUTO = QT_TRANSLATE_NOOP("DataLabels", "Detect automatically")


class FilesView(Retranslatable, QWidget):
    choose_data = Signal()
    choose_consent = Signal()
    reading_changed = Signal()  # encoding or delimiter changed by the person

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview: Preview | None = None
        self.data_path = QLineEdit()
        self.consent_path = QLineEdit()
        for edit in (self.data_path, self.consent_path):
            edit.setReadOnly(True)
        self.data_button = button()
        self.consent_button = button()
        self.data_button.clicked.connect(lambda: self.choose_data.emit())
        self.consent_button.clicked.connect(lambda: self.choose_consent.emit())
        self.encoding = QComboBox()
        for code in ENCODINGS:
            self.encoding.addItem(code.upper() if code != "auto" else "", code)
        self.delimiter = QComboBox()
        for code in DELIMITERS:
            self.delimiter.addItem("", code)
        self.encoding.currentIndexChanged.connect(lambda _i: self.reading_changed.emit())
        self.delimiter.currentIndexChanged.connect(lambda _i: self.reading_changed.emit())
        self.detected = plain_label(object_name="Hint", wrap=True)
        self.hint = plain_label(object_name="Hint", wrap=True)
        self.table = table(0)
        self.labels = [plain_label() for _ in range(4)]
        self._layout()
        self.retranslate()

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.addWidget(self.labels[0], 0, 0)
        grid.addWidget(self.data_path, 0, 1, 1, 3)
        grid.addWidget(self.data_button, 0, 4)
        grid.addWidget(self.labels[1], 1, 0)
        grid.addWidget(self.consent_path, 1, 1, 1, 3)
        grid.addWidget(self.consent_button, 1, 4)
        reading = QHBoxLayout()
        reading.addWidget(self.encoding)
        reading.addSpacing(12)
        reading.addWidget(self.labels[3])
        reading.addWidget(self.delimiter)
        reading.addSpacing(12)
        reading.addWidget(self.detected, 1)
        grid.addWidget(self.labels[2], 2, 0)
        grid.addLayout(reading, 2, 1, 1, 4)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(grid)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)

    def retranslate(self) -> None:
        for label, text in zip(self.labels, (self.tr("Customer data"), self.tr("Consent file"),
                                             self.tr("Encoding"), self.tr("Delimiter"))):
            label.setText(text)
        self.data_path.setPlaceholderText(self.tr("CSV, CSV.GZ or XLSX file"))
        self.consent_path.setPlaceholderText(
            self.tr("CSV with customer_id, purpose, granted_at, expires_at, revoked_at"))
        self.data_button.setText(self.tr("Choose…"))
        self.consent_button.setText(self.tr("Choose…"))
        self.encoding.setItemText(0, dl(AUTO))
        for i in range(self.delimiter.count()):
            self.delimiter.setItemText(i, dl(DELIMITER_LABELS[self.delimiter.itemData(i)]))
        self.hint.setText(self.tr("The first rows of the file, as read with these settings. "
                                  "Identifiers are masked; the whole file is checked when you "
                                  "validate."))
        self._show_detected()

    # -- state --------------------------------------------------------------------------------
    def encoding_choice(self) -> str:
        return self.encoding.currentData()

    def delimiter_choice(self) -> str:
        return self.delimiter.currentData()

    def set_reading(self, encoding: str, delimiter: str) -> None:
        """Show a profile's reading settings without announcing a change."""
        self.blockSignals(True)
        for combo, value in ((self.encoding, encoding), (self.delimiter, delimiter)):
            combo.blockSignals(True)
            index = combo.findData(value)
            if index < 0 and combo is self.delimiter:
                combo.addItem(repr(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self.blockSignals(False)

    def show_preview(self, preview: Preview | None, rows: list[list[str]]) -> None:
        self.preview = preview
        is_text = preview is None or preview.encoding != "xlsx"
        self.encoding.setEnabled(is_text)
        self.delimiter.setEnabled(is_text)
        header = preview.header if preview else []
        self.table.setColumnCount(len(header))
        self.table.setHorizontalHeaderLabels(header)
        fill(self.table, rows)
        self._show_detected()

    def _show_detected(self) -> None:
        p = self.preview
        if p is None:
            text = ""
        elif p.encoding == "xlsx":
            text = self.tr("Excel workbook: first worksheet, no text encoding to choose.")
        elif p.detected and p.encoding == "gbk":
            text = self.tr("Detected: GBK (read as GB18030, which contains GBK).")
        elif p.detected:
            text = self.tr("Detected: %1.").replace("%1", p.encoding.upper())
        else:
            text = self.tr("Read as %1.").replace("%1", p.encoding.upper())
        self.detected.setText(text)
