"""The Users page and which steps each role sees in the sidebar."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.ui.pages import PAGES
from app.ui import shell as shell_module
from app.ui.shell import Shell
from app.workflows import audit_trail, users
from app.workflows.session import login


@pytest.fixture
def shell(qtbot, admin_session):
    widget = Shell(admin_session)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.Ok)


def table_names(page):
    return [page.table.item(r, 0).text() for r in range(page.table.rowCount())]


def test_add_user_through_dialog(shell, admin_session):
    page = shell.select("users")
    assert table_names(page) == ["admin"]
    page.add_button.click()
    dialog = page.dialog
    dialog.name.setText("mgr.li")
    dialog.role.setCurrentIndex(dialog.role.findData("branch_manager"))
    assert dialog.branch.isEnabled()
    dialog.branch.setText("SZ-001")
    dialog.password.setText("manager-pass")
    dialog.confirm.setText("manager-pass")
    ok_button(dialog).click()
    assert not dialog.isVisible()
    assert table_names(page) == ["admin", "mgr.li"]
    assert page.table.item(1, 2).text() == "SZ-001"
    assert page.message.kind == "success" and "mgr.li" in page.message.text()
    added = [e for e in audit_trail.list_entries(admin_session, action="users.add")]
    assert [e["objects"] for e in added] == ['{"user":"mgr.li"}']
    assert login(admin_session.workspace, "mgr.li", "manager-pass").user.branch == "SZ-001"


def test_dialog_keeps_refusals_in_its_message_area(shell, admin_session):
    page = shell.select("users")
    page.add_button.click()
    dialog = page.dialog
    dialog.name.setText("bob")
    dialog.password.setText("short")
    dialog.confirm.setText("short")
    ok_button(dialog).click()
    assert dialog.isVisible()
    assert dialog.message.text() == "Passwords need at least 8 characters."
    assert table_names(page) == ["admin"]
    assert audit_trail.list_entries(admin_session, action="users.add") == []


def test_disable_enable_and_reset(shell, admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    page = shell.select("users")
    page.refresh()
    page.select_user("ana")
    page.toggle_button.click()
    assert page.table.item(1, 3).text() == "Disabled"
    assert page.toggle_button.text() == "Enable"
    page.toggle_button.click()
    assert page.table.item(1, 3).text() == "Active"
    page.reset_button.click()
    page.dialog.password.setText("new-analyst-pass")
    page.dialog.confirm.setText("new-analyst-pass")
    ok_button(page.dialog).click()
    assert login(admin_session.workspace, "ana", "new-analyst-pass").user.name == "ana"
    actions = [e["action"] for e in audit_trail.list_entries(admin_session, action="users.")
               if e["objects"] == '{"user":"ana"}']
    assert actions == ["users.add", "users.disable", "users.enable", "users.reset_password"]
    page.select_user("admin")
    page.toggle_button.click()  # refused by the workflow; shown as its sentence
    assert page.message.text() == "You cannot disable your own account."


def test_a_step_not_built_is_shown_disabled(qtbot, admin_session, monkeypatch):
    """A registry entry without a page is greyed out with a tooltip, never a fake page."""
    unbuilt = [replace(e, factory=None) if e.key == "audit" else e for e in PAGES]
    monkeypatch.setattr(shell_module, "PAGES", unbuilt)
    admin = Shell(admin_session)
    qtbot.addWidget(admin)
    item = admin.item("audit")
    assert "audit" in admin.visible_keys() and "audit" not in admin.enabled_keys()
    assert not item.flags() & Qt.ItemIsEnabled
    assert item.toolTip() == "not available in this version"
    with pytest.raises(KeyError):
        admin.select("audit")


def test_steps_visible_and_enabled_per_role(qtbot, admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "mgr", "branch_manager", "manager-pass", "SZ-001")
    ws = admin_session.workspace
    admin = Shell(admin_session)
    analyst = Shell(login(ws, "ana", "analyst-pass"))
    manager = Shell(login(ws, "mgr", "manager-pass"))
    for widget in (admin, analyst, manager):
        qtbot.addWidget(widget)
    assert admin.visible_keys()[:3] == ["data", "peers", "jobs"] and "users" in admin.visible_keys()
    assert "alignment" not in admin.visible_keys()  # administrators do not run analyses
    assert analyst.visible_keys() == ["data", "peers", "jobs", "alignment", "training", "segments",
                                      "campaign", "audit"]
    assert manager.visible_keys() == ["segments", "campaign"]  # no consent & data, no users
    assert admin.enabled_keys() == admin.visible_keys()  # every step of this version is built
    assert analyst.enabled_keys() == analyst.visible_keys()
    with pytest.raises(KeyError):
        analyst.select("users")
    assert manager.current_key() == "segments"  # a branch manager lands on their review
    for widget in (admin, analyst, manager):
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
