"""``plan create|revise|list|show|review|approve|finalise|export`` (docs/plans.md).

The population comes from the workspace's stored scores (``load_population``). PDF call sheets
need Qt, so the PDF writer is imported from app/ui only when an export asks for it.
"""

from __future__ import annotations

import json

from app.commands._common import add_workspace_args, signed_in
from app.workflows import plans
from app.workflows.plans.rules import load_rules


def register(sub) -> None:
    parser = sub.add_parser("plan", help="campaign plans: segments, channels, control, review, reach lists")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, handler, help_text: str, plan_id: bool = True):
        p = actions.add_parser(name, help=help_text)
        add_workspace_args(p)
        if plan_id:
            p.add_argument("--plan", required=True, metavar="ID", help="plan id (see 'plan list')")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler)
        return p

    create = action("create", _create, "build and store a plan from a model's scores", plan_id=False)
    create.add_argument("--model", required=True, metavar="ID")
    create.add_argument("--rules", required=True, metavar="RULES.json")
    create.add_argument("--dry-run", action="store_true", help="print the counts; store nothing")
    revise = action("revise", _revise, "new version of a plan from new rules")
    revise.add_argument("--model", required=True, metavar="ID")
    revise.add_argument("--rules", required=True, metavar="RULES.json")
    action("list", _list, "list plans", plan_id=False)
    action("show", _show, "counts by channel, branch and decile (branch managers: own branch)")
    review = action("review", _review, "a branch's list (masked); --remove takes one customer off")
    review.add_argument("--branch", help="analysts: the branch to show")
    review.add_argument("--remove", metavar="REFERENCE", help="customer reference to remove")
    review.add_argument("--reason", default="", help="why (required with --remove and --reject)")
    approve = action("approve", _approve, "branch managers: approve (or --reject) the branch's list")
    approve.add_argument("--reject", action="store_true")
    approve.add_argument("--reason", default="")
    action("finalise", _finalise, "freeze the plan once branches have decided")
    export = action("export", _export, "write reach lists (branch managers: own call sheet)")
    export.add_argument("--out", required=True, metavar="DIR")
    export.add_argument("--branch", help="analysts: only this branch's call sheet")
    export.add_argument("--no-pdf", action="store_true", help="skip the printable PDF call sheets")


def _run(args, fn) -> int:
    with signed_in(args) as session:
        result = fn(session)
    if getattr(args, "json", False):
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    else:
        _print(result)
    return 0


def _print(value, indent: str = "") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                print(f"{indent}{key}:")
                _print(item, indent + "  ")
            else:
                print(f"{indent}{key}: {item}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                print(indent + "  ".join(f"{k}={v}" for k, v in item.items()))
            else:
                print(f"{indent}{item}")
    elif value is not None:
        print(f"{indent}{value}")


def _create(args) -> int:
    rules = load_rules(args.rules)

    def go(session):
        pop = plans.load_population(session.workspace, args.model)
        prep = plans.prepare_population(session, pop)
        if args.dry_run:
            return plans.live_counts(session, prep, rules)
        plan = plans.create_plan(session, prep, rules, args.model)
        return {"plan": plan.id, "version": plan.version, **plans.plan_summary(plan)}
    return _run(args, go)


def _revise(args) -> int:
    rules = load_rules(args.rules)

    def go(session):
        pop = plans.load_population(session.workspace, args.model)
        plan = plans.revise_plan(session, args.plan, pop, rules)
        return {"plan": plan.id, "version": plan.version, **plans.plan_summary(plan)}
    return _run(args, go)


def _list(args) -> int:
    return _run(args, plans.list_plans)


def _show(args) -> int:
    return _run(args, lambda s: plans.plan_overview(s, args.plan))


def _review(args) -> int:
    def go(session):
        if args.remove:
            plans.remove_customer(session, args.plan, args.remove, args.reason)
            return "Removed."
        listed = plans.branch_list(session, args.plan, args.branch)
        return {"campaign_id": listed.campaign_id, "branch": listed.branch, "state": listed.state,
                "decision": listed.decision, "pitch_script": listed.pitch_script,
                "counts": listed.counts, "customers": listed.rows}
    return _run(args, go)


def _approve(args) -> int:
    def go(session):
        plans.decide_branch(session, args.plan, not args.reject, args.reason)
        return "Rejected." if args.reject else "Approved."
    return _run(args, go)


def _finalise(args) -> int:
    return _run(args, lambda s: plans.plan_summary(plans.finalise_plan(s, args.plan)))


def _export(args) -> int:
    pdf_writer = None
    if not args.no_pdf:
        from app.ui.print_sheets import write_call_sheet_pdf  # Qt only when a PDF is asked for
        pdf_writer = write_call_sheet_pdf

    def go(session):
        if session.user.role == "branch_manager" or args.branch:
            return plans.export_branch_call_sheet(session, args.plan, args.out, pdf_writer,
                                                  args.branch)
        return plans.export_reach_lists(session, args.plan, args.out, pdf_writer)
    return _run(args, go)
