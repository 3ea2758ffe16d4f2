"""``gui``: start the desktop app (``python -m app`` with no command does the same), optionally
signed in to a workspace of ``make demo`` with the credentials in its ``workspaces.json``."""

from __future__ import annotations


def register(sub) -> None:
    parser = sub.add_parser("gui", help="start the desktop app (make run)")
    parser.add_argument("--demo", metavar="WORKSPACES_JSON",
                        help="open a demo workspace with the credentials make demo wrote")
    parser.add_argument("--party", choices=["bank", "platform"], default="bank",
                        help="with --demo: whose workspace to open first (default: bank)")
    parser.set_defaults(handler=_run)


def _run(args) -> int:
    from app.workflows.rehearsal.access import read_access
    access = read_access(args.demo) if args.demo else None   # a bad file fails before Qt starts
    from app.ui.main import run_gui  # only here: keeps Qt out of headless runs
    return run_gui(demo=access, party=args.party)
