"""Declarative condition rows (column, operator, value [, channel]) for exclusions and channel rules.

Rules are data, never code: each row becomes ``{"column", "op", "value"}`` exactly as
docs/plans.md specifies. The value a person types is parsed by the column's kind (flag,
category, number), so "true" compares a flag and "BR001, BR002" lists branches for ``in``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHeaderView, QLineEdit, QTableWidget,
                               QVBoxLayout, QWidget)

from app.ui.pages.segments.common import code_label
from app.ui.kit.widgets import Retranslatable, button, button_row
from app.workflows.plans.population import BUILTIN_COLUMNS, FLAGS
from app.workflows.plans.rules import CHANNELS, OPERATORS

TRUE_WORDS = {"true", "yes", "1", "是", "真"}
FALSE_WORDS = {"false", "no", "0", "否", "假"}


class RowError(ValueError):
    """A row's value does not fit its column; ``row`` counts from 1."""

    def __init__(self, row: int, kind: str):
        super().__init__(kind)
        self.row, self.kind = row, kind


def column_kinds(pop) -> dict[str, str]:
    """``flag``, ``category`` or ``number`` for every column rules may use."""
    kinds = {name: "number" for name in BUILTIN_COLUMNS}
    kinds.update({name: "flag" for name in FLAGS})
    kinds["branch"] = "category"
    for name, col in pop.custom.items():
        kinds[name] = "category" if col.categories is not None else "number"
    return kinds


def parse_value(kind: str, op: str, text: str):
    """The JSON value for ``text``; raises ValueError(kind) when it does not fit."""
    parts = [p.strip() for p in text.replace("，", ",").split(",")] if op == "in" else [text.strip()]
    if not parts or any(not p for p in parts):
        raise ValueError(kind)
    values = []
    for part in parts:
        if kind == "flag":
            word = part.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                raise ValueError(kind)
            values.append(word in TRUE_WORDS)
        elif kind == "number":
            number = float(part)          # ValueError on text
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(kind)
            values.append(int(number) if number.is_integer() else number)
        else:
            values.append(part)
    return values if op == "in" else values[0]


def value_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ConditionTable(Retranslatable, QWidget):
    """An editable list of conditions, optionally each with a channel (for channel rules)."""

    changed = Signal()

    def __init__(self, with_channel: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.with_channel = with_channel
        self.kinds: dict[str, str] = {}
        self.table = QTableWidget(0, 4 if with_channel else 3)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setMinimumHeight(110)
        self.add_button = button()
        self.remove_button = button()
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_row)
        buttons = button_row(self.add_button, self.remove_button, None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        headers = [self.tr("Column"), self.tr("Operator"), self.tr("Value")]
        if self.with_channel:
            headers.append(self.tr("Channel"))
        self.table.setHorizontalHeaderLabels(headers)
        self.add_button.setText(self.tr("Add rule"))
        self.remove_button.setText(self.tr("Remove rule"))
        for row in range(self.table.rowCount()):
            if self.with_channel:
                combo = self.table.cellWidget(row, 3)
                for i in range(combo.count()):
                    combo.setItemText(i, code_label(combo.itemData(i)))

    def set_columns(self, kinds: dict[str, str]) -> None:
        self.kinds = kinds
        self.table.setRowCount(0)
        self.add_button.setEnabled(bool(kinds))

    def add_row(self, column: str | None = None, op: str = "==", value: str = "",
                channel: str = "branch") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        columns = QComboBox()
        columns.addItems(list(self.kinds))
        if column in self.kinds:
            columns.setCurrentText(column)
        ops = QComboBox()
        ops.addItems(list(OPERATORS))
        ops.setCurrentText(op)
        text = QLineEdit(value)
        for widget, col in ((columns, 0), (ops, 1), (text, 2)):
            self.table.setCellWidget(row, col, widget)
        columns.currentIndexChanged.connect(self.changed)
        ops.currentIndexChanged.connect(self.changed)
        text.textChanged.connect(self.changed)
        if self.with_channel:
            channels = QComboBox()
            for name in CHANNELS:
                channels.addItem(code_label(name), name)
            channels.setCurrentIndex(CHANNELS.index(channel))
            channels.currentIndexChanged.connect(self.changed)
            self.table.setCellWidget(row, 3, channels)
        self.changed.emit()
        return row

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def cell(self, row: int, col: int):
        return self.table.cellWidget(row, col)

    def conditions(self) -> list[dict]:
        """The rows as rule JSON; raises RowError naming the first row that does not parse."""
        out = []
        for row in range(self.table.rowCount()):
            column = self.cell(row, 0).currentText()
            op = self.cell(row, 1).currentText()
            kind = self.kinds.get(column, "number")
            try:
                value = parse_value(kind, op, self.cell(row, 2).text())
            except ValueError:
                raise RowError(row + 1, kind) from None
            cond = {"column": column, "op": op, "value": value}
            out.append({"when": cond, "channel": self.cell(row, 3).currentData()}
                       if self.with_channel else cond)
        return out

    def set_conditions(self, items: list[dict]) -> bool:
        """Show stored rules; False when a channel rule had several conditions (first kept)."""
        self.table.setRowCount(0)
        whole = True
        for item in items:
            when = item["when"] if self.with_channel else item
            if isinstance(when, list):
                whole &= len(when) == 1
                when = when[0]
            self.add_row(when["column"], when["op"], value_text(when["value"]),
                         item.get("channel", "branch"))
        return whole
