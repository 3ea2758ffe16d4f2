"""What approving a job exposes, in numbers the approver can weigh before deciding.

SecureBoost is secure against a semi-honest bank only: a bank that breaks the protocol can read the
partner's binned values of the rows in each node histogram (docs/threat-model.md). The partner's
approver therefore sees what is at stake in every training job it approves, and an alignment's
approver sees how many identifiers the peer may test against its customers.
"""

from __future__ import annotations

from app.crypto import schemes
from app.errors import UserFacingError, ValidationError
from app.store import alignments as alignment_store
from app.store import datasets as dataset_store
from app.store.jobs import Job
from app.workflows.training.scorecard import LR_FIELDS, lr_fields


def exposure(workspace, job: Job) -> dict | None:
    """Structured facts (the UI words them in the user's language); None when nothing to say."""
    p = job.params
    if job.type == "training" and workspace.role == "feature":
        try:
            record = workspace.db.run(alignment_store.get_alignment, p.get("alignment_id", ""))
            columns = workspace.db.run(dataset_store.dataset_columns, record.dataset)
            features = sum(1 for c in columns if c["role"] == "feature")
            rows = record.size
        except UserFacingError:  # an unknown alignment: the job cannot run anyway
            return None
        if p.get("model_type") == "scorecard":  # docs/scorecard.md, "What each party learns"
            try:   # a job from before these fields: the defaults it runs with
                lr = lr_fields(p)
            except ValidationError:   # refused when the job runs; show what was asked
                lr = {k: p.get(k) for k in LR_FIELDS}
            return {"kind": "scorecard", "features": features, "rows": rows,
                    "names_shared": bool(p.get("partner_names")), **lr}
        return {"kind": "training", "features": features, "rows": rows,
                "trees": p.get("n_trees"), "depth": p.get("max_depth"),
                "first_tree_bank_only": bool(p.get("first_tree_label_only")),
                "scheme": p.get("scheme") or "paillier", "key_bits": p.get("key_bits")}
    if job.type == "alignment":
        cap = p.get("max_items_proposer" if job.proposer == "remote" else "max_items_approver")
        return {"kind": "alignment", "peer_items": cap}
    return None


def sentence(facts: dict | None) -> str:
    """The same facts in English, for the CLI and the logs-free audit of a decision."""
    if not facts:
        return ""
    if facts["kind"] == "scorecard":
        names = "their names" if facts["names_shared"] else "anonymous names (partner_01, ...)"
        return (f"If approved, the bank learns how many of its labelled customers fall into each "
                f"bin of your {facts['features']} features on up to {facts['rows']:,} shared "
                f"customers, under {names}, and your points column per customer at scoring; you "
                "learn which of your bins it merged and which features it kept. The secret-shared "
                f"regression runs {facts['lr_epochs']} epochs in batches of "
                f"{facts['lr_batch_size']} rows (step {facts['lr_learning_rate']}, L2 "
                f"{facts['lr_l2']}); the bank learns its training loss per epoch."
                + _stopping(facts) + " Your own weights and bin edges stay with you "
                "(docs/scorecard.md).")
    if facts["kind"] == "training":
        return (f"If approved, the bank's model uses your {facts['features']} features on up to "
                f"{facts['rows']:,} shared customers over at most {facts['trees']} trees of depth "
                f"{facts['depth']}, under {schemes.TITLES.get(facts.get('scheme'), 'Paillier')} "
                f"encryption ({facts.get('key_bits')}-bit keys). A bank that broke the protocol "
                "could read your binned values "
                "of the customers in each node (docs/threat-model.md): your approval, these caps "
                "and both audits are your controls.")
    return (f"If approved, the peer learns, once, which of its up to {facts['peer_items']:,} "
            "identifiers are among your consented customers.")


def early_stopping(facts: dict) -> bool:
    """Whether the regression may stop early (then its stopping epoch depends on the labels)."""
    v, patience = facts.get("lr_valid_fraction"), facts.get("lr_patience")
    return (isinstance(v, (int, float)) and v > 0 and isinstance(patience, int) and patience > 0)


def _stopping(facts: dict) -> str:
    if not early_stopping(facts):
        return ""
    return (f" It holds out {facts['lr_valid_fraction']:.0%} of the training rows and stops after "
            f"{facts['lr_patience']} epochs without a better validation loss, which the bank "
            "alone learns; you learn at which epoch training stopped and which epoch's weights "
            "were kept, and that depends on the bank's labels.")
