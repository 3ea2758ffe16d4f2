"""The Segments page: score source, live counts, plans, branch review limited to the own branch,
finalisation and reach-list export (real workspace, real plan workflow, offscreen Qt)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool, Qt

from app.ui.pages.segments import SegmentsPage
from app.ui.pages.segments.rules import RuleError
from app.ui.shell import Shell
from app.workflows import plans
from app.workflows.plans import sources as plan_sources
from app.store import plans as plan_store
from app.workflows.plans.export import references
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login

WAIT_MS = 10000


@pytest.fixture
def bank(ana_and_bob):
    ana = ana_and_bob
    ws = ana.workspace
    age = np.random.default_rng(3).integers(16, 80, 4000).astype(np.float64)
    plans.store_population(ana, "m1", synthetic_population(4000, seed=11, n_branches=3,
                                                           custom={"age": age}))
    yield ws, ana
    QThreadPool.globalInstance().waitForDone(WAIT_MS)


@pytest.fixture
def make_page(qtbot):
    made = []

    def make(session):
        page = SegmentsPage(session)
        qtbot.addWidget(page)
        page.resize(1100, 760)
        page.show()
        made.append(page)
        return page
    yield make
    QThreadPool.globalInstance().waitForDone(WAIT_MS)
    for page in made:
        page.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def wait_counts(qtbot, page, before=None):
    qtbot.waitUntil(lambda: page.counts.state == "shown" and page.count_runner is None
                    and page.counts.result is not before, timeout=WAIT_MS)
    return page.counts.result


def test_sources_and_deciles(bank):
    ws, ana = bank
    sources = plan_sources.list_score_sources(ana)
    assert [(s["model_id"], s["n"], s["branches"], s["custom_columns"]) for s in sources] == \
        [("m1", 4000, 3, ["age"])]
    prep = plans.prepare_population(ana, plans.load_population(ws, "m1"))
    table = plan_sources.decile_table(prep)
    assert [d["count"] for d in table] == [400] * 10
    assert all(table[i]["min"] >= table[i + 1]["max"] for i in range(9))   # 1 = top scores
    counts, edges = plan_sources.score_histogram(prep.pop.score)
    assert counts.sum() == 4000 and edges[0] == prep.pop.score.min()


def test_the_picker_shows_model_names_and_starts_on_the_main_model(bank, make_page, qtbot):
    """The newest scored model is not preselected when another is the main model."""
    from app.store import models as model_store
    ws, ana = bank
    for model_id, created, auc, name in (("m1", "2025-06-01T09:00:00", 0.67, "Spring push"),
                                         ("m2", "2025-06-09T09:00:00", 0.59, None)):
        record = model_store.ModelRecord(
            id=model_id, job_id=model_id, alignment_id="a", dataset="bank_customers",
            kind="federated", half="label", params={}, metrics={"federated": {"auc": auc}},
            rows_used=10, trees=2, created_at=created, name=name)
        ws.db.transaction(model_store.save_model_in, record, {"trees": []})
    plans.store_population(ana, "m2", synthetic_population(500, seed=5, n_branches=2))
    page = make_page(ana)
    texts = {page.source_combo.itemData(i): page.source_combo.itemText(i)
             for i in range(page.source_combo.count())}
    # the model's default name, then when it was scored (today: a different date, so all of it)
    assert texts["m2"].startswith("bank_customers 2025-06-09 09:00 · ") and "AUC 0.590" in texts["m2"]
    assert texts["m2"].count("2025-06-09") == 1 and texts["m2"].count(" · ") == 2
    assert page.source_combo.currentData() == "m1"                  # the best model is main
    assert page.source_combo.currentText().startswith("★ Spring push · ")
    qtbot.waitUntil(lambda: page.source is not None, timeout=WAIT_MS)


def test_analyst_edits_rules_with_live_counts_and_creates_a_plan(bank, make_page, qtbot):
    ws, ana = bank
    page = make_page(ana)
    qtbot.waitUntil(lambda: page.source is not None, timeout=WAIT_MS)
    assert page.source_combo.currentText().startswith("m1 · ")   # no model record: its id
    assert page.distribution.deciles.rowCount() == 10
    assert page.distribution.chart.series()                       # the histogram is drawn
    first = wait_counts(qtbot, page)
    eligible = first["funnel"]["eligible"]
    assert first["treated"] + first["control"] == int(np.floor(eligible * 0.2 + 0.5))
    page.editor.value.setValue(50)                                 # top 20 % -> top 50 %
    second = wait_counts(qtbot, page, first)
    assert second["treated"] + second["control"] == int(np.floor(eligible * 0.5 + 0.5))
    for value in (30, 35, 40, 45):                                 # fast typing: last one wins
        page.editor.value.setValue(value)
        page.recount()                                             # as if each timer had fired
    qtbot.waitUntil(lambda: page.count_runner is None and page.counts.state == "shown"
                    and page.counts.result["treated"] + page.counts.result["control"]
                    == int(np.floor(eligible * 0.45 + 0.5)), timeout=WAIT_MS)
    page.editor.value.setValue(50)
    second = wait_counts(qtbot, page, page.counts.result)
    row = page.editor.custom.add_row("age", "<", "")
    page.editor.custom.cell(row, 2).setText("30")                  # exclude under-30s
    third = wait_counts(qtbot, page, second)
    assert third["funnel"]["excluded"]["custom[0]"] > 0
    assert page.counts.funnel.rowCount() > 4 and page.counts.by_branch.rowCount() == 3
    page.editor.custom.cell(row, 2).setText("thirty")              # not a number: not counted
    qtbot.waitUntil(lambda: page.counts.state == "invalid", timeout=WAIT_MS)
    page.editor.custom.cell(row, 2).setText("30")
    wait_counts(qtbot, page, third)
    page.editor.campaign.setText("QP-UI")
    page.editor.fraction.setValue(10)
    page.editor.no_control.setChecked(True)                        # no control needs a reason
    with pytest.raises(RuleError):
        page.editor.rules()
    page.editor.no_control.setChecked(False)
    page.create_button.click()
    qtbot.waitUntil(lambda: page.message.kind == "success", timeout=WAIT_MS)
    [plan_row] = plans.list_plans(ana)
    plan = plans.load_plan(ana, plan_row["id"])
    assert plan.campaign_id == "QP-UI" and plan.rules.control_fraction == 0.1
    assert plan.rules.custom_exclusions[0].value == 30
    summary = plans.plan_summary(plan)
    assert summary["control"] == pytest.approx(0.1 * len(plan.members), abs=10)
    assert page.plans_panel.plan_model.rowCount() == 1


def create_plan(ws, ana):
    rules = {"campaign_id": "QP-8", "template_id": "bind_v1", "pitch_script": "Bind today.",
             "selection": {"mode": "top_percent", "value": 40},
             "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==",
                                              "value": True}, "channel": "branch"}]},
             "control": {"fraction": 0.1, "seed": 7}}
    return plans.create_plan(ana, plans.load_population(ws, "m1"), rules, "m1")


def test_branch_manager_reviews_own_branch_then_analyst_finalises_and_exports(
        bank, make_page, qtbot, tmp_path):
    ws, ana = bank
    plan = create_plan(ws, ana)
    bob = login(ws, "bob", "branch-pass")
    shell = Shell(bob)
    qtbot.addWidget(shell)
    assert shell.visible_keys() == ["segments", "campaign"]
    assert shell.enabled_keys()[0] == "segments"
    shell.deleteLater()
    review_page = make_page(bob)
    assert not review_page.analyst and not hasattr(review_page, "editor")
    review = review_page.review
    assert review.plan_model.rowCount() == 1
    review.plan_view.selectRow(0)
    qtbot.waitUntil(lambda: review.listing is not None, timeout=WAIT_MS)
    listing = review.listing
    assert listing.branch == "BR000" and listing.counts["control"] > 0
    shown = [review.rows.rows[r] for r in range(review.rows.rowCount())]
    assert len(shown) == len(listing.rows) == listing.counts["to_contact"] > 0
    assert all(r[1].startswith("C") and "****" in r[2] for r in shown)   # masked only
    header = [review.rows.headerData(c, Qt.Horizontal) for c in range(review.rows.columnCount())]
    assert {"Last contact", "Reasons"} <= set(header) and "Name (masked)" not in header  # none imported
    assert all(len(r) == len(header) for r in shown)
    own = plan.members.branch == plan.branch_code("BR000")
    assert len(shown) == int((own & (plan.members.arm == 0)).sum())    # treated of BR000 only
    review.row_view.selectRow(0)
    assert not review.remove_button.isEnabled()                        # a reason is required
    review.reason.setText("Customer asked not to be called")
    removed_ref = review.selected_row()["reference"]
    review.remove_button.click()
    qtbot.waitUntil(lambda: review.listing is not None and review.listing.counts["removed"] == 1,
                    timeout=WAIT_MS)
    review.approve_button.click()
    qtbot.waitUntil(lambda: review.listing is not None and review.listing.decision is not None,
                    timeout=WAIT_MS)
    assert review.listing.decision["decision"] == "approved"
    assert not review.approve_button.isEnabled()

    page = make_page(ana)
    panel = page.plans_panel
    panel.plan_view.selectRow(0)
    qtbot.waitUntil(lambda: panel.overview is not None, timeout=WAIT_MS)
    review_column = {panel.branch_model.rows[r][0]: panel.branch_model.rows[r][3]
                     for r in range(panel.branch_model.rowCount())}
    assert review_column == {"BR000": "Approved", "BR001": "Pending", "BR002": "Pending"}
    assert not panel.export_button.isEnabled()
    panel.finalise()
    qtbot.waitUntil(lambda: panel.overview is not None and panel.overview["state"] == "finalised",
                    timeout=WAIT_MS)
    assert panel.export_button.isEnabled()
    out = tmp_path / "out"
    panel.export_to(out)
    qtbot.waitUntil(lambda: panel.message.kind == "success" and "files" in panel.message.text(),
                    timeout=WAIT_MS)
    names = {p.name for p in out.iterdir()}
    assert {"QP-8_app.csv", "QP-8_app.json"} <= names
    for branch in ("BR000", "BR001", "BR002"):
        assert {f"QP-8_callsheet_{branch}.xlsx", f"QP-8_callsheet_{branch}.pdf"} <= names
    assert (out / "QP-8_callsheet_BR000.pdf").read_bytes().startswith(b"%PDF")
    final = plans.load_plan(ana, plan.id)
    secret = ws.db.run(plan_store.reference_key)
    m = final.members
    control = set(references(secret, m.ids[m.arm == 1], m.customer_key[m.arm == 1]))
    with open(out / "QP-8_app.csv", newline="", encoding="utf-8") as fh:
        app_refs = {row["customer_reference"] for row in csv.DictReader(fh)}
    app_json = json.loads((out / "QP-8_app.json").read_text(encoding="utf-8"))
    assert app_refs and {r["customer_reference"] for r in app_json["recommendations"]} == app_refs
    assert control and not control & app_refs                          # controls never exported
    assert removed_ref not in app_refs
    sheet_text = b"".join((out / f"QP-8_callsheet_{b}.xlsx").read_bytes()
                          for b in ("BR000", "BR001", "BR002"))
    assert removed_ref.encode() not in sheet_text


def test_chinese_labels(bank, make_page, qtbot, qapp):
    from app.ui.i18n import Translations
    _, ana = bank
    translations = Translations(qapp)
    translations.apply("zh_CN")
    try:
        page = make_page(ana)
        assert page.title.text() == "目标客群"
        assert page.create_button.text() == "创建计划"
    finally:
        translations.apply("en")
    assert page.title.text() == "Segments"
