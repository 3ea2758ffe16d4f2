"""The "Datasets" view: what is imported, how many customers may be used now, and the data
dictionary with each column's sensitivity level (JR/T 0171-2020 C1/C2/C3).

Counts and column names only (C1 and metadata): administrators see this read-only; the
"Import consent update…" button exists only for roles that may import.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from app.errors import UserFacingError
from app.ui.pages.data.report import fill, number, role_text, table, type_text
from app.ui.kit.widgets import MessageArea, Retranslatable, button, plain_label
from app.workflows.importing import data_import
from app.workflows.importing import data_preview
from app.workflows.session import Session

SIDES = {"bank": QT_TRANSLATE_NOOP("DataLabels", "Bank (label party)"),
         "partner": QT_TRANSLATE_NOOP("DataLabels", "Partner (feature party)")}
LEVELS = {
    "C3": QT_TRANSLATE_NOOP("DataLabels", "C3: identifies a person; encrypted at rest, never "
                                          "shown in clear"),
    "C2": QT_TRANSLATE_NOOP("DataLabels", "C2: a person's account and behaviour data; analysts "
                                          "only"),
    "C1": QT_TRANSLATE_NOOP("DataLabels", "C1: aggregates, not about one person"),
}


def short_time(iso: str | None) -> str:
    """``2025-06-01T09:30:00+00:00`` -> ``2025-06-01 09:30 UTC`` (stored times are UTC)."""
    if not iso:
        return "—"
    text = iso.replace("T", " ")[:16]
    return text + (" UTC" if iso.endswith("+00:00") else "")


class OverviewView(Retranslatable, QWidget):
    consent_update_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.datasets: list[dict] = []
        self.consent: dict[str, dict] = {}
        self.message = MessageArea()
        self.heading = plain_label(object_name="Hint", wrap=True)
        self.table = table(9)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.itemSelectionChanged.connect(self._show_dictionary)
        self.dictionary_title = plain_label(object_name="Hint")
        self.dictionary = table(4)
        self.consent_button = button()
        self.consent_button.setVisible(session.can("data.import"))
        self.consent_button.clicked.connect(lambda: self.consent_update_requested.emit())
        self.refresh_button = button()
        self.refresh_button.clicked.connect(self.refresh)
        self._layout()
        self.retranslate()
        self.refresh()

    def _layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(self.heading, 1)
        tools.addWidget(self.refresh_button)
        tools.addWidget(self.consent_button)
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.dictionary_title)
        box.addWidget(self.dictionary, 1)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setChildrenCollapsible(False)
        split.setSizes([150, 400])  # a few datasets, many dictionary rows
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(tools)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Stored customers are counted as eligible only while their "
                                     "consent is valid; it is re-checked every time data is used."))
        self.refresh_button.setText(self.tr("Refresh"))
        self.consent_button.setText(self.tr("Import consent update…"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Dataset"), self.tr("Side"), self.tr("Stored"), self.tr("Eligible now"),
             self.tr("Version"), self.tr("Imported at"), self.tr("Imported by"),
             self.tr("Consent"), self.tr("Source file")])
        self.dictionary.setHorizontalHeaderLabels(
            [self.tr("Column"), self.tr("Role"), self.tr("Type"), self.tr("Sensitivity")])
        self._fill()

    # -- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            self.datasets = data_import.summary(self.session)
            self.consent = data_preview.consent_batches(self.session)
        except UserFacingError as exc:
            self.datasets, self.consent = [], {}
            self.message.show_error(exc)
        self._fill()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.datasets[rows[0].row()] if rows and rows[0].row() < len(self.datasets) else None

    def select(self, name: str) -> None:
        for row, d in enumerate(self.datasets):
            if d["dataset"] == name:
                self.table.selectRow(row)

    def _fill(self) -> None:
        keep = self.selected()
        fill(self.table, [[d["dataset"], QCoreApplication.translate("DataLabels", SIDES.get(
            d["side"], d["side"])), number(d["rows_stored"]), number(d["eligible_now"]),
            str(d["version"]), short_time(d["imported_at"]), d["imported_by"],
            self._consent_text(d), d["source_file"]] for d in self.datasets], numeric=(2, 3, 4))
        self.consent_button.setEnabled(bool(self.datasets))
        if self.datasets:
            self.select(keep["dataset"] if keep else self.datasets[0]["dataset"])
        self._show_dictionary()

    def _consent_text(self, d: dict) -> str:
        info = self.consent.get(d["dataset"], {"batches": 0, "latest": None})
        lost = d["rows_stored"] - d["eligible_now"]
        text = self.tr("%1 file(s), latest %2").replace("%1", str(info["batches"])) \
            .replace("%2", (info["latest"] or "—")[:10])
        if lost:
            text += self.tr("; %1 no longer eligible (revoked or expired)").replace(
                "%1", number(lost))
        return text

    def _show_dictionary(self) -> None:
        d = self.selected()
        self.dictionary_title.setText(
            self.tr("Data dictionary of %1").replace("%1", d["dataset"]) if d
            else self.tr("No dataset imported yet."))
        columns = d["columns"] if d else []
        fill(self.dictionary, [[c["name"], role_text(c["role"]), type_text(c["type"]),
                                c["sensitivity"]] for c in columns])
        for row, c in enumerate(columns):
            level = LEVELS.get(c["sensitivity"])
            if level:
                self.dictionary.item(row, 3).setText(QCoreApplication.translate("DataLabels", level))
