"""Read-only QTableWidgets the pages list things in: one row per item, text cells, one selection.

Cells are plain text items (peer- and user-provided values included), never rich text. A page
keeps its items in a list in row order; the selection helpers map rows back to those items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

T = TypeVar("T")


def read_only_table(columns: int, single: bool = True) -> QTableWidget:
    """Whole-row selection (one row unless ``single`` is False), no editing, columns sized to
    their contents."""
    table = QTableWidget(0, columns)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def set_row(table: QTableWidget, row: int, texts) -> list[QTableWidgetItem]:
    """Cells hold text only (peer-sent values included), never rich text."""
    items = [QTableWidgetItem(str(text)) for text in texts]
    for col, item in enumerate(items):
        table.setItem(row, col, item)
    return items


def selected_item(table: QTableWidget, items: Sequence[T]) -> T | None:
    """The item on the selected row; None with no selection or a row the list no longer has."""
    model = table.selectionModel()
    rows = model.selectedRows() if model is not None else []
    if not rows or rows[0].row() >= len(items):
        return None
    return items[rows[0].row()]


def select_where(table: QTableWidget, items: Sequence[T], wanted: Callable[[T], bool]) -> None:
    """Select the row of each item ``wanted`` accepts (single selection: the last one wins)."""
    for row, item in enumerate(items):
        if wanted(item):
            table.selectRow(row)
