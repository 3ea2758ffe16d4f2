"""Open, unlock, create and sign in through the real start-up screen (offscreen Qt)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

import pytest
from PySide6.QtCore import Qt

from app.ui.main import create_main_window
from app.ui.settings import AppSettings
from app.workflows.wizard import CREATE, LOGIN, OPEN
from app.workflows.workspace_admin import init_workspace


@pytest.fixture
def settings(tmp_path):
    s = AppSettings.at(tmp_path / "settings.ini")
    s.set_language("en")
    return s


@pytest.fixture
def window(qtbot, qapp, settings):
    w = create_main_window(qapp, settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    dispose(w)


def dispose(widget) -> None:
    """Really delete a test's widgets: no event loop runs between tests to do it later."""
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def make_workspace(path):
    init_workspace(path, "Demo Bank", "label", "admin", "correct horse").workspace.close()


def open_folder(window, path, passphrase=None):
    page = window.startup.page
    page.path.setText(str(path))
    if passphrase is not None:
        page.passphrase.setText(passphrase)
    window.startup.next_button.click()


def test_unlock_and_login(window, tmp_path, settings):
    make_workspace(tmp_path / "ws")
    assert window.startup.view == OPEN
    open_folder(window, tmp_path / "ws")
    assert window.startup.view == LOGIN
    login = window.startup.page
    assert "Demo Bank" in login.workspace_label.text()
    login.user.setText("admin")
    login.password.setText("wrong password")
    window.startup.next_button.click()
    assert window.startup.view == LOGIN and window.shell is None
    assert login.message.text() == "Wrong user name or password."
    assert login.message.kind == "error" and login.message.textFormat() == Qt.PlainText
    assert login.password.text() == ""  # typed secrets do not linger in the field
    login.password.setText("correct horse")
    window.startup.next_button.click()
    assert window.shell is not None and window.stack.currentWidget() is window.shell
    assert window.shell.session.user.name == "admin"
    assert settings.recent_workspaces() == [str((tmp_path / "ws").resolve())]


def test_missing_folder_shows_sentence(window, tmp_path):
    open_folder(window, tmp_path / "nope")
    page = window.startup.page
    assert window.startup.view == OPEN
    assert page.message.isVisible() and "No workspace folder" in page.message.text()


def test_passphrase_workspace_asks_for_it(window, tmp_path):
    init_workspace(tmp_path / "ws", "Platform", "feature", "root", "correct horse",
                   passphrase="a long passphrase").workspace.close()
    page = window.startup.page
    assert not page.passphrase.isVisible()
    open_folder(window, tmp_path / "ws")
    assert window.startup.view == OPEN
    assert page.passphrase.isVisible()
    assert "not in this machine's keyring" in page.message.text()
    open_folder(window, tmp_path / "ws", "not the passphrase")
    assert window.startup.view == OPEN and "key is wrong or missing" in page.message.text()
    open_folder(window, tmp_path / "ws", "a long passphrase")
    assert window.startup.view == LOGIN
    window.startup.back_button.click()  # back closes the workspace again
    assert window.startup.view == OPEN and window.state.workspace is None


def test_create_workspace_then_sign_in(window, tmp_path, settings):
    window.startup.page.create_button.click()
    assert window.startup.view == CREATE
    page = window.startup.page
    page.path.setText(str(tmp_path / "new"))
    page.party_name.setText("<b>Bank</b> & Co")
    page.party_role.setCurrentIndex(page.party_role.findData("feature"))
    page.admin_name.setText("boss")
    page.admin_password.setText("correct horse")
    page.admin_confirm.setText("correct horsE")
    window.startup.next_button.click()
    assert window.startup.view == CREATE and page.message.text() == "The two passwords differ."
    page.admin_password.setText("correct horse")
    page.admin_confirm.setText("correct horse")
    window.startup.next_button.click()
    assert window.startup.view == LOGIN
    login = window.startup.page
    assert login.user.text() == "boss"
    # A party name with markup is shown as typed, never rendered as rich text.
    assert login.workspace_label.textFormat() == Qt.PlainText
    assert "<b>Bank</b> & Co" in login.workspace_label.text()
    login.password.setText("correct horse")
    window.startup.next_button.click()
    assert window.shell.session.user.name == "boss"
    assert window.shell.session.workspace.role == "feature"
    stored = (tmp_path / "settings.ini").read_text(encoding="utf-8")
    assert "correct horse" not in stored and "boss" not in stored and "Bank" not in stored


def test_sign_out_returns_to_sign_in(window, tmp_path):
    make_workspace(tmp_path / "ws")
    open_folder(window, tmp_path / "ws")
    window.startup.page.user.setText("admin")
    window.startup.page.password.setText("correct horse")
    window.startup.next_button.click()
    window.shell.sign_out_button.click()
    assert window.shell is None and window.startup.view == LOGIN
    assert window.state.session is None and window.state.workspace is not None
    window.close_action.trigger()
    assert window.startup.view == OPEN and window.state.workspace is None
