"""An administrator's password reset must be replaced by its owner before anything else:
stored (migration 0012), refused by the CLI, asked first by the GUI, and audited."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialogButtonBox

from app.cli import main
from app.errors import PermissionDenied
from app.ui.main import create_main_window
from app.ui.settings import AppSettings
from app.workflows import audit_trail, users
from app.workflows.session import login
from app.workflows.workspace_admin import init_workspace


def reset_manager(admin_session) -> None:
    users.add_user(admin_session, "mgr.li", "branch_manager", "first-pass", "SZ-001")
    users.reset_password(admin_session, "mgr.li", "handed-over")


def test_reset_sets_the_flag_and_the_owners_change_clears_it(admin_session):
    users.add_user(admin_session, "mgr.li", "branch_manager", "first-pass", "SZ-001")
    workspace = admin_session.workspace
    assert not login(workspace, "mgr.li", "first-pass").user.must_change_password
    users.reset_password(admin_session, "mgr.li", "handed-over")
    manager = login(workspace, "mgr.li", "handed-over")
    assert manager.user.must_change_password
    with pytest.raises(PermissionDenied) as refused:
        users.require_current_password(manager)
    assert "users passwd" in str(refused.value) and "mgr.li" in str(refused.value)

    users.change_own_password(manager, "handed-over", "only-mine-1")
    assert not manager.user.must_change_password   # the same session may now go on
    users.require_current_password(manager)
    assert not login(workspace, "mgr.li", "only-mine-1").user.must_change_password
    resets = audit_trail.list_entries(admin_session, action="users.reset_password")
    assert [(e["actor"], e["objects"]) for e in resets] == [("admin", '{"user":"mgr.li"}')]
    changes = audit_trail.list_entries(admin_session, action="users.change_password")
    assert [e["actor"] for e in changes] == ["mgr.li"]


def test_cli_refuses_other_commands_until_passwd(tmp_path, monkeypatch, capsys):
    ws = str(tmp_path / "ws")
    monkeypatch.setenv("LIANMO_PASSWORD", "admin-password")
    assert main(["workspace", "init", "--path", ws, "--party-name", "Bank", "--role", "label",
                 "--admin", "root"]) == 0
    monkeypatch.setenv("LIANMO_NEW_PASSWORD", "first-pass")
    assert main(["users", "add", "--workspace", ws, "ana", "--role", "administrator"]) == 0
    monkeypatch.setenv("LIANMO_NEW_PASSWORD", "handed-over")
    assert main(["users", "reset-password", "--workspace", ws, "ana"]) == 0
    capsys.readouterr()

    monkeypatch.setenv("LIANMO_PASSWORD", "handed-over")
    assert main(["--lang", "en", "users", "list", "--workspace", ws, "--user", "ana"]) != 0
    said = capsys.readouterr().err
    assert "change it before anything else" in said and "users passwd" in said
    assert main(["--lang", "zh_CN", "workspace", "info", "--workspace", ws, "--user", "ana"]) != 0
    assert "请先修改密码" in capsys.readouterr().err

    monkeypatch.setenv("LIANMO_NEW_PASSWORD", "only-mine-1")
    assert main(["users", "passwd", "--workspace", ws, "--user", "ana"]) == 0
    monkeypatch.setenv("LIANMO_PASSWORD", "only-mine-1")
    assert main(["users", "list", "--workspace", ws, "--user", "ana"]) == 0
    assert "ana\tadministrator" in capsys.readouterr().out


@pytest.fixture
def window(qtbot, qapp, tmp_path):
    settings = AppSettings.at(tmp_path / "settings.ini")
    settings.set_language("en")
    w = create_main_window(qapp, settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def sign_in(window, path, name: str, password: str) -> None:
    window.startup.page.path.setText(str(path))
    window.startup.next_button.click()
    window.startup.page.user.setText(name)
    window.startup.page.password.setText(password)
    window.startup.next_button.click()


def test_gui_asks_for_a_new_password_before_the_shell(window, tmp_path):
    admin = init_workspace(tmp_path / "ws", "Demo Bank", "label", "admin", "correct horse")
    reset_manager(admin)
    admin.workspace.close()

    sign_in(window, tmp_path / "ws", "mgr.li", "handed-over")
    dialog = window.password_dialog
    assert window.shell is None and dialog.isVisible()
    assert "An administrator reset the password of mgr.li" in dialog.intro.text()
    cancel = dialog.buttons.button(QDialogButtonBox.Cancel)
    assert cancel.text() == "Sign out"
    dialog.current.setText("handed-over")
    dialog.password.setText("only-mine-1")
    dialog.confirm.setText("only-mine-2")
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    assert dialog.isVisible() and window.shell is None   # refused: stays asking
    assert dialog.message.text() == "The two passwords differ."
    dialog.confirm.setText("only-mine-1")
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    assert not dialog.isVisible()
    assert window.shell is not None and window.shell.session.user.name == "mgr.li"
    assert not window.shell.session.user.must_change_password


def test_gui_cancelling_the_forced_change_signs_out(window, tmp_path):
    admin = init_workspace(tmp_path / "ws", "Demo Bank", "label", "admin", "correct horse")
    reset_manager(admin)
    admin.workspace.close()

    sign_in(window, tmp_path / "ws", "mgr.li", "handed-over")
    window.password_dialog.buttons.button(QDialogButtonBox.Cancel).click()
    assert window.shell is None and window.state.session is None
    assert window.startup.page.user.text() == "mgr.li"   # back at sign-in, workspace still open
    # The flag is still there: signing in again asks again.
    window.startup.page.password.setText("handed-over")
    window.startup.next_button.click()
    assert window.shell is None and window.password_dialog.isVisible()
