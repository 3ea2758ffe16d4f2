"""The Add peer dialog: a name, where the peer listens, and the fingerprint obtained out of band.

The fingerprint is the only thing that makes the link trustworthy, so the dialog refuses to pin a
peer without it and shows the short code of what was typed, for reading back over the phone.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout,
                               QWidget)

from app.errors import UserFacingError, ValidationError
from app.ui.kit.widgets import MessageArea, plain_label
from app.workflows.peering import parse_fingerprint, peers, short_code
from app.workflows.session import Session


class AddPeerDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.added: dict | None = None
        self.setModal(True)
        self.setMinimumWidth(560)
        self.setWindowTitle(self.tr("Add peer"))
        self.intro = plain_label(self.tr(
            "Ask the other party's administrator for their fingerprint by phone or in person, "
            "never by e-mail alone. Lianmo connects only to the computer holding that key."),
            object_name="Hint", wrap=True)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. platform"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("HOST:PORT, e.g. 10.0.0.5:7443"))
        self.fingerprint = QLineEdit()
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.fingerprint.setPlaceholderText(self.tr("64 hexadecimal digits, spaces allowed"))
        self.code = plain_label(object_name="Hint")
        self.fingerprint.textChanged.connect(self._show_code)
        form = QFormLayout()
        form.addRow(self.tr("Peer name"), self.name)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Fingerprint"), self.fingerprint)
        form.addRow("", self.code)
        self.message = MessageArea()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("Pin peer"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show_code()

    def _show_code(self) -> None:
        text = self.fingerprint.text().strip()
        try:
            code = short_code(parse_fingerprint(text)) if text else None
        except ValidationError:
            code = None
        if code is None:
            self.code.setText(self.tr("The read-aloud code appears when the fingerprint is "
                                      "complete."))
        else:
            self.code.setText(self.tr("Read-aloud code: %1 (compare it with the peer)")
                              .replace("%1", code))

    def submit(self) -> None:
        missing = [(self.name, self.tr("Enter a name for the peer.")),
                   (self.address, self.tr("Enter the address where the peer listens, as "
                                          "HOST:PORT.")),
                   (self.fingerprint, self.tr("Enter the peer's fingerprint: without it Lianmo "
                                              "cannot tell the peer from an impostor."))]
        for field, text in missing:
            if not field.text().strip():
                self.message.show_text(text, "error")
                field.setFocus()
                return
        try:
            self.added = peers.add_peer(self.session, self.name.text().strip(),
                                        self.address.text().strip(), self.fingerprint.text())
        except UserFacingError as exc:
            self.message.show_error(exc)
            return
        self.accept()
