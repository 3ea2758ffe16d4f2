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
from app.store import plans as plan_store
from app.workflows.plans.build import APP, BRANCH
from app.workflows.plans.export import (CallSheet, ExportMeta, flush_to_disk, mask_text, masked_ids,
                                       references, safe_file_part, write_app_csv, write_app_json,
                                       write_call_sheet_xlsx, write_manifest)
from app.workflows.plans.context import REASON_TEXT, day_text, row_context
from app.workflows.plans.plan import CONTACT, Plan, load_plan_in, today
from app.workflows.session import Session

PdfWriter = Callable[[Path, CallSheet], None]
SHEET_HEADER = ["No.", "Customer reference", "Masked ID", "Decile"]
CONTEXT_HEADER = ["Last contact", "Reasons"]
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


def pitch_rows(plan: Plan, branches: list[str] | None = None) -> dict[str, np.ndarray]:
    """Per branch, the verbal-pitch members to contact now, best score first (one sort for all)."""
    m = plan.members
    rows = np.flatnonzero((m.channel == BRANCH) & (plan.status == CONTACT))
    rows = rows[np.lexsort((m.customer_key[rows], -m.score[rows], m.branch[rows]))]
    codes = m.branch[rows]
    present = np.unique(codes)
    bounds = np.searchsorted(codes, np.r_[present, present[-1] + 1 if len(present) else 0])
    found = {plan.branches[c]: rows[bounds[i]:bounds[i + 1]] for i, c in enumerate(present)}
    if branches is None:
        return found
    return {b: found.get(b, rows[:0]) for b in branches}


def call_sheet(plan: Plan, branch: str, rows: np.ndarray, secret: bytes,
               meta: ExportMeta, context: list[dict] | None = None) -> CallSheet:
    """The call sheet of one branch from its ``pitch_rows``; ``context`` (``row_context``) adds
    what the branch review shows: masked name (only when the exporter may see it), last contact
    and bank-side reasons."""
    m = plan.members
    context = context or [{"name": None, "last_contact": None, "reasons": []}] * len(rows)
    named = any(c["name"] is not None for c in context)
    ids = None if m.ids is None else m.ids[rows]
    refs = references(secret, ids, m.customer_key[rows])
    masked = masked_ids(plan.id_type, ids, len(rows))
    names = list(plan.rules.call_sheet_columns)
    extra = [_custom_text(plan, n, m.custom[n][rows]) for n in names]
    body = [[str(i + 1), refs[i], masked[i], *([c["name"] or ""] if named else []),
             str(int(m.decile[r])), day_text(c["last_contact"]),
             "; ".join(REASON_TEXT[x] for x in c["reasons"]), *(col[i] for col in extra),
             "", "", ""] for i, (r, c) in enumerate(zip(rows.tolist(), context))]
    header = [*SHEET_HEADER[:3], *(["Name"] if named else []), *SHEET_HEADER[3:], *CONTEXT_HEADER]
    return CallSheet(branch, f"Call sheet - {plan.campaign_id} - {branch}", plan.rules.pitch_script,
                     meta, [*header, *names, *SHEET_TAIL], body)


def _finalised(session: Session, plan_id: str) -> tuple[Plan, bytes]:
    plan = session.workspace.db.run(load_plan_in, plan_id)
    if plan.state != "finalised":
        raise UserFacingError.coded("plans.export_not_final")
    return plan, session.workspace.db.run(plan_store.reference_key)


Written = tuple[str, "str | None", Path, int, str]   # kind, branch, path, rows, sha256


def _sheets(session: Session, plan: Plan, branches: list[str] | None, secret: bytes,
            meta: ExportMeta, out: Path, pdf_writer: PdfWriter | None) -> list[Written]:
    written = []
    day = today()
    for branch, rows in pitch_rows(plan, branches).items():
        sheet = call_sheet(plan, branch, rows, secret, meta, row_context(session, plan, rows, day))
        stem = f"{safe_file_part(plan.campaign_id)}_callsheet_{safe_file_part(branch)}"
        path = out / f"{stem}.xlsx"
        written.append(("call_sheet_xlsx", branch, path, len(sheet.rows),
                        write_call_sheet_xlsx(path, sheet)))
        if pdf_writer is not None:
            pdf = out / f"{stem}.pdf"
            pdf_writer(pdf, sheet)
            written.append(("call_sheet_pdf", branch, pdf, len(sheet.rows),
                            hashlib.sha256(pdf.read_bytes()).hexdigest()))
    return written


def _record(session: Session, plan: Plan, meta: ExportMeta, out: Path,
            written: list[Written]) -> list[dict]:
    """Sync the files, write the manifest, record and audit every file in one transaction.

    A list counts as exported once the manifest and the records exist; on failure the files go.
    """
    flush_to_disk([w[2] for w in written])
    files = [{"kind": k, "branch": b, "file": p.name, "rows": n, "sha256": sha}
             for k, b, p, n, sha in written]
    stamp = meta.exported_at.replace(":", "").replace("+", "_")
    manifest = out / f"{safe_file_part(plan.campaign_id)}_manifest_{stamp}.json"
    write_manifest(manifest, meta, files)

    def insert(conn):
        for f in files:
            plan_store.insert_export(conn, plan.id, plan.version, str(uuid.uuid4()), f,
                                     meta.exported_by, meta.exported_at)
            session.workspace.audit.append_in(
                conn, meta.exported_by, "plan.export",
                {"plan": plan.id, "version": plan.version, "campaign": plan.campaign_id, **f}, {})
    try:
        session.workspace.db.transaction(insert)
    except BaseException:
        for entry in written:
            entry[2].unlink(missing_ok=True)
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
        written.append((kind, None, path, len(refs), writer(path, refs, plan.rules.template_id, meta)))
    written += _sheets(session, plan, None, secret, meta, out, pdf_writer)
    return _record(session, plan, meta, out, written)


def export_branch_call_sheet(session: Session, plan_id: str, out_dir: str | Path,
                             pdf_writer: PdfWriter | None = None,
                             branch: str | None = None) -> list[dict]:
    """One branch's call sheet: a branch manager prints their own; analysts name the branch."""
    if session.user.role == "branch_manager":
        session.require("plan.review")
        if branch is not None and branch != session.user.branch:
            raise PermissionDenied.coded("plans.own_branch_only")
        branch = session.user.branch
    else:
        session.require("plan.export")
        if not branch:
            raise UserFacingError.coded("plans.name_branch")
    plan, secret = _finalised(session, plan_id)
    if plan.branch_code(branch) is None:
        raise UserFacingError.coded("plans.branch_empty")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = ExportMeta(plan.campaign_id, plan.id, plan.version, session.user.name, now_iso())
    written = _sheets(session, plan, [branch], secret, meta, out, pdf_writer)
    return _record(session, plan, meta, out, written)
