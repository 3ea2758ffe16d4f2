"""The guided pipeline: each step's state per role and party (computed in workflows from a real
SQLCipher workspace), the sidebar that shows it (a real Shell offscreen) and the "Next: …" offer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.store import jobs as job_store
from app.store import models as model_store
from app.ui.shell import Shell
from app.workflows import guide, plans, users
from app.workflows.plans.synthetic import synthetic_population
from app.workflows.session import login
from app.workflows.workspace_admin import init_workspace


def states(session) -> dict[str, tuple]:
    return {s.key: (s.state, s.needs) for s in guide.pipeline(session)}


@pytest.fixture
def bank(admin_session, ana_and_bob):
    return admin_session, ana_and_bob, login(ana_and_bob.workspace, "bob", "branch-pass")


@pytest.fixture
def platform(tmp_path):
    admin = init_workspace(tmp_path / "platform", "Demo Platform", "feature", "admin", "correct horse")
    users.add_user(admin, "pat", "analyst", "analyst-pass")
    yield login(admin.workspace, "pat", "analyst-pass")
    admin.workspace.close()


def _trained_and_scored(session) -> None:
    record = model_store.ModelRecord(
        id="m1", job_id="m1", alignment_id="a", dataset="bank_customers", kind="federated",
        half="label", params={}, metrics={"federated": {"auc": 0.66}}, rows_used=10, trees=2,
        created_at="2025-06-01T09:00:00", name="Spring")
    session.workspace.db.transaction(model_store.save_model_in, record, {"trees": []})
    plans.store_population(session, "m1", synthetic_population(300, seed=2, n_branches=2))


def test_a_new_bank_workspace_starts_at_data_and_peers(bank):
    admin, ana, bob = bank
    assert states(ana) == {
        "data": ("ready", None), "peers": ("ready", None), "alignment": ("waiting", "data"),
        "training": ("waiting", "alignment"), "segments": ("waiting", "training"),
        "campaign": ("waiting", "segments"), "jobs": (None, None)}
    # administrators pin peers; they do not align, train or plan
    assert {k for k, (s, _) in states(admin).items() if s == "not_for_role"} == {
        "alignment", "training", "segments", "campaign"}
    # a branch manager reviews plans and evaluates their branch, nothing else
    assert {k: s for k, (s, _) in states(bob).items() if s != "not_for_role"} == {
        "segments": "waiting", "campaign": "waiting", "jobs": None}


def test_states_follow_the_workspace(bank):
    _admin, ana, _bob = bank
    ana.workspace.db.transaction(job_store.insert, "j1", "alignment", "platform", "local", {})
    assert states(ana)["alignment"] == ("partner", None)       # our proposal awaits the partner
    ana.workspace.db.transaction(job_store.insert, "j2", "training", "platform", "remote", {})
    assert states(ana)["jobs"] == ("attention", None)           # theirs awaits our decision
    _trained_and_scored(ana)
    got = states(ana)
    assert got["training"] == ("done", None) and got["segments"] == ("ready", None)
    assert guide.next_step(ana, "training") == "segments"


def test_a_trained_model_still_needs_scoring_before_segments(bank, qtbot):
    _admin, ana, _bob = bank
    record = model_store.ModelRecord(
        id="m1", job_id="m1", alignment_id="a", dataset="bank_customers", kind="federated",
        half="label", params={}, metrics={}, rows_used=10, trees=2,
        created_at="2025-06-01T09:00:00", name="Spring")
    ana.workspace.db.transaction(model_store.save_model_in, record, {"trees": []})
    got = states(ana)
    assert got["training"] == ("ready", "scoring") and got["segments"] == ("waiting", "training")
    assert guide.next_step(ana, "training") is None        # no "Next: Segments" before scoring
    shell = Shell(ana)
    qtbot.addWidget(shell)
    assert shell.tr("● score customers next") in shown(shell, "training")
    ana.workspace.db.transaction(job_store.insert, "s1", "scoring", "platform", "local",
                                 {"model": "m1"})
    shell.refresh_guide()
    assert states(ana)["training"] == ("partner", "scoring")
    assert shell.tr("⇄ partner to approve scoring") in shown(shell, "training")
    assert shell.sidebar.sizeHintForColumn(0) <= shell.sidebar.width()   # wrapped, not cut
    shell.guide_timer.stop()


def shown(shell, key: str) -> str:
    """A sidebar entry's text with its line breaks undone (long states wrap to fit)."""
    return " ".join(shell.item(key).text().split())


def test_the_platform_plans_no_campaigns_and_waits_for_the_bank(platform):
    got = states(platform)
    assert got["segments"][0] == got["campaign"][0] == "not_for_role"
    assert got["data"] == ("ready", None) and got["alignment"] == ("waiting", "data")


def test_the_sidebar_numbers_the_steps_shows_states_and_hides_what_the_party_cannot_use(
        bank, platform, qtbot):
    _admin, ana, _bob = bank
    shell = Shell(ana)
    qtbot.addWidget(shell)
    assert shell.visible_keys()[:6] == ["data", "peers", "jobs", "alignment", "training", "segments"]
    assert shell.item("data").text().startswith("1. ")
    assert shell.item("training").text().startswith("4. ")
    assert shell.tr("✓ done") not in shell.item("data").text()
    assert shell.item("data").text().endswith(shell.tr("● ready"))
    assert shown(shell, "alignment").endswith(
        shell.tr("… after %1").replace("%1", shell.entries[0].display_title))   # after Data
    assert shell.item("jobs").text() == shell.entries[2].display_title     # a tool: no number
    theirs = Shell(platform)
    qtbot.addWidget(theirs)
    assert "segments" not in theirs.visible_keys() and "campaign" not in theirs.visible_keys()
    for s in (shell, theirs):
        s.guide_timer.stop()


def test_a_success_offers_the_next_step_and_the_button_goes_there(bank, qtbot):
    _admin, ana, _bob = bank
    _trained_and_scored(ana)
    shell = Shell(ana)
    qtbot.addWidget(shell)
    shell.show()
    assert shell.tr("✓ done") in shell.item("training").text()
    page = shell.select("audit")
    page.message.show_text("Training finished and the model is stored.", "success")
    page.offer_next("training")
    assert page.next_button.isVisible()
    assert page.next_button.text().endswith(shell.entries[5].display_title)   # Segments
    qtbot.mouseClick(page.next_button, Qt.LeftButton)
    assert shell.current_key() == "segments"
    page.message.show_text("something else", "info")                 # a new sentence: no offer
    assert page.next_button.isHidden()
    shell.guide_timer.stop()


def test_the_sidebar_is_rewritten_only_when_a_state_changes(bank, qtbot, monkeypatch):
    _admin, ana, _bob = bank
    shell = Shell(ana)
    qtbot.addWidget(shell)
    shell.guide_timer.stop()
    rewrites = []
    monkeypatch.setattr(shell, "retranslate", lambda: rewrites.append(1))
    shell.refresh_guide()                                  # nothing changed: nothing rewritten
    assert rewrites == []
    ana.workspace.db.transaction(job_store.insert, "j1", "training", "platform", "remote", {})
    shell.refresh_guide()
    assert rewrites == [1] and shell.guide["jobs"].state == "attention"


def test_the_sidebar_keeps_its_titles_when_the_states_cannot_be_read(bank, qtbot, monkeypatch):
    from app.errors import UserFacingError

    def refused(_session):
        raise UserFacingError("The workspace is closed.")
    _admin, ana, _bob = bank
    monkeypatch.setattr(guide, "pipeline", refused)
    shell = Shell(ana)
    qtbot.addWidget(shell)
    shell.guide_timer.stop()
    assert shell.guide == {}
    assert shell.item("data").text() == "1. " + shell.entries[0].display_title
    assert shell.item("training").text().startswith("4. ")
