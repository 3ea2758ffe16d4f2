"""``data import|consent|summary``: consent-gated customer data (docs/data-import.md)."""

from __future__ import annotations

import json

from app.commands._common import add_workspace_args, console_task, signed_in
from app.workflows.importing import data_import


def register(sub) -> None:
    parser = sub.add_parser("data", help="import consented customer data (analysts)")
    actions = parser.add_subparsers(dest="action", required=True)
    imp = actions.add_parser("import", help="validate a customer file and its consent file, then store "
                                            "the consented rows (all or nothing)")
    add_workspace_args(imp)
    imp.add_argument("--data", required=True, metavar="FILE", help="CSV, CSV.GZ or XLSX")
    imp.add_argument("--consent", required=True, metavar="FILE", help="consent CSV")
    imp.add_argument("--profile", required=True, metavar="PROFILE.json")
    imp.add_argument("--dry-run", action="store_true", help="validate and print the report only")
    imp.add_argument("--report", metavar="OUT.json", help="also write the full report as JSON")
    imp.add_argument("--accept-warnings", action="store_true",
                     help="import even when the consent file grants nothing new or has dates "
                          "that cannot be right (the warnings are printed either way)")
    imp.set_defaults(handler=_import)
    con = actions.add_parser("consent", help="add a later consent file (revocations take effect now)")
    add_workspace_args(con)
    con.add_argument("--dataset", required=True)
    con.add_argument("--consent", required=True, metavar="FILE")
    con.set_defaults(handler=_consent)
    summ = actions.add_parser("summary", help="datasets, rows stored, eligible now, column dictionary")
    add_workspace_args(summ)
    summ.set_defaults(handler=_summary)


def _import(args) -> int:
    with signed_in(args) as session:
        report = data_import.import_dataset(session, args.data, args.consent, args.profile,
                                            console_task("Import"), commit=not args.dry_run,
                                            accept_warnings=args.accept_warnings)
    print(data_import.format_report(report))
    if args.report:
        with open(args.report, "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False, indent=1)
    print("Validated only; nothing stored." if args.dry_run else
          f"Stored {report['eligible']:,} consented rows as version {report['version']}.")
    return 0


def _consent(args) -> int:
    with signed_in(args) as session:
        out = data_import.import_consent(session, args.dataset, args.consent, console_task("Consent"))
    print(f"Consent batch {out['consent_batch']}: {out['rows_read']:,} rows read, "
          f"{out['rows_rejected']:,} rejected.")
    return 0


def _summary(args) -> int:
    with signed_in(args) as session:
        rows = data_import.summary(session)
    if not rows:
        print("No datasets imported yet.")
    for d in rows:
        print(f"{d['dataset']} ({d['side']}, {d['id_type']}): version {d['version']}, "
              f"{d['rows_stored']:,} rows stored, {d['eligible_now']:,} eligible now; "
              f"imported {d['imported_at']} by {d['imported_by']} from {d['source_file']}")
        for c in d["columns"]:
            print(f"    {c['name']}: {c['role']}, {c['type']}, {c['sensitivity']}")
    return 0
