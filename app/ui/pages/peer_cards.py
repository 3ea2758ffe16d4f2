"""The two panels of the Peers page: our identity to give out, and the fingerprint-mismatch alarm.

Both show fingerprints as two lines of eight groups in a fixed-width font, so two people can
compare them group by group, with the short code to read aloud next to them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.ui.errors import said
from app.ui.kit.widgets import MessageArea, Retranslatable, button, plain_label
from app.workflows.peering.status import Mismatch, PeerLink


def two_lines(fingerprint: str) -> str:
    """16 groups of hex as two lines of 8: short enough to read, and to compare by eye."""
    groups = fingerprint.split(" ")
    return " ".join(groups[:8]) + "\n" + " ".join(groups[8:])


def fixed(label: QLabel, scale: float = 1.0, bold: bool = False) -> QLabel:
    font = QFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def card_layout(frame: QFrame) -> QVBoxLayout:
    frame.setObjectName("Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 18, 20, 18)
    layout.setSpacing(10)
    return layout


class IdentityCard(Retranslatable, QFrame):
    """Our fingerprint and read-aloud code, a Copy button, and where our listener is."""

    def __init__(self, me: dict, link: PeerLink, parent: QWidget | None = None):
        super().__init__(parent)
        self.link = link
        self.heading = plain_label(object_name="Hint")
        self.fingerprint = fixed(plain_label(two_lines(me["fingerprint"])))
        self.code_label = plain_label(object_name="Hint")
        self.code = fixed(plain_label(me["short_code"]), scale=1.3, bold=True)
        self.copy_button = button()
        self.listening = plain_label(object_name="Hint", wrap=True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.addWidget(self.heading, 0, 0)
        grid.addWidget(self.fingerprint, 0, 1)
        grid.addWidget(self.copy_button, 0, 2)
        grid.addWidget(self.code_label, 1, 0)
        grid.addWidget(self.code, 1, 1)
        grid.setColumnStretch(3, 1)
        box = card_layout(self)
        box.addLayout(grid)
        box.addWidget(self.listening)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Our fingerprint"))
        self.code_label.setText(self.tr("Read aloud"))
        self.copy_button.setText(self.tr("Copy"))
        if self.link.running:
            text = self.tr("Listening for peers at %1.").replace("%1", self.link.address)
        elif self.link.error is not None:
            text = self.tr("Not listening: %1 Peers cannot reach this workspace; checks and "
                           "pairing from here still work.").replace(
                "%1", said(self.link.error, str(self.link.error)))
        else:
            text = self.tr("Not listening while this page is open on its own.")
        self.listening.setText(text)


class MismatchCard(Retranslatable, QFrame):
    """Hidden until a peer answers with a key we did not pin; then impossible to overlook."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.shown: tuple[str, str, Mismatch] | None = None  # peer name, address, fingerprints
        self.alert = MessageArea()
        bold = QFont(self.alert.font())
        bold.setBold(True)
        self.alert.setFont(bold)
        self.pinned_heading = plain_label(object_name="Hint", wrap=True)
        self.presented_heading = plain_label(object_name="Hint", wrap=True)
        self.pinned, self.presented = fixed(plain_label()), fixed(plain_label())
        self.pinned_code, self.presented_code = fixed(plain_label()), fixed(plain_label())
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for row, widgets in enumerate(((self.pinned_heading, self.pinned, self.pinned_code),
                                       (self.presented_heading, self.presented,
                                        self.presented_code))):
            for col, widget in enumerate(widgets):
                grid.addWidget(widget, row, col)
        grid.setColumnStretch(3, 1)
        self.advice = plain_label(wrap=True)
        box = card_layout(self)
        box.addWidget(self.alert)
        box.addLayout(grid)
        box.addWidget(self.advice)
        self.hide()

    def show_mismatch(self, name: str, address: str, mismatch: Mismatch) -> None:
        self.shown = (name, address, mismatch)
        self.retranslate()
        self.show()

    def hide_for(self, name: str) -> None:
        """The alarm goes once that peer answers correctly or is removed, not before."""
        if self.shown is not None and self.shown[0] == name:
            self.shown = None
            self.hide()

    def retranslate(self) -> None:
        if self.shown is None:
            return
        name, address, m = self.shown
        self.alert.show_text(self.tr(
            "FINGERPRINT MISMATCH: the computer answering for %1 is not the one you paired "
            "with. The connection was closed; nothing from it was trusted.").replace("%1", name),
            "error")
        self.pinned_heading.setText(self.tr("Pinned (what you entered)"))
        self.pinned.setText(two_lines(m.pinned))
        self.pinned_code.setText(m.pinned_code)
        self.presented_heading.setText(self.tr("Presented by the computer at %1")
                                       .replace("%1", address))
        self.presented.setText(two_lines(m.presented) if m.presented else "—")
        self.presented_code.setText(m.presented_code or "")
        self.advice.setText(self.tr("Check the fingerprint with the peer's administrator by "
                                    "phone, then remove this peer and add it again."))
