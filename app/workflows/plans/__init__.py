"""Campaign plans: target segments, channels, control group, versions (docs/plans.md)."""

from app.workflows.plans.service import (  # noqa: F401
    Rules, ScoredPopulation, branch_list, build_population, create_plan, decide_branch, distinct,
    evaluation_arms, export_branch_call_sheet, export_reach_lists, finalise_plan, list_plans,
    live_counts, load_plan, load_population, load_population_in, load_rules, parse_rules,
    plan_aggregates, plan_overview, plan_summary, prepare_population, preview_plan,
    record_consent_withdrawals, remove_customer, revise_plan, save_population, store_population,
)
from app.workflows.plans.context import NAME_COLUMN, REASONS, day_text  # noqa: F401
