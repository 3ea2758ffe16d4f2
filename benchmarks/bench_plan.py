"""Campaign plan at bank scale: 4,000,000 scored customers (quick: 400,000), synthetic arrays.

Figures: preparing the population (sort, deciles), one live-count refresh (what the rule editor
does on every edit), building and storing a plan in a real SQLCipher workspace (target <= 10 s),
finalising, and exporting every reach list: app CSV + JSON and one XLSX + PDF call sheet per
branch (target <= 30 s); also the same export without the PDFs, which dominate (Qt's PDF engine
costs ~40 us per drawn text run and ~30 ms per file).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

from app.workflows import plans, users
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login
from app.workflows.workspace_admin import init_workspace

RULES = {"campaign_id": "BENCH", "template_id": "bind_v1", "pitch_script": "Bind your card today.",
         "selection": {"mode": "top_percent", "value": 30},
         "exclusions": {"contacted_within_days": 30,
                        "custom": [{"column": "age", "op": "<", "value": 18}]},
         "channels": {"rules": [{"when": {"column": "app_active_30d", "op": "==", "value": True},
                                 "channel": "app"},
                                {"when": {"column": "branch_visit_recent", "op": "==", "value": True},
                                 "channel": "branch"}],
                      "default": "app", "branch_weekly_capacity": 100, "weeks": 2,
                      "overflow": "overflow_to_app"},
         "control": {"fraction": 0.1, "seed": 2024}}


def _row(figure, value, unit, reference=None, note=""):
    ratio = value / reference if reference else None
    return {"figure": figure, "value": value, "unit": unit, "reference": reference,
            "ratio": ratio, "note": note}


def _timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def _pdf_writer():
    try:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from app.ui.print_sheets import write_call_sheet_pdf
        return write_call_sheet_pdf
    except ImportError:  # no Qt in this environment: XLSX only, said in the note
        return None


def run(quick: bool) -> list[dict]:
    import numpy as np
    n = 400_000 if quick else 4_000_000
    n_branches = 40 if quick else 300
    age = np.random.default_rng(1).integers(16, 80, n).astype(np.float64)
    pop, t_gen = _timed(synthetic_population, n, 7, n_branches, {"age": age})
    tmp = tempfile.mkdtemp(prefix="bench-plan-")
    try:
        admin = init_workspace(os.path.join(tmp, "ws"), "Bench Bank", "label", "admin",
                               "bench-admin-pw", passphrase="bench-passphrase")
        users.add_user(admin, "ana", "analyst", "bench-analyst-pw")
        ana = login(admin.workspace, "ana", "bench-analyst-pw")
        prep, t_prep = _timed(plans.prepare_population, ana, pop)
        live, t_live = _timed(plans.live_counts, ana, prep, RULES)
        plan, t_create = _timed(plans.create_plan, ana, prep, RULES, "bench-model")
        plan, t_final = _timed(plans.finalise_plan, ana, plan.id)
        _, t_no_pdf = _timed(plans.export_reach_lists, ana, plan.id, os.path.join(tmp, "out1"))
        writer = _pdf_writer()
        files, t_export = _timed(plans.export_reach_lists, ana, plan.id, os.path.join(tmp, "out2"),
                                 writer)
        admin.workspace.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    members = len(plan.members)
    sheets = sum(1 for f in files if f["kind"] == "call_sheet_xlsx")
    pitched = sum(f["rows"] for f in files if f["kind"] == "call_sheet_xlsx")
    app_rows = next(f["rows"] for f in files if f["kind"] == "app_csv")
    scale = f"{n:,} scored, {n_branches} branches"
    return [
        _row("synthetic population", t_gen, "s", None, scale),
        _row("prepare (sort + deciles)", t_prep, "s", None, scale),
        _row("live counts per rule edit", t_live, "s", None, f"{live['treated']:,} treated"),
        _row("build + store plan", t_create, "s", None if quick else 10.0,
             f"{members:,} members; target <= 10 s at 4M"),
        _row("finalise", t_final, "s", None, ""),
        _row("export app CSV+JSON and XLSX sheets", t_no_pdf, "s", None, "same lists, no PDF"),
        _row("export all reach lists", t_export, "s", None if quick else 30.0,
             f"app {app_rows:,} rows (CSV+JSON); {sheets} call sheets, {pitched:,} rows, "
             f"{'XLSX+PDF' if writer else 'XLSX only (no Qt)'}; target <= 30 s at 4M"),
    ]


if __name__ == "__main__":
    import sys
    for row in run("--full" not in sys.argv):
        print(row)
