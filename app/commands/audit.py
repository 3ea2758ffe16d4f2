"""``audit export|verify|list``; ``audit verify FILE`` needs no workspace (for auditors)."""

from __future__ import annotations

from app.commands._common import add_workspace_args, signed_in
from app.workflows import audit_trail


def register(sub) -> None:
    parser = sub.add_parser("audit", help="export, list or verify the audit chain")
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write the chain as JSON Lines")
    add_workspace_args(export)
    export.add_argument("--out", required=True)
    export.set_defaults(handler=_export)
    verify = actions.add_parser("verify", help="verify an exported file (no workspace needed)")
    verify.add_argument("file")
    verify.set_defaults(handler=_verify)
    lst = actions.add_parser("list", help="print entries")
    add_workspace_args(lst)
    lst.add_argument("--filter", default="")
    lst.set_defaults(handler=_list)


def _export(args) -> int:
    with signed_in(args) as session:
        out = audit_trail.export_chain(session, args.out)
        session.audit("audit.export", {}, {"file": out.name})
    print(f"Exported to {out}.")
    return 0


def _verify(args) -> int:
    report = audit_trail.verify_export(args.file)
    print(report.sentence())
    return 0 if report.ok else 1


def _list(args) -> int:
    with signed_in(args) as session:
        for e in audit_trail.list_entries(session, text=args.filter):
            print(f"{e['seq']}\t{e['ts']}\t{e['actor']}\t{e['action']}\t{e['objects']}")
    return 0
