"""Create a workspace: this party's name and role, the first administrator, where the key lives."""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFileDialog, QLabel, QLineEdit,
                               QRadioButton, QVBoxLayout, QWidget)

from app.errors import UserFacingError
from app.ui.kit.labels import PARTY_ROLES, label
from app.ui.settings import AppSettings
from app.ui.startup.common import StartupPage, folder_row, password_field
from app.ui.kit.widgets import button, plain_label
from app.workflows.app_state import AppState, keyring_available
from app.workflows.workspace_admin import PARTY_ROLES as PARTY_ROLE_CODES


class CreatePage(StartupPage):
    def __init__(self, state: AppState, settings: AppSettings, parent=None):
        super().__init__(parent)
        self.state, self.settings = state, settings
        self.path = QLineEdit()
        self.browse = button()
        self.browse.clicked.connect(self.choose_folder)
        self.party_name = QLineEdit()
        self.party_role = QComboBox()
        for code in PARTY_ROLE_CODES:
            self.party_role.addItem("", code)
        self.admin_name = QLineEdit("admin")
        self.admin_password = password_field()
        self.admin_confirm = password_field()
        self.use_keyring = QRadioButton()
        self.use_passphrase = QRadioButton()
        self.key_mode = QButtonGroup(self)
        self.key_mode.addButton(self.use_keyring)
        self.key_mode.addButton(self.use_passphrase)
        self.passphrase = password_field()
        self.passphrase_confirm = password_field()
        self.key_hint = plain_label(object_name="Hint", wrap=True)
        self.labels = {key: QLabel() for key in ("folder", "party", "role", "admin", "password",
                                                 "confirm", "key", "passphrase", "repeat")}
        self._build_form()
        self.use_passphrase.toggled.connect(self._key_mode_changed)
        self.retranslate()

    def _build_form(self) -> None:
        keys = QWidget()
        box = QVBoxLayout(keys)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.use_keyring)
        box.addWidget(self.use_passphrase)
        rows = [("folder", folder_row(self.path, self.browse)), ("party", self.party_name),
                ("role", self.party_role), ("admin", self.admin_name),
                ("password", self.admin_password), ("confirm", self.admin_confirm),
                ("key", keys), ("passphrase", self.passphrase),
                ("repeat", self.passphrase_confirm)]
        for key, field in rows:
            self.form.addRow(self.labels[key], field)
            if key == "key":  # its own row: inside ``keys`` the form cut the wrapped hint to a line
                self.form.addRow("", self.key_hint)
        has_keyring = keyring_available()
        self.use_keyring.setEnabled(has_keyring)
        (self.use_keyring if has_keyring else self.use_passphrase).setChecked(True)
        self._key_mode_changed()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Create a workspace"))
        self.subtitle.setText(self.tr("Each party creates its own workspace. You become its first "
                                      "administrator and can add analysts and branch managers."))
        texts = {"folder": self.tr("New folder"), "party": self.tr("Party name"),
                 "role": self.tr("This party is the"), "admin": self.tr("Administrator"),
                 "password": self.tr("Password"), "confirm": self.tr("Repeat password"),
                 "key": self.tr("Workspace key"), "passphrase": self.tr("Passphrase"),
                 "repeat": self.tr("Repeat passphrase")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        for i, code in enumerate(PARTY_ROLE_CODES):
            self.party_role.setItemText(i, label(PARTY_ROLES, code))
        self.browse.setText(self.tr("Browse…"))
        self.party_name.setPlaceholderText(self.tr("e.g. the bank's branch or the platform"))
        self.use_keyring.setText(self.tr("Keep a random key in this computer's keyring "
                                         "(recommended)"))
        self.use_passphrase.setText(self.tr("Protect with a passphrase"))
        self._key_mode_changed()

    def _key_mode_changed(self, *_args) -> None:
        with_passphrase = self.use_passphrase.isChecked()
        for key, field in (("passphrase", self.passphrase), ("repeat", self.passphrase_confirm)):
            field.setVisible(with_passphrase)
            self.labels[key].setVisible(with_passphrase)
        if not self.use_keyring.isEnabled():
            self.key_hint.setText(self.tr("No keyring is available on this computer, so the "
                                          "workspace needs a passphrase."))
        elif with_passphrase:
            self.key_hint.setText(self.tr("Without the passphrase nobody, including you, can "
                                          "open the workspace again."))
        else:
            self.key_hint.setText(self.tr("Only this computer's account can open the workspace. "
                                          "Removing the key destroys the data."))

    def next_text(self) -> str:
        return self.tr("Create workspace")

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose an empty folder"))
        if folder:
            self.path.setText(folder)

    def accept(self) -> dict:
        try:
            if self.admin_password.text() != self.admin_confirm.text():
                raise UserFacingError(self.tr("The two passwords differ."))
            passphrase = None
            if self.use_passphrase.isChecked():
                passphrase = self.passphrase.text()
                if passphrase != self.passphrase_confirm.text():
                    raise UserFacingError(self.tr("The two passphrases differ."))
            path = self.path.text().strip()
            self.state.create_workspace(
                path, self.party_name.text(), self.party_role.currentData(),
                self.admin_name.text().strip(), self.admin_password.text(), passphrase)
        finally:
            for field in (self.admin_password, self.admin_confirm, self.passphrase,
                          self.passphrase_confirm):
                field.clear()
        self.settings.add_recent_workspace(path)
        return {"action": "create", "path": path}
