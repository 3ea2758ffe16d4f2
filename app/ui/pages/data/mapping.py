"""The "Columns" tab: which column is the identifier, the label, the branch, the customer's name
and last contact date, the contact flags, and how each remaining column is imported. Its state is an ordinary import profile document
(docs/data-import.md), so what is saved here is what the CLI reads."""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView,
                               QLineEdit, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.ui.kit.widgets import Retranslatable, plain_label
from app.workflows.importing.profiles import CONSENT_FIELDS, CONTACT_FLAGS, FORMAT, Profile

NONE = ""  # combo data meaning "no column"
DATASET_NAME = re.compile(r"[a-z0-9_]{1,40}")

ID_TYPE_LABELS = {
    "mobile": QT_TRANSLATE_NOOP("DataLabels", "Mobile number"),
    "id_card": QT_TRANSLATE_NOOP("DataLabels", "Resident ID card number"),
    "opaque": QT_TRANSLATE_NOOP("DataLabels", "Other customer number"),
}
FEATURE_TYPE_LABELS = {
    "numeric": QT_TRANSLATE_NOOP("DataLabels", "Numeric"),
    "categorical": QT_TRANSLATE_NOOP("DataLabels", "Categorical"),
    "date": QT_TRANSLATE_NOOP("DataLabels", "Date"),
    "ignore": QT_TRANSLATE_NOOP("DataLabels", "Do not import"),
}
CONTACT_LABELS = {
    "app_active_30d": QT_TRANSLATE_NOOP("DataLabels", "Used the app in the last 30 days"),
    "branch_visit_recent": QT_TRANSLATE_NOOP("DataLabels", "Visited a branch recently"),
    "already_bound": QT_TRANSLATE_NOOP("DataLabels", "Already bound quick pay"),
    "opted_out": QT_TRANSLATE_NOOP("DataLabels", "Opted out of marketing"),
}


def dl(text: str) -> str:
    return QCoreApplication.translate("DataLabels", text)


def _fill_labels(combo: QComboBox, labels: dict[str, str]) -> None:
    if combo.count() == 0:
        for code in labels:
            combo.addItem("", code)
    for i in range(combo.count()):
        combo.setItemText(i, dl(labels[combo.itemData(i)]))


def _select(combo: QComboBox, data: str | None) -> None:
    index = combo.findData(data if data is not None else NONE)
    combo.setCurrentIndex(max(index, 0))


class MappingEditor(Retranslatable, QWidget):
    changed = Signal()

    def __init__(self, side: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.side = side
        self.columns: list[str] = []
        self.samples: dict[str, str] = {}
        self.types: dict[str, str] = {}        # feature column -> type (incl. "ignore")
        self.consent: dict[str, str] = {}      # consent renames kept from a loaded profile
        self._quiet = False
        self.dataset = QLineEdit()
        self.dataset.setValidator(QRegularExpressionValidator(QRegularExpression("[a-z0-9_]{0,40}")))
        self.id_column = QComboBox()
        self.id_type = QComboBox()
        self.label = QComboBox()
        self.branch = QComboBox()
        # bank only: shown at the counter, the name masked; never a model feature
        self.customer_name = QComboBox()
        self.last_contact = QComboBox()
        self.contact = {flag: QComboBox() for flag in CONTACT_FLAGS}
        self.table = QTableWidget(0, 3)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.form = QGridLayout()
        self.form_labels: list = []
        self.features_title = plain_label(object_name="Hint", wrap=True)
        for combo in self._role_combos():
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(self._roles_changed)
        self.id_type.currentIndexChanged.connect(self._emit)
        self._layout()
        self.retranslate()

    def _role_combos(self) -> list[QComboBox]:
        combos = [self.id_column]
        if self.side == "bank":
            combos += [*self._bank_roles().values(), *self.contact.values()]
        return combos

    def _bank_roles(self) -> dict[str, QComboBox]:
        """Profile key -> combo for the bank's single-column roles, in form order."""
        return {"label": self.label, "branch": self.branch, "customer_name": self.customer_name,
                "last_contact": self.last_contact}

    def _layout(self) -> None:
        fields = [self.dataset, self.id_column, self.id_type]
        if self.side == "bank":
            fields += [*self._bank_roles().values(), *self.contact.values()]
        for row, field in enumerate(fields):
            label = plain_label()
            self.form_labels.append(label)
            self.form.addWidget(label, row, 0, Qt.AlignVCenter)
            self.form.addWidget(field, row, 1)
        self.form.setRowStretch(len(fields), 1)
        self.form.setVerticalSpacing(10)
        left = QWidget()
        left.setLayout(self.form)
        left.setMaximumWidth(460)
        right = QVBoxLayout()
        right.addWidget(self.features_title)
        right.addWidget(self.table, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 12, 12, 12)
        row.setSpacing(18)
        row.addWidget(left)
        row.addLayout(right, 1)

    def retranslate(self) -> None:
        labels = [self.tr("Dataset name"), self.tr("Identifier column"), self.tr("Identifier type")]
        if self.side == "bank":
            labels += [self.tr("Label (outcome, 0/1)"), self.tr("Branch code"),
                       self.tr("Customer name (shown masked)"), self.tr("Last contact date")]
            labels += [dl(CONTACT_LABELS[flag]) for flag in CONTACT_FLAGS]
        for label, text in zip(self.form_labels, labels):
            label.setText(text)
        self.dataset.setPlaceholderText(self.tr("a-z, 0-9 and _"))
        self.dataset.setToolTip(self.tr("Importing again under the same name replaces the "
                                        "dataset (its version goes up)."))
        _fill_labels(self.id_type, ID_TYPE_LABELS)
        self.features_title.setText(self.tr("Features: every other column, with how to read it. "
                                            "Columns set to \"Do not import\" are not stored."))
        self.table.setHorizontalHeaderLabels([self.tr("Column"), self.tr("First value"),
                                              self.tr("Import as")])
        for row in range(self.table.rowCount()):
            _fill_labels(self.table.cellWidget(row, 2), FEATURE_TYPE_LABELS)
        self._fill_column_combos()

    # -- columns ------------------------------------------------------------------------------
    def set_columns(self, columns: list[str], samples: dict[str, str] | None = None) -> None:
        """The file's header (and one masked sample value per column) to map."""
        self.columns = [c for c in columns if c]
        self.samples = samples or {}
        self._fill_column_combos()
        self._fill_table()

    def _fill_column_combos(self) -> None:
        self._quiet = True
        for combo in self._role_combos():
            keep = combo.currentData()
            combo.clear()
            if combo is not self.id_column:
                combo.addItem(self.tr("(none)"), NONE)
            for name in self.columns:
                combo.addItem(name, name)
            _select(combo, keep)
        self._quiet = False

    def assigned(self) -> set[str]:
        return {c.currentData() for c in self._role_combos() if c.currentData()}

    def _fill_table(self) -> None:
        features = [c for c in self.columns if c not in self.assigned()]
        for row in range(self.table.rowCount()):  # hide now: deletion waits for the event loop
            old = self.table.cellWidget(row, 2)
            if old is not None:
                old.hide()
                self.table.removeCellWidget(row, 2)
        self.table.setRowCount(len(features))
        for row, name in enumerate(features):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(self.samples.get(name, "")))
            combo = QComboBox()
            _fill_labels(combo, FEATURE_TYPE_LABELS)
            _select(combo, self.types.get(name, "numeric"))
            combo.currentIndexChanged.connect(
                lambda _i, n=name, c=combo: self._type_changed(n, c.currentData()))
            self.table.setCellWidget(row, 2, combo)
            self.types.setdefault(name, combo.currentData())

    def _type_changed(self, name: str, kind: str) -> None:
        self.types[name] = kind
        self._emit()

    def _roles_changed(self) -> None:
        if self._quiet:
            return
        self._fill_table()
        self._emit()

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit()

    def feature_type(self, name: str) -> str | None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                return self.table.cellWidget(row, 2).currentData()
        return None

    def set_feature_type(self, name: str, kind: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                _select(self.table.cellWidget(row, 2), kind)

    # -- profile documents --------------------------------------------------------------------
    def apply(self, doc: dict | Profile) -> None:
        """Show a profile (a validated Profile or a guessed document)."""
        if isinstance(doc, Profile):
            doc = doc.to_json()
        self._quiet = True
        self.dataset.setText(doc.get("dataset", ""))
        _select(self.id_column, doc["identifier"]["column"])
        _select(self.id_type, doc["identifier"]["type"])
        if self.side == "bank":
            for key, combo in self._bank_roles().items():
                _select(combo, doc.get(key, {}).get("column"))
            for flag, combo in self.contact.items():
                _select(combo, doc.get("contact", {}).get(flag))
        self.types = {c: "ignore" for c in self.columns}
        self.types.update({f["column"]: f["type"] for f in doc.get("features", [])})
        self.consent = {k: v for k, v in doc.get("consent", {}).items() if k != v}
        self._quiet = False
        self._fill_table()
        self.changed.emit()

    def problem(self) -> str | None:
        """A sentence naming what is still missing, or None when a profile can be built."""
        if not self.columns:
            return self.tr("Choose the customer data file first.")
        if not DATASET_NAME.fullmatch(self.dataset.text()):
            return self.tr("Give the dataset a name: 1-40 characters of a-z, 0-9 and _.")
        if self.side == "bank" and not self.label.currentData():
            return self.tr("Choose the label column (the bank side trains on it).")
        if not self.features():
            return self.tr("Choose at least one feature column to import.")
        return None

    def features(self) -> list[dict]:
        return [{"column": self.table.item(r, 0).text(),
                 "type": self.table.cellWidget(r, 2).currentData()}
                for r in range(self.table.rowCount())
                if self.table.cellWidget(r, 2).currentData() != "ignore"]

    def document(self, encoding: str, delimiter: str) -> dict:
        """The profile document (validate it with ``parse_profile`` before use)."""
        doc = {"format": FORMAT, "version": 1, "dataset": self.dataset.text(), "side": self.side,
               "encoding": encoding, "delimiter": delimiter,
               "identifier": {"column": self.id_column.currentData() or "",
                              "type": self.id_type.currentData()},
               "features": self.features()}
        if self.side == "bank":
            for key, combo in self._bank_roles().items():
                if combo.currentData():
                    doc[key] = {"column": combo.currentData()}
            contact = {f: c.currentData() for f, c in self.contact.items() if c.currentData()}
            if contact:
                doc["contact"] = contact
        consent = {k: v for k, v in self.consent.items() if k in CONSENT_FIELDS}
        if consent:
            doc["consent"] = consent
        return doc
