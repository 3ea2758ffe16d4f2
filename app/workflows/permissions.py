"""Which role may do what. Enforced in the workflow layer, so the CLI and the GUI obey the same rules."""

ROLES = ("administrator", "analyst", "branch_manager")

ROLE_LABELS = {"administrator": "Administrator", "analyst": "Analyst",
               "branch_manager": "Branch manager"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "administrator": frozenset({
        "users.manage", "audit.read", "peers.manage", "jobs.approve", "jobs.policy",
        "workspace.destroy", "workspace.executor", "data.view", "killswitch",
    }),
    "analyst": frozenset({
        "data.import", "data.view", "jobs.propose", "jobs.approve", "align.run", "train.run",
        "score.run", "plan.create", "plan.export", "campaign.evaluate", "audit.read",
    }),
    "branch_manager": frozenset({"plan.review", "campaign.evaluate.branch",
                                 "customer.name.masked"}),
}


def allowed(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
