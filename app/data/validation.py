"""The validation report shown before an import is committed.

It says what will happen (rows read, accepted, eligible, rejected by reason), describes every
imported column (type, sensitivity, missing rate, distinct count, min/max) and lists rejected
cells by file, row, column and reason. It never contains an identifier or a name: those columns
get counts only. Feature min/max are C2 data and are shown only to roles allowed to see features.
"""

from __future__ import annotations

import numpy as np

from app.data.dictionary import sensitivity
from app.data.loader import ConsentEvents, Dataset, Problems


def _stats(values: np.ndarray, kind: str) -> dict:
    if kind in ("numeric", "date"):
        present = values[~np.isnan(values)]
    else:
        present = values[values >= 0]
    n = len(values)
    out = {"missing_rate": round(1 - len(present) / n, 6) if n else 0.0,
           "distinct": int(len(np.unique(present))), "min": None, "max": None}
    if len(present) and kind in ("numeric", "date", "day", "flag", "label"):
        lo, hi = present.min(), present.max()
        if kind in ("date", "day"):
            lo, hi = (str(np.datetime64(int(v), "D")) for v in (lo, hi))
        else:
            lo, hi = float(lo), float(hi)
        out.update(min=lo, max=hi)
    return out


def _problems(p: Problems) -> dict:
    return {"rejected_by_reason": dict(sorted(p.by_reason.items())),
            "problems": [vars(x) for x in p.listed],
            "problems_truncated": sum(p.by_reason.values()) > len(p.listed)}


def column_summaries(ds: Dataset) -> list[dict]:
    prof = ds.profile
    cols = [{"name": prof.id_column, "role": "identifier", "type": prof.id_type,
             "sensitivity": sensitivity("identifier"), "missing_rate": 0.0,
             "distinct": int(len(ds)), "min": None, "max": None}]
    for f in prof.features:
        cols.append({"name": f.column, "role": "feature", "type": f.type,
                     "sensitivity": sensitivity("feature"), **_stats(ds.features[f.column], f.type)})
    if ds.label is not None:
        cols.append({"name": prof.label, "role": "label", "type": "label",
                     "sensitivity": sensitivity("label"), **_stats(ds.label, "label")})
    if ds.branch is not None:
        cols.append({"name": prof.branch, "role": "branch", "type": "branch",
                     "sensitivity": sensitivity("branch"), **_stats(ds.branch, "branch")})
    for flag, arr in ds.contact.items():
        cols.append({"name": prof.contact[flag], "role": f"contact:{flag}", "type": "flag",
                     "sensitivity": sensitivity("contact"), **_stats(arr, "flag")})
    if ds.names is not None:
        cols.append({"name": prof.customer_name, "role": "name", "type": "name",
                     "sensitivity": sensitivity("name"), **_stats(ds.names, "name")})
    if ds.last_contact is not None:
        cols.append({"name": prof.last_contact, "role": "last_contact", "type": "date",
                     "sensitivity": sensitivity("last_contact"),
                     **_stats(ds.last_contact, "day")})
    return cols


def build_report(ds: Dataset, events: ConsentEvents | None = None,
                 eligible: np.ndarray | None = None) -> dict:
    """Everything the analyst confirms before committing (JSON-serialisable)."""
    report = {
        "file": ds.file, "encoding": ds.encoding, "dataset": ds.profile.dataset,
        "side": ds.profile.side, "rows_read": ds.rows_read, "rows_accepted": len(ds),
        "rows_rejected": ds.rejected_rows, "duplicates_dropped": ds.duplicates_dropped,
        **_problems(ds.problems), "columns": column_summaries(ds),
        "ignored_columns": list(ds.ignored_columns),
    }
    if eligible is not None:
        report["eligible"] = int(eligible.sum())
        report["not_eligible"] = int(len(eligible) - eligible.sum())
    if events is not None:
        report["consent"] = {"file": events.file, "rows_read": events.rows_read,
                             "rows_rejected": events.rejected_rows,
                             "other_purpose": events.other_purpose, **_problems(events.problems)}
    return report


def format_report(report: dict, max_problems: int = 20) -> str:
    """Plain-text rendering for the CLI (the GUI renders the same dict as tables)."""
    lines = [f"{report['file']} ({report['encoding']}), dataset {report['dataset']}:",
             f"  rows read {report['rows_read']:,}; accepted {report['rows_accepted']:,}; "
             f"rejected {report['rows_rejected']:,}; exact duplicates dropped {report['duplicates_dropped']:,}"]
    if "eligible" in report:
        lines.append(f"  eligible (valid consent now) {report['eligible']:,}; "
                     f"without valid consent {report['not_eligible']:,} (not imported)")
    for reason, count in report["rejected_by_reason"].items():
        lines.append(f"  rejected: {reason}: {count:,}")
    lines.append("  columns:")
    for c in report["columns"]:
        rng = "" if c["min"] is None else f" range {c['min']} .. {c['max']}"
        lines.append(f"    {c['name']} [{c['role']}, {c['type']}, {c['sensitivity']}] missing "
                     f"{c['missing_rate']:.1%}, distinct {c['distinct']:,}{rng}")
    if report["ignored_columns"]:
        lines.append(f"  not imported (not in the profile): {', '.join(report['ignored_columns'])}")
    problems = report["problems"] + report.get("consent", {}).get("problems", [])
    for p in problems[:max_problems]:
        lines.append(f"  {p['file']}: row {p['row']}, column {p['column']!r}: {p['reason']}")
    if len(problems) > max_problems:
        lines.append("  ... and more (see the full report)")
    if "consent" in report:
        c = report["consent"]
        lines.append(f"  consent {c['file']}: rows {c['rows_read']:,}, rejected {c['rows_rejected']:,}, "
                     f"other purposes {c['other_purpose']:,}")
    return "\n".join(lines)
