"""Table model for audit entries: thousands of rows without one widget per cell."""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt

from app.ui.kit.labels import AUDIT_ACTIONS, AUDIT_OBJECTS, USER_ROLES, label
from app.ui.pages.job_panels import JOB_TYPES, jobs_label


def local_time(ts: str) -> str:
    try:
        return datetime.fromisoformat(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(ts)


def readable_objects(text: str) -> str:
    """``{"user":"bob"}`` -> ``user: bob`` in the window's language (the raw JSON stays in the
    tooltip); a job type or a role is said by its display name too."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return str(text)
    if not isinstance(value, dict):
        return str(text)
    return ", ".join(f"{label(AUDIT_OBJECTS, k)}: {_value(k, v)}" for k, v in value.items())


def _value(key: str, value) -> str:
    if key == "type":
        return jobs_label(JOB_TYPES, str(value))
    if key == "role":
        return label(USER_ROLES, str(value))
    return str(value)


def readable_action(code: str) -> str:
    """The action's display name; an action without one is shown as its code."""
    return label(AUDIT_ACTIONS, code)


class AuditModel(QAbstractTableModel):
    KEYS = ("seq", "ts", "actor", "action", "objects")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[dict] = []

    def set_entries(self, entries: list[dict]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.KEYS)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        entry = self.entries[index.row()]
        key = self.KEYS[index.column()]
        if key == "ts":
            return local_time(entry["ts"])
        if key == "seq":
            return int(entry["seq"]) if role == Qt.DisplayRole else None
        if key == "objects" and role == Qt.DisplayRole:
            return readable_objects(entry["objects"])
        if key == "action" and role == Qt.DisplayRole:
            return readable_action(entry["action"])
        return str(entry[key])

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation != Qt.Horizontal or role != Qt.DisplayRole:
            return None
        return self.headers()[section]

    @staticmethod
    def headers() -> list[str]:
        return [QCoreApplication.translate("AuditModel", "No."),
                QCoreApplication.translate("AuditModel", "Time"),
                QCoreApplication.translate("AuditModel", "User"),
                QCoreApplication.translate("AuditModel", "Action"),
                QCoreApplication.translate("AuditModel", "Objects")]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Horizontal, 0, len(self.KEYS) - 1)
