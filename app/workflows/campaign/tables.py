"""An evaluation report as plain tables: for the XLSX export here and the PDF painted in app/ui.

Labels (branch codes, bind channels) can come from customer files, so text cells that a
spreadsheet would read as a formula get a leading apostrophe (as the reach lists do).
"""

from __future__ import annotations

import os

from app.data.escape import escape_cell

HEADER = ["", "treated", "treated binds", "treated rate", "control", "control binds",
          "control rate", "uplift (pp)", "95% CI low (pp)", "95% CI high (pp)", "p-value",
          "incremental binds"]
def _pp(x):
    return None if x is None else round(100 * x, 3)


def cell_row(label: str, cell: dict) -> list:
    if cell.get("suppressed"):
        return [label, "suppressed"] + [None] * (len(HEADER) - 2)
    t, c = cell["treatment"], cell["control"]
    ci = cell["uplift_abs_ci95"] or [None, None]
    return [label, t["n"], t["conversions"], t["rate"], c["n"], c["conversions"], c["rate"],
            _pp(cell["uplift_abs"]), _pp(ci[0]), _pp(ci[1]), cell["p_value"],
            None if cell["incremental_conversions"] is None else round(cell["incremental_conversions"], 1)]


def report_tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for the overall result, each breakdown and the score deciles."""
    tables = [("Overall", HEADER, [cell_row("overall", report["overall"])])]
    for column, cells in report.get("by", {}).items():
        tables.append((f"By {column}", HEADER, [cell_row(str(k), v) for k, v in cells.items()]))
    if "deciles" in report:
        tables.append(("By score decile", HEADER,
                       [cell_row(f"decile {r['decile']}", r) for r in report["deciles"]["rows"]]))
        points = report["deciles"]["curves"].get("points") or []
        tables.append(("Uplift and Qini curves", ["decile", "share targeted", "uplift", "qini"],
                       [[p["decile"], p["fraction"], p["uplift"], p["qini"]] for p in points]))
    return tables


def parameter_rows(report: dict) -> list[list]:
    rows = [[k, v if isinstance(v, (int, float, str)) or v is None else str(v)]
            for k, v in report.get("parameters", {}).items()]
    model = report.get("model") or {}
    for key in ("auc", "ks"):
        if key in model:
            rows.append([f"model {key.upper()} (treated)", model[key]])
    if model.get("calibration"):
        rows.append(["calibration ECE", model["calibration"]["ece"]])
    if model.get("psi"):
        rows.append(["score PSI", model["psi"]["psi"]])
    return rows


def write_xlsx(report: dict, path: str) -> str:
    """One sheet per table plus a parameters sheet; written under a temporary name, then renamed."""
    from openpyxl import Workbook  # only the export pays for it

    book = Workbook()
    sheet = book.active
    sheet.title = "Parameters"
    for row in parameter_rows(report):
        sheet.append([escape_cell(v) if isinstance(v, str) else v for v in row])
    for title, header, rows in report_tables(report):
        ws = book.create_sheet(title[:31])
        ws.append(header)
        for row in rows:
            ws.append([escape_cell(v) if isinstance(v, str) else v for v in row])
    tmp = path + ".tmp"
    book.save(tmp)
    os.replace(tmp, path)
    return path
