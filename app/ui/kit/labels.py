"""Translated names for the codes the workflow layer uses (roles, party roles, key modes)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

USER_ROLES = {
    "administrator": QT_TRANSLATE_NOOP("Labels", "Administrator"),
    "analyst": QT_TRANSLATE_NOOP("Labels", "Analyst"),
    "branch_manager": QT_TRANSLATE_NOOP("Labels", "Branch manager"),
}
PARTY_ROLES = {
    "label": QT_TRANSLATE_NOOP("Labels", "Label party (holds the outcomes, e.g. the bank)"),
    "feature": QT_TRANSLATE_NOOP("Labels", "Feature party (adds features, e.g. the platform)"),
}
PARTY_ROLES_SHORT = {
    "label": QT_TRANSLATE_NOOP("Labels", "label party"),
    "feature": QT_TRANSLATE_NOOP("Labels", "feature party"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated label for ``code``, or the code itself when it is not in the table."""
    if code in table:
        return QCoreApplication.translate("Labels", table[code])
    return code or ""
