"""Translated names for the codes the workflow layer uses (roles, party roles, audit actions,
channels): the one list pages show codes through (``label``)."""

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
    """One picker line: ★ for the main model, name, date, validation AUC (where known), status.

    ``when`` is the local ``YYYY-MM-DD HH:MM``; what of it the name already ends with (a default
    name carries both) is not repeated."""
    tr = lambda text: QCoreApplication.translate("Labels", text)  # noqa: E731
    name = str(model.get("name") or model.get("id", ""))
    if name.endswith(when):
        when = ""
    elif when[:10] and name.endswith(when[:10]):
        when = when[11:]
    parts = [("★ " if model.get("main") else "") + name] + ([when] if when else [])
    if model.get("auc") is not None:
        parts.append(tr("AUC %1").replace("%1", f"{model['auc']:.3f}"))
    if model.get("origin") in MODEL_ORIGINS:
        parts.append(label(MODEL_ORIGINS, model["origin"]))
    if "scored" in model:
        parts.append(tr("scored") if model["scored"] else tr("not scored"))
    return " · ".join(parts)


# Audit actions and the keys of their objects (the Audit page; the code stays in the tooltip).
AUDIT_ACTIONS = {
    "session.login": QT_TRANSLATE_NOOP("Labels", "Signed in"),
    "session.login_failed": QT_TRANSLATE_NOOP("Labels", "Sign-in failed"),
    "session.logout": QT_TRANSLATE_NOOP("Labels", "Signed out"),
    "users.add": QT_TRANSLATE_NOOP("Labels", "User added"),
    "users.disable": QT_TRANSLATE_NOOP("Labels", "User disabled"),
    "users.enable": QT_TRANSLATE_NOOP("Labels", "User enabled"),
    "users.reset_password": QT_TRANSLATE_NOOP("Labels", "Password reset"),
    "users.change_password": QT_TRANSLATE_NOOP("Labels", "Password changed"),
    "workspace.create": QT_TRANSLATE_NOOP("Labels", "Workspace created"),
    "workspace.destroy": QT_TRANSLATE_NOOP("Labels", "Workspace destroyed"),
    "workspace.executor_set": QT_TRANSLATE_NOOP("Labels", "Compute setting changed"),
    "identity.create": QT_TRANSLATE_NOOP("Labels", "Identity created"),
    "peer.add": QT_TRANSLATE_NOOP("Labels", "Peer added"),
    "peer.remove": QT_TRANSLATE_NOOP("Labels", "Peer removed"),
    "peer.listen_set": QT_TRANSLATE_NOOP("Labels", "Listen address set"),
    "peer.head": QT_TRANSLATE_NOOP("Labels", "Peer's audit head received"),
    "peer.head_rollback": QT_TRANSLATE_NOOP("Labels", "Peer's audit chain went back"),
    "audit.rollback_detected": QT_TRANSLATE_NOOP("Labels", "Rollback of this workspace detected"),
    "killswitch.pause": QT_TRANSLATE_NOOP("Labels", "Cross-party work paused"),
    "killswitch.resume": QT_TRANSLATE_NOOP("Labels", "Cross-party work resumed"),
    "job.propose": QT_TRANSLATE_NOOP("Labels", "Job proposed"),
    "job.proposal_received": QT_TRANSLATE_NOOP("Labels", "Proposal received"),
    "job.approve": QT_TRANSLATE_NOOP("Labels", "Job approved"),
    "job.reject": QT_TRANSLATE_NOOP("Labels", "Job rejected"),
    "job.auto_approve": QT_TRANSLATE_NOOP("Labels", "Job approved by policy"),
    "job.policy": QT_TRANSLATE_NOOP("Labels", "Approval policy changed"),
    "job.peer_approved": QT_TRANSLATE_NOOP("Labels", "Peer approved the job"),
    "job.peer_rejected": QT_TRANSLATE_NOOP("Labels", "Peer rejected the job"),
    "job.resume_requested": QT_TRANSLATE_NOOP("Labels", "Resume requested"),
    "job.running": QT_TRANSLATE_NOOP("Labels", "Job started"),
    "job.finished": QT_TRANSLATE_NOOP("Labels", "Job finished"),
    "job.failed": QT_TRANSLATE_NOOP("Labels", "Job failed"),
    "job.paused": QT_TRANSLATE_NOOP("Labels", "Job paused"),
    "job.cancelled": QT_TRANSLATE_NOOP("Labels", "Job cancelled"),
    "job.cancel": QT_TRANSLATE_NOOP("Labels", "Job cancelled"),
    "job.interrupted": QT_TRANSLATE_NOOP("Labels", "Job interrupted"),
    "job.start_refused": QT_TRANSLATE_NOOP("Labels", "Start refused"),
    "data.import": QT_TRANSLATE_NOOP("Labels", "Data imported"),
    "data.consent": QT_TRANSLATE_NOOP("Labels", "Consents imported"),
    "alignment.saved": QT_TRANSLATE_NOOP("Labels", "Alignment saved"),
    "model.store": QT_TRANSLATE_NOOP("Labels", "Model stored"),
    "model.rename": QT_TRANSLATE_NOOP("Labels", "Model renamed"),
    "model.main": QT_TRANSLATE_NOOP("Labels", "Main model chosen"),
    "model.record_exported": QT_TRANSLATE_NOOP("Labels", "Model record exported"),
    "scores.store": QT_TRANSLATE_NOOP("Labels", "Scores stored"),
    "plan.create": QT_TRANSLATE_NOOP("Labels", "Plan created"),
    "plan.revise": QT_TRANSLATE_NOOP("Labels", "Plan revised"),
    "plan.finalise": QT_TRANSLATE_NOOP("Labels", "Plan finalised"),
    "plan.export": QT_TRANSLATE_NOOP("Labels", "Plan exported"),
    "plan.branch_approve": QT_TRANSLATE_NOOP("Labels", "Branch approved its list"),
    "plan.branch_reject": QT_TRANSLATE_NOOP("Labels", "Branch rejected its list"),
    "plan.branch_remove": QT_TRANSLATE_NOOP("Labels", "Branch removed a customer"),
    "plan.consent_withdrawn": QT_TRANSLATE_NOOP("Labels", "Consent withdrawn"),
    "plan.control_override": QT_TRANSLATE_NOOP("Labels", "Control group overridden"),
    "campaign.outcomes_import": QT_TRANSLATE_NOOP("Labels", "Outcomes imported"),
    "campaign.evaluate": QT_TRANSLATE_NOOP("Labels", "Campaign evaluated"),
    "campaign.retrain_labels": QT_TRANSLATE_NOOP("Labels", "Outcomes used for retraining"),
    "campaign.share_sent": QT_TRANSLATE_NOOP("Labels", "Report shared"),
    "campaign.share_received": QT_TRANSLATE_NOOP("Labels", "Report received"),
}
AUDIT_OBJECTS = {
    "job": QT_TRANSLATE_NOOP("Labels", "job"),
    "peer": QT_TRANSLATE_NOOP("Labels", "peer"),
    "type": QT_TRANSLATE_NOOP("Labels", "type"),
    "user": QT_TRANSLATE_NOOP("Labels", "user"),
    "role": QT_TRANSLATE_NOOP("Labels", "role"),
    "plan": QT_TRANSLATE_NOOP("Labels", "plan"),
    "model": QT_TRANSLATE_NOOP("Labels", "model"),
    "dataset": QT_TRANSLATE_NOOP("Labels", "dataset"),
    "evaluation": QT_TRANSLATE_NOOP("Labels", "evaluation"),
    "branch": QT_TRANSLATE_NOOP("Labels", "branch"),
    "transcript_hash": QT_TRANSLATE_NOOP("Labels", "transcript hash"),
    "file": QT_TRANSLATE_NOOP("Labels", "file"),
    "alignment": QT_TRANSLATE_NOOP("Labels", "alignment"),
    "name": QT_TRANSLATE_NOOP("Labels", "name"),
    "executor": QT_TRANSLATE_NOOP("Labels", "compute"),
    "party": QT_TRANSLATE_NOOP("Labels", "party"),
    "address": QT_TRANSLATE_NOOP("Labels", "address"),
    "state": QT_TRANSLATE_NOOP("Labels", "state"),
}
CHANNELS = {
    "app": QT_TRANSLATE_NOOP("Labels", "App"),
    "branch": QT_TRANSLATE_NOOP("Labels", "Branch"),
}
