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


MODEL_ORIGINS = {
    "replay": QT_TRANSLATE_NOOP("Labels", "replay"),
    "retrained": QT_TRANSLATE_NOOP("Labels", "retrained on outcomes"),
}


def model_text(model: dict, when: str) -> str:
    """One picker line: ★ for the main model, name, date, validation AUC (where known), status."""
    tr = lambda text: QCoreApplication.translate("Labels", text)  # noqa: E731
    parts = [("★ " if model.get("main") else "") + str(model.get("name") or model.get("id", "")),
             when]
    if model.get("auc") is not None:
        parts.append(tr("AUC %1").replace("%1", f"{model['auc']:.3f}"))
    if model.get("origin") in MODEL_ORIGINS:
        parts.append(label(MODEL_ORIGINS, model["origin"]))
    if "scored" in model:
        parts.append(tr("scored") if model["scored"] else tr("not scored"))
    return " · ".join(parts)
