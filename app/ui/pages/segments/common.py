"""Shared pieces of the Segments page: translated codes, a read-only table model, number formats.

Codes from the plan workflow (channels, funnel steps, member status, review decisions) are shown
through the ``Segments`` translation context. Workflow refusals with fixed wording are registered
in the ``Errors`` context so the page shows them in Chinese too.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex,
                            Qt)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.ui.kit.labels import CHANNELS, label

CONTEXT = "Segments"
CODES = {
    "consent": QT_TRANSLATE_NOOP("Segments", "Consent revoked or expired"),
    "opted_out": QT_TRANSLATE_NOOP("Segments", "Opted out of marketing"),
    "already_bound": QT_TRANSLATE_NOOP("Segments", "Already bound"),
    "contacted_recently": QT_TRANSLATE_NOOP("Segments", "Contacted recently"),
    "decile_not_selected": QT_TRANSLATE_NOOP("Segments", "Decile not selected"),
    "contact": QT_TRANSLATE_NOOP("Segments", "To contact"),
    "control": QT_TRANSLATE_NOOP("Segments", "Control"),
    "removed_by_branch": QT_TRANSLATE_NOOP("Segments", "Removed by branch"),
    "branch_rejected": QT_TRANSLATE_NOOP("Segments", "Branch rejected"),
    "branch_no_response": QT_TRANSLATE_NOOP("Segments", "Branch did not answer"),
    "consent_withdrawn": QT_TRANSLATE_NOOP("Segments", "Consent withdrawn"),
    "approved": QT_TRANSLATE_NOOP("Segments", "Approved"),
    "rejected": QT_TRANSLATE_NOOP("Segments", "Rejected"),
    "pending": QT_TRANSLATE_NOOP("Segments", "Pending"),
    "review": QT_TRANSLATE_NOOP("Segments", "In review"),
    "finalised": QT_TRANSLATE_NOOP("Segments", "Finalised"),
    "overflow_to_app": QT_TRANSLATE_NOOP("Segments", "Move the overflow to the app"),
    "drop_lowest_scores": QT_TRANSLATE_NOOP("Segments", "Drop the lowest scores"),
    "include": QT_TRANSLATE_NOOP("Segments", "Include them"),
    "exclude": QT_TRANSLATE_NOOP("Segments", "Exclude them"),
    "top_n": QT_TRANSLATE_NOOP("Segments", "Top N customers"),
    "top_percent": QT_TRANSLATE_NOOP("Segments", "Top % of the eligible"),
    "threshold": QT_TRANSLATE_NOOP("Segments", "Score at least"),
    "top_decile": QT_TRANSLATE_NOOP("Segments", "Top 20% score"),
    "joint_model": QT_TRANSLATE_NOOP("Segments", "Scored by the joint model"),
    "app_active": QT_TRANSLATE_NOOP("Segments", "Active in the app (30 days)"),
    "branch_visit": QT_TRANSLATE_NOOP("Segments", "Visited a branch recently"),
    "not_contacted_recently": QT_TRANSLATE_NOOP("Segments", "Not contacted in 90 days"),
}

SEGMENT_SENTENCES = (
    QT_TRANSLATE_NOOP("Errors", "Please give a reason."),
    QT_TRANSLATE_NOOP("Errors", "Your branch has already decided on this list."),
    QT_TRANSLATE_NOOP("Errors", "This plan is finalised; its branch lists can no longer change."),
    QT_TRANSLATE_NOOP("Errors", "Reach lists are exported only from a finalised plan."),
    QT_TRANSLATE_NOOP("Errors", "This plan is already finalised."),
    QT_TRANSLATE_NOOP("Errors", "A finalised plan cannot be changed; create a new plan."),
    QT_TRANSLATE_NOOP("Errors", "Your branch has no customers in this plan."),
    QT_TRANSLATE_NOOP("Errors", "No customer with this reference is on your branch's list."),
    QT_TRANSLATE_NOOP("Errors", "The plan changed meanwhile; open your branch's list again."),
    QT_TRANSLATE_NOOP("Errors", "Branch managers see only their own branch's list."),
    QT_TRANSLATE_NOOP("Errors", "There is no such plan."),
    QT_TRANSLATE_NOOP("Errors", "Plan rules: 'campaign_id' is 1-64 letters, digits, '.', '-', '_' "
                                "and starts with a letter or digit."),
    QT_TRANSLATE_NOOP("Errors", "Plan rules: 'template_id' must not be empty."),
    QT_TRANSLATE_NOOP("Errors", "A plan without a control group needs "
                                "'control.allow_no_control': true and a 'control.reason'."),
)


def code_label(code: str) -> str:
    """The translated name of a workflow code; ``custom[2]`` becomes "Custom rule 3"."""
    if code in CODES:
        return QCoreApplication.translate(CONTEXT, CODES[code])
    if code in CHANNELS:   # the channels' names are shared with the Campaign page's charts
        return label(CHANNELS, code)
    if code.startswith("custom[") and code.endswith("]") and code[7:-1].isdigit():
        return (QCoreApplication.translate("Segments", "Custom rule %1")
                .replace("%1", str(int(code[7:-1]) + 1)))
    return code


def count(value) -> str:
    return f"{int(value):,}"


def display(value) -> str:
    """Cell text: counts with thousands separators, scores with 4 decimals, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


class RowsModel(QAbstractTableModel):
    """Rows of plain values; headers come from a function so they follow the language."""

    def __init__(self, headers: Callable[[], list[str]], parent=None):
        super().__init__(parent)
        self._headers = headers
        self.rows: list[list] = []

    def set_rows(self, rows: list[list]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers())

    def data(self, index, role=Qt.DisplayRole):
        """Numbers are formatted and right-aligned; text is shown as it is."""
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.DisplayRole:
            return display(value)
        if role == Qt.TextAlignmentRole and isinstance(value, (int, float)):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self._headers()[section]
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Horizontal, 0, max(0, self.columnCount() - 1))


def table_view(model: RowsModel, select_rows: bool = False, stretch_first: bool = False,
               fit_contents: bool = False) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection if select_rows
                          else QAbstractItemView.NoSelection)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    if fit_contents:    # identifiers must show whole: each column as wide as its text
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setMinimumSectionSize(90)
        header.setStretchLastSection(True)
    elif stretch_first:   # a long label column, then numbers as wide as they need
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
    else:
        header.setSectionResizeMode(QHeaderView.Stretch)
    return view
