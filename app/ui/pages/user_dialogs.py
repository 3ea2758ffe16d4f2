"""Dialogs of the Users page: add a user, reset a password.

Each dialog calls the workflow itself and stays open with the sentence shown when it refuses, so
the administrator can correct the entry instead of starting over. Passwords live only in the
fields, which are cleared when the dialog closes.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
                               QVBoxLayout, QWidget)

from app.errors import UserFacingError
from app.ui.kit.labels import USER_ROLES, label
from app.ui.kit.widgets import MessageArea, plain_label
from app.workflows import users
from app.workflows.permissions import ROLES
from app.workflows.session import Session


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.Password)
    return field


class FormDialog(QDialog):
    """Layout of every form dialog (no translated text here: ``tr`` takes the subclass name)."""

    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(420)
        self.intro = plain_label(object_name="Hint", wrap=True)
        self.form = QFormLayout()
        self.message = MessageArea()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        # Qt ships no Chinese catalogue for its own buttons in the wheel: name them ourselves.
        ok_text = QCoreApplication.translate("Dialogs", "OK")
        cancel_text = QCoreApplication.translate("Dialogs", "Cancel")
        self.buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText(cancel_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        try:
            self.apply()
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        self.accept()

    def apply(self) -> None:
        raise NotImplementedError

    def done(self, result: int) -> None:
        for field in self.findChildren(QLineEdit):
            if field.echoMode() == QLineEdit.Password:
                field.clear()
        super().done(result)


class AddUserDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.added: users.User | None = None
        self.name = QLineEdit()
        self.role = QComboBox()
        for code in ROLES:
            self.role.addItem(label(USER_ROLES, code), code)
        self.role.setCurrentIndex(ROLES.index("analyst"))
        self.branch = QLineEdit()
        self.password = password_field()
        self.confirm = password_field()
        self.rows = [(self.tr("User name"), self.name), (self.tr("Role"), self.role),
                     (self.tr("Branch code"), self.branch), (self.tr("Password"), self.password),
                     (self.tr("Repeat password"), self.confirm)]
        for text, field in self.rows:
            self.form.addRow(text, field)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.setWindowTitle(self.tr("Add user"))
        self.intro.setText(self.tr("Branch managers see and approve only their own branch's "
                                   "lists. The new user should change the password after the "
                                   "first sign-in."))

    def _role_changed(self) -> None:
        is_manager = self.role.currentData() == "branch_manager"
        self.branch.setEnabled(is_manager)
        if not is_manager:
            self.branch.clear()

    def apply(self) -> None:
        if self.password.text() != self.confirm.text():
            raise UserFacingError(self.tr("The two passwords differ."))
        self.added = users.add_user(self.session, self.name.text().strip(),
                                    self.role.currentData(), self.password.text(),
                                    self.branch.text().strip() or None)


class ResetPasswordDialog(FormDialog):
    def __init__(self, session: Session, user_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.user_name = user_name
        self.password = password_field()
        self.confirm = password_field()
        self.form.addRow(self.tr("New password"), self.password)
        self.form.addRow(self.tr("Repeat password"), self.confirm)
        self.setWindowTitle(self.tr("Reset password"))
        self.intro.setText(self.tr("Set a new password for %1. Give it to them in person; "
                                   "failed sign-in counts are cleared, and they must choose their "
                                   "own at the next sign-in.").replace("%1", user_name))

    def apply(self) -> None:
        if self.password.text() != self.confirm.text():
            raise UserFacingError(self.tr("The two passwords differ."))
        users.reset_password(self.session, self.user_name, self.password.text())
