"""Campaign page: import outcomes, evaluate, headline numbers, branch-manager view, exports."""

from __future__ import annotations

import pytest

from app.ui.pages.campaign import CampaignPage
from app.ui.pages.campaign.charts import pp
from app.ui.pages.campaign.import_dialog import OutcomeImportDialog
from app.workflows import campaign, plans, users
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login

RULES = {"campaign_id": "QP-UI", "template_id": "bind_v1", "pitch_script": "Bind today.",
         "selection": {"mode": "top_percent", "value": 80},
         "channels": {"rules": [{"when": {"column": "branch_visit_recent", "op": "==",
                                          "value": True}, "channel": "branch"}]},
         "control": {"fraction": 0.2, "seed": 4}}


@pytest.fixture
def bank(admin_session, tmp_path):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR002")
    ana = login(admin_session.workspace, "ana", "analyst-pass")
    plans.store_population(ana, "m1", synthetic_population(5000, seed=8, n_branches=4))
    plan = plans.create_plan(ana, plans.load_population(ana.workspace, "m1"), RULES, "m1")
    plan = plans.finalise_plan(ana, plan.id)
    sim = campaign.simulate_demo_outcomes(ana, plan.id, seed=2, out_dir=str(tmp_path))
    return ana, plan, sim


def wait_done(qtbot, page):
    qtbot.waitUntil(lambda: page.runner is not None and not page.runner.running, timeout=20000)
    assert page.runner.state == "finished", page.message.text()


def test_page_imports_outcomes_and_shows_headline_numbers(qtbot, bank, tmp_path):
    ana, plan, sim = bank
    page = CampaignPage(ana)
    qtbot.addWidget(page)
    assert page.plan.currentData() == plan.id and page.import_button.isVisibleTo(page)
    dialog = OutcomeImportDialog(plan.id_type, page)
    qtbot.addWidget(dialog)
    dialog.set_file(sim.path)
    qtbot.waitUntil(lambda: len(dialog.header) >= 3, timeout=10000)  # read off the GUI thread
    choice = dialog.choice()
    assert (choice["id_column"], choice["bound_at_column"], choice["channel_column"]) == \
        ("customer_id", "bound_at", "channel")
    page.start_import(choice)
    wait_done(qtbot, page)
    assert f"{sim.rows:,}" in page.message.text()
    page.window.setValue(30)
    page.start_evaluation()
    wait_done(qtbot, page)
    overall = page.report["overall"]
    assert overall["treatment"]["conversions"] > 0
    assert page.cards.values[0].text() == pp(overall["uplift_abs"])
    assert page.cards.values[2].text() == f"{overall['incremental_conversions']:,.0f}"
    assert page.views["branch"].chart().axes()[0].categories() == list(page.report["by"]["branch"])
    assert page.pdf_button.isEnabled() and page.xlsx_button.isEnabled()
    page.export_pdf(str(tmp_path / "e.pdf"))
    page.export_xlsx(str(tmp_path / "e.xlsx"))
    assert (tmp_path / "e.pdf").read_bytes()[:5] == b"%PDF-"
    from openpyxl import load_workbook
    book = load_workbook(tmp_path / "e.xlsx")
    assert "By branch" in book.sheetnames
    again = CampaignPage(ana)               # a new page shows the stored evaluation
    qtbot.addWidget(again)
    assert again.report["overall"] == overall
    assert page.share_button.isEnabled()     # sharing needs a pinned partner first
    page.share()
    assert page.message.kind == "error" and "No partner is pinned" in page.message.text()


def test_branch_manager_sees_own_branch_only(qtbot, bank):
    ana, plan, sim = bank
    campaign.import_outcomes(ana, plan.id, sim.path, "customer_id", "bound_at", "channel")
    campaign.evaluate_plan(ana, plan.id)       # the analyst's whole-plan evaluation
    bob = login(ana.workspace, "bob", "branch-pass")
    page = CampaignPage(bob)
    qtbot.addWidget(page)
    assert page.report is None                 # the analyst's evaluation is not shown to him
    assert not page.import_button.isVisibleTo(page) and "BR002" in page.subtitle.text()
    # Of the actions, he is offered Evaluate only (and exporting what it shows him).
    assert page.evaluate_button.isVisibleTo(page) and not page.share_button.isVisibleTo(page)
    page.start_evaluation()
    wait_done(qtbot, page)
    assert list(page.report["by"]["branch"]) == ["BR002"]
    assert page.views["branch"].chart().axes()[0].categories() == ["BR002"]
    full = campaign.load_evaluation(ana, campaign.list_evaluations(ana, plan.id)[0]["id"])
    assert page.report["overall"] == full["by"]["branch"]["BR002"]
