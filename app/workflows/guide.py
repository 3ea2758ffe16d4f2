"""The guided pipeline: where each product step stands for the signed-in user (the sidebar).

Steps in order: consent & data → peers → alignment → training → segments → campaign. Each gets
one state, computed here so the GUI only shows it:
- ``done``: this workspace holds the step's result (datasets, a pinned peer, an alignment, a
  model — at the bank a scored one, since plans need scores —, a plan, an evaluation);
- ``ready``: what it needs is there, the user can do it now;
- ``waiting``: an earlier step comes first (``needs`` names it);
- ``partner``: the partner acts next (a proposal of ours awaits its decision, or, at the feature
  party, the bank proposes alignment and training);
- ``not_for_role``: this role or party does not use the step (the platform holds no labels, so it
  plans no campaigns; a branch manager only reviews). The sidebar hides these.
At the bank a trained but unscored model leaves Training ``ready`` with ``needs`` = ``scoring``
(the sidebar says "score customers next"), and the partner deciding a scoring job is ``partner``.
Tools (Jobs, Audit, Users) have no state; Jobs says ``attention`` when proposals await our decision.
Only existence is read, never a customer value, so every role may see its own steps' states.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store import workspace as workspace_store
from app.workflows.session import Session

STEPS = ("data", "peers", "alignment", "training", "segments", "campaign")
LABEL_ONLY_STEPS = frozenset({"segments", "campaign"})  # need labels and scores: the bank's
DONE, READY, WAITING, PARTNER, NOT_FOR_ROLE, ATTENTION = (
    "done", "ready", "waiting", "partner", "not_for_role", "attention")
STEP_PERMISSIONS = {
    "data": ("data.import", "data.view"), "peers": ("peers.manage", "jobs.propose"),
    "alignment": ("align.run",), "training": ("train.run",),
    "segments": ("plan.create", "plan.review"),
    "campaign": ("campaign.evaluate", "campaign.evaluate.branch"),
}


@dataclass(frozen=True)
class StepStatus:
    key: str
    state: str | None
    needs: str | None = None      # with ``waiting``: the earlier step that comes first;
                                  # with ``ready``: "scoring" when only scoring is left


def party_uses(party_role: str, key: str) -> bool:
    """Whether a party of this role uses the step at all (the feature party plans nothing)."""
    return not (party_role == "feature" and key in LABEL_ONLY_STEPS)


def pipeline(session: Session) -> list[StepStatus]:
    """Every pipeline step's state for this user, in order, then the Jobs tool's."""
    party = session.workspace.role
    f = session.workspace.db.run(workspace_store.pipeline_facts)
    feature = party == "feature"

    def step(key, done, needs, need_met, partner_acts=False):
        if not any(session.can(p) for p in STEP_PERMISSIONS[key]) or not party_uses(party, key):
            return StepStatus(key, NOT_FOR_ROLE)
        if done:
            return StepStatus(key, DONE)
        if key in {"alignment", "training"} and key in f["ours_waiting"]:
            return StepStatus(key, PARTNER)
        if key == "training" and f["models"]:  # the bank: trained, not yet scored
            return StepStatus(key, PARTNER if "scoring" in f["ours_waiting"] else READY, "scoring")
        if not need_met:
            return StepStatus(key, WAITING, needs)
        return StepStatus(key, PARTNER if partner_acts else READY)

    plan_need = ("training", f["scores"]) if session.can("plan.create") else ("segments", f["plans"])
    out = [
        step("data", f["datasets"], None, True),
        step("peers", f["peers"], None, True),
        step("alignment", f["alignments"], "data" if not f["datasets"] else "peers",
             f["datasets"] and f["peers"], partner_acts=feature),
        step("training", f["models"] and (feature or f["scores"]), "alignment", f["alignments"],
             partner_acts=feature),
        step("segments", f["plans"] and session.can("plan.create"), plan_need[0], plan_need[1]),
        step("campaign", f["evaluations"], "segments", f["finalised"]),
    ]
    out.append(StepStatus("jobs", ATTENTION if f["theirs_waiting"] else None))
    return out


def next_step(session: Session, after: str) -> str | None:
    """The first step after ``after`` this user can do now (for "Next: …" after a success)."""
    states = pipeline(session)
    keys = [s.key for s in states]
    later = states[keys.index(after) + 1:] if after in keys else states
    return next((s.key for s in later if s.state == READY), None)
