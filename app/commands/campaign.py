"""``campaign evaluate``: evaluate a campaign run outside the product from an outcomes file.

Standalone mode: no workspace is opened; the file, the report and the optional partner report
stay on the local disk. The report layout is documented in docs/campaign-evaluation.md.
"""

from __future__ import annotations

import argparse
import json
import os
import unicodedata
from pathlib import Path

from app.errors import UserFacingError, ValidationError
from app.evaluation import evaluate_campaign, partner_report
from app.evaluation.outcomes_file import load_campaign, parse_scores, read_columns


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


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def evaluate(args: argparse.Namespace) -> int:
    delimiter = "\t" if args.delimiter.lower() in ("tab", "\\t") else args.delimiter
    if len(delimiter) != 1:
        raise ValidationError("The delimiter must be a single character.")
    if bool(args.reference_scores) != bool(args.reference_column):
        raise ValidationError("--reference-scores and --reference-column go together.")
    if args.reference_scores and not args.score_column:
        raise ValidationError("--reference-scores needs --score-column.")
    if args.min_cell < 1:
        raise ValidationError("--min-cell must be at least 1.")
    if args.window_days is not None and args.window_days < 1:
        raise ValidationError("--window-days must be at least 1.")
    treatment, by = _split(args.treatment), _split(args.by)
    if not treatment:
        raise ValidationError("--treatment needs at least one group value.")
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
        raise UserFacingError(f"Cannot write the report {path.name}: {exc.strerror or exc}.") from exc


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
