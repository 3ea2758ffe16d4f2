"""Reach lists: masking, formula-injection escaping, no control customer, audit, branch limits."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from openpyxl import load_workbook

from app.errors import PermissionDenied, UserFacingError
from app.workflows import plans, users
from app.data.escape import escape_cell
from app.workflows.plans.export import references
from app.store.plans import reference_key
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login

EVIL = "=cmd|' /C calc'!A0"


def rules(**extra):
    base = {"campaign_id": "QP-X", "template_id": "@SUM(1+1)", "pitch_script": "Bind now.",
            "selection": {"mode": "top_percent", "value": 60},
            "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==",
                                             "value": True}, "channel": "branch"}]},
            "control": {"fraction": 0.2, "seed": 4},
            "call_sheet": {"columns": ["note", "holder_name", "age"]}}
    base.update(extra)
    return base


@pytest.fixture
def finalised(admin_session, tmp_path):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR000")
    ws = admin_session.workspace
    ana = login(ws, "ana", "analyst-pass")
    n = 2000
    notes = np.array([EVIL, "+1 call back", "-5", "@home", "\tTAB", "\rCR", "plain", "x"] * 250)
    names = np.array(["Zhang Wei", "Li Na", "Wang Fang", "Liu Yang"] * 500)
    pop = synthetic_population(n, seed=8, n_branches=3,
                               custom={"note": notes, "holder_name": names,
                                       "age": np.arange(n) % 60 + 20.0})
    pop.custom["holder_name"] = type(pop.custom["holder_name"])(
        pop.custom["holder_name"].values, pop.custom["holder_name"].categories, personal=True)
    plans.store_population(ana, "m1", pop)
    plan = plans.create_plan(ana, plans.load_population(ws, "m1"), rules(), "m1")
    plan = plans.finalise_plan(ana, plan.id)
    secret = ws.db.run(reference_key)
    return ws, ana, pop, plan, secret


def refs_of(plan, secret, mask):
    return set(references(secret, plan.members.ids[mask], plan.members.customer_key[mask]))


def test_escape_cell_defuses_formula_starts():
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert escape_cell(text) == "'" + text
    assert escape_cell("plain") == "plain" and escape_cell(None) == ""


def test_app_files_have_references_only_and_no_controls(finalised, tmp_path):
    ws, ana, pop, plan, secret = finalised
    files = plans.export_reach_lists(ana, plan.id, tmp_path / "out")
    m = plan.members
    app_contact = (m.channel == 0) & (plan.status == 0)
    with open(tmp_path / "out" / "QP-X_app.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["customer_reference"] for r in rows} == refs_of(plan, secret, app_contact)
    assert {r["template_id"] for r in rows} == {"'@SUM(1+1)"}
    assert {(r["campaign_id"], r["exported_by"]) for r in rows} == {("QP-X", "ana")}
    doc = json.loads((tmp_path / "out" / "QP-X_app.json").read_text(encoding="utf-8"))
    assert doc["campaign_id"] == "QP-X" and doc["exported_by"] == "ana" and doc["exported_at"]
    assert doc["count"] == len(rows) == app_contact.sum()
    controls = refs_of(plan, secret, m.arm == 1)
    everything = "".join(p.read_text(encoding="utf-8", errors="ignore")
                         for p in (tmp_path / "out").glob("*.*sv")) + json.dumps(doc)
    assert controls and not any(c in everything for c in controls)
    raw = [i.decode() for i in pop.ids]
    assert not any(r in everything for r in raw)
    assert {f["kind"] for f in files} >= {"app_csv", "app_json", "call_sheet_xlsx"}


def test_call_sheets_are_masked_escaped_and_control_free(finalised, tmp_path):
    ws, ana, pop, plan, secret = finalised
    plans.export_reach_lists(ana, plan.id, tmp_path / "out")
    m = plan.members
    controls = refs_of(plan, secret, m.arm == 1)
    seen, all_notes = 0, set()
    for path in sorted((tmp_path / "out").glob("*.xlsx")):
        sheet = load_workbook(path).active
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert all(c.data_type != "f" for c in cells)
        values = [str(c.value) for c in cells]
        assert "Campaign" in values and "QP-X" in values and "ana" in values and "Bind now." in values
        header_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "No.")
        body = [r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).isdigit()]
        col = {name: i for i, name in enumerate(header_row)}
        for r in body:
            assert r[col["Customer reference"]] not in controls
            assert "****" in r[col["Masked ID"]]
            assert r[col["holder_name"]] not in ("Zhang Wei", "Li Na", "Wang Fang", "Liu Yang")
            note = r[col["note"]]
            assert not note.startswith(("=", "+", "-", "@", "\t", "\r"))
        notes = {r[col["note"]] for r in body}
        all_notes |= notes
        seen += len(body)
        if body:  # XML reading normalises CR to LF; the apostrophe is what matters
            assert notes <= {"'" + EVIL, "'+1 call back", "'-5", "'@home", "'\tTAB", "'\rCR", "'\nCR",
                             "plain", "x"}
    assert seen == ((m.channel == 1) & (plan.status == 0)).sum() > 0
    assert "'" + EVIL in all_notes and "plain" in all_notes


def test_pdf_call_sheets_through_injected_writer(finalised, tmp_path):
    from app.ui.print_sheets import sheet_html, write_call_sheet_pdf
    ws, ana, pop, plan, secret = finalised
    bob = login(ws, "bob", "branch-pass")
    files = plans.export_branch_call_sheet(bob, plan.id, tmp_path / "bob", write_call_sheet_pdf)
    assert {f["branch"] for f in files} == {"BR000"}
    pdf = [f for f in files if f["kind"] == "call_sheet_pdf"][0]
    data = (tmp_path / "bob" / pdf["file"]).read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    from app.workflows.plans.export import CallSheet, ExportMeta
    html = sheet_html(CallSheet("B", "t", "s", ExportMeta("c", "p", 1, "u", "now"),
                                ["h"], [["<script>x</script>"]]))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_exports_are_audited_and_recorded(finalised, tmp_path):
    ws, ana, pop, plan, secret = finalised
    files = plans.export_reach_lists(ana, plan.id, tmp_path / "out")
    recorded = ws.db.query("SELECT kind, file_name, sha256, exported_by FROM plan_exports")
    assert len(recorded) == len(files)
    audited = [json.loads(e["objects"]) for e in ws.audit.entries() if e["action"] == "plan.export"]
    assert sorted(a["file"] for a in audited) == sorted(f["file"] for f in files)
    assert all(a["campaign"] == "QP-X" for a in audited)
    manifest = json.loads(next((tmp_path / "out").glob("*manifest*.json")).read_text())
    assert manifest["exported_by"] == "ana" and len(manifest["files"]) == len(files)


def test_export_permissions_and_state(finalised, admin_session, tmp_path):
    ws, ana, pop, plan, secret = finalised
    bob = login(ws, "bob", "branch-pass")
    with pytest.raises(PermissionDenied):
        plans.export_reach_lists(bob, plan.id, tmp_path / "x")
    with pytest.raises(PermissionDenied):
        plans.export_branch_call_sheet(bob, plan.id, tmp_path / "x", branch="BR001")
    with pytest.raises(PermissionDenied):
        plans.export_reach_lists(admin_session, plan.id, tmp_path / "x")
    draft = plans.create_plan(ana, plans.load_population(ws, "m1"), rules(campaign_id="QP-Y"), "m1")
    with pytest.raises(UserFacingError, match="finalised"):
        plans.export_reach_lists(ana, draft.id, tmp_path / "x")
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_consent_revoked_after_finalising_is_left_out_of_exports(finalised, tmp_path):
    ws, ana, pop, plan, secret = finalised
    m = plan.members
    app_contact = np.flatnonzero((m.channel == 0) & (plan.status == 0))
    victim = int(m.customer_key[app_contact[0]])
    victim_ref = references(secret, m.ids[app_contact[:1]], m.customer_key[app_contact[:1]])[0]
    plans.record_consent_withdrawals(ana, [victim])
    plans.export_reach_lists(ana, plan.id, tmp_path / "out")
    text = (tmp_path / "out" / "QP-X_app.csv").read_text(encoding="utf-8")
    assert victim_ref not in text
    assert text.count("\n") == len(app_contact)      # header + all but one
