"""The signed-in user's own password: the current one once, the new one twice.

Open to every role from the header of the main area. Administrators can only reset other
people's passwords, handing the new one over in person; this dialog is how its owner replaces it
with one nobody else knows. After such a reset the main window opens this dialog ``forced`` before
anything else: cancelling it signs out. Like the Users page dialogs, it stays open with the refusal shown and
clears its fields when it closes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QWidget

from app.errors import UserFacingError
from app.ui.pages.user_dialogs import FormDialog, password_field
from app.workflows import users
from app.workflows.session import Session


class ChangePasswordDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None, forced: bool = False):
        super().__init__(parent)
        self.session = session
        self.current = password_field()
        self.password = password_field()
        self.confirm = password_field()
        self.form.addRow(self.tr("Current password"), self.current)
        self.form.addRow(self.tr("New password"), self.password)
        self.form.addRow(self.tr("Repeat password"), self.confirm)
        self.setWindowTitle(self.tr("Change my password"))
        self.intro.setText(self.tr("New password for %1, at least 8 characters. Wrong current "
                                   "passwords count towards the sign-in lock-out.")
                           .replace("%1", session.user.name))
        if forced:
            self.intro.setText(self.tr("An administrator reset the password of %1. Choose a new "
                                       "one that only you know before you continue (at least 8 "
                                       "characters).").replace("%1", session.user.name))
            self.buttons.button(QDialogButtonBox.Cancel).setText(self.tr("Sign out"))

    def apply(self) -> None:
        if self.password.text() != self.confirm.text():
            raise UserFacingError(self.tr("The two passwords differ."))
        users.change_own_password(self.session, self.current.text(), self.password.text())
