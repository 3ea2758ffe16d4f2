"""``demo --out DIR``: what ``make demo`` runs — the two-party pipeline on the bundled demo data;
``gui [--demo FILE]``: what ``make run`` runs — the desktop app, after ``make demo`` signed in to
one of its workspaces with the credentials it wrote (``workspaces.json``).

The demo runs every stage that exists in this version and says plainly which stages are not
built yet.
"""

from __future__ import annotations

from app.workflows.rehearsal import demo


def register(sub) -> None:
    parser = sub.add_parser("demo", help="run the two-party demo on bundled data (make demo)")
    parser.add_argument("--out", default="demo-out", help="folder for workspaces and report.json")
    parser.set_defaults(handler=_run)

    gui = sub.add_parser("gui", help="start the desktop app (make run); python -m app alone too")
    gui.add_argument("--demo", metavar="WORKSPACES_JSON",
                     help="open a demo workspace with the credentials make demo wrote")
    gui.add_argument("--party", choices=["bank", "platform"], default="bank",
                     help="with --demo: whose workspace to open first (default: bank)")
    gui.set_defaults(handler=_gui)


def _run(args) -> int:
    report = demo.run_demo(args.out, echo=print)
    print(f"Report written to {report}.")
    return 0


def _gui(args) -> int:
    from app.workflows.rehearsal.access import read_access
    access = read_access(args.demo) if args.demo else None   # a bad file fails before Qt starts
    from app.ui.main import run_gui  # only here: keeps Qt out of headless runs
    return run_gui(demo=access, party=args.party)
