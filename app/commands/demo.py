"""``demo --out DIR``: what ``make demo`` runs — the two-party pipeline on the bundled demo data.

It runs every stage that exists in this version and says plainly which stages are not built yet.
"""

from __future__ import annotations

from app.workflows.rehearsal import demo


def register(sub) -> None:
    parser = sub.add_parser("demo", help="run the two-party demo on bundled data (make demo)")
    parser.add_argument("--out", default="demo-out", help="folder for workspaces and report.json")
    parser.set_defaults(handler=_run)


def _run(args) -> int:
    report = demo.run_demo(args.out, echo=print)
    print(f"Report written to {report}.")
    return 0
