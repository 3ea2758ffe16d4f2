"""``campaign ...``: campaign evaluation (docs/campaign-evaluation.md).

``campaign evaluate`` is the standalone mode: no workspace is opened; the file, the report and
the optional partner report stay on the local disk. The in-product commands work on a plan in
a workspace: ``import-outcomes``, ``evaluate-plan``, ``share`` (the aggregate report to a pinned
peer through an approved job), ``retrain-labels`` and ``simulate-outcomes`` (demo only).
"""

from __future__ import annotations

import argparse
import json
import os
import unicodedata
from pathlib import Path

from app.commands._common import add_workspace_args, console_task, signed_in
from app.errors import UserFacingError, ValidationError


def register(subparsers) -> None:
    campaign = subparsers.add_parser("campaign", help="campaign evaluation")
    sub = campaign.add_subparsers(dest="campaign_command", metavar="SUBCOMMAND", required=True)
    ev = sub.add_parser("evaluate", help="conversion, uplift and model checks from an outcomes file",
                        description="Evaluate a campaign from a CSV (UTF-8 or GBK) or XLSX outcomes file.")
    ev.add_argument("--outcomes", required=True, metavar="FILE", help="CSV or XLSX, one row per customer")
    ev.add_argument("--group-column", required=True, metavar="COL")
    ev.add_argument("--treatment", required=True, metavar="VALUE[,VALUE...]",
                    help="group value(s) of the treated customers")
    ev.add_argument("--control", required=True, metavar="VALUE", help="group value of the control group")
    ev.add_argument("--outcome-column", required=True, metavar="COL",
                    help="0/1, yes/no, true/false or 是/否")
    ev.add_argument("--by", default="", metavar="COL[,COL...]", help="break results down by these columns")
    ev.add_argument("--score-column", metavar="COL", help="model score: deciles, curves, AUC/KS")
    ev.add_argument("--reference-scores", metavar="FILE", help="scores of a reference population (PSI)")
    ev.add_argument("--reference-column", metavar="COL", help="score column of --reference-scores")
    ev.add_argument("--delimiter", default=",", metavar="X", help="CSV delimiter (default ','; 'tab' for TAB)")
    ev.add_argument("--window-days", type=int, metavar="N", help="outcome window, recorded in the report")
    ev.add_argument("--report", required=True, metavar="OUT.json")
    ev.add_argument("--partner-report", metavar="OUT.json",
                    help="also write the aggregate-only report for the partner")
    ev.add_argument("--min-cell", type=int, default=10, metavar="N",
                    help="partner report: hide cells with fewer customers in an arm (default 10)")
    ev.set_defaults(handler=evaluate)
    _register_plan_commands(sub)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def evaluate(args: argparse.Namespace) -> int:
    from app.workflows.campaign import (evaluate_campaign, load_campaign, parse_scores,
                                        partner_report, read_columns)

    delimiter = "\t" if args.delimiter.lower() in ("tab", "\\t") else args.delimiter
    if len(delimiter) != 1:
        raise ValidationError.coded("campaign_cli.delimiter")
    if bool(args.reference_scores) != bool(args.reference_column):
        raise ValidationError.coded("campaign_cli.reference_pair")
    if args.reference_scores and not args.score_column:
        raise ValidationError.coded("campaign_cli.reference_needs_score")
    if args.min_cell < 1:
        raise ValidationError.coded("campaign_cli.min_cell")
    if args.window_days is not None and args.window_days < 1:
        raise ValidationError.coded("campaign_cli.window_days")
    treatment, by = _split(args.treatment), _split(args.by)
    if not treatment:
        raise ValidationError.coded("campaign_cli.treatment_needed")
    data = load_campaign(args.outcomes, group_column=args.group_column, treatment=treatment,
                         control=args.control, outcome_column=args.outcome_column, by=by,
                         score_column=args.score_column, delimiter=delimiter)
    reference = None
    if args.reference_scores:
        ref_cols = read_columns(args.reference_scores, [args.reference_column], delimiter)
        reference = parse_scores(ref_cols, args.reference_column)
    parameters = {
        "outcomes_file": Path(args.outcomes).name, "group_column": args.group_column,
        "treatment": treatment, "control": args.control.strip(), "outcome_column": args.outcome_column,
        "by": by, "score_column": args.score_column, "window_days": args.window_days,
        "reference_file": Path(args.reference_scores).name if args.reference_scores else None,
    }
    report = evaluate_campaign(data.outcome, data.arm, by=data.by, score=data.score,
                               reference_scores=reference, parameters=parameters)
    _write_json(Path(args.report), report)
    if args.partner_report:
        _write_json(Path(args.partner_report), partner_report(report, args.min_cell))
    print(format_summary(report))
    print(f"Report written to {args.report}")
    return 0


def _write_json(path: Path, obj: dict) -> None:
    """Write atomically so a crash never leaves half a report; allow_nan=False guards the contract."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise UserFacingError.coded("campaign_cli.report_unwritable", file=path.name,
                                     reason=exc.strerror or str(exc)) from exc


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def _ci(pair: list | None, scale: float = 100.0, unit: str = "%") -> str:
    return "n/a" if pair is None else f"[{scale * pair[0]:.2f}{unit}, {scale * pair[1]:.2f}{unit}]"


def _label(text: str, width: int = 24) -> str:
    """Left-align by terminal columns: CJK characters take two."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)


def _cell_line(label: str, cell: dict) -> str:
    t, c = cell["treatment"], cell["control"]
    p = "n/a" if cell["p_value"] is None else f"{cell['p_value']:.3g}"
    return (f"{_label(label)} {t['n']:>9} {_pct(t['rate']):>8} {c['n']:>9} {_pct(c['rate']):>8} "
            f"{_pct(cell['uplift_abs']):>8} {_ci(cell['uplift_abs_ci95']):>20} {p:>9}")


def format_summary(report: dict) -> str:
    """A plain-text table of the report for the terminal."""
    o = report["overall"]
    head = f"{'':<24} {'treated':>9} {'rate':>8} {'control':>9} {'rate':>8} {'uplift':>8} {'95% CI':>20} {'p':>9}"
    lines = ["Campaign evaluation", head, _cell_line("overall", o)]
    inc = o["incremental_conversions"]
    if inc is not None:
        lines.append(f"Incremental conversions: {inc:.1f} "
                     f"{_ci(o['incremental_conversions_ci95'], 1.0, '')}; relative uplift "
                     f"{_pct(o['uplift_rel'])}")
    lines += [f"  note: {n}" for n in o["notes"]]
    for column, cells in report["by"].items():
        lines += ["", f"By {column}", head] + [_cell_line(str(v), cell) for v, cell in cells.items()]
    if "deciles" in report:
        lines += ["", "By score decile (1 = highest)", head]
        lines += [_cell_line(f"decile {r['decile']}", r) for r in report["deciles"]["rows"]]
        curves, model = report["deciles"]["curves"], report["model"]
        auuc = "n/a" if curves["auuc"] is None else f"{curves['auuc']:.5f} (random {curves['auuc_random']:.5f})"
        lines.append(f"AUUC {auuc}")
        auc = "n/a" if model["auc"] is None else f"{model['auc']:.4f}, KS {model['ks']:.4f}"
        lines.append(f"Treated arm: AUC {auc}")
        if model["psi"] is not None and model["psi"]["psi"] is not None:
            lines.append(f"Score drift PSI {model['psi']['psi']:.4f} ({model['psi']['level']})")
    return "\n".join(lines)


# ---- in-product: plans in a workspace ------------------------------------------------------------

def _register_plan_commands(sub) -> None:
    def command(name: str, handler, help_text: str):
        p = sub.add_parser(name, help=help_text)
        add_workspace_args(p)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler)
        return p

    imp = command("import-outcomes", _import_outcomes,
                  "match a bind file (identifier, bound at, channel) to a plan's members")
    imp.add_argument("--plan", required=True, metavar="ID")
    imp.add_argument("--outcomes", required=True, metavar="FILE", help="CSV (UTF-8/GBK) or XLSX")
    imp.add_argument("--id-column", default="customer_id", metavar="COL")
    imp.add_argument("--bound-at-column", default="bound_at", metavar="COL")
    imp.add_argument("--channel-column", default="channel", metavar="COL")
    imp.add_argument("--id-type", metavar="TYPE",
                     help="mobile, id_card, opaque or reference (default: the plan's)")
    imp.add_argument("--delimiter", default=",", metavar="X")
    imp.add_argument("--encoding", default="auto", metavar="ENC")
    ev = command("evaluate-plan", _evaluate_plan,
                 "evaluate a finalised plan; stored as a new evaluation version")
    ev.add_argument("--plan", required=True, metavar="ID")
    ev.add_argument("--window-days", type=int, default=30, metavar="N")
    ev.add_argument("--at", metavar="ISO", help="ignore binds recorded after this moment")
    ev.add_argument("--report", required=True, metavar="OUT.json")
    ev.add_argument("--partner-report", metavar="OUT.json",
                    help="also write the aggregate-only partner report")
    ev.add_argument("--min-cell", type=int, default=10, metavar="N")
    share = command("share", _share, "send an evaluation's aggregate report to a pinned peer "
                                     "(an evaluation_share job the peer approves)")
    share.add_argument("--peer", required=True, metavar="NAME")
    share.add_argument("--evaluation", required=True, metavar="ID")
    share.add_argument("--min-cell", type=int, default=10, metavar="N")
    share.add_argument("--wait", type=float, default=600, metavar="SECONDS",
                       help="how long to wait for the peer's decision")
    labels = command("retrain-labels", _retrain_labels,
                     "build retraining labels from an evaluation; prints the training parameters")
    labels.add_argument("--evaluation", required=True, metavar="ID")
    sim = command("simulate-outcomes", _simulate, "demo only: draw a bind file for a plan "
                                                  "from the simulated world")
    sim.add_argument("--plan", required=True, metavar="ID")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--out", required=True, metavar="DIR")


def _print(args, result: dict, text: str) -> None:
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str) if args.json else text)


def _import_outcomes(args) -> int:
    from app.workflows import campaign as wf

    delimiter = "\t" if args.delimiter.lower() in ("tab", "\\t") else args.delimiter
    with signed_in(args) as session:
        counts = wf.import_outcomes(
            session, args.plan, args.outcomes, args.id_column, args.bound_at_column,
            args.channel_column, args.id_type, delimiter, args.encoding, console_task("Reading"))
    lines = [f"Rows read {counts['rows_read']}, rejected {counts['rejected']}, "
             f"matched {counts['matched']} (treated {counts['matched_treated']}, control "
             f"{counts['matched_control']}, left out {counts['matched_left_out']}), "
             f"matching no plan member {counts['unmatched']}."]
    lines += [f"  row {p['row']}, column {p['column']}: {p['reason']}" for p in counts["problems"]]
    _print(args, counts, "\n".join(lines))
    return 0


def _evaluate_plan(args) -> int:
    from app.workflows import campaign as wf

    if args.min_cell < 1:
        raise ValidationError.coded("campaign_cli.min_cell")
    with signed_in(args) as session:
        report = wf.evaluate_plan(session, args.plan, args.window_days, args.at)
    _write_json(Path(args.report), report)
    if args.partner_report:
        _write_json(Path(args.partner_report), wf.partner_report(report, args.min_cell))
    p = report["parameters"]
    text = (f"{format_summary(report)}\nWindow {p['window_start']} .. {p['window_end']} "
            f"({p['window_days']} days from the {p['window_basis'].replace('_', ' ')}; "
            f"{'complete' if p['window_complete'] else 'still open'}).\n"
            f"Evaluation {report['evaluation']['id']} (version {report['evaluation']['version']}) "
            f"written to {args.report}")
    _print(args, {"evaluation": report["evaluation"], "report": args.report}, text)
    return 0


def _share(args) -> int:
    from app.workflows import campaign as wf
    from app.workflows import jobs
    from app.workflows.peering.link import PeerService

    with signed_in(args) as session:
        service = PeerService(session, decision_timeout=args.wait)
        job = wf.share_with_partner(session, service, args.peer, args.evaluation,
                                    args.min_cell, wait=args.wait)
    states = {"finished": "The partner received and stored the aggregate report.",
              "proposed": "The partner has not decided yet; the job waits for its approval.",
              "rejected": f"The partner rejected the job: {jobs.said(job.reason) or 'no reason given'}."}
    _print(args, {"job": job.id, "state": job.state, "result": job.result},
           f"Job {job.id}: {job.state}. {states.get(job.state, '')}")
    return 0 if job.state in ("finished", "proposed") else 2


def _retrain_labels(args) -> int:
    from app.workflows import campaign as wf

    with signed_in(args) as session:
        proposal = wf.retrain_proposal_params(session, args.evaluation)
    p = proposal.params
    _print(args, p, f"Labels stored for dataset {p['dataset']} v{p['dataset_version']}: "
                    f"{p['labelled']} labelled, {p['positives']} bound.\n"
                    f"Training parameters: {json.dumps(p, ensure_ascii=False)}")
    return 0


def _simulate(args) -> int:
    from app.workflows import campaign as wf

    Path(args.out).mkdir(parents=True, exist_ok=True)
    with signed_in(args) as session:
        sim = wf.simulate_demo_outcomes(session, args.plan, args.seed, args.out)
    _print(args, vars(sim), f"{sim.rows} simulated binds written to {sim.path}; true uplift over "
                            f"the treated customers {100 * sim.true_uplift_abs:.2f} pp.")
    return 0
