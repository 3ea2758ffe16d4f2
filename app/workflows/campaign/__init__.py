"""Campaign evaluation inside the product (docs/campaign-evaluation.md, "In-product")."""

from app.workflows.campaign.service import (  # noqa: F401
    OUTCOME_ID_TYPES, RetrainProposal, SimulatedOutcomes, evaluate_plan, finalised_plans,
    import_outcomes, labels_for_evaluation, list_evaluations, load_evaluation, partner_share,
    retrain_proposal_params, run_evaluation_share_job, share_with_partner, shared_reports,
    simulate_demo_outcomes,
)
