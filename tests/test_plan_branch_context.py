"""Branch review with context: per role, own branch only, masked name where the dictionary allows,
bank-side reasons and last contact, never partner data; the call sheet carries the same fields."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from openpyxl import load_workbook

from app.data.ids import mask_name
from app.workflows import plans
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login

SURNAMES = "王李张刘陈杨赵黄周吴"
RECENT = int(time.time() // 86400) - 30
ROW_KEYS = {"reference", "masked_id", "name", "channel", "decile", "status", "last_contact",
            "reasons"}


def rules():
    return {"campaign_id": "CTX-1", "template_id": "bind_v1", "pitch_script": "Bind today.",
            "selection": {"mode": "top_percent", "value": 60},
            "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==",
                                             "value": True}, "channel": "branch"}]},
            "control": {"fraction": 0.1, "seed": 3}}


@pytest.fixture
def bank(ana_and_bob):
    ana = ana_and_bob
    ws = ana.workspace
    base = synthetic_population(2000, seed=11, n_branches=3)
    n = len(base)
    names = np.array([SURNAMES[i % 10] + "小明" for i in range(n)])
    last = np.where(np.arange(n) % 4 == 0, RECENT, -1).astype(np.int32)   # 1 in 4: 30 days ago
    pop = plans.build_population(
        base.customer_key, base.score, base.model_source, base.branch, branches=base.branches,
        already_bound=base.already_bound, opted_out=base.opted_out,
        app_active_30d=base.app_active_30d, branch_visit_recent=base.branch_visit_recent,
        consent_ok=base.consent_ok, last_contacted_day=last, ids=base.ids, id_type="mobile",
        custom={plans.NAME_COLUMN: names}, personal=(plans.NAME_COLUMN,))
    plans.store_population(ana, "m1", pop)
    plan = plans.create_plan(ana, plans.load_population(ws, "m1"), rules(), "m1")
    return ws, ana, pop, names, last, plan


def test_branch_manager_sees_own_rows_with_masked_name_and_bank_side_context(bank):
    ws, _, pop, names, last, plan = bank
    bob = login(ws, "bob", "branch-pass")
    listed = plans.branch_list(bob, plan.id)
    code = plan.branch_code("BR000")
    own = (plan.members.branch == code) & (plan.members.arm == 0)
    assert len(listed.rows) == int(own.sum()) > 0
    by_key = {int(k): i for i, k in enumerate(pop.customer_key)}
    keys = plan.members.customer_key[np.flatnonzero(own)]
    pop_rows = {int(k): by_key[int(k)] for k in keys}
    expected_names = {mask_name(str(names[i])) for i in pop_rows.values()}
    assert all(pop.branch[i] == pop.branches.index("BR000") for i in pop_rows.values())
    for row in listed.rows:
        assert set(row) == ROW_KEYS
        assert row["name"] in expected_names and row["name"].endswith("**")
        assert set(row["reasons"]) <= set(plans.REASONS)
        assert row["last_contact"] in (None, RECENT)
        assert ("not_contacted_recently" in row["reasons"]) == (row["last_contact"] is None)
        assert ("top_decile" in row["reasons"]) == (row["decile"] <= 2)
    assert any(r["last_contact"] == RECENT for r in listed.rows)
    text = json.dumps(listed.rows, ensure_ascii=False)
    assert "小明" not in text                              # never the clear name
    assert not any(i.decode() in text for i in pop.ids)    # never the clear identifier


def test_analyst_gets_context_but_no_names(bank):
    ws, ana, *_ , plan = bank
    listed = plans.branch_list(ana, plan.id, branch="BR000")
    assert listed.rows and all(r["name"] is None for r in listed.rows)
    assert all(r["reasons"] or r["last_contact"] is not None for r in listed.rows)


def test_call_sheet_carries_the_same_fields(bank, tmp_path):
    ws, ana, *_, plan = bank
    bob = login(ws, "bob", "branch-pass")
    plans.decide_branch(bob, plan.id, True)
    plans.finalise_plan(ana, plan.id)
    listed = {r["reference"]: r for r in plans.branch_list(bob, plan.id).rows}
    plans.export_branch_call_sheet(bob, plan.id, tmp_path / "bob")
    sheet = load_workbook(tmp_path / "bob" / "CTX-1_callsheet_BR000.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(values) if r[0] == "No.")
    header = values[start]
    col = {h: i for i, h in enumerate(header) if h}
    assert {"Name", "Last contact", "Reasons", "Masked ID", "Decile"} <= set(col)
    body = values[start + 1:]
    assert body
    for row in body:
        shown = listed[row[col["Customer reference"]]]
        assert row[col["Name"]] == shown["name"]
        assert row[col["Masked ID"]] == shown["masked_id"]
        assert (row[col["Last contact"]] or "") == plans.day_text(shown["last_contact"])
        assert shown["last_contact"] is not None    # finalising this plan counts as a contact
        assert bool(row[col["Reasons"]]) == bool(shown["reasons"])
    # the analyst's export has the same context, but no name column
    plans.export_branch_call_sheet(ana, plan.id, tmp_path / "ana", branch="BR000")
    sheet = load_workbook(tmp_path / "ana" / "CTX-1_callsheet_BR000.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "No.")
    assert "Name" not in header and "Reasons" in header
    assert "小明" not in json.dumps(rows, ensure_ascii=False, default=str)
