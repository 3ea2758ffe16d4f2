"""Changing one's own password from the header of the main area, in English and Chinese."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.errors import AuthenticationFailed
from app.ui.i18n import Translations
from app.ui.shell import Shell
from app.workflows import audit_trail, users
from app.workflows.session import login


@pytest.fixture
def manager(admin_session):
    """A branch manager, the role with the fewest rights: every role can change its password."""
    users.add_user(admin_session, "mgr.li", "branch_manager", "handed-over", "SZ-001")
    return login(admin_session.workspace, "mgr.li", "handed-over")


@pytest.fixture
def shell(qtbot, manager):
    widget = Shell(manager)
    qtbot.addWidget(widget)
    widget.show()
    return widget  # qtbot closes and deletes it after the test


def fill(dialog, current: str, new: str, repeat: str) -> None:
    dialog.current.setText(current)
    dialog.password.setText(new)
    dialog.confirm.setText(repeat)
    dialog.buttons.button(QDialogButtonBox.Ok).click()


def test_change_own_password_through_the_dialog_then_sign_in_with_it(shell, manager,
                                                                    admin_session):
    shell.password_button.click()
    dialog = shell.password_dialog
    assert dialog.isVisible() and "mgr.li" in dialog.intro.text()

    fill(dialog, "handed-over", "only-mine-1", "only-mine-2")
    assert dialog.isVisible() and dialog.message.text() == "The two passwords differ."
    fill(dialog, "handed-over", "short", "short")
    assert dialog.message.text() == "Passwords need at least 8 characters."
    fill(dialog, "not my password", "only-mine-1", "only-mine-1")
    assert dialog.isVisible() and dialog.message.text() == "Wrong user name or password."
    assert audit_trail.list_entries(admin_session, action="users.change_password") == []

    fill(dialog, "handed-over", "only-mine-1", "only-mine-1")
    assert not dialog.isVisible()
    assert all(not f.text() for f in (dialog.current, dialog.password, dialog.confirm))
    changed = audit_trail.list_entries(admin_session, action="users.change_password")
    assert [(e["actor"], e["objects"]) for e in changed] == [("mgr.li", '{"user":"mgr.li"}')]
    workspace = manager.workspace
    assert login(workspace, "mgr.li", "only-mine-1").user.branch == "SZ-001"
    with pytest.raises(AuthenticationFailed):
        login(workspace, "mgr.li", "handed-over")


def test_dialog_and_button_speak_chinese(shell, qapp):
    translations = Translations(qapp)
    try:
        translations.apply("zh_CN")
        assert shell.password_button.text() == "修改密码"
        shell.password_button.click()
        dialog = shell.password_dialog
        assert dialog.windowTitle() == "修改密码"
        fill(dialog, "handed-over", "only-mine-1", "only-mine-2")
        assert dialog.message.text() == "两次输入的密码不一致。"
        fill(dialog, "wrong guess", "only-mine-1", "only-mine-1")
        assert dialog.message.text() == "用户名或密码错误。"
        dialog.reject()
    finally:
        translations.apply("en")
    assert shell.password_button.text() == "Change my password"
