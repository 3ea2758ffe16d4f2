"""Sign in to the open workspace."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from app.ui.kit.labels import PARTY_ROLES_SHORT, label
from app.ui.startup.common import StartupPage, password_field
from app.ui.kit.widgets import plain_label
from app.workflows.app_state import AppState


class LoginPage(StartupPage):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.workspace_label = plain_label(object_name="Brand", wrap=True)
        self.user = QLineEdit()
        self.password = password_field()
        self.user_label, self.password_label = QLabel(), QLabel()
        self.party: tuple[str, str] | None = None  # (name, role) of the open workspace
        self.body.insertWidget(2, self.workspace_label)
        self.form.addRow(self.user_label, self.user)
        self.form.addRow(self.password_label, self.password)
        self.user.returnPressed.connect(self.password.setFocus)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sign in"))
        self.subtitle.setText(self.tr("Every sign-in is recorded in the workspace's audit chain."))
        self.user_label.setText(self.tr("User name"))
        self.password_label.setText(self.tr("Password"))
        self._show_workspace()

    def next_text(self) -> str:
        return self.tr("Sign in")

    def enter(self, data: dict) -> None:
        super().enter(data)
        self.password.clear()
        ws = self.state.workspace
        self.party = (ws.party_name, ws.role) if ws is not None else None
        if self.state.suggested_user:
            self.user.setText(self.state.suggested_user)
        self._show_workspace()
        (self.password if self.user.text() else self.user).setFocus()

    def _show_workspace(self) -> None:
        if self.party is None:
            self.workspace_label.setText("")
            return
        # The party name was typed by a person: plain text only (the label is PlainText).
        name, role = self.party
        self.workspace_label.setText(f"{name} · {label(PARTY_ROLES_SHORT, role)}")

    def accept(self) -> dict:
        try:
            self.state.sign_in(self.user.text(), self.password.text())
        finally:
            self.password.clear()
        return {}
