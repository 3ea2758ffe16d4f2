"""Export reach lists of a finalised plan: app recommendations and branch call sheets.

Only members whose status is "contact" *now* are exported: control customers never, and a customer
whose consent was withdrawn after finalisation is left out of every later export. Each file is
recorded (name, rows, SHA-256) and audited with the exporter and time. The PDF renderer lives in
app/ui (Qt); callers pass it in as ``pdf_writer(path, call_sheet)`` so this module stays Qt-free.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from pathlib import Path
from typing import Callable

import numpy as np

from app.errors import PermissionDenied, UserFacingError
from app.store.workspace import now_iso
from app.workflows import plan_store
from app.workflows.plan_build import APP, BRANCH
from app.workflows.plan_export import (CallSheet, ExportMeta, mask_text, masked_ids, references,
                                       safe_file_part, write_app_csv, write_app_json,
                                       write_call_sheet_xlsx, write_manifest)
from app.workflows.plan_store import CONTACT, Plan
from app.workflows.session import Session

PdfWriter = Callable[[Path, CallSheet], None]
SHEET_HEADER = ["No.", "Customer reference", "Masked ID", "Decile"]
SHEET_TAIL = ["Contacted on", "Outcome", "Notes"]


def _custom_text(plan: Plan, name: str, values: np.ndarray) -> list[str]:
    meta = plan.custom_meta.get(name, {})
    cats = meta.get("categories")
    if cats is not None:
        texts = [cats[c] if c >= 0 else "" for c in values.tolist()]
    else:
        texts = ["" if isinstance(v, float) and math.isnan(v) else
                 (f"{v:g}" if isinstance(v, float) else str(v)) for v in values.tolist()]
    return [mask_text(t) for t in texts] if meta.get("personal") else texts


def call_sheet(plan: Plan, branch: str, secret: bytes, meta: ExportMeta) -> CallSheet:
    """The branch's verbal-pitch customers (contact status, branch channel), best score first."""
    m = plan.members
    code = plan.branch_code(branch)
    rows = np.flatnonzero((m.branch == code) & (m.channel == BRANCH) & (plan.status == CONTACT))
    rows = rows[np.lexsort((m.customer_key[rows], -m.score[rows]))]
    ids = None if m.ids is None else m.ids[rows]
    refs = references(secret, ids, m.customer_key[rows])
    masked = masked_ids(plan.id_type, ids, len(rows))
    names = list(plan.rules.call_sheet_columns)
    extra = [_custom_text(plan, n, m.custom[n][rows]) for n in names]
    body = [[str(i + 1), refs[i], masked[i], str(int(m.decile[r])), *(col[i] for col in extra),
             "", "", ""] for i, r in enumerate(rows.tolist())]
    return CallSheet(branch, f"Call sheet - {plan.campaign_id} - {branch}", plan.rules.pitch_script,
                     meta, [*SHEET_HEADER, *names, *SHEET_TAIL], body)


def _finalised(session: Session, plan_id: str) -> tuple[Plan, bytes]:
    plan = session.workspace.db.run(plan_store.load_plan_in, plan_id)
    if plan.state != "finalised":
        raise UserFacingError("Reach lists are exported only from a finalised plan.")
    return plan, session.workspace.db.run(plan_store.reference_key)


def _sheets(plan: Plan, branches: list[str], secret: bytes, meta: ExportMeta, out: Path,
            pdf_writer: PdfWriter | None) -> list[tuple[str, str | None, Path, int]]:
    written = []
    for branch in branches:
        sheet = call_sheet(plan, branch, secret, meta)
        stem = f"{safe_file_part(plan.campaign_id)}_callsheet_{safe_file_part(branch)}"
        path = out / f"{stem}.xlsx"
        write_call_sheet_xlsx(path, sheet)
        written.append(("call_sheet_xlsx", branch, path, len(sheet.rows)))
        if pdf_writer is not None:
            pdf = out / f"{stem}.pdf"
            pdf_writer(pdf, sheet)
            written.append(("call_sheet_pdf", branch, pdf, len(sheet.rows)))
    return written


def _record(session: Session, plan: Plan, meta: ExportMeta, out: Path,
            written: list[tuple[str, str | None, Path, int]]) -> list[dict]:
    """Hash, record and audit every file in one transaction; on failure remove the files."""
    files = [{"kind": k, "branch": b, "file": p.name, "rows": n,
              "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for k, b, p, n in written]
    manifest = out / f"{safe_file_part(plan.campaign_id)}_manifest_{meta.exported_at[:10]}.json"
    write_manifest(manifest, meta, files)

    def insert(conn):
        for f in files:
            conn.execute("INSERT INTO plan_exports (id, plan_id, version, kind, branch, file_name, "
                         "rows, sha256, exported_by, exported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (str(uuid.uuid4()), plan.id, plan.version, f["kind"], f["branch"],
                          f["file"], f["rows"], f["sha256"], meta.exported_by, meta.exported_at))
            session.workspace.audit.append_in(
                conn, meta.exported_by, "plan.export",
                {"plan": plan.id, "version": plan.version, "campaign": plan.campaign_id, **f}, {})
    try:
        session.workspace.db.transaction(insert)
    except BaseException:
        for _, _, path, _ in written:
            path.unlink(missing_ok=True)
        manifest.unlink(missing_ok=True)
        raise
    return files


def export_reach_lists(session: Session, plan_id: str, out_dir: str | Path,
                       pdf_writer: PdfWriter | None = None) -> list[dict]:
    """App recommendation file (CSV + JSON) and every branch's call sheet; returns file records."""
    session.require("plan.export")
    plan, secret = _finalised(session, plan_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = ExportMeta(plan.campaign_id, plan.id, plan.version, session.user.name, now_iso())
    m = plan.members
    app_rows = np.flatnonzero((m.channel == APP) & (plan.status == CONTACT))
    refs = references(secret, None if m.ids is None else m.ids[app_rows], m.customer_key[app_rows])
    stem = safe_file_part(plan.campaign_id)
    written = []
    for kind, suffix, writer in (("app_csv", "csv", write_app_csv), ("app_json", "json", write_app_json)):
        path = out / f"{stem}_app.{suffix}"
        writer(path, refs, plan.rules.template_id, meta)
        written.append((kind, None, path, len(refs)))
    pitched = np.unique(m.branch[(m.channel == BRANCH) & (plan.status == CONTACT)])
    written += _sheets(plan, [plan.branches[c] for c in pitched], secret, meta, out, pdf_writer)
    return _record(session, plan, meta, out, written)


def export_branch_call_sheet(session: Session, plan_id: str, out_dir: str | Path,
                             pdf_writer: PdfWriter | None = None,
                             branch: str | None = None) -> list[dict]:
    """One branch's call sheet: a branch manager prints their own; analysts name the branch."""
    if session.user.role == "branch_manager":
        session.require("plan.review")
        if branch is not None and branch != session.user.branch:
            raise PermissionDenied("Branch managers see only their own branch's list.")
        branch = session.user.branch
    else:
        session.require("plan.export")
        if not branch:
            raise UserFacingError("Name the branch whose call sheet to export.")
    plan, secret = _finalised(session, plan_id)
    if plan.branch_code(branch) is None:
        raise UserFacingError("This plan has no customers for that branch.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = ExportMeta(plan.campaign_id, plan.id, plan.version, session.user.name, now_iso())
    return _record(session, plan, meta, out, _sheets(plan, [branch], secret, meta, out, pdf_writer))
